import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, recctl, tempDir } from "./run.js";

const SAMPLES = join(FIXTURES, "samples");
const CURRENT = "current/tests/integration";
/** Two real files whose name hash does not agree with their request (unreachable). */
const MISMATCHED = [
  `${CURRENT}/responses/recordings/1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json`,
  `${CURRENT}/tool_runtime/recordings/632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db.json`,
];
const AGREEING = `${CURRENT}/agents/recordings/8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1.json`;

interface HashRow {
  file: string;
  kind: string;
  hash: string | null;
  name_hash: string | null;
  matches: boolean;
}

function hashJson(args: string[], cwd: string): { code: number; value: unknown; stderr: string } {
  const r = recctl(["hash", "--json", ...args], { cwd });
  return { code: r.code, value: JSON.parse(r.stdout) as unknown, stderr: r.stderr };
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A temp root with a recordings folder holding a copy of a valid fixture under each given name. */
function recordingsRoot(t: { after: (fn: () => void) => void }, names: string[]): { root: string; dir: string } {
  const root = tempDir(t);
  const dir = join(root, "tests", "integration", "x", "recordings");
  mkdirSync(dir, { recursive: true });
  for (const name of names) copyFileSync(join(FIXTURES, "valid", "tool-invocation.json"), join(dir, name));
  return { root, dir };
}

test("a path prints the recomputed hash, the file and '✔ name agrees'; exit 0", () => {
  const r = recctl(["hash", AGREEING], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1 {2}current\/tests\/integration\/agents\/recordings\/8c41faae.*\.json .*✔ name agrees$/m);
});

test("a single ref with --json prints one object {file, kind, hash, name_hash, matches}, its verdict and the rules it used", () => {
  const { code, value } = hashJson([AGREEING], SAMPLES);
  assert.equal(code, 0);
  assert.deepEqual(value, {
    file: AGREEING,
    kind: "inference",
    hash: "8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1",
    name_hash: "8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1",
    matches: true,
    verdict: "reachable",
    rules: "2026-04-09",
  });
});

test("a hash prefix of 4+ hex digits is found by file name under --root", (t) => {
  const elsewhere = tempDir(t);
  const { code, value } = hashJson(["--root", SAMPLES, "0a2a"], elsewhere);
  assert.equal(code, 0);
  const row = value as HashRow;
  assert.ok(row.file.endsWith(`${CURRENT}/inference/recordings/0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json`), row.file);
  assert.equal(row.hash, "0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d");
  assert.equal(row.matches, true);
});

test("a tool invocation is hashed as the tool kind", () => {
  const { code, value } = hashJson([`${CURRENT}/responses/recordings/921796a1b93ade48b54763c8f6672187375ac49bbaaf919c18b8c02d43dc64d2.json`], SAMPLES);
  assert.equal(code, 0);
  assert.equal((value as HashRow).kind, "tool");
  assert.equal((value as HashRow).matches, true);
});

test("a directory means every recording in it: a JSON array, each row with its file", () => {
  const { code, value } = hashJson(["current"], SAMPLES);
  assert.ok(Array.isArray(value));
  const rows = value as HashRow[];
  assert.equal(rows.length, 10);
  for (const row of rows) {
    // SPEC's fields, the one verdict, and the era whose rules computed the hash (plus why, for a stale name).
    const extra = row.matches ? ["rules", "verdict"] : ["named_by", "rules", "verdict", "why"];
    assert.deepEqual(Object.keys(row).sort(), ["file", "hash", "kind", "matches", "name_hash", ...extra].sort());
    assert.ok(row.file.startsWith("current/") && row.file.endsWith(".json"), row.file);
  }
  assert.deepEqual(rows.filter((r) => !r.matches).map((r) => r.file).sort(), [...MISMATCHED].sort());
  assert.equal(code, 1, "two names disagree: findings");
});

for (const file of MISMATCHED) {
  test(`the real unreachable file ${file.split("/").pop()?.slice(0, 12)}… gives matches: false and exit 1`, () => {
    const { code, value } = hashJson([file], SAMPLES);
    assert.equal(code, 1);
    const row = value as HashRow;
    assert.equal(row.matches, false);
    assert.equal(row.name_hash, file.split("/").pop()?.replace(/\.json$/, ""));
    assert.match(row.hash ?? "", /^[0-9a-f]{64}$/);
    assert.notEqual(row.hash, row.name_hash);
    const text = recctl(["hash", file], { cwd: SAMPLES });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /✖ name says [0-9a-f]{64} — unreachable/);
  });
}

test("folders where every name agrees under the rules of their time (2025 legacy and models- names included) exit 0", () => {
  const { code, value } = hashJson(["--rules", "2025-09-15", "2025-08-index-layout", "2025-09-responses-layout"], SAMPLES);
  assert.equal(code, 0);
  const rows = value as HashRow[];
  assert.equal(rows.length, 5);
  for (const row of rows) {
    assert.equal(row.matches, true, row.file);
    assert.ok(row.hash !== null && row.name_hash !== null && row.hash.startsWith(row.name_hash), row.file);
  }
});

test("--explain prints the normalized JSON that is hashed: sort_keys order, Python separators, its sha256 is the hash", () => {
  const r = recctl(["hash", "--explain", AGREEING], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const normalized = r.stdout.split("\n").find((line) => line.startsWith("{"));
  assert.ok(normalized !== undefined, r.stdout);
  assert.ok(normalized.includes('"endpoint": '), "Python's default separator after a key");
  // The endpoint is urlparse(url).path, so the real file's doubled /v1 is kept.
  const keys = ['{"body": ', '"endpoint": "/v1/v1/chat/completions"', '"method": "POST"', '"test_id": "tests/integration/agents/'];
  const at = keys.map((k) => normalized.indexOf(k));
  assert.ok(at.every((i) => i >= 0), `${at.join(",")}: ${normalized.slice(0, 200)}`);
  assert.deepEqual([...at].sort((a, b) => a - b), at, "keys in sort_keys order: body, endpoint, method, test_id");
  assert.equal(at[0], 0);
  assert.equal(sha256(normalized), "8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1");
});

test("--explain of a tool invocation shows {kwargs, provider, tool_name}", () => {
  const r = recctl(["hash", "--explain", `${CURRENT}/responses/recordings/921796a1b93ade48b54763c8f6672187375ac49bbaaf919c18b8c02d43dc64d2.json`], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\{"kwargs": \{"query": "Positive news October 22, 2023"\}, "provider": "tavily", "tool_name": "web_search"\}$/m);
});

test("a 3-hex prefix is a usage error: exit 2, nothing on stdout", (t) => {
  const { root } = recordingsRoot(t, [`abc${"0".repeat(61)}.json`]);
  const r = recctl(["hash", "abc"], { cwd: root });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /4\+ hex/);
});

test("a prefix shared by two files exits 2 and lists both on stderr", (t) => {
  const a = `abcd1${"0".repeat(59)}.json`;
  const b = `abcd2${"0".repeat(59)}.json`;
  const { root } = recordingsRoot(t, [a, b]);
  const r = recctl(["hash", "abcd"], { cwd: root });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /ambiguous/);
  assert.ok(r.stderr.includes(join("tests", "integration", "x", "recordings", a)), r.stderr);
  assert.ok(r.stderr.includes(join("tests", "integration", "x", "recordings", b)), r.stderr);
  // One more digit disambiguates.
  assert.notEqual(recctl(["hash", "abcd1"], { cwd: root }).code, 2);
});

test("a prefix that matches nothing exits 2 with one line on stderr", (t) => {
  const { root } = recordingsRoot(t, [`abcd1${"0".repeat(59)}.json`]);
  const r = recctl(["hash", "ffff0"], { cwd: root });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /ffff0/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
});

test("legacy: a full 64-hex hash finds the 2025 file named by its first 12 hex", (t) => {
  const elsewhere = tempDir(t);
  const full = "d0ac68cbde69db2d2a2084e4fd2090c49275c53b0860fe0d34cc17f03bcb27e8";
  const { code, value } = hashJson(["--rules", "2025-08-18", "--root", SAMPLES, full], elsewhere);
  assert.equal(code, 0);
  const row = value as HashRow;
  assert.ok(row.file.endsWith("2025-08-index-layout/tests/integration/recordings/responses/d0ac68cbde69.json"), row.file);
  assert.equal(row.hash, full);
  assert.equal(row.name_hash, "d0ac68cbde69");
  assert.equal(row.matches, true);
});

test("legacy: a full 64-hex hash finds a 2025 models-<hash12>-<digest>.json file", (t) => {
  const elsewhere = tempDir(t);
  const full = "4a3a4447b16b849579bf601e1a005699745ff17959a85c1761bb8d5d45509e72";
  const { code, value } = hashJson(["--root", SAMPLES, full], elsewhere);
  assert.equal(code, 0);
  const row = value as HashRow;
  assert.ok(row.file.endsWith("responses/models-4a3a4447b16b-3057338f.json"), row.file);
  assert.equal(row.hash, full);
  assert.equal(row.matches, true);
});
