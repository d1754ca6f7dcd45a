/**
 * A real pre-commit run against this repository's `.pre-commit-hooks.yaml`.
 *
 * pre-commit installs a hook repository by cloning it at `rev` and running `npm install`,
 * `npm pack` and `npm install -g <tgz>` in its cache, so what this test exercises is the
 * COMMITTED tree at `git rev-parse HEAD` — local uncommitted changes are not what it tests. It
 * needs `pre-commit` (skips without it) and the npm registry, and takes a minute the first time.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, REPO, tempDir } from "./run.js";

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status ?? -1, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error === undefined ? "" : String(result.error)}` };
}

function ok(r: Run, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.output}`);
  return r.output;
}

test("the recctl-validate hook lets a good recording be committed and stops a bad one", { timeout: 300_000 }, (t) => {
  if (run("pre-commit", ["--version"], REPO).code !== 0) {
    t.skip("pre-commit not installed: apt-get install pre-commit");
    return;
  }
  const repoPath = REPO.replace(/\/$/, "");
  const rev = ok(run("git", ["-C", repoPath, "rev-parse", "HEAD"], repoPath), "git rev-parse").trim();
  const env = { PRE_COMMIT_HOME: tempDir(t, "recctl-pre-commit-home-") };

  const work = tempDir(t, "recctl-pre-commit-repo-");
  ok(run("git", ["init", "-q"], work), "git init");
  ok(run("git", ["config", "user.email", "test@example.com"], work), "git config");
  ok(run("git", ["config", "user.name", "recctl test"], work), "git config");
  ok(run("git", ["config", "commit.gpgsign", "false"], work), "git config");
  // YAML is a superset of JSON.
  writeFileSync(join(work, ".pre-commit-config.yaml"), `${JSON.stringify({ repos: [{ repo: repoPath, rev, hooks: [{ id: "recctl-validate" }] }] }, null, 2)}\n`);
  ok(run("pre-commit", ["install"], work, env), "pre-commit install");

  const recordings = join(work, "tests", "integration", "x", "recordings");
  mkdirSync(recordings, { recursive: true });
  copyFileSync(join(FIXTURES, "valid", "tool-invocation.json"), join(recordings, "tool-invocation.json"));
  ok(run("git", ["add", "."], work), "git add");
  const good = run("git", ["commit", "-m", "a good recording"], work, env);
  assert.equal(good.code, 0, `the good recording was refused:\n${good.output}`);
  assert.match(good.output, /recctl validate\.+Passed/);

  copyFileSync(join(FIXTURES, "invalid", "is-streaming-string.json"), join(recordings, "is-streaming-string.json"));
  ok(run("git", ["add", "."], work), "git add");
  const bad = run("git", ["commit", "-m", "a bad recording"], work, env);
  assert.notEqual(bad.code, 0, `the bad recording was committed:\n${bad.output}`);
  assert.match(bad.output, /recctl validate/);
  assert.match(bad.output, /\/response\/is_streaming must be boolean/);
  assert.match(bad.output, /tests\/integration\/x\/recordings\/is-streaming-string\.json:\d+:\d+/);
});

test("the recctl-changes hook lets a noise-only re-record be committed and blocks a commit that breaks replay", { timeout: 300_000 }, (t) => {
  if (run("pre-commit", ["--version"], REPO).code !== 0) {
    t.skip("pre-commit not installed: apt-get install pre-commit");
    return;
  }
  const repoPath = REPO.replace(/\/$/, "");
  const rev = ok(run("git", ["-C", repoPath, "rev-parse", "HEAD"], repoPath), "git rev-parse").trim();
  const env = { PRE_COMMIT_HOME: tempDir(t, "recctl-pre-commit-home-") };

  const work = tempDir(t, "recctl-pre-commit-changes-");
  ok(run("git", ["init", "-q"], work), "git init");
  ok(run("git", ["config", "user.email", "test@example.com"], work), "git config");
  ok(run("git", ["config", "user.name", "recctl test"], work), "git config");
  ok(run("git", ["config", "commit.gpgsign", "false"], work), "git config");
  writeFileSync(join(work, ".pre-commit-config.yaml"), `${JSON.stringify({ repos: [{ repo: repoPath, rev, hooks: [{ id: "recctl-changes" }] }] }, null, 2)}\n`);
  ok(run("pre-commit", ["install"], work, env), "pre-commit install");

  // The first commit: a correctly named recording (nothing to break yet).
  const rel = "tests/integration/agents/recordings/8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1.json";
  mkdirSync(join(work, "tests/integration/agents/recordings"), { recursive: true });
  copyFileSync(join(FIXTURES, "changes", "base", rel), join(work, rel));
  ok(run("git", ["add", "."], work), "git add");
  const first = run("git", ["commit", "-m", "a recording"], work, env);
  assert.equal(first.code, 0, `the first recording was refused:\n${first.output}`);
  assert.match(first.output, /recctl changes\.+Passed/);

  // A re-record that changes the answer, not the request: replay still finds it.
  copyFileSync(join(FIXTURES, "changes", "head", rel), join(work, rel));
  ok(run("git", ["add", "."], work), "git add");
  const rerecord = run("git", ["commit", "-m", "re-recorded"], work, env);
  assert.equal(rerecord.code, 0, `the re-record was refused:\n${rerecord.output}`);

  // The request edited in place, the name kept: the recorder never finds the file again.
  writeFileSync(join(work, rel), readFileSync(join(work, rel), "utf8").split("llama-guard3:1b").join("llama-guard3:8b"));
  ok(run("git", ["add", "."], work), "git add");
  const bad = run("git", ["commit", "-m", "an edited request"], work, env);
  assert.equal(bad.code, 1, `the edit that breaks replay was committed:\n${bad.output}`);
  assert.match(bad.output, /recctl changes\.+Failed/);
  assert.ok(bad.output.includes(`  breaks-replay  ${rel}  modified; the hash changed by /request/body/model`), bad.output);
  assert.match(bad.output, /--check failed: 1 recording breaks replay/);
});
