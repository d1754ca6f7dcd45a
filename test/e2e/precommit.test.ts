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
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
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
