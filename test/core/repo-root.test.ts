import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "../../src/core/repo-root.js";

function tree(): string {
  const top = realpathSync(mkdtempSync(join(tmpdir(), "recctl-root-")));
  mkdirSync(join(top, "repo", "tests", "integration", "inference", "recordings"), { recursive: true });
  return top;
}

test("the nearest git top level above --root is the repository root", async () => {
  const top = tree();
  mkdirSync(join(top, "repo", ".git"));
  writeFileSync(join(top, "repo", "tests", "pyproject.toml"), "");
  const found = await findRepoRoot(join(top, "repo", "tests", "integration", "inference"));
  assert.deepEqual(found, { dir: join(top, "repo"), source: "git" });
});

test("without git, the nearest folder holding pyproject.toml, setup.py or setup.cfg", async () => {
  const top = tree();
  writeFileSync(join(top, "repo", "setup.cfg"), "");
  const found = await findRepoRoot(join(top, "repo", "tests", "integration"));
  assert.deepEqual(found, { dir: join(top, "repo"), source: "python-project" });
});

test("with neither, --root itself", async () => {
  const top = tree();
  const root = join(top, "repo", "tests");
  // (the temporary folder's ancestors hold no .git or project file on a sane machine)
  const found = await findRepoRoot(root);
  assert.equal(found.dir === root || found.source !== "root", true);
});
