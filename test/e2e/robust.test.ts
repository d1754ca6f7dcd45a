/**
 * Reading whatever a repository holds (issue 13, "robust reading"; issue 9, discovery): deep
 * nesting, Python's NaN/Infinity, a BOM, a trailing comma, conflict markers, FIFOs, symlink
 * loops, a directory holding other JSON beside its recordings, standard input and /dev/fd.
 *
 * Expected values come from Python: the depth limit is where CPython 3.11's json.load raises
 * RecursionError (measured: 994 nested containers load, 995 do not), and the hashes were
 * computed with python3 (fixtures/robust/make-fixtures.py runs the recorder's own hashing
 * functions for the NaN/Infinity recording, which is named after the hash it printed).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BIN, FIXTURES, hashRow, recctl, tempDir } from "./run.js";

const ROBUST = join(FIXTURES, "robust");
const VALID = join(FIXTURES, "valid");
const TOOL = join(VALID, "tool-invocation.json");
/** Python 3.11: `hashlib.sha256(json.dumps(request_fields, sort_keys=True).encode()).hexdigest()`. */
const NON_FINITE_HASH = "7f7605de349bf0b1175bef4811de01784d7776782b2965b8d4859bfe72524bbb";
const NON_FINITE = join(ROBUST, "non-finite", "recordings", `${NON_FINITE_HASH}.json`);
/** The tool recording below with 991 nested lists (994 containers in all), hashed by python3. */
const DEEPEST_LOADABLE_HASH = "7e9e8dc8aab95cafee2c36d173868ae160392e6983dda43620fbe67e81372b79";

/** A tool recording whose kwargs hold `lists` nested lists: 3 + lists containers deep. */
function deepRecording(lists: number): string {
  const deep = `${"[".repeat(lists)}0${"]".repeat(lists)}`;
  return `{"test_id": null, "request": {"provider": "x", "tool_name": "t", "kwargs": {"deep": ${deep}}}, "response": {"body": null, "is_streaming": false}}`;
}

interface Report {
  summary: { files: number; valid: number; invalid: number; warnings: number };
  files: { file: string; valid: boolean; errors: { line: number | null; column: number | null; message: string; rule: string }[] }[];
}

function validateJson(args: string[], cwd: string, input?: string): { code: number; report: Report; stderr: string } {
  const r = recctl(["--json", "validate", ...args], input === undefined ? { cwd } : { cwd, input });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** A temporary repository-like root with one `recordings` folder; returns both paths. */
function recordingsRoot(t: { after: (fn: () => void) => void }): { root: string; dir: string } {
  const root = tempDir(t);
  const dir = join(root, "tests", "integration", "inference", "recordings");
  mkdirSync(dir, { recursive: true });
  return { root, dir };
}

function hasTool(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

// ---------------------------------------------------------------------------------------------
// Nesting depth

test("a recording nested deeper than Python's json.load goes is an error at file:line:col; the other files are still checked", (t) => {
  const { root, dir } = recordingsRoot(t);
  writeFileSync(join(dir, "deep.json"), deepRecording(5000));
  copyFileSync(TOOL, join(dir, "good.json"));
  const text = recctl(["validate"], { cwd: root });
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /^tests\/integration\/inference\/recordings\/deep\.json:1:\d+: error invalid JSON: nested deeper than 994 levels \(Python's json\.load raises RecursionError\) \(json\)$/m);
  assert.match(text.stdout, /✖ 1 of 2 files invalid/);
  const { code, report } = validateJson([], root);
  assert.equal(code, 1);
  assert.deepEqual(
    report.files.map((f) => [f.file.split("/").pop(), f.valid]),
    [
      ["deep.json", false],
      ["good.json", true],
    ],
  );
  for (const command of [["hash"], ["show"], ["normalize"], ["reassemble"]]) {
    const r = recctl([...command, join(dir, "deep.json")], { cwd: root });
    assert.equal(r.code, 2, `${command[0]}: ${r.stderr}`);
    assert.match(r.stderr, /deep\.json:1:\d+: invalid JSON: nested deeper than 994 levels/, command[0]);
    assert.doesNotMatch(r.stderr, /call stack|\n\s+at /, command[0]);
  }
});

test("994 nested containers load as in Python (every command reads them, the hash is Python's); 995 do not", (t) => {
  const { root, dir } = recordingsRoot(t);
  const file = join(dir, `${DEEPEST_LOADABLE_HASH}.json`);
  writeFileSync(file, deepRecording(991));
  const hashed = hashRow<{ hash: string; matches: boolean }>(recctl(["--json", "hash", file], { cwd: root }));
  assert.equal(hashed.hash, DEEPEST_LOADABLE_HASH);
  assert.equal(hashed.matches, true);
  assert.equal(validateJson([], root).report.summary.invalid, 0);
  for (const command of [["show"], ["normalize", "--check"], ["diff", file], ["list"]]) {
    const r = recctl([...command, file], { cwd: root });
    assert.ok(r.code === 0 || (command[0] === "normalize" && r.code === 1), `${command[0]}: ${r.code} ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /call stack/);
  }
  writeFileSync(file, deepRecording(992));
  const { report } = validateJson([], root);
  assert.match(report.files[0]?.errors[0]?.message ?? "", /nested deeper than 994 levels/);
});

// ---------------------------------------------------------------------------------------------
// NaN, Infinity, -Infinity

test("NaN, Infinity and -Infinity are read as Python reads them: valid, hashed as json.dumps writes them", () => {
  const strict = recctl(["validate", "--strict", NON_FINITE]);
  assert.equal(strict.code, 0, strict.stdout + strict.stderr);
  const hashed = hashRow<{ hash: string; matches: boolean; normalized: string }>(recctl(["--json", "hash", "--explain", NON_FINITE]));
  assert.equal(hashed.hash, NON_FINITE_HASH);
  assert.equal(hashed.matches, true);
  assert.match(hashed.normalized, /"temperature": NaN, "top_p": Infinity/);
  assert.match(hashed.normalized, /"logit_bias": \{"1": -Infinity\}/);
  const same = recctl(["diff", NON_FINITE, NON_FINITE]);
  assert.equal(same.code, 0, same.stdout);
  assert.match(recctl(["show", NON_FINITE]).stdout, /temperature=NaN top_p=Infinity/);
});

test("normalize keeps a file with NaN and -Infinity byte for byte", (t) => {
  const { root, dir } = recordingsRoot(t);
  const file = join(dir, `${NON_FINITE_HASH}.json`);
  copyFileSync(NON_FINITE, file);
  const check = recctl(["normalize", "--check"], { cwd: root });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.equal(recctl(["normalize", "--write"], { cwd: root }).code, 0);
  assert.deepEqual(readFileSync(file), readFileSync(NON_FINITE));
});

// ---------------------------------------------------------------------------------------------
// Mistakes named as what they are

test("a BOM, a trailing comma and git conflict markers are named as such, with file:line:col", (t) => {
  const { root, dir } = recordingsRoot(t);
  const good = readFileSync(TOOL, "utf8");
  writeFileSync(join(dir, "bom.json"), `\ufeff${good}`);
  writeFileSync(join(dir, "comma.json"), good.replace('\n  },\n  "response"', ',\n  },\n  "response"'));
  const lines = good.split("\n");
  lines.splice(3, 0, "<<<<<<< HEAD");
  lines.splice(5, 0, "=======", lines[4] ?? "", ">>>>>>> feature/rename");
  writeFileSync(join(dir, "conflict.json"), lines.join("\n"));
  const r = recctl(["validate"], { cwd: root });
  assert.equal(r.code, 1);
  const at = "tests/integration/inference/recordings/";
  assert.match(r.stdout, new RegExp(`^${at}bom\\.json:1:1: error invalid JSON: the file starts with a byte-order mark \\(BOM\\)`, "m"));
  assert.match(r.stdout, new RegExp(`^${at}comma\\.json:9:6: error invalid JSON: trailing comma before '}' \\(json\\)$`, "m"));
  assert.match(r.stdout, new RegExp(`^${at}conflict\\.json:4:1: error invalid JSON: git conflict markers`, "m"));
  assert.doesNotMatch(r.stdout, /header before line|truncated/);
});

// ---------------------------------------------------------------------------------------------
// Discovery

test("a FIFO is skipped with a notice and never opened, in a tree or named (no hang)", { timeout: 60_000 }, (t) => {
  if (!hasTool("mkfifo")) return t.skip("mkfifo is not installed");
  const { root, dir } = recordingsRoot(t);
  copyFileSync(TOOL, join(dir, "good.json"));
  assert.equal(spawnSync("mkfifo", [join(dir, "pipe.json")]).status, 0);
  const run = (args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: "utf8", timeout: 20_000, env: { ...process.env, NO_COLOR: "1" } });
  const tree = run(["validate"]);
  assert.equal(tree.error, undefined, "recctl did not hang");
  assert.equal(tree.status, 0, String(tree.stderr));
  assert.match(String(tree.stdout), /✔ 1 file valid/);
  assert.match(String(tree.stderr), /pipe\.json: not a regular file \(FIFO\), not opened; skipped/);
  const named = run(["validate", join(dir, "pipe.json")]);
  assert.equal(named.error, undefined, "recctl did not hang");
  assert.match(String(named.stderr), /pipe\.json: not a regular file \(FIFO\), not opened; skipped/);
  const ref = run(["hash", join(dir, "pipe.json")]);
  assert.equal(ref.error, undefined, "recctl did not hang");
  assert.equal(ref.status, 2);
  assert.match(String(ref.stderr), /not a regular file \(FIFO\), not opened/);
});

test("a symlink loop never makes a file count twice (discovery dedupes by real path)", (t) => {
  const { root, dir } = recordingsRoot(t);
  copyFileSync(TOOL, join(dir, "tool.json"));
  copyFileSync(NON_FINITE, join(dir, `${NON_FINITE_HASH}.json`));
  symlinkSync("..", join(dir, "up"));
  symlinkSync(".", join(dir, "self"));
  symlinkSync(join(root, "tests"), join(dir, "tests-again"));
  symlinkSync("tool.json", join(dir, "alias.json"));
  const { code, report } = validateJson([], root);
  assert.equal(code, 0);
  assert.deepEqual(
    report.files.map((f) => f.file),
    [`tests/integration/inference/recordings/${NON_FINITE_HASH}.json`, "tests/integration/inference/recordings/tool.json"],
  );
  // A hash prefix finds the one file, not one per route to it.
  const show = recctl(["show", NON_FINITE_HASH.slice(0, 8)], { cwd: root });
  assert.equal(show.code, 0, show.stderr);
});

test("a directory means the recordings in it: package.json, tsconfig.json and test cases beside them are not taken", () => {
  const cwd = join(ROBUST, "layout");
  const { code, report } = validateJson(["tests/integration"], cwd);
  assert.equal(code, 0);
  assert.deepEqual(
    report.files.map((f) => f.file),
    [
      "tests/integration/inference/recordings/0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json",
      "tests/integration/recordings/responses/6cb0285a7638.json",
    ],
  );
  // (The 2025 file sits in a 2025 layout and is hashed by that layout's rules: every name agrees, exit 0.)
  const hashed = recctl(["hash", "tests/integration"], { cwd });
  assert.equal(hashed.code, 0, hashed.stdout);
  assert.equal(hashed.stdout.trim().split("\n").filter((l) => l.includes(".json")).length, 2);
  assert.doesNotMatch(hashed.stdout, /package\.json|unknown/);
  // Inside a recordings folder a directory means every *.json in it.
  assert.equal(validateJson(["."], join(cwd, "tests/integration/recordings/responses")).report.summary.files, 1);
  // A file named explicitly is always taken.
  const named = validateJson(["tests/integration/package.json"], cwd);
  assert.equal(named.code, 1);
  assert.equal(named.report.files[0]?.errors[0]?.rule, "schema");
});

test("a checkout kept under a folder named recordings is not a recordings folder (only folders below the git top count)", (t) => {
  const root = join(tempDir(t), "recordings", "llama-stack");
  const dir = join(root, "tests", "integration", "inference", "recordings");
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(root, ".git"));
  copyFileSync(TOOL, join(dir, "tool.json"));
  writeFileSync(join(root, "tests", "integration", "package.json"), '{"name": "ui"}\n');
  const { code, report } = validateJson(["tests/integration"], root);
  assert.equal(code, 0);
  assert.deepEqual(
    report.files.map((f) => f.file),
    ["tests/integration/inference/recordings/tool.json"],
  );
  assert.equal(validateJson(["."], dir).report.summary.files, 1);
});

// ---------------------------------------------------------------------------------------------
// Standard input and /dev/fd

test("`-` reads one recording from standard input for validate, hash, show and diff", () => {
  const input = readFileSync(NON_FINITE, "utf8");
  const valid = recctl(["validate", "-"], { input });
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  assert.match(valid.stdout, /✔ 1 file valid/);
  const broken = recctl(["validate", "-"], { input: input.slice(0, 200) });
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /^-:\d+:\d+: error invalid JSON: unexpected end of file \(truncated\?\) \(json\)$/m);
  const hashed = hashRow<{ file: string; hash: string }>(recctl(["--json", "hash", "-"], { input }));
  assert.deepEqual([hashed.file, hashed.hash], ["-", NON_FINITE_HASH]);
  assert.match(recctl(["show", "-"], { input }).stdout, new RegExp(`^hash +${NON_FINITE_HASH} `, "m"));
  assert.equal(recctl(["show", "--raw", "-"], { input }).stdout, input);
  const diff = recctl(["diff", NON_FINITE, "-"], { input });
  assert.equal(diff.code, 0, diff.stdout + diff.stderr);
  const differs = recctl(["diff", TOOL, "-"], { input });
  assert.equal(differs.code, 1);
});

test("standard input that arrives late (a parent's pipe or socket) is waited for and read whole", async () => {
  const child = spawn(process.execPath, [BIN, "--json", "hash", "-"], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const text = readFileSync(NON_FINITE);
  setTimeout(() => child.stdin.write(text.subarray(0, 500)), 300);
  setTimeout(() => child.stdin.end(text.subarray(500)), 600);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0);
  assert.equal(hashRow<{ hash: string }>({ stdout }).hash, NON_FINITE_HASH);
});

test("stdin is read once, in the main thread, beside a tree large enough for worker threads", (t) => {
  const { root, dir } = recordingsRoot(t);
  for (let i = 0; i < 60; i++) copyFileSync(TOOL, join(dir, `tool-${i}.json`));
  const { code, report } = validateJson(["-", "tests"], root, readFileSync(NON_FINITE, "utf8").slice(0, 300));
  assert.equal(code, 1);
  assert.equal(report.summary.files, 61);
  assert.deepEqual(
    report.files.filter((f) => !f.valid).map((f) => f.file),
    ["-"],
  );
});

test("a /dev/fd path from process substitution is read as a file: diff <(…) f, validate <(…), hash <(…)", (t) => {
  if (!hasTool("bash")) return t.skip("bash is not installed");
  const sh = (script: string): ReturnType<typeof spawnSync> =>
    spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 30_000, env: { ...process.env, NO_COLOR: "1", R: BIN, F: NON_FINITE } });
  const diff = sh('"$(command -v node)" "$R" diff <(cat "$F") "$F"');
  assert.equal(diff.status, 0, String(diff.stdout) + String(diff.stderr));
  assert.match(String(diff.stdout), /no differences/);
  const valid = sh('"$(command -v node)" "$R" validate <(cat "$F")');
  assert.equal(valid.status, 0, String(valid.stderr));
  const hashed = sh('"$(command -v node)" "$R" --json hash <(cat "$F")');
  assert.equal(hashRow<{ hash: string }>({ stdout: String(hashed.stdout) }).hash, NON_FINITE_HASH);
});

test("commands that remove, rename or rewrite files refuse a stream: prune -, rehash -, normalize --write - exit 2 and say why", () => {
  const input = readFileSync(TOOL, "utf8");
  for (const [args, why] of [
    [["prune", "-"], /prune judges and removes files in a tree/],
    [["rehash", "-"], /rehash renames files in a tree/],
    [["normalize", "--write", "-"], /cannot be rewritten in place/],
  ] as const) {
    const r = recctl(args, { input });
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, why);
    assert.equal(r.stdout, "");
  }
  // Reading one is fine: the dry run says what would change.
  assert.equal(recctl(["normalize", "-"], { input }).code, 0);
  assert.match(recctl(["hash", "-"], { input }).stdout, /read from a stream: no file name to check/);
});
