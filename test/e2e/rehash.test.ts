/**
 * `recctl rehash` on a copy of a real tree (test/fixtures/rehash/tree, built by make-fixture.py;
 * the names each file must end up with were computed there by the newest recorder's own
 * hashing functions: test/fixtures/rehash/expected.json).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { jsonFiles } from "../files.js";
import { FIXTURES, fixtureCopy, recctl } from "./run.js";

const FIXED = JSON.parse(readFileSync(join(FIXTURES, "rehash", "expected.json"), "utf8")) as Record<string, { action: string; to: string }>;

/**
 * These copies have no git history, so responses competing for a name cannot be dated: the two
 * stale files mapping to one name, and the stale file whose twin holds another response, are
 * conflicts (SPEC: without history, none is renamed). test/e2e/repair-chain.test.ts has history.
 */
const EXPECTED: Record<string, { action: string; to: string }> = Object.fromEntries(
  Object.entries(FIXED).map(([f, e]) => [f, e.action === "superseded" || f.startsWith("3027fe9d") ? { ...e, action: "conflict" } : e]),
);

/** Run in `root`, git not looking above it (a .git above the temporary folder is not this tree's). */
const noGit = (root: string): { cwd: string; env: Record<string, string> } => ({ cwd: root, env: { GIT_CEILING_DIRECTORIES: dirname(root) } });

interface RehashJson {
  rules: string;
  rules_source: string;
  summary: { scanned: number; renamed: number; duplicates: number; superseded: number; conflicts: number; unchanged: number };
  files: { file: string; to: string; action: string; reason: string }[];
}

/** Every file under a tree with its bytes, by path relative to the tree. */
function snapshot(root: string): Map<string, string> {
  return new Map(jsonFiles(root).map((f) => [relative(root, f), readFileSync(f, "utf8")]));
}

/** The request of every recording, as JSON text (what must never be lost). */
function requests(root: string): Set<string> {
  return new Set(jsonFiles(root).map((f) => JSON.stringify((JSON.parse(readFileSync(f, "utf8")) as { request: unknown }).request)));
}

test("a dry run lists what would be renamed, removed or kept, and changes nothing", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  const before = snapshot(root);
  const r = recctl(["rehash", "--json"], noGit(root));
  assert.equal(r.code, 1, "a conflict is a finding");
  const report = JSON.parse(r.stdout) as RehashJson;
  const got = Object.fromEntries(report.files.map((f) => [f.file.split("/").pop() ?? "", { action: f.action, to: f.to.split("/").pop() ?? "" }]));
  assert.deepEqual(got, EXPECTED);
  assert.deepEqual(report.summary, { scanned: 11, renamed: 4, replaced: 0, duplicates: 1, superseded: 0, conflicts: 3, unchanged: 3, skipped: 0, written: false });
  assert.deepEqual([report.rules, report.rules_source], ["2026-04-09", "layout"]);
  assert.deepEqual(snapshot(root), before);
  assert.ok(!readdirSync(root).some((f) => f.includes("recctl-tmp")));
});

test("--write leaves every recording named by the current rules or reported, and loses no request", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  const before = requests(root);
  const w = recctl(["rehash", "--write"], noGit(root));
  assert.equal(w.code, 1, w.stderr);
  assert.match(w.stdout, /^11 recordings scanned: 4 to rename, 1 duplicate, 0 superseded, 3 conflicts, 3 unchanged; renamed 4, removed 1$/m);
  assert.deepEqual(requests(root), before, "every request is still recorded");
  // Now: every file is reachable, except the superseded one and the conflict, both reported.
  const hashed = (JSON.parse(recctl(["hash", "--json", "tests"], noGit(root)).stdout) as { hashes: { file: string; matches: boolean }[] }).hashes;
  const stale = hashed.filter((h) => !h.matches).map((h) => h.file.split("/").pop());
  const kept = Object.entries(EXPECTED).filter(([, e]) => e.action === "superseded" || e.action === "conflict").map(([f]) => f);
  assert.deepEqual(stale.sort(), kept.sort());
  for (const [file, e] of Object.entries(EXPECTED)) {
    const dir = jsonFiles(root).find((f) => f.endsWith(e.to) || f.endsWith(file));
    assert.ok(dir !== undefined, file);
  }
  // Each removed duplicate has a kept, correctly named twin with the same response.
  const dup = Object.entries(EXPECTED).find(([, e]) => e.action === "remove-duplicate");
  assert.ok(dup !== undefined);
  const twin = jsonFiles(root).find((f) => f.endsWith(dup[1].to)) ?? "";
  const original = join(FIXTURES, "rehash", "tree", relative(root, twin).replace(dup[1].to, dup[0]));
  const diff = recctl(["diff", "--json", original, twin]);
  assert.equal((JSON.parse(diff.stdout) as { response: unknown[] }).response.length, 0, diff.stdout);
  // A second run finds nothing left to rename; the conflicts, undated, stay conflicts.
  const again = JSON.parse(recctl(["rehash", "--json"], noGit(root)).stdout) as RehashJson;
  assert.equal(again.summary.renamed + again.summary.duplicates + again.summary.superseded, 0);
  assert.equal(again.summary.conflicts, 3);
});

test("renamed files carry the rec- ids of their new name: normalize --check stays clean for them", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  recctl(["rehash", "--write"], noGit(root));
  const renamed = Object.values(EXPECTED).filter((e) => e.action === "rename").map((e) => e.to);
  const files = jsonFiles(root).filter((f) => renamed.some((n) => f.endsWith(n)));
  assert.equal(files.length, renamed.length);
  const r = recctl(["normalize", "--check", ...files], noGit(root));
  assert.equal(r.code, 0, r.stdout);
  // A model list keeps its models-<hash>-<digest> shape.
  assert.ok(files.some((f) => /\/models-[0-9a-f]{64}-fb68f5a6\.json$/.test(f)));
});

test("a chain: the file on a new name moves away first, in the same run", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  // The fixture has one stale file sitting on another stale file's new name.
  const [holder, holderMove] = Object.entries(EXPECTED).find(([f, e]) => e.action === "rename" && Object.values(EXPECTED).some((o) => o.to === f)) ?? ["", { to: "" }];
  const [mover] = Object.entries(EXPECTED).find(([, e]) => e.to === holder) ?? [""];
  const requestOf = (f: string): string => JSON.stringify((JSON.parse(readFileSync(f, "utf8")) as { request: unknown }).request);
  const find = (name: string): string => jsonFiles(root).find((f) => f.endsWith(`/${name}`)) ?? "";
  const moverRequest = requestOf(find(mover));
  const holderRequest = requestOf(find(holder));
  assert.equal(recctl(["rehash", "--write"], noGit(root)).code, 1);
  assert.equal(requestOf(find(holder)), moverRequest, "the mover took the freed name");
  assert.equal(requestOf(find(holderMove.to)), holderRequest, "the holder moved to its own name");
  assert.equal(find(mover), "");
});

test("--rules: rehash names files as the recorder of that date does", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  const r = JSON.parse(recctl(["rehash", "--json", "--rules", "2026-04-08"], noGit(root)).stdout) as RehashJson;
  assert.equal(r.rules, "2026-03-18");
  // Under the rules before file-search normalization, the file-search recordings were right.
  assert.ok(!r.files.some((f) => f.file.endsWith("cf185c8686348b2ba9ca6e45c2cdb631933a920ae003fe48e0b2579c271a1509.json")));
});

test("a file that cannot be read is one line on stderr, exit 2, and the others are still planned", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  const broken = join(root, "tests", "integration", "agents", "recordings", `${"0".repeat(64)}.json`);
  writeFileSync(broken, '{"request": {');
  const r = recctl(["rehash", "--json"], noGit(root));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /0{64}\.json:1:\d+: invalid JSON.*\(left alone\)$/m);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
  const report = JSON.parse(r.stdout) as RehashJson;
  assert.equal(report.summary.renamed, 4);
  assert.ok(!report.files.some((f) => f.file.endsWith(`${"0".repeat(64)}.json`)));
});

test("a stale file outside a recordings folder is left alone, and said so", (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  const outside = join(root, "cf185c8686348b2ba9ca6e45c2cdb631933a920ae003fe48e0b2579c271a1509.json");
  writeFileSync(outside, readFileSync(join(FIXTURES, "rehash", "tree", "tests", "integration", "responses", "recordings", "cf185c8686348b2ba9ca6e45c2cdb631933a920ae003fe48e0b2579c271a1509.json")));
  const r = recctl(["rehash", "--write", outside], noGit(root));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /left alone: not inside a recordings folder/);
  assert.ok(readdirSync(root).includes("cf185c8686348b2ba9ca6e45c2cdb631933a920ae003fe48e0b2579c271a1509.json"));
});
