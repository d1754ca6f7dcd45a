import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { BIN, fixtureCopy, hashRow, recctl } from "./run.js";

const CHAT = "tests/integration/chat/recordings";
const TOOLS = "tests/integration/tools/recordings";

/** The fixture's recordings by what they show (test/fixtures/prune). */
const KEPT_GPT4O = `${CHAT}/8a7949099f9488baf9db7fc450f168f101803147715da0d81dd7760a5c752c5f.json`;
const PARAM_REMOVED = `${CHAT}/7ffd9c01b1091f69d62c1c0c61b92fa78bf3aadc3cd6b5b17184e425d07f285d.json`;
const TEST_REMOVED = `${CHAT}/29b8a90c08620901c510dd61110f61224e2d6f1c4cbed59b0fddbff277ef6c43.json`;
const UNREACHABLE = `${CHAT}/ba531f77ec93c1390d034f2bb9e9bdca31c84f481e55e34d05dd250780d5385e.json`;
const MODEL_LIST = `${CHAT}/models-64a2277c90f0f42576f60c1030e3a020403d34a95f56931b792d5939f4cebc57-0da7d1b1.json`;
const TOOL_PARAM_REMOVED = `${TOOLS}/4481df719c98c16cc04e19070c51de9492c7a64e1e3700c07730aef116da0270.json`;
const FILE_MISSING = `${TOOLS}/a9d3595a3028ee2b0d917b0fdd43aba0b717b3b68cc21cb743a3576eabcd170a.json`;
/** A tool call whose test file is gone: it has a test_id, so test reasons apply (SPEC). */
const TOOL_CALL_FILE_MISSING = `${TOOLS}/921796a1b93ade48b54763c8f6672187375ac49bbaaf919c18b8c02d43dc64d2.json`;

const WITH_MANIFEST: Record<string, string[]> = {
  [TEST_REMOVED]: ["not-collected"],
  [PARAM_REMOVED]: ["not-collected"],
  [UNREACHABLE]: ["unreachable"],
  [TOOL_PARAM_REMOVED]: ["not-collected"],
  [FILE_MISSING]: ["test-file-missing", "not-collected"],
  [TOOL_CALL_FILE_MISSING]: ["test-file-missing", "not-collected"],
};

interface PruneJson {
  summary: { scanned: number; orphans: number; deleted: number };
  orphans: { file: string; hash: string | null; request_hash: string | null; test_id: string | null; reasons: string[]; superseded_by: string | null; responses_differ: boolean | null; kept: unknown; deleted: boolean; error: string | null }[];
  index_orphans: { index: string; request_hash: string; reasons: string[]; deleted: boolean }[];
  errors: { file: string; error: string; rule: string }[];
  partial: { problems: string[]; not_judged: { file: string; test_file: string }[] } | null;
  refused: string | null;
}

function pruneJson(args: string[], cwd: string, input = ""): { code: number; json: PruneJson; stderr: string } {
  const r = recctl(["prune", "--json", ...args], { cwd, input });
  assert.ok(r.stdout.trim().startsWith("{"), `expected JSON on stdout, got: ${r.stdout}\n${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as PruneJson, stderr: r.stderr };
}

function reasonsByFile(json: PruneJson): Record<string, string[]> {
  return Object.fromEntries(json.orphans.map((o) => [o.file, o.reasons]));
}

/** Every file under `dir`, relative, sorted. */
function listing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path ?? dir, e.name)))
    .sort();
}

function pytestAvailable(): string | null {
  const r = spawnSync("python3", ["-m", "pytest", "--version"], { encoding: "utf8" });
  return r.status === 0 ? null : (r.stderr || r.error?.message || "python3 -m pytest failed").trim().split("\n").at(-1) ?? "";
}

const PYTEST_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: "1", NO_COLOR: "1", FORCE_COLOR: "0" };

/** `python3 -m pytest --collect-only -q | recctl prune --collected - …`, through a real pipe. */
function pipeCollectIntoPrune(cwd: string, args: string): { code: number; stdout: string; stderr: string } {
  const script = `python3 -m pytest --collect-only -q -p no:cacheprovider | "${process.execPath}" "${BIN}" prune --collected - ${args}`;
  const r = spawnSync("sh", ["-c", script], { cwd, encoding: "utf8", env: PYTEST_ENV });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("prune: orphan reasons", () => {
  test("without --collected: only unreachable and test-file-missing; a dry run exits 0", (t) => {
    const root = fixtureCopy(t, "prune");
    const { code, json } = pruneJson([], root);
    assert.equal(code, 0);
    assert.deepEqual(reasonsByFile(json), {
      [UNREACHABLE]: ["unreachable"],
      [FILE_MISSING]: ["test-file-missing"],
      [TOOL_CALL_FILE_MISSING]: ["test-file-missing"],
    });
    assert.deepEqual(json.summary, { ...json.summary, scanned: 11, orphans: 3, deleted: 0 });
  });

  test("with --collected: recordings of removed tests and parameters are not-collected; reasons in fixed order", (t) => {
    const root = fixtureCopy(t, "prune");
    const { code, json } = pruneJson(["--collected", "collected.txt"], root);
    assert.equal(code, 0);
    assert.deepEqual(reasonsByFile(json), WITH_MANIFEST);
    const o = json.orphans.find((x) => x.file === FILE_MISSING);
    assert.deepEqual(o, {
      file: FILE_MISSING,
      hash: "a9d3595a3028ee2b0d917b0fdd43aba0b717b3b68cc21cb743a3576eabcd170a",
      request_hash: "a9d3595a3028ee2b0d917b0fdd43aba0b717b3b68cc21cb743a3576eabcd170a",
      test_id: "tests/integration/gone/test_gone.py::test_old[x]",
      reasons: ["test-file-missing", "not-collected"],
      superseded_by: null,
      responses_differ: null,
      kept: null,
      deleted: false,
      error: null,
    });
  });

  test("a model list without test_id and notes.json are never orphans", (t) => {
    const root = fixtureCopy(t, "prune");
    const files = pruneJson(["--collected", "collected.txt"], root).json.orphans.map((o) => o.file);
    for (const f of [MODEL_LIST, `${CHAT}/notes.json`, KEPT_GPT4O]) assert.ok(!files.includes(f), f);
  });

  test("text output groups by test (without parameters), counts reasons and says it was a dry run", (t) => {
    const root = fixtureCopy(t, "prune");
    const r = recctl(["prune", "--collected", "collected.txt"], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^tests\/integration\/chat\/test_chat\.py::test_chat_completion\n {2}tests\/integration\/chat\/recordings\/7ffd9c01\S+\.json {2}\[mistral-7b\] {2}not-collected$/m);
    assert.match(r.stdout, /^tests\/integration\/gone\/test_gone\.py::test_old\n {2}\S+a9d3595a\S+ {2}\[x\] {2}test-file-missing, not-collected$/m);
    assert.match(
      r.stdout,
      /^6 orphans of 11 recordings \(1 unreachable, 2 test-file-missing, 5 not-collected\); dry run — rerun with --delete to remove them$/m,
    );
  });

  test("test files resolve against --root, not the current directory", (t) => {
    const root = fixtureCopy(t, "prune");
    const elsewhere = fixtureCopy(t, "invalid");
    const r = recctl(["--root", root, "prune", "--json"], { cwd: elsewhere });
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as PruneJson;
    const expected = [UNREACHABLE, FILE_MISSING, TOOL_CALL_FILE_MISSING];
    assert.deepEqual(json.orphans.map((o) => [expected.some((e) => o.file.endsWith(e)), o.reasons.length]), [
      [true, 1],
      [true, 1],
      [true, 1],
    ]);
  });

  test("--check exits 1 when orphans are found, 0 when none are", (t) => {
    const root = fixtureCopy(t, "prune");
    assert.equal(recctl(["prune", "--check", "--collected", "collected.txt"], { cwd: root }).code, 1);
    const clean = recctl(["prune", "--check", KEPT_GPT4O, "--collected", "collected.txt"], { cwd: root });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /✔ no orphans among 1 recording/);
  });

  test("--reason filters the listed orphans; not-collected without --collected is a usage error", (t) => {
    const root = fixtureCopy(t, "prune");
    const { json } = pruneJson(["--collected", "collected.txt", "--reason", "unreachable", "--reason", "test-file-missing"], root);
    assert.deepEqual(Object.keys(reasonsByFile(json)).sort(), [UNREACHABLE, FILE_MISSING, TOOL_CALL_FILE_MISSING].sort());
    const r = recctl(["prune", "--reason", "not-collected"], { cwd: root });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--reason not-collected needs --collected/);
  });

  test("an empty manifest is an error (exit 2), never 'everything is orphaned'", (t) => {
    const root = fixtureCopy(t, "prune");
    const r = recctl(["prune", "--collected", "-", "--delete"], { cwd: root, input: "\nno tests ran in 0.01s\n" });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stdin: no test node ids found/);
    assert.equal(r.stdout, "");
    assert.deepEqual(listing(root), listing(fixtureCopy(t, "prune")));
  });

  test("a pytest-json-report document is read like the -q output", (t) => {
    const root = fixtureCopy(t, "prune");
    const ids = readFileSync(join(root, "collected.txt"), "utf8").split("\n").filter((l) => l.includes("::"));
    const report = {
      root,
      collectors: [{ nodeid: "", outcome: "passed", result: ids.map((nodeid) => ({ nodeid, type: "Function" })) }],
    };
    writeFileSync(join(root, "report.json"), JSON.stringify(report));
    const { code, json } = pruneJson(["--collected", "report.json"], root);
    assert.equal(code, 0);
    assert.deepEqual(reasonsByFile(json), WITH_MANIFEST);
  });

  test("an unreadable recording is reported, never an orphan, never removed; exit 2", (t) => {
    const root = fixtureCopy(t, "prune");
    const truncated = `${TOOLS}/${"0".repeat(64)}.json`;
    const text = readFileSync(join(root, FILE_MISSING), "utf8");
    writeFileSync(join(root, truncated), text.slice(0, text.length / 2));
    // Broken only in its response: found out when the file, an orphan by its request, is read whole.
    const badBytes = `${TOOLS}/${"f".repeat(64)}.json`;
    const at = Buffer.byteLength(text.slice(0, text.indexOf('"response"')));
    const bytes = Buffer.from(text);
    writeFileSync(join(root, badBytes), Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 1)]));
    // --max-delete 100%: the exit 2 and the files kept come from their being unreadable, not from a guard.
    const { code, json, stderr } = pruneJson(["--delete", "--max-delete", "100%", "--collected", "collected.txt"], root);
    assert.equal(code, 2);
    assert.deepEqual(json.refused, null);
    assert.ok(existsSync(join(root, truncated)));
    assert.ok(existsSync(join(root, badBytes)));
    assert.ok(!json.orphans.some((o) => o.file === truncated || o.file === badBytes));
    assert.deepEqual(json.errors.map((u) => u.file), [truncated, badBytes]);
    assert.match(stderr, /0{64}\.json:\d+:\d+: invalid JSON.*\(not judged, never removed\)/);
    assert.match(stderr, /f{64}\.json:\d+:\d+: invalid UTF-8 .*\(not judged, never removed\)/);
  });

  test("a request longer than the part read first, with a character cut at that point, is hashed in full", (t) => {
    const root = fixtureCopy(t, "prune");
    const text = readFileSync(join(root, TEST_REMOVED), "utf8");
    const at = text.indexOf('"request": {') + '"request": {'.length;
    // Two-byte characters from an odd offset: byte 8192 falls inside one of them.
    let lead = `\n    "note": "`;
    if ((8192 - Buffer.byteLength(text.slice(0, at) + lead)) % 2 === 0) lead += "x";
    const long = `${text.slice(0, at)}${lead}${"é".repeat(6000)}",${text.slice(at)}`;
    const scratch = join(root, CHAT, `${"1".repeat(64)}.json`);
    writeFileSync(scratch, long);
    const hashed = hashRow<{ hash: string }>(recctl(["hash", "--json", scratch], { cwd: root }));
    const named = `${CHAT}/${hashed.hash}.json`;
    writeFileSync(join(root, named), long);
    const { json } = pruneJson(["--collected", "collected.txt", named, scratch], root);
    assert.deepEqual(json.errors, []);
    // The scratch file holds the very request of the correctly named one: superseded too.
    assert.deepEqual(reasonsByFile(json), { [named]: ["not-collected"], [relative(root, scratch)]: ["unreachable", "superseded", "not-collected"] });
    assert.equal(json.orphans.find((o) => o.file === named)?.request_hash, hashed.hash);
  });

  test("a request key repeated further on: the last one counts, as the recorder reads it, so the file is kept", (t) => {
    const root = fixtureCopy(t, "prune");
    const text = readFileSync(join(root, KEPT_GPT4O), "utf8");
    // A stray first "request" in the part read first; the real one (the file's name) comes after.
    const repeated = `{\n  "request": {"method": "GET", "url": "http://0.0.0.0:11434/v1/models", "body": {}},${text.slice(1)}`;
    writeFileSync(join(root, KEPT_GPT4O), repeated);
    const hashed = hashRow<{ matches: boolean }>(recctl(["hash", "--json", KEPT_GPT4O], { cwd: root }));
    assert.equal(hashed.matches, true);
    const { json } = pruneJson(["--collected", "collected.txt"], root);
    assert.equal(reasonsByFile(json)[KEPT_GPT4O], undefined);
    assert.deepEqual(reasonsByFile(json), WITH_MANIFEST);
  });

  test("a manifest sharing no test file with the recordings is flagged, and --delete refuses", (t) => {
    const root = fixtureCopy(t, "prune");
    const r = recctl(["prune", "--delete", "--collected", "-"], { cwd: root, input: "other/tests/test_x.py::test_y\n" });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /names none of the \d+ test files/);
    assert.match(r.stderr, /nothing removed/);
    assert.deepEqual(listing(root), listing(fixtureCopy(t, "prune")));
  });
});

describe("prune --delete", () => {
  test("removes exactly the listed files and reports each", (t) => {
    const root = fixtureCopy(t, "prune");
    const before = listing(root);
    // 6 of 11 recordings: more than the default --max-delete 25%.
    const { code, json } = pruneJson(["--delete", "--max-delete", "6", "--collected", "collected.txt"], root);
    assert.equal(code, 0);
    const listed = json.orphans.map((o) => o.file).sort();
    assert.deepEqual(listed, Object.keys(WITH_MANIFEST).sort());
    assert.ok(json.orphans.every((o) => o.deleted));
    assert.equal(json.summary.deleted, 6);
    assert.deepEqual(listing(root), before.filter((f) => !listed.includes(f)));
  });

  test("text output marks each removed file; a second run finds nothing", (t) => {
    const root = fixtureCopy(t, "prune");
    const r = recctl(["prune", "--delete", "--reason", "unreachable"], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^ {2}${UNREACHABLE.replace(/\./g, "\\.")} {2}unreachable {2}removed$`, "m"));
    assert.match(r.stdout, /1 orphan of 11 recordings \(1 unreachable\); removed 1$/m);
    assert.equal(recctl(["prune", "--check", "--reason", "unreachable"], { cwd: root }).code, 0);
  });

  test("--delete with --check removes the orphans and still exits 1 (they were there)", (t) => {
    const root = fixtureCopy(t, "prune");
    const r = recctl(["prune", "--delete", "--check", "--max-delete", "50%"], { cwd: root });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!existsSync(join(root, UNREACHABLE)));
  });

  test("refuses a file outside a recordings folder, removes the rest, exit 2", (t) => {
    const root = fixtureCopy(t, "prune");
    const stray = `tests/integration/chat/backup/${UNREACHABLE.split("/").at(-1) ?? ""}`;
    mkdirSync(join(root, "tests/integration/chat/backup"));
    copyFileSync(join(root, UNREACHABLE), join(root, stray));
    const { code, json } = pruneJson(["--delete", stray, CHAT], root);
    assert.equal(code, 2);
    const byFile = Object.fromEntries(json.orphans.map((o) => [o.file, o]));
    assert.deepEqual(byFile[stray]?.error, "not inside a recordings folder of the repository");
    assert.equal(byFile[stray]?.deleted, false);
    assert.equal(byFile[UNREACHABLE]?.deleted, true);
    assert.ok(existsSync(join(root, stray)));
    assert.ok(!existsSync(join(root, UNREACHABLE)));
  });

  test("a removal that fails is reported and the rest go on; exit 2", (t: TestContext) => {
    const root = fixtureCopy(t, "prune");
    const target = join(root, UNREACHABLE);
    // Root ignores file modes, so as root the file is made immutable; otherwise its folder read-only.
    const asRoot = process.getuid?.() === 0;
    const lock = asRoot ? spawnSync("chattr", ["+i", target], { encoding: "utf8" }) : null;
    if (lock !== null && lock.status !== 0) {
      t.skip(`cannot make a file unremovable here (chattr +i: ${(lock.stderr || lock.error?.message || "failed").trim()})`);
      return;
    }
    if (!asRoot) chmodSync(join(root, CHAT), 0o555);
    try {
      const { code, json } = pruneJson(["--delete", "--max-delete", "50%"], root);
      assert.equal(code, 2);
      const failed = json.orphans.find((o) => o.file === UNREACHABLE);
      assert.equal(failed?.deleted, false);
      assert.match(failed?.error ?? "", /permission denied|operation not permitted/i);
      assert.equal(json.orphans.find((o) => o.file === FILE_MISSING)?.deleted, true);
      assert.ok(existsSync(target));
      assert.ok(!existsSync(join(root, FILE_MISSING)));
    } finally {
      if (asRoot) spawnSync("chattr", ["-i", target]);
      else chmodSync(join(root, CHAT), 0o755);
    }
  });

  test("legacy layout: index rows without a file and files without a row are removed together", (t) => {
    const root = fixtureCopy(t, "legacy-index");
    const dry = pruneJson([], root);
    assert.equal(dry.code, 0);
    assert.deepEqual(reasonsByFile(dry.json), { "tests/integration/recordings/responses/f1ea938b0b0d.json": ["unindexed"] });
    assert.deepEqual(
      dry.json.index_orphans.map((r) => [r.index, r.request_hash.slice(0, 12), r.reasons]),
      [["tests/integration/recordings/index.sqlite", "afb33182f365", ["index-orphan"]]],
    );
    const { code, json } = pruneJson(["--delete"], root);
    assert.equal(code, 0);
    assert.equal(json.summary.deleted, 2);
    assert.ok(!existsSync(join(root, "tests/integration/recordings/responses/f1ea938b0b0d.json")));
    const after = pruneJson(["--check"], root);
    assert.equal(after.code, 0);
    assert.equal(after.json.summary.orphans, 0);
  });

  test("legacy layout: an indexed response file that is removed takes its index row along", (t) => {
    const root = fixtureCopy(t, "legacy-index");
    const indexed = "tests/integration/recordings/responses/3877ecf1bc62.json";
    const text = readFileSync(join(root, indexed), "utf8");
    writeFileSync(join(root, indexed), text.replace('"body": {},', '"body": {"edited": true},'));
    const { code, json } = pruneJson(["--delete", "--reason", "unreachable"], root);
    assert.equal(code, 0);
    assert.deepEqual(reasonsByFile(json), { [indexed]: ["unreachable"] });
    assert.ok(!existsSync(join(root, indexed)));
    // No row is left pointing at the removed file; the index orphan that was there before stays.
    const after = pruneJson([], root);
    assert.deepEqual(after.json.index_orphans.map((r) => r.request_hash.slice(0, 12)), ["afb33182f365"]);
  });
});

describe("prune with a real pytest collection", () => {
  const missing = pytestAvailable();

  test("pytest --collect-only -q piped into prune --collected - finds exactly the orphans", { skip: missing === null ? false : `pytest not installed: ${missing}` }, (t) => {
    const root = fixtureCopy(t, "prune");
    const r = pipeCollectIntoPrune(root, "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reasonsByFile(JSON.parse(r.stdout) as PruneJson), WITH_MANIFEST);
  });

  test("a test file that fails to collect: its recordings are not judged, stderr says so, --delete refuses", { skip: missing === null ? false : `pytest not installed: ${missing}` }, (t) => {
    const root = fixtureCopy(t, "prune");
    writeFileSync(join(root, "tests/integration/tools/test_tools.py"), "import pytest\n\nclass TestTools:\n    def test_call(self, tool:\n        pass\n");
    const before = listing(root);

    const dry = pipeCollectIntoPrune(root, "--json");
    assert.equal(dry.code, 0, dry.stderr);
    const json = JSON.parse(dry.stdout) as PruneJson;
    const expected = { ...WITH_MANIFEST };
    delete expected[TOOL_PARAM_REMOVED];
    assert.deepEqual(reasonsByFile(json), expected);
    assert.match(dry.stderr, /partial collection/);
    assert.match(dry.stderr, /could not collect tests\/integration\/tools\/test_tools\.py \(SyntaxError/);
    assert.match(dry.stderr, /tests\/integration\/tools\/test_tools\.py: 2 recordings not judged not-collected/);
    assert.deepEqual(json.partial?.not_judged.map((u) => u.file).sort(), [`${TOOLS}/2aee70a6f3848d6cc5163ed749664a71a96e9b4878984724b6415559f79f2b62.json`, TOOL_PARAM_REMOVED].sort());

    const refused = pipeCollectIntoPrune(root, "--delete");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /nothing removed: the collection was partial/);
    assert.deepEqual(listing(root), before);

    const allowed = pipeCollectIntoPrune(root, "--delete --allow-partial --max-delete 50% --json");
    assert.equal(allowed.code, 0, allowed.stderr);
    const removed = Object.keys(expected).sort();
    assert.deepEqual(listing(root), before.filter((f) => !removed.includes(f)));
    assert.ok(existsSync(join(root, TOOL_PARAM_REMOVED)));
  });
});
