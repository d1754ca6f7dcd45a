/**
 * `--rules <date|current>` and the repository's own era, end to end. The expected hashes were
 * computed by every reference recorder version's own hashing functions, run in Python
 * (scripts/gen-era-cases.py → test/fixtures/era-cases.json).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FIXTURES, fixtureCopy, recctl, REPO } from "./run.js";

interface EraCases {
  versions: { name: string; date: string; commit: string }[];
  cases: { file: string; hashes: Record<string, string | null> }[];
}
const ERA_CASES = JSON.parse(readFileSync(join(FIXTURES, "era-cases.json"), "utf8")) as EraCases;
const REPO_EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "eras", "repo-expected.json"), "utf8")) as {
  unreachable_under_repository_recorder: string[];
};

interface HashRow {
  file: string;
  hash: string | null;
  matches: boolean;
  /** The era whose rules computed `hash`. */
  era: string;
  named_by: string[] | null;
  why: string | null;
}

/** `hash --json`'s document: the rules in use at the top, the rows in `hashes`. */
interface HashDocument {
  rules: string;
  rules_source: string;
  hashes: HashRow[];
}

describe("hash --rules <date> agrees with that date's recorder on every fixture recording", () => {
  const files = ERA_CASES.cases.map((c) => join("test", "fixtures", c.file));
  for (const v of ERA_CASES.versions) {
    test(`--rules ${v.date} (recorder ${v.commit})`, () => {
      const r = recctl(["hash", "--json", "--rules", v.date, ...files], { cwd: REPO });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const rows = (JSON.parse(r.stdout) as HashDocument).hashes;
      assert.equal(rows.length, ERA_CASES.cases.length);
      ERA_CASES.cases.forEach((c, i) => assert.equal(rows[i]?.hash, c.hashes[v.name], `${c.file} under ${v.name}`));
    });
  }
});

test("--rules current is the newest era; a bad --rules value is a usage error (exit 2)", () => {
  const file = join("test", "fixtures", ERA_CASES.cases[0]?.file ?? "");
  const current = JSON.parse(recctl(["hash", "--json", "--rules", "current", file]).stdout) as HashDocument;
  const newest = ERA_CASES.versions[ERA_CASES.versions.length - 1]?.name ?? "";
  assert.equal(current.hashes[0]?.hash, ERA_CASES.cases[0]?.hashes[newest]);
  assert.equal(current.rules, "2026-04-09");
  assert.equal(current.hashes[0]?.era, "2026-04-09");
  for (const bad of ["2025-02-30", "last-week", "2025-01-01"]) {
    const r = recctl(["hash", "--rules", bad, file]);
    assert.equal(r.code, 2, bad);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /--rules/);
  }
});

describe("a repository whose own recorder is older (test/fixtures/eras/repo: a 2025-10-04 recorder)", () => {
  test("validate judges names by that recorder's era and says which era is in use", (t) => {
    const root = fixtureCopy(t, "eras/repo");
    const r = recctl(["validate", "--ignore", "format", "--json"], { cwd: root });
    const report = JSON.parse(r.stdout) as {
      rules: string;
      rules_source: string;
      files: { file: string; warnings: { rule: string; message: string }[] }[];
    };
    assert.equal(report.rules, "2025-10-04");
    assert.equal(report.rules_source, "recorder");
    const unreachable = report.files.filter((f) => f.warnings.some((w) => w.rule === "name-hash")).map((f) => f.file.split("/").pop());
    assert.deepEqual(unreachable.sort(), [...REPO_EXPECTED.unreachable_under_repository_recorder].sort());
    const text = recctl(["validate", "--ignore", "format"], { cwd: root });
    assert.match(text.stdout, /^hash rules of 2025-10-04 \(test isolation, #3681\), from llama_stack\/testing\/inference_recorder\.py$/m);
  });

  test("validate's warning names the era that named an unreachable file", (t) => {
    const root = fixtureCopy(t, "eras/repo");
    const r = recctl(["validate", "--ignore", "format", "--rules", "current"], { cwd: root });
    assert.match(r.stdout, /cf185c868634…: the recorder can never find it \(unreachable under the rules of 2026-04-09\); named under the rules of 2025-10-09 … 2026-04-08; file-search normalization \(2026-04-09\) changed its hash \(name-hash\)$/m);
    assert.match(r.stdout, /named under the rules of 2025-10-04 … 2025-10-08; body normalization \(2025-10-09\) changed its hash/);
  });

  test("show and hash --explain say which rules they used and why a name disagrees", (t) => {
    const root = fixtureCopy(t, "eras/repo");
    const show = recctl(["show", "cf185c86", "--rules", "2026-04-09"], { cwd: root });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^ +named under the rules of 2025-10-09 … 2026-04-08; file-search normalization \(2026-04-09\) changed its hash$/m);
    assert.match(show.stdout, /^rules +2026-04-09 \(file-search normalization, #5173\), from --rules$/m);
    const hash = recctl(["hash", "--explain", "cf185c86"], { cwd: root });
    assert.equal(hash.code, 1);
    assert.match(hash.stdout, /^ {2}named under the rules of 2025-10-09 … 2026-04-08, newer than the rules in use \(2025-10-04\)$/m);
    assert.match(hash.stdout, /^hash rules of 2025-10-04 \(test isolation, #3681\), from llama_stack\/testing\/inference_recorder\.py$/m);
    const json = JSON.parse(recctl(["hash", "--json", "cf185c86"], { cwd: root }).stdout) as HashDocument;
    assert.equal(json.rules, "2025-10-04");
    assert.equal(json.hashes[0]?.era, "2025-10-04");
    assert.deepEqual(json.hashes[0]?.named_by, ["2025-10-09", "2025-11-03", "2026-01-21", "2026-02-12", "2026-03-18"]);
  });
});
