/**
 * validate's result cache, through the built bin: RECCTL_CACHE_STATS=1 makes it say on stderr
 * how each run used the cache (hits by stat or by content, misses, whether it wrote).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test, type TestContext } from "node:test";
import { BIN, FIXTURES, recctl, REPO, tempDir, type RunResult } from "./run.js";

const VALID = join(FIXTURES, "valid");
const INVALID = join(FIXTURES, "invalid");
const SUITE = join("tests", "integration", "inference", "recordings");

/** A root with the valid fixtures (one unreachable: a name-hash warning) and three invalid ones. */
function tree(t: TestContext): { root: string; dir: string; count: number } {
  const root = tempDir(t);
  const dir = join(root, SUITE);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(VALID)) cpSync(join(VALID, name), join(dir, name));
  for (const name of ["is-streaming-string.json", "truncated.json", "invalid-utf8.json"]) cpSync(join(INVALID, name), join(dir, name));
  // A file not in the recorder's formatting, whose name says another hash: two warnings.
  const text = readFileSync(join(VALID, "current-openai-chat-stream.json"), "utf8");
  writeFileSync(join(dir, `${"ab".repeat(32)}.json`), text.replace(/\n {2}/g, "\n    "));
  return { root, dir, count: readdirSync(dir).length };
}

/** `validate` in `root` with the default cache (`.recctl_cache` there) and the stats line. */
function run(root: string, args: string[] = [], env: Record<string, string> = {}): RunResult {
  return recctl(["validate", ...args], { cwd: root, env: { RECCTL_CACHE_DIR: "", RECCTL_CACHE_STATS: "1", ...env } });
}

function stats(r: RunResult): { byStat: number; byContent: number; misses: number; written: boolean; discarded: boolean } {
  const m = /cache \S+: (\d+) hits \((\d+) by stat, (\d+) by content\), (\d+) misses, \d+ uncached; (written|not written)(; .*)?$/m.exec(r.stderr);
  assert.ok(m, `no cache line in: ${r.stderr}`);
  return { byStat: Number(m[2]), byContent: Number(m[3]), misses: Number(m[4]), written: m[5] === "written", discarded: m[6] !== undefined };
}

/** stderr without the stats line: what a user sees. */
const userErr = (r: RunResult): string => r.stderr.replace(/^recctl: cache.*\n/m, "");

test("a second whole-tree run takes every result from the cache, and prints the same", (t) => {
  const { root, count } = tree(t);
  const first = run(root);
  assert.deepEqual(stats(first), { byStat: 0, byContent: 0, misses: count, written: true, discarded: false });
  const second = run(root);
  const s = stats(second);
  assert.equal(s.byStat + s.byContent, count);
  assert.equal(s.misses, 0);
  assert.equal(second.code, first.code);
  assert.equal(second.stdout, first.stdout);
  assert.equal(userErr(second), userErr(first));
});

test("the cache lives in .recctl_cache in the root, which ignores itself (.gitignore '*')", (t) => {
  const { root } = tree(t);
  run(root);
  const dir = join(root, ".recctl_cache");
  assert.ok(existsSync(join(dir, "validate.json")));
  assert.deepEqual(readFileSync(join(dir, ".gitignore"), "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#")), ["*"]);
  assert.match(readFileSync(join(dir, "CACHEDIR.TAG"), "utf8"), /^Signature: 8a477f597d28d172789f06886806bc55/);
});

test("--no-cache neither reads nor writes a cache", (t) => {
  const { root } = tree(t);
  const r = run(root, ["--no-cache"]);
  assert.match(r.stderr, /recctl: cache: off/);
  assert.equal(existsSync(join(root, ".recctl_cache")), false);
});

test("--cache-dir and RECCTL_CACHE_DIR put the cache elsewhere", (t) => {
  const { root } = tree(t);
  const elsewhere = tempDir(t);
  run(root, ["--cache-dir", join(elsewhere, "a")]);
  run(root, [], { RECCTL_CACHE_DIR: join(elsewhere, "b") });
  assert.ok(existsSync(join(elsewhere, "a", "validate.json")));
  assert.ok(existsSync(join(elsewhere, "b", "validate.json")));
  assert.equal(existsSync(join(root, ".recctl_cache")), false);
});

test("a few files named one by one (pre-commit) are checked without the cache", (t) => {
  const { root, dir } = tree(t);
  const r = run(root, [join(dir, "tool-invocation.json"), join(dir, "truncated.json")]);
  assert.match(r.stderr, /recctl: cache: off/);
  assert.equal(existsSync(join(root, ".recctl_cache")), false);
});

test("output with and without the cache is byte-identical: text, json and github formats", (t) => {
  for (const format of ["text", "json", "github"]) {
    const { root } = tree(t);
    const plain = recctl(["validate", "--format", format, "--no-cache"], { cwd: root });
    const cold = recctl(["validate", "--format", format], { cwd: root, env: { RECCTL_CACHE_DIR: "" } });
    const warm = recctl(["validate", "--format", format], { cwd: root, env: { RECCTL_CACHE_DIR: "" } });
    assert.equal(plain.code, 1, `${format}: ${plain.stdout}`);
    assert.ok(existsSync(join(root, ".recctl_cache", "validate.json")));
    for (const r of [cold, warm]) {
      assert.equal(r.code, plain.code, format);
      assert.equal(r.stdout, plain.stdout, format);
      assert.equal(r.stderr, plain.stderr, format);
    }
  }
});

test("files unchanged since a run are answered by size and times; an edit of the same size with its mtime put back is checked again", async (t) => {
  const { root, dir, count } = tree(t);
  const file = join(dir, "tool-invocation.json");
  // A whole-second mtime in the past, which utimes can put back exactly.
  const mtime = Math.floor(Date.now() / 1000) - 3600;
  utimesSync(file, mtime, mtime);
  // Times are trusted only for files last changed (ctime too) more than 2 s before the run that saw them.
  await sleep(2100);
  run(root);
  const warm = run(root);
  assert.deepEqual(stats(warm), { byStat: count, byContent: 0, misses: 0, written: false, discarded: false });
  // Same size, same mtime, other content: `false` → `"no!"` makes the file invalid.
  const before = statSync(file);
  const text = readFileSync(file, "utf8");
  assert.match(text, /"is_streaming": false/);
  writeFileSync(file, text.replace('"is_streaming": false', '"is_streaming": "no!"'));
  utimesSync(file, mtime, mtime);
  assert.equal(statSync(file).size, before.size);
  assert.equal(statSync(file).mtimeMs, before.mtimeMs);
  const edited = run(root, ["--json"]);
  assert.equal(stats(edited).misses, 1);
  assert.equal(edited.code, 1);
  const report = JSON.parse(edited.stdout) as { files: { file: string; valid: boolean; errors: { pointer: string }[] }[] };
  const entry = report.files.find((f) => f.file.endsWith("tool-invocation.json"));
  assert.equal(entry?.valid, false);
  assert.equal(entry?.errors[0]?.pointer, "/response/is_streaming");
});

test("a copy of the tree with the cache restored (new times, same bytes) is warm by content", (t) => {
  const { root, count } = tree(t);
  run(root);
  const clone = tempDir(t);
  cpSync(root, clone, { recursive: true });
  const r = run(clone);
  assert.deepEqual(stats(r), { byStat: 0, byContent: count, misses: 0, written: true, discarded: false });
});

test("a renamed file is checked again: its name is part of its key (the name-hash check reads it)", (t) => {
  const { root, dir, count } = tree(t);
  run(root);
  // Same bytes as the `abab…` file, another name: the name-hash warning must name it.
  cpSync(join(dir, `${"ab".repeat(32)}.json`), join(dir, `${"cd".repeat(32)}.json`));
  const r = run(root, ["--json"]);
  assert.equal(stats(r).misses, 1);
  assert.equal(stats(r).byStat + stats(r).byContent, count);
  const report = JSON.parse(r.stdout) as { files: { file: string; warnings: { rule: string; message: string }[] }[] };
  const warning = report.files.find((f) => f.file.endsWith(`${"cd".repeat(32)}.json`))?.warnings.find((w) => w.rule === "name-hash");
  assert.match(warning?.message ?? "", /the file is named cdcdcdcdcdcd…/);
});

test("another --ignore set, or an edited --schema file, invalidates the cache", (t) => {
  const { root, count } = tree(t);
  run(root);
  const ignoring = run(root, ["--ignore", "format"]);
  assert.equal(stats(ignoring).misses, count);
  assert.ok(stats(ignoring).discarded);
  const schema = join(root, "schema.json");
  cpSync(join(REPO, "schemas", "recording.schema.json"), schema);
  run(root, ["--schema", schema]);
  assert.equal(stats(run(root, ["--schema", schema])).misses, 0);
  const edited = JSON.parse(readFileSync(schema, "utf8")) as Record<string, unknown>;
  writeFileSync(schema, JSON.stringify({ ...edited, description: "edited" }));
  assert.equal(stats(run(root, ["--schema", schema])).misses, count);
});

test("another recctl version invalidates the cache", (t) => {
  const { root, count } = tree(t);
  // A copy of the package whose version can be changed.
  const pkg = tempDir(t);
  for (const part of ["bin", "dist", "schemas", "package.json"]) cpSync(join(REPO, part), join(pkg, part), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(pkg, "node_modules"));
  const spawn = (): RunResult => {
    const r = spawnSync(process.execPath, [join(pkg, "bin", "recctl.js"), "validate"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", RECCTL_CACHE_DIR: "", RECCTL_CACHE_STATS: "1" },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  spawn();
  assert.equal(stats(spawn()).misses, 0);
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ ...manifest, version: "99.0.0" }));
  const after = spawn();
  assert.equal(stats(after).misses, count);
  assert.ok(stats(after).discarded);
});

test("a corrupt or foreign cache file is ignored and rewritten, never trusted", (t) => {
  const { root, count } = tree(t);
  const file = join(root, ".recctl_cache", "validate.json");
  const expected = recctl(["validate", "--json", "--no-cache"], { cwd: root }).stdout;
  run(root);
  const good = readFileSync(file, "utf8");
  const stored = JSON.parse(good) as { results: Record<string, [number, unknown[], unknown[]]> };
  // Truncated, not JSON, another program's JSON, and a result that says valid while listing an error.
  const key = Object.keys(stored.results)[0] ?? "";
  const forged = { ...stored, results: { ...stored.results, [key]: [1, [["", 1, 1, "made up", "schema"]], []] } };
  for (const bad of [good.slice(0, good.length / 2), "not json", JSON.stringify({ version: 1, files: [] }), JSON.stringify(forged)]) {
    writeFileSync(file, bad);
    const r = run(root, ["--json"]);
    assert.deepEqual(stats(r), { byStat: 0, byContent: 0, misses: count, written: true, discarded: true });
    assert.equal(r.stdout, expected);
    assert.doesNotThrow(() => JSON.parse(readFileSync(file, "utf8")));
    assert.equal(stats(run(root)).misses, 0);
  }
});

test("runs at the same time leave a whole cache file (each replaces it atomically)", async (t) => {
  const { root, count } = tree(t);
  const once = (): Promise<number> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, "validate"], { cwd: root, env: { ...process.env, RECCTL_CACHE_DIR: "" }, stdio: "ignore" });
      child.on("exit", (code) => resolve(code ?? -1));
    });
  const codes = await Promise.all([once(), once(), once(), once()]);
  assert.deepEqual(codes, [1, 1, 1, 1]);
  const dir = join(root, ".recctl_cache");
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes(".recctl-tmp-") || n.endsWith(".tmp")), []);
  assert.doesNotThrow(() => JSON.parse(readFileSync(join(dir, "validate.json"), "utf8")));
  const r = run(root);
  assert.equal(stats(r).misses, 0);
  assert.equal(stats(r).byStat + stats(r).byContent, count);
});
