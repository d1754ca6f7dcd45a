/**
 * `prune` judges `unreachable` by the hash rules of the repository's own recorder (SPEC, "Hash
 * rules by era"), and says `superseded` when a correctly named recording of the same request lies
 * beside an unreachable one. The expected lists come from the reference recorders' own hashing
 * functions, run in Python by test/fixtures/eras/make-repo.py (repo-expected.json).
 */
import assert from "node:assert/strict";
import { copyFileSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { FIXTURES, fixtureCopy, recctl } from "./run.js";

const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "eras", "repo-expected.json"), "utf8")) as {
  repository_era: string;
  unreachable_under_repository_recorder: string[];
  unreachable_under_newest: string[];
};
const DEMO = "tests/integration/demo/recordings";

interface PruneJson {
  rules: string;
  rules_source: string;
  summary: { scanned: number };
  orphans: { file: string; reasons: string[]; superseded_by?: string; responses_differ?: boolean }[];
}

function prune(args: string[], cwd: string): { code: number; json: PruneJson; stdout: string } {
  const r = recctl(["prune", "--json", "--reason", "unreachable", ...args], { cwd });
  return { code: r.code, json: JSON.parse(r.stdout) as PruneJson, stdout: r.stdout };
}

test("in a repository carrying an older recorder, prune --reason unreachable lists exactly the files that recorder cannot find", (t) => {
  const root = fixtureCopy(t, "eras/repo");
  const { code, json } = prune([], root);
  assert.equal(code, 0);
  assert.equal(json.rules, EXPECTED.repository_era);
  assert.equal(json.rules_source, "recorder");
  assert.deepEqual(json.orphans.map((o) => basename(o.file)).sort(), [...EXPECTED.unreachable_under_repository_recorder].sort());
});

test("--rules current judges by the newest recorder instead", (t) => {
  const root = fixtureCopy(t, "eras/repo");
  const { json } = prune(["--rules", "current"], root);
  assert.equal(json.rules_source, "option");
  assert.deepEqual(json.orphans.map((o) => basename(o.file)).sort(), [...EXPECTED.unreachable_under_newest].sort());
});

test("the text summary names the rules in use and the recorder they were recognised from", (t) => {
  const root = fixtureCopy(t, "eras/repo");
  const r = recctl(["prune", "--reason", "unreachable"], { cwd: root });
  assert.match(r.stdout, new RegExp(`hash rules of ${EXPECTED.repository_era} .*from llama_stack/testing/inference_recorder\\.py`));
});

test("an unreachable copy of a correctly named recording is superseded: deleting it loses nothing", (t) => {
  const root = fixtureCopy(t, "eras/repo");
  // Reachable under the repository's recorder (it is in neither expected list).
  const reachable = "8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1.json";
  assert.ok(!EXPECTED.unreachable_under_repository_recorder.includes(reachable));
  const stale = `${DEMO}/${"ab".repeat(32)}.json`;
  copyFileSync(join(root, DEMO, reachable), join(root, stale));
  const { json } = prune([], root);
  const orphan = json.orphans.find((o) => o.file === stale);
  // (The fixture carries no test files, so every recording's test file is missing too.)
  assert.deepEqual(orphan?.reasons, ["unreachable", "superseded", "test-file-missing"]);
  assert.equal(orphan?.superseded_by, `${DEMO}/${reachable}`);
  assert.equal(orphan?.responses_differ, false);
  // --reason superseded selects it alone; the other unreachable files have no twin.
  const only = recctl(["prune", "--json", "--reason", "superseded"], { cwd: root });
  assert.deepEqual((JSON.parse(only.stdout) as PruneJson).orphans.map((o) => o.file), [stale]);
  const text = recctl(["prune", "--reason", "superseded"], { cwd: root });
  assert.match(text.stdout, new RegExp(`same request and response as ${DEMO}/${reachable}: a duplicate, deleting it loses nothing`));
});
