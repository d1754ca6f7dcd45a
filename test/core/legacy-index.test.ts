import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import initSqlJs from "sql.js";
import type { SqlJsStatic } from "sql.js";
import {
  LegacyIndexError,
  checkLegacyIndex,
  deleteLegacyEntries,
  legacyResponsePath,
  readLegacyIndex,
} from "../../src/core/legacy-index.js";

// dist-test/test/core/ is three levels below the repo root.
const FIXTURE = fileURLToPath(
  new URL("../../../test/fixtures/legacy-index/tests/integration/recordings/", import.meta.url),
);
const FIXTURE_INDEX = path.join(FIXTURE, "index.sqlite");

const ORPHAN_HASH = "afb33182f365a0cac32efe6fcf06dfe5884043736a80367ecad8d30c3eb03a46";
const UNINDEXED = "f1ea938b0b0d";
const INDEXED = ["3877ecf1bc62", "d0ac68cbde69", "211b1562d4e6", "3c0bf9ba81b2", "3ca695048bee"];

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the fixture laid out as in a repo; returns its `recordings` folder. */
function copyFixture(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-legacy-"));
  tempDirs.push(root);
  const recordings = path.join(root, "tests", "integration", "recordings");
  fs.cpSync(FIXTURE, recordings, { recursive: true });
  return recordings;
}

let sql: Promise<SqlJsStatic> | undefined;
function loadSql(): Promise<SqlJsStatic> {
  const dist = path.dirname(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm.wasm"));
  sql ??= initSqlJs({ locateFile: (name) => path.join(dist, name) });
  return sql;
}

/** Runs SQL against an index file in place (test setup only). */
async function alterIndex(indexPath: string, statements: string): Promise<void> {
  const SQL = await loadSql();
  const db = new SQL.Database(fs.readFileSync(indexPath));
  db.exec(statements);
  fs.writeFileSync(indexPath, db.export());
  db.close();
}

async function expectIndexError(promise: Promise<unknown>, problem: string, file: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LegacyIndexError, `expected LegacyIndexError, got ${String(error)}`);
    assert.equal(error.problem, problem);
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    return true;
  });
}

describe("readLegacyIndex", () => {
  test("reads every row of the recordings table with its columns typed", async () => {
    const index = await readLegacyIndex(FIXTURE_INDEX);
    assert.equal(index.indexPath, FIXTURE_INDEX);
    assert.equal(index.dir, path.dirname(FIXTURE_INDEX));
    assert.equal(index.rows.length, 6);
    assert.deepEqual(index.rows[0], {
      request_hash: "3877ecf1bc62ed89022f61eada723899641c110e1f1bf5d9a6be4c6a043092fd",
      response_file: "3877ecf1bc62.json",
      endpoint: "/api/pull",
      model: "",
      timestamp: "2025-08-22 19:38:31",
      is_streaming: false,
    });
    assert.deepEqual(
      index.rows.filter((row) => row.is_streaming).map((row) => row.response_file),
      ["3ca695048bee.json"],
    );
  });

  test("a missing index file is an unreadable LegacyIndexError", async () => {
    const file = path.join(copyFixture(), "nope.sqlite");
    await expectIndexError(readLegacyIndex(file), "unreadable", file);
  });

  test("a file that is not SQLite is rejected with a clear message", async () => {
    const file = path.join(copyFixture(), "index.sqlite");
    fs.writeFileSync(file, '{"not": "a database"}\n');
    await expectIndexError(readLegacyIndex(file), "not-sqlite", file);
    fs.writeFileSync(file, "");
    await expectIndexError(readLegacyIndex(file), "not-sqlite", file);
  });

  test("a SQLite database without the recordings table is rejected", async () => {
    const file = path.join(copyFixture(), "index.sqlite");
    await alterIndex(file, "DROP TABLE recordings; CREATE TABLE other (x TEXT);");
    await expectIndexError(readLegacyIndex(file), "no-recordings-table", file);
  });

  test("a recordings table without response_file is rejected", async () => {
    const file = path.join(copyFixture(), "index.sqlite");
    await alterIndex(file, "DROP TABLE recordings; CREATE TABLE recordings (request_hash TEXT PRIMARY KEY);");
    await assert.rejects(readLegacyIndex(file), /lacks column "response_file"/);
  });

  test("a pending write-ahead log beside the index is refused rather than ignored", async () => {
    const file = path.join(copyFixture(), "index.sqlite");
    fs.writeFileSync(`${file}-wal`, "pending");
    await expectIndexError(readLegacyIndex(file), "pending-journal", file);
  });
});

describe("checkLegacyIndex", () => {
  test("a row whose response file is missing is an index-orphan; a file no row names is unindexed", async () => {
    const report = await checkLegacyIndex(FIXTURE_INDEX);
    assert.equal(report.rows, 6);
    assert.equal(report.responsesDir, path.join(FIXTURE, "responses"));
    assert.deepEqual(report.indexOrphans, [
      {
        request_hash: ORPHAN_HASH,
        response_file: "afb33182f365.json",
        missingFile: path.join(FIXTURE, "responses", "afb33182f365.json"),
        reason: "index-orphan",
      },
    ]);
    assert.deepEqual(report.unindexed, [
      { file: path.join(FIXTURE, "responses", `${UNINDEXED}.json`), hash: UNINDEXED, reason: "unindexed" },
    ]);
  });

  test("a stored response_file that is a path resolves like a bare name", async () => {
    const recordings = copyFixture();
    const index = path.join(recordings, "index.sqlite");
    const absolute = path.join(recordings, "responses", "d0ac68cbde69.json");
    await alterIndex(
      index,
      `UPDATE recordings SET response_file = 'responses/3877ecf1bc62.json' WHERE response_file = '3877ecf1bc62.json';
       UPDATE recordings SET response_file = '${absolute}' WHERE response_file = 'd0ac68cbde69.json';
       UPDATE recordings SET response_file = './responses/211b1562d4e6.json' WHERE response_file = '211b1562d4e6.json';`,
    );
    const report = await checkLegacyIndex(index);
    assert.deepEqual(report.indexOrphans.map((o) => o.request_hash), [ORPHAN_HASH]);
    assert.deepEqual(report.unindexed.map((u) => u.hash), [UNINDEXED]);
  });

  test("a row without a response file is an index-orphan", async () => {
    const index = path.join(copyFixture(), "index.sqlite");
    await alterIndex(index, "UPDATE recordings SET response_file = NULL WHERE response_file = '3c0bf9ba81b2.json';");
    const report = await checkLegacyIndex(index);
    const orphan = report.indexOrphans.find((o) => o.response_file === null);
    assert.ok(orphan);
    assert.equal(orphan.missingFile, null);
    assert.deepEqual(report.unindexed.map((u) => u.hash), ["3c0bf9ba81b2", UNINDEXED]);
  });

  test("only *.json directly in responses/ count; a nested index's responses are its own", async () => {
    const recordings = copyFixture();
    fs.writeFileSync(path.join(recordings, "responses", "notes.txt"), "not a recording\n");
    fs.mkdirSync(path.join(recordings, "vision", "responses"), { recursive: true });
    fs.copyFileSync(
      path.join(recordings, "responses", `${UNINDEXED}.json`),
      path.join(recordings, "vision", "responses", "aaaaaaaaaaaa.json"),
    );
    const report = await checkLegacyIndex(path.join(recordings, "index.sqlite"));
    assert.deepEqual(report.unindexed.map((u) => u.hash), [UNINDEXED]);
  });

  test("without a responses/ folder every row is an index-orphan", async () => {
    const recordings = copyFixture();
    fs.rmSync(path.join(recordings, "responses"), { recursive: true });
    const report = await checkLegacyIndex(path.join(recordings, "index.sqlite"));
    assert.equal(report.indexOrphans.length, 6);
    assert.deepEqual(report.unindexed, []);
  });
});

describe("deleteLegacyEntries", () => {
  test("removes the orphan row and the unindexed file; afterwards the index is clean", async () => {
    const recordings = copyFixture();
    const index = path.join(recordings, "index.sqlite");
    const before = await checkLegacyIndex(index);

    const result = await deleteLegacyEntries(index, {
      rowHashes: before.indexOrphans.map((o) => o.request_hash),
      files: before.unindexed.map((u) => u.file),
    });

    assert.deepEqual(result, {
      deletedRows: 1,
      deletedFiles: [path.join(recordings, "responses", `${UNINDEXED}.json`)],
      failed: [],
    });
    const afterwards = await checkLegacyIndex(index);
    assert.equal(afterwards.rows, 5);
    assert.deepEqual(afterwards.indexOrphans, []);
    assert.deepEqual(afterwards.unindexed, []);
    assert.deepEqual(
      (await readLegacyIndex(index)).rows.map((row) => row.response_file),
      INDEXED.map((hash) => `${hash}.json`),
    );
    assert.deepEqual(fs.readdirSync(recordings).sort(), ["index.sqlite", "responses"], "no temp file is left");
  });

  test("keeps the index file's permissions when it writes it back", async () => {
    const index = path.join(copyFixture(), "index.sqlite");
    fs.chmodSync(index, 0o640);
    await deleteLegacyEntries(index, { rowHashes: [ORPHAN_HASH], files: [] });
    assert.equal(fs.statSync(index).mode & 0o777, 0o640);
  });

  test("row hashes that are not in the index delete nothing and leave the file untouched", async () => {
    const index = path.join(copyFixture(), "index.sqlite");
    const bytes = fs.readFileSync(index);
    const result = await deleteLegacyEntries(index, { rowHashes: ["0".repeat(64)], files: [] });
    assert.equal(result.deletedRows, 0);
    assert.deepEqual(fs.readFileSync(index), bytes);
  });

  test("the rows go in one transaction: when one delete fails, none is deleted and no file is removed", async () => {
    const recordings = copyFixture();
    const index = path.join(recordings, "index.sqlite");
    const keep = "211b1562d4e6423b718f091906f7ac559d6ce98633710956b8bcc50615266c94";
    await alterIndex(
      index,
      `CREATE TRIGGER keep BEFORE DELETE ON recordings WHEN old.request_hash = '${keep}'
       BEGIN SELECT RAISE(ABORT, 'kept by trigger'); END;`,
    );
    const bytes = fs.readFileSync(index);
    const unindexed = path.join(recordings, "responses", `${UNINDEXED}.json`);

    await assert.rejects(
      deleteLegacyEntries(index, { rowHashes: [ORPHAN_HASH, keep], files: [unindexed] }),
      (error: unknown) => error instanceof LegacyIndexError && error.problem === "write-failed",
    );
    assert.deepEqual(fs.readFileSync(index), bytes);
    assert.ok(fs.existsSync(unindexed));
  });

  test("refuses files outside this index's responses/ folder and carries on with the rest", async () => {
    const recordings = copyFixture();
    const index = path.join(recordings, "index.sqlite");
    const responses = path.join(recordings, "responses");
    const outside = path.join(path.dirname(recordings), "elsewhere.json");
    fs.writeFileSync(outside, "{}\n");
    fs.mkdirSync(path.join(responses, "sub"));
    fs.writeFileSync(path.join(responses, "sub", "x.json"), "{}\n");
    const unindexed = path.join(responses, `${UNINDEXED}.json`);
    const refused = [
      index,
      outside,
      path.join(responses, "sub", "x.json"),
      `${responses}${path.sep}..${path.sep}index.sqlite`,
      path.join(recordings, "vision", "responses", "aaaaaaaaaaaa.json"),
    ];

    const result = await deleteLegacyEntries(index, { rowHashes: [], files: [...refused, unindexed] });

    assert.deepEqual(result.deletedFiles, [unindexed]);
    // `responses/../index.sqlite` is the index itself: listed once.
    assert.deepEqual(
      result.failed.map((f) => f.file),
      refused.filter((file) => !file.includes("..")),
    );
    for (const failure of result.failed) assert.match(failure.message, /^not removed: /);
    assert.ok(fs.existsSync(index) && fs.existsSync(outside));
    assert.ok(fs.existsSync(path.join(responses, "sub", "x.json")));
  });

  test("never removes anything outside a recordings folder", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-legacy-"));
    tempDirs.push(root);
    const dir = path.join(root, "cache");
    fs.cpSync(FIXTURE, dir, { recursive: true });
    const file = path.join(dir, "responses", `${UNINDEXED}.json`);

    const result = await deleteLegacyEntries(path.join(dir, "index.sqlite"), { rowHashes: [], files: [file] });

    assert.deepEqual(result.deletedFiles, []);
    assert.deepEqual(result.failed, [{ file, message: "not removed: not inside a recordings folder" }]);
    assert.ok(fs.existsSync(file));
  });

  test("a file that cannot be removed is reported and the others are still removed", async () => {
    const recordings = copyFixture();
    const responses = path.join(recordings, "responses");
    const gone = path.join(responses, "000000000000.json");
    const unindexed = path.join(responses, `${UNINDEXED}.json`);

    const result = await deleteLegacyEntries(path.join(recordings, "index.sqlite"), {
      rowHashes: [],
      files: [gone, unindexed],
    });

    assert.deepEqual(result.deletedFiles, [unindexed]);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]?.file, gone);
    assert.match(result.failed[0]?.message ?? "", /ENOENT/);
  });

  test("a folder named like a response is not removed", async () => {
    const recordings = copyFixture();
    const folder = path.join(recordings, "responses", "cccccccccccc.json");
    fs.mkdirSync(folder);
    const result = await deleteLegacyEntries(path.join(recordings, "index.sqlite"), { rowHashes: [], files: [folder] });
    assert.deepEqual(result, {
      deletedRows: 0,
      deletedFiles: [],
      failed: [{ file: folder, message: "not removed: not a regular file" }],
    });
    assert.ok(fs.existsSync(folder));
  });
});

describe("legacyResponsePath", () => {
  test("a bare name is looked up in responses/, as the recorder does", () => {
    const expected = "/r/recordings/responses/ab12ab12ab12.json";
    assert.equal(legacyResponsePath("/r/recordings", "ab12ab12ab12.json"), expected);
    assert.equal(legacyResponsePath("/r/recordings", "responses/ab12ab12ab12.json"), expected);
    assert.equal(legacyResponsePath("/r/recordings", "responses\\ab12ab12ab12.json"), expected);
    assert.equal(legacyResponsePath("/r/recordings", "/abs/x.json"), "/abs/x.json");
  });
});
