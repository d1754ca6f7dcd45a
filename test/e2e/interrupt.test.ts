/**
 * SPEC "Interrupts", with real signals on the built bin: SIGINT or SIGTERM during a run that
 * writes leaves every file whole and no temporary file, says how far it got, and exits 130;
 * running it again completes the job. The tree is generated (scripts/gen-corpus.mjs) large
 * enough that the signal, sent when the first progress line appears, lands mid-run.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BIN, recctl, REPO, tempDir } from "./run.js";

const FILES = 1500;

/** A generated repository of `FILES` small recordings, every one needing normalization. */
function generated(t: { after: (fn: () => void) => void }, extra: string[] = []): string {
  const dir = tempDir(t, "recctl-interrupt-");
  const gen = spawnSync(process.execPath, [join(REPO, "scripts", "gen-corpus.mjs"), dir, "--files", String(FILES), "--small", "--unnormalized", "1", ...extra], { encoding: "utf8" });
  assert.equal(gen.status, 0, gen.stderr);
  return dir;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => join(dir, f));
}

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the bin and sends `signal` as soon as its first progress line (`… of N files…`) is on stderr. */
function interrupt(cwd: string, args: string[], signal: NodeJS.Signals): Promise<Stopped & { sentAfterProgress: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let sent = false;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (!sent && /: \d+ of \d+ files…/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("close", (code, sig) => resolve({ code, signal: sig, stderr, sentAfterProgress: sent }));
  });
}

/** Stopped after its first progress line, mid-run: exit 130 and the one line saying how far it got. */
function assertStoppedMidRun(stopped: Stopped & { sentAfterProgress: boolean }): void {
  assert.ok(stopped.sentAfterProgress, `no progress line before the run ended:\n${stopped.stderr}`);
  assert.equal(stopped.code, 130, stopped.stderr);
  const m = /^recctl: interrupted after (\d+) of (\d+); every file is whole$/m.exec(stopped.stderr);
  assert.ok(m, stopped.stderr);
  assert.ok(Number(m[1]) < Number(m[2]), "the signal landed mid-run");
}

test("SIGINT during normalize --write: exit 130, says how far it got, no temporary file, every file parses; a rerun completes", async (t) => {
  const dir = generated(t);
  const stopped = await interrupt(dir, ["normalize", "--write"], "SIGINT");
  assertStoppedMidRun(stopped);

  const all = walk(dir);
  assert.deepEqual(all.filter((f) => f.includes(".recctl-tmp-")), []);
  const recordings = all.filter((f) => f.includes("/recordings/") && f.endsWith(".json"));
  assert.equal(recordings.length, FILES);
  for (const f of recordings) assert.doesNotThrow(() => JSON.parse(readFileSync(f, "utf8")), f);

  const rerun = recctl(["normalize", "--write"], { cwd: dir });
  assert.equal(rerun.code, 0, rerun.stderr);
  const check = recctl(["normalize", "--check"], { cwd: dir });
  assert.equal(check.code, 0, check.stdout);
});

test("SIGINT during rehash --write: exit 130, every recording under one name (old or new), no temporary file; a rerun completes", async (t) => {
  // Every request edited after its file was named: rehash renames each one.
  const dir = generated(t, ["--unreachable", "1"]);
  const before = walk(dir).filter((f) => f.includes("/recordings/") && f.endsWith(".json"));
  const stopped = await interrupt(dir, ["rehash", "--write"], "SIGINT");
  assertStoppedMidRun(stopped);

  const all = walk(dir);
  assert.deepEqual(all.filter((f) => f.includes(".recctl-tmp-") || f.includes(".recctl-aside-")), []);
  const after = all.filter((f) => f.includes("/recordings/") && f.endsWith(".json"));
  assert.equal(after.length, before.length, "no recording lost or doubled");
  for (const f of after) assert.doesNotThrow(() => JSON.parse(readFileSync(f, "utf8")), f);

  const rerun = recctl(["rehash", "--write"], { cwd: dir });
  assert.equal(rerun.code, 0, rerun.stderr);
  const dry = recctl(["rehash", "--json"], { cwd: dir });
  assert.equal((JSON.parse(dry.stdout) as { summary: { renamed: number } }).summary.renamed, 0, dry.stdout);
});
