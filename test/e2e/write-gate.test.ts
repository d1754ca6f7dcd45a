/**
 * The write gate (core/workspace/recordings-folder.ts): a command that writes acts only on files
 * whose real path lies inside a recordings folder of the repository. A recording that is a
 * symlink to a file outside the repository is reported and never written; the others are.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, recctl, tempDir } from "./run.js";

const INFERENCE = "tests/integration/inference/recordings";
// Both need normalization (their ids are the provider's): see test/fixtures/normalize.
const CHAT = "cc7128cf3c88faebc0713764504913d494858b16d5bcdc23a384420fb6750543.json";
const STREAM = "tests/integration/common/recordings/ae7918bcbd92b3c41e01718829c34edea74327863184b55d1b20eb0313043916.json";

test("normalize --write never writes through a recording that is a symlink to a file outside the repository; the others are written; exit 2", (t) => {
  const top = tempDir(t);
  const repo = join(top, "repo");
  const outside = join(top, "elsewhere");
  cpSync(join(FIXTURES, "normalize", "repo"), repo, { recursive: true });
  mkdirSync(join(repo, ".git"));
  mkdirSync(outside);
  // The outside file is the recording itself, moved away; the repository keeps a link to it.
  cpSync(join(repo, INFERENCE, CHAT), join(outside, CHAT));
  const before = readFileSync(join(outside, CHAT));
  rmSync(join(repo, INFERENCE, CHAT));
  symlinkSync(join(outside, CHAT), join(repo, INFERENCE, CHAT));
  const streamBefore = readFileSync(join(repo, STREAM));

  const r = recctl(["normalize", "--write", "tests/integration/inference/recordings", "tests/integration/common/recordings"], { cwd: repo });
  assert.deepEqual(readFileSync(join(outside, CHAT)), before, "the outside file's bytes are unchanged");
  assert.match(r.stderr, new RegExp(`^recctl: ${INFERENCE}/${CHAT}: a symlink to ${join(outside, CHAT)}, outside the repository's recordings folders \\(left alone\\)$`, "m"));
  assert.notDeepEqual(readFileSync(join(repo, STREAM)), streamBefore, "a recording inside the repository is still normalized");
  assert.equal(r.code, 2);
});

test("rehash --write never renames through a recording that is a symlink to a file outside the repository; the other renames happen; exit 2", (t) => {
  const top = tempDir(t);
  const repo = join(top, "repo");
  const outside = join(top, "elsewhere");
  cpSync(join(FIXTURES, "rehash", "tree"), repo, { recursive: true });
  mkdirSync(join(repo, ".git"));
  mkdirSync(outside);
  // A stale recording (the fixture's generator renames it to 8717e3e9…) moved away, linked back.
  const RESPONSES = "tests/integration/responses/recordings";
  const STALE = "cf185c8686348b2ba9ca6e45c2cdb631933a920ae003fe48e0b2579c271a1509.json";
  cpSync(join(repo, RESPONSES, STALE), join(outside, STALE));
  rmSync(join(repo, RESPONSES, STALE));
  symlinkSync(join(outside, STALE), join(repo, RESPONSES, STALE));
  // A rename the generator also expects, of a file inside the repository (4a897e65… → 1a4839e7…).
  const AGENTS = "tests/integration/agents/recordings";

  const r = recctl(["rehash", "--write"], { cwd: repo });
  assert.match(r.stderr, new RegExp(`^recctl: ${RESPONSES}/${STALE}: cannot rename: a symlink to ${join(outside, STALE)}, outside the repository's recordings folders`, "m"));
  assert.ok(readFileSync(join(repo, RESPONSES, STALE)).equals(readFileSync(join(outside, STALE))), "the link is where it was");
  assert.throws(() => readFileSync(join(repo, RESPONSES, "8717e3e9840367108c2d789e36455440adbad5c1d6b4f8d1c5e8be7ad7d7b6a0.json")), "nothing was created for it");
  readFileSync(join(repo, AGENTS, "1a4839e74e1fd6df1f1c940cd232ebd2fb0f8c3700b7d233da3bbb1c78d2ac05.json")); // renamed
  assert.equal(r.code, 2);
});
