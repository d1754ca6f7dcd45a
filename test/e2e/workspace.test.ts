/**
 * One workspace (issue 16): the same answer from any folder, the era that fits the tree, one
 * verdict through every command, and no green run over an empty tree. Every repository here is
 * built under a fresh temporary root with its own `git init`, so no `.git` above the temp dir
 * decides anything.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { test } from "node:test";
import { FIXTURES, recctl, tempDir } from "./run.js";

/** A git repository holding a copy of a fixture folder (its top level = the repository root). */
function gitRepo(t: { after: (fn: () => void) => void }, fixture: string): string {
  const dir = join(tempDir(t, "recctl-ws-"), "repo");
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  const git = spawnSync("git", ["init", "-q", dir], { encoding: "utf8" });
  assert.equal(git.status, 0, git.stderr);
  return dir;
}

interface MissJson {
  verdict: { kind: string };
  candidates: { file: string }[];
}

test("explain gives every miss the same verdict and candidates from a sub-folder as from the repository root", (t) => {
  const repo = gitRepo(t, "explain/repo");
  const sub = join(repo, "tests", "integration", "inference");
  const logs = join(FIXTURES, "explain", "logs");
  for (const log of ["inference-content.pytest.txt", "genai-content.pytest.txt", "httpx-payload.server.log", "inference-renamed.server.log"]) {
    const fromRoot = recctl(["--json", "explain", join(logs, log)], { cwd: repo });
    const fromSub = recctl(["--json", "explain", join(logs, log)], { cwd: sub });
    assert.equal(fromSub.code, fromRoot.code, `${log}: ${fromSub.stderr}`);
    const a = (JSON.parse(fromRoot.stdout) as { misses: MissJson[] }).misses;
    const b = (JSON.parse(fromSub.stdout) as { misses: MissJson[] }).misses;
    assert.deepEqual(
      b.map((m) => [m.verdict.kind, m.candidates.map((c) => resolve(sub, c.file))]),
      a.map((m) => [m.verdict.kind, m.candidates.map((c) => resolve(repo, c.file))]),
      log,
    );
    assert.ok(a.some((m) => m.candidates.length > 0), `${log}: the root run finds a candidate`);
  }
});

test("show <prefix> from a sub-folder finds a recording elsewhere in the repository; --root limits the search", (t) => {
  const repo = gitRepo(t, "explain/repo");
  const sub = join(repo, "tests", "integration", "inference");
  const elsewhere = join(repo, "tests", "integration", "responses", "recordings");
  const name = spawnSync("ls", [elsewhere], { encoding: "utf8" }).stdout.split("\n").find((f) => /^[0-9a-f]{64}\.json$/.test(f));
  assert.ok(name !== undefined);
  const prefix = name.slice(0, 12);
  const fromSub = recctl(["show", prefix], { cwd: sub });
  assert.equal(fromSub.code, 0, fromSub.stderr);
  assert.match(fromSub.stdout, new RegExp(name.slice(0, 20)));
  const limited = recctl(["show", "--root", ".", prefix], { cwd: sub });
  assert.equal(limited.code, 2);
  assert.match(limited.stderr, /no recording under .* matches/);
});

test("the 2025 layouts are judged by their own recorder's rules when no recorder source is found", (t) => {
  for (const layout of ["2025-08-index-layout", "2025-09-responses-layout"]) {
    const repo = gitRepo(t, `samples/${layout}`);
    const r = recctl(["validate", "--no-cache"], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /name-hash/, `${layout}: every file is found by the recorder that wrote it`);
    assert.match(r.stdout, /hash rules by layout/);
    // Under the newest rules the same files are stale: the layout, not luck, made them reachable.
    const newest = recctl(["validate", "--no-cache", "--rules", "current"], { cwd: repo });
    assert.match(newest.stdout, /\(name-hash\)/);
    // One file named alone (pre-commit) is judged by its folder too.
    const one = recctl(["validate", "--no-cache", join("tests", "integration", "recordings", "responses", basename(firstJson(join(repo, "tests", "integration", "recordings", "responses"))))], { cwd: repo });
    assert.equal(one.code, 0, one.stderr);
    assert.doesNotMatch(one.stdout, /name-hash/);
  }
});

function firstJson(dir: string): string {
  const f = spawnSync("ls", [dir], { encoding: "utf8" }).stdout.split("\n").find((x) => x.endsWith(".json"));
  assert.ok(f !== undefined, dir);
  return join(dir, f);
}

test("a kind of call with no rule in the era gets one verdict through validate, hash, show, prune and rehash", (t) => {
  const repo = gitRepo(t, "samples/current");
  const dir = join(repo, "tests", "integration");
  // A tool invocation recorded by today's recorder: the recorder of 2025-10-04 had no rule for tool calls.
  const tool = spawnSync("grep", ["-rl", '"tool_name": "', dir], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).sort()[0];
  assert.ok(tool !== undefined);
  const rel = tool.slice(repo.length + 1);
  const rules = ["--rules", "2025-10-04"];
  const v = recctl(["validate", "--no-cache", ...rules, rel], { cwd: repo });
  assert.match(v.stdout, /cannot be replayed: tool invocations were not recorded before 2025-10-09.*\(name-hash\)/);
  const h = recctl(["hash", "--json", ...rules, rel], { cwd: repo });
  assert.equal(h.code, 1);
  assert.match(h.stdout, /"verdict": "no-rule"/);
  const s = recctl(["show", "--json", ...rules, rel], { cwd: repo });
  assert.match(s.stdout, /"verdict": "no-rule"/);
  const p = recctl(["prune", "--json", ...rules, "--reason", "unreachable", rel], { cwd: repo });
  assert.ok(p.stdout.includes(basename(tool)), p.stdout);
  const rh = recctl(["rehash", "--json", ...rules, rel], { cwd: repo });
  assert.match(rh.stderr, /left alone: no hash rule for this kind of call under the rules of 2025-10-04/);
  assert.match(rh.stdout, /"skipped": 1/);
});

test("a run that finds no recording at all exits 2 and says where it looked; --allow-empty accepts it", (t) => {
  const repo = join(tempDir(t, "recctl-ws-"), "empty");
  mkdirSync(join(repo, "tests"), { recursive: true });
  writeFileSync(join(repo, "tests", "notes.json"), "{}\n");
  for (const command of ["validate", "list", "prune", "normalize", "rehash"]) {
    const r = recctl([command], { cwd: repo });
    assert.equal(r.code, 2, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /no recordings found under \. \(looked for \*\*\/recordings\/\*\*\/\*\.json\) \(--allow-empty accepts an empty tree\)/, command);
    assert.doesNotMatch(r.stdout, /✔/, command);
    const ok = recctl([command, "--allow-empty"], { cwd: repo });
    assert.equal(ok.code, 0, `${command} --allow-empty: ${ok.stderr}`);
  }
  assert.equal(readFileSync(join(repo, "tests", "notes.json"), "utf8"), "{}\n");
});

test("when most of a tree is unreachable under the era in use, a notice names the era that names most of it and how to choose it", (t) => {
  // 2025 recordings moved into a per-test folder: their layout no longer tells their era.
  const repo = join(tempDir(t, "recctl-ws-"), "moved");
  const dir = join(repo, "tests", "integration", "x", "recordings");
  cpSync(join(FIXTURES, "samples", "2025-09-responses-layout", "tests", "integration", "recordings", "responses"), dir, { recursive: true });
  assert.equal(spawnSync("git", ["init", "-q", repo]).status, 0);
  const r = recctl(["validate", "--no-cache"], { cwd: repo });
  assert.match(r.stderr, /recctl: \d+ of \d+ recordings are unreachable under the rules in use .*; the rules of 2025-07-29 name \d+ of them: choose them with --rules 2025-07-29, or rules = "2025-07-29" in \[tool\.recctl\]/);
  writeFileSync(join(repo, "recctl.toml"), 'rules = "2025-07-29"\n');
  const chosen = recctl(["validate", "--no-cache"], { cwd: repo });
  assert.equal(chosen.code, 0, chosen.stdout + chosen.stderr);
  assert.doesNotMatch(chosen.stderr, /unreachable under/);
  assert.match(chosen.stdout, /hash rules of 2025-07-29 .*, from the config's rules/);
});
