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
