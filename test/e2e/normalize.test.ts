/**
 * `recctl normalize` end to end: the built bin, run in a temporary copy of
 * test/fixtures/normalize/repo (nothing is written inside the repository). The expected files in
 * test/fixtures/normalize/expected/ are CPython's `json.dump(indent=2)` + "\n" of the recorder's
 * own normalization (make-fixtures.py there, run once; the tests never run Python).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

// dist-test/test/e2e/ is three levels below the repo root.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = path.join(ROOT, "bin", "recctl.js");
const FIXTURES = path.join(ROOT, "test", "fixtures", "normalize");

const TRUNCATED = "tests/integration/inference/recordings/truncated.json";
const MODELS = "tests/integration/inference/recordings/models-768c497339830cf86ddd7843f33d0ed06b3bce3ef2ae9f854364b534ba8cafb7-fb68f5a6.json";
const ALREADY = "tests/integration/inference/recordings/750b763fe0733029db6c790d7330c02ee2a516a5afa38f7dd5550f2b1dc484c4.json";
const NOT_HASH_NAMED = "tests/integration/inference/recordings/hand-written-example.json";
const CHAT = "tests/integration/inference/recordings/cc7128cf3c88faebc0713764504913d494858b16d5bcdc23a384420fb6750543.json";
const STREAM = "tests/integration/common/recordings/ae7918bcbd92b3c41e01718829c34edea74327863184b55d1b20eb0313043916.json";
const COMPACT = "tests/integration/inference/recordings/0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function recctl(cwd: string, ...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["FORCE_COLOR"];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh copy of the fixture repository; `withTruncated: false` leaves the broken file out. */
const workspaces: string[] = [];
after(() => {
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

function workspace({ withTruncated = true } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-normalize-e2e-"));
  workspaces.push(dir);
  fs.cpSync(path.join(FIXTURES, "repo"), dir, { recursive: true });
  if (!withTruncated) fs.rmSync(path.join(dir, TRUNCATED));
  return dir;
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Bytes and mtime of every file: what "touches nothing" means. */
function snapshot(dir: string): Map<string, string> {
  return new Map(files(dir).map((f) => [f, `${fs.statSync(path.join(dir, f)).mtimeMs} ${fs.readFileSync(path.join(dir, f)).toString("base64")}`]));
}

const expected = (rel: string): Buffer => fs.readFileSync(path.join(FIXTURES, "expected", rel));

describe("recctl normalize (dry run)", () => {
  test("lists each file that would change with its changes, touches nothing, exits 0", () => {
    const dir = workspace({ withTruncated: false });
    const before = snapshot(dir);
    const r = recctl(dir, "normalize");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(snapshot(dir), before);
    assert.match(r.stdout, new RegExp(`^${CHAT}\\n  /response/body/__data__/id: "chatcmpl-CZ2eWpx1d7Ra3hVnJ4qvGxUe0yXkT" → "rec-cc7128cf3c88"$`, "m"));
    assert.match(r.stdout, /^ {2}\/response\/body\/__data__\/created: 1762377455 → 0$/m);
    assert.match(r.stdout, /^ {2}id in 8 chunks: "chatcmpl-a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" → "rec-ae7918bcbd92"$/m);
    assert.match(r.stdout, /^ {2}created_at in 8 chunks: "2025-07-29T23:26:18\.143606Z" … "2025-07-29T23:26:18\.447699Z" \(8 values\) → "1970-01-01T00:00:00\.000000Z"$/m);
    assert.match(r.stdout, new RegExp(`^${COMPACT}\\n  formatting: not the recorder's → json\\.dump\\(indent=2\\) \\+ newline$`, "m"));
    assert.match(r.stdout, /^• 9 of 11 files would change; run with --write$/m);
    assert.ok(!r.stdout.includes(MODELS) && !r.stdout.includes(ALREADY), "unchanged files are not listed");
  });

  test("a file whose name is not a hash: a notice on stderr, ids left alone, the rest listed", () => {
    const dir = workspace({ withTruncated: false });
    const r = recctl(dir, "normalize", NOT_HASH_NAMED);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `recctl: ${NOT_HASH_NAMED}: not hash-named: ids left alone\n`);
    assert.match(r.stdout, /\/response\/body\/__data__\/created: 1762377455 → 0/);
    assert.doesNotMatch(r.stdout, /__data__\/id/);
  });

  test("a file that does not parse is reported with its position, left byte-identical; the rest still processed; exit 2", () => {
    const dir = workspace();
    const before = fs.readFileSync(path.join(dir, TRUNCATED));
    const r = recctl(dir, "normalize", "--write");
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^recctl: ${TRUNCATED}:\\d+:\\d+: invalid JSON: unexpected end of file \\(truncated\\?\\) \\(left untouched\\)$`, "m"));
    assert.deepEqual(fs.readFileSync(path.join(dir, TRUNCATED)), before);
    assert.deepEqual(fs.readFileSync(path.join(dir, CHAT)), expected(CHAT));
  });

  test("a path that names nothing exits 2", () => {
    const dir = workspace({ withTruncated: false });
    const r = recctl(dir, "normalize", "no/such/recordings");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no\/such\/recordings: no such file or directory/);
  });
});

describe("recctl normalize --check", () => {
  test("exits 1 when any file would change, and touches nothing", () => {
    const dir = workspace({ withTruncated: false });
    const before = snapshot(dir);
    const r = recctl(dir, "normalize", "--check");
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^✖ 9 of 11 files would change; run with --write$/m);
    assert.deepEqual(snapshot(dir), before);
  });

  test("exits 0 on files with nothing to change", () => {
    const dir = workspace({ withTruncated: false });
    const r = recctl(dir, "normalize", "--check", MODELS, ALREADY);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "✔ 2 of 2 files already normalized\n");
  });

  test("exits 2 (not 1) when a file does not parse", () => {
    const dir = workspace();
    assert.equal(recctl(dir, "normalize", "--check").code, 2);
  });
});

describe("recctl normalize --write", () => {
  test("rewrites every file byte for byte as Python's json.dump(indent=2) + newline after the recorder's normalization", () => {
    const dir = workspace();
    recctl(dir, "normalize", "--write");
    for (const rel of files(path.join(FIXTURES, "expected"))) {
      assert.deepEqual(fs.readFileSync(path.join(dir, rel)).toString("utf8"), expected(rel).toString("utf8"), rel);
    }
  });

  test("integral floats, big ints, exponents and \\u escapes survive the rewrite", () => {
    const dir = workspace({ withTruncated: false });
    assert.equal(recctl(dir, "normalize", "--write").code, 0);
    const text = fs.readFileSync(path.join(dir, STREAM), "utf8");
    for (const literal of ['"temperature": 1.0', '"seed": 18446744073709551617', '"presence_penalty": 1e-05', '"frequency_penalty": -7.67606e-05', '"budget": 1e+16']) {
      assert.ok(text.includes(literal), literal);
    }
    assert.ok(fs.readFileSync(path.join(dir, COMPACT), "utf8").includes("caf\\u00e9 \\u2615"));
  });

  test("writes only the files that change, leaves no temporary file, and a second run finds nothing (idempotent)", () => {
    const dir = workspace({ withTruncated: false });
    const before = snapshot(dir);
    const first = recctl(dir, "normalize", "--write");
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^✔ normalized 9 of 11 files$/m);
    assert.match(first.stdout, new RegExp(`^${CHAT} \\(written\\)$`, "m"));
    const after = snapshot(dir);
    assert.equal(after.get(MODELS), before.get(MODELS), "model ids and created are kept: file not rewritten");
    assert.equal(after.get(ALREADY), before.get(ALREADY));
    assert.deepEqual([...after.keys()], [...before.keys()], "no temporary files left");
    const second = recctl(dir, "normalize", "--check");
    assert.equal(second.code, 0);
    assert.equal(second.stdout, "✔ 11 of 11 files already normalized\n");
    assert.deepEqual(snapshot(dir), after);
  });

  test("--write --check fixes the files and still exits 1 (CI: fix and fail)", () => {
    const dir = workspace({ withTruncated: false });
    assert.equal(recctl(dir, "normalize", "--write", "--check").code, 1);
    assert.equal(recctl(dir, "normalize", "--check").code, 0);
  });
});

describe("recctl normalize --json", () => {
  test("prints one document: summary and, per file to change, every change as {pointer, from, to}", () => {
    const dir = workspace();
    const r = recctl(dir, "normalize", "--json");
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as {
      summary: { files: number; changed: number; written: number; errors: number };
      files: { file: string; changes: { pointer: string; from: unknown; to: unknown }[]; reformat: boolean; notes: string[] }[];
      errors: { file: string; error: string; rule: string; line: number | null; column: number | null }[];
    };
    assert.deepEqual(doc.summary, { files: 12, changed: 9, written: 0, errors: 1 });
    const chat = doc.files.find((f) => f.file === CHAT);
    assert.deepEqual(chat, {
      file: CHAT,
      changes: [
        { pointer: "/response/body/__data__/id", from: "chatcmpl-CZ2eWpx1d7Ra3hVnJ4qvGxUe0yXkT", to: "rec-cc7128cf3c88" },
        { pointer: "/response/body/__data__/created", from: 1762377455, to: 0 },
      ],
      reformat: false,
      written: false,
      notes: [],
    });
    assert.equal(doc.files.find((f) => f.file === STREAM)?.changes.length, 16);
    assert.equal(doc.files.find((f) => f.file === COMPACT)?.reformat, true);
    assert.deepEqual(doc.files.find((f) => f.file === NOT_HASH_NAMED)?.notes, ["not hash-named: ids left alone"]);
    assert.equal(doc.files.find((f) => f.file === TRUNCATED), undefined, "a file that could not be read is in errors, not files");
    assert.deepEqual(
      doc.errors.map((e) => [e.file, e.rule]),
      [[TRUNCATED, "json"]],
    );
    assert.match(doc.errors[0]?.error ?? "", /truncated/);
    assert.equal(doc.files.find((f) => f.file === MODELS), undefined);
  });
});

test("a temporary file a killed run left is found by the tree walk itself (no second read of the folder) and by a named file's folder; --write removes it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-normalize-temps-"));
  try {
    fs.cpSync(path.join(FIXTURES, "repo"), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, ".git"));
    const folder = path.dirname(path.join(dir, MODELS));
    // pid 2^22 + 1 is above Linux's pid_max: the run that wrote it has ended.
    const temp = path.join(folder, "x.json.recctl-tmp-4194305-0a0b0c0d");
    fs.writeFileSync(temp, "{");
    const run = (args: string[]): { status: number | null; stderr: string } => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      return { status: r.status, stderr: r.stderr };
    };
    const note = /^recctl: note: tests\/integration\/inference\/recordings\/x\.json\.recctl-tmp-4194305-0a0b0c0d: a temporary file left by an interrupted run \(--write removes it\)$/m;
    assert.match(run(["normalize"]).stderr, note); // the walk over the whole tree
    assert.match(run(["normalize", MODELS]).stderr, note); // a named file: its folder is read
    assert.ok(fs.existsSync(temp), "a dry run removes nothing");
    assert.match(run(["normalize", "--write"]).stderr, /x\.json\.recctl-tmp-4194305-0a0b0c0d: a temporary file left by an interrupted run, removed$/m);
    assert.ok(!fs.existsSync(temp));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
