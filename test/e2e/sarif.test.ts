/**
 * `validate --format sarif` through the built bin, on a temporary git repository holding
 * recordings with errors and warnings. The document is checked against the SARIF 2.1.0 JSON
 * schema (the copy @microsoft/jest-sarif packages, in test/fixtures/sarif) and against what
 * GitHub's code scanning requires of an upload; its locations agree with `--format github`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import AjvDraft04 from "ajv-draft-04";

// A CommonJS module: its class is the default export's default (as ajv's own is).
const Ajv04 = AjvDraft04.default;
import type { Log } from "sarif";
import { FIXTURES, recctl, tempDir } from "./run.js";

const RECORDINGS = "tests/integration/x/recordings";
const RULES = ["io", "utf8", "json", "schema", "stream-shape", "chunk-type", "test-id", "secret", "name-hash", "rec-id", "format", "stale-type", "infra-id"];

/** A git repository (its own top level) with an invalid, a schema-invalid and a misnamed recording. */
function repository(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir(t, "recctl-sarif-");
  assert.equal(spawnSync("git", ["init", "-q"], { cwd: dir }).status, 0);
  const recordings = join(dir, RECORDINGS);
  mkdirSync(recordings, { recursive: true });
  copyFileSync(join(FIXTURES, "invalid", "truncated.json"), join(recordings, `${"a".repeat(64)}.json`));
  copyFileSync(join(FIXTURES, "invalid", "is-streaming-string.json"), join(recordings, `${"b".repeat(64)}.json`));
  copyFileSync(join(FIXTURES, "valid", "file-processor.json"), join(recordings, `${"c".repeat(64)}.json`));
  return dir;
}

function sarif(dir: string, ...args: string[]): { code: number; log: Log; stderr: string } {
  const r = recctl(["validate", "--format", "sarif", "--no-cache", ...args], { cwd: dir });
  return { code: r.code, log: JSON.parse(r.stdout) as Log, stderr: r.stderr };
}

test("validate --format sarif is valid SARIF 2.1.0, names every rule, and locates each finding as --format github does", (t) => {
  const dir = repository(t);
  const { code, log, stderr } = sarif(dir);
  assert.equal(code, 1);
  assert.match(stderr, /^recctl validate: 3 files, 2 invalid, \d+ warnings?$/m);

  // The schema's language-tag pattern is not valid as a unicode RegExp; its URIs are checked by shape only.
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false, formats: { uri: /^[a-z][a-z0-9+.-]*:/i, "uri-reference": true, "date-time": true } });
  const schema = JSON.parse(readFileSync(join(FIXTURES, "sarif", "sarif-2.1.0-rtm.5.json"), "utf8")) as object;
  const valid = ajv.validate(schema, log);
  assert.ok(valid, JSON.stringify(ajv.errors, null, 2));
  // The schema can fail: a result's level outside SARIF's four is rejected.
  const broken = JSON.parse(JSON.stringify(log)) as { runs: { results: { level: string }[] }[] };
  broken.runs[0]!.results[0]!.level = "fatal";
  assert.equal(ajv.validate(schema, broken), false);

  // What GitHub's upload requires: version, one run with the tool's name, results with a
  // message, a relative artifact URI and a 1-based region; rules with id and descriptions.
  assert.equal(log.version, "2.1.0");
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, "recctl");
  assert.deepEqual(run.tool.driver.rules?.map((r) => r.id), RULES);
  for (const rule of run.tool.driver.rules ?? []) {
    assert.ok((rule.shortDescription?.text ?? "").length > 0, rule.id);
    assert.ok((rule.help?.text ?? "").length > 0, rule.id);
  }
  const results = run.results ?? [];
  assert.ok(results.length >= 3, JSON.stringify(results));
  const fingerprints = new Set<string>();
  for (const r of results) {
    assert.ok(RULES.includes(r.ruleId ?? ""), r.ruleId);
    assert.equal(run.tool.driver.rules?.[r.ruleIndex ?? -1]?.id, r.ruleId);
    assert.ok((r.message.text ?? "").length > 0);
    const loc = r.locations?.[0]?.physicalLocation;
    assert.equal(loc?.artifactLocation?.uriBaseId, "%SRCROOT%");
    assert.match(loc?.artifactLocation?.uri ?? "", new RegExp(`^${RECORDINGS}/[abc]{64}\\.json$`));
    assert.ok((loc?.region?.startLine ?? 0) >= 1 && (loc?.region?.startColumn ?? 0) >= 1);
    const fp = r.partialFingerprints?.["recctl/v1"] ?? "";
    assert.match(fp, /^[0-9a-f]{64}$/);
    fingerprints.add(fp);
  }
  assert.equal(fingerprints.size, results.length, "every result has its own fingerprint");
  assert.ok(results.some((r) => r.ruleId === "json" && r.level === "error"));
  assert.ok(results.some((r) => r.ruleId === "schema" && r.level === "error"));
  assert.ok(results.some((r) => r.ruleId === "name-hash" && r.level === "warning"));

  // The same findings, at the same places, as the GitHub annotations.
  const github = recctl(["validate", "--format", "github", "--no-cache"], { cwd: dir });
  const annotations = github.stdout
    .trim()
    .split("\n")
    .map((l) => /^::(\w+) file=([^,]+),line=(\d+),col=(\d+),title=recctl ([\w-]+)::/.exec(l))
    .map((m) => `${m?.[1]} ${m?.[2]}:${m?.[3]}:${m?.[4]} ${m?.[5]}`)
    .sort();
  const fromSarif = results
    .map((r) => {
      const loc = r.locations?.[0]?.physicalLocation;
      return `${r.level} ${loc?.artifactLocation?.uri}:${loc?.region?.startLine}:${loc?.region?.startColumn} ${r.ruleId}`;
    })
    .sort();
  assert.deepEqual(fromSarif, annotations.map((a) => a.replace(/ (\S+):/, (_m, f: string) => ` ${relative(dir, join(dir, f))}:`)));
});

test("SARIF fingerprints do not move when lines shift, and --strict reports warnings as errors", (t) => {
  const dir = repository(t);
  const before = sarif(dir).log.runs[0]!.results ?? [];
  const strict = sarif(dir, "--strict").log.runs[0]!.results ?? [];
  assert.deepEqual(
    strict.map((r) => r.partialFingerprints),
    before.map((r) => r.partialFingerprints),
  );
  assert.ok(strict.every((r) => r.level === "error"));
  // The schema-invalid file, re-indented by one leading blank line: same findings, same fingerprints.
  const file = join(dir, RECORDINGS, `${"b".repeat(64)}.json`);
  const shifted = `\n${readFileSync(file, "utf8")}`;
  writeFileSync(file, shifted);
  const after = sarif(dir).log.runs[0]!.results ?? [];
  const of = (rs: typeof before, uri: string): string[] => rs.filter((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri?.endsWith(uri)).map((r) => `${r.ruleId} ${r.partialFingerprints?.["recctl/v1"]}`).sort();
  const b = `${"b".repeat(64)}.json`;
  assert.ok(of(before, b).length > 0);
  assert.deepEqual(of(after, b).filter((x) => x.startsWith("schema")), of(before, b).filter((x) => x.startsWith("schema")));
});
