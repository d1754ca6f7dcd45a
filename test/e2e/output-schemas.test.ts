/**
 * Every command's `--json` document holds to its published schema (schemas/output/<command>.schema.json)
 * whatever the number of inputs or the outcome: one input, several, an error, nothing found. The
 * schemas are strict (closed objects, required members, enums), so they can fail: a document with
 * an extra member, a missing one or an unknown status is rejected. Their enums are the core's lists.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import { CHANGE_STATUSES } from "../../src/core/changes/index.js";
import { GUARD_NAMES } from "../../src/core/prune/guards.js";
import { ORPHAN_REASONS } from "../../src/core/prune/reasons.js";
import { RULES_SOURCES } from "../../src/core/rules/detect.js";
import { ERAS } from "../../src/core/rules/eras.js";
import { VERDICT_STATUSES } from "../../src/core/rules/verdict.js";
import { ERROR_RULES, WARNING_RULES } from "../../src/core/types.js";
import { FIXTURES, fixtureCopy, git, recctl, REPO, tempDir, type RunResult } from "./run.js";

const SCHEMAS = join(REPO, "schemas", "output");
const COMMANDS = ["validate", "hash", "list", "show", "reassemble", "diff", "prune", "normalize", "changes", "explain", "rehash", "config", "migrate-types", "redact"] as const;
type Command = (typeof COMMANDS)[number];

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
const compiled = new Map<Command, ValidateFunction>();

function schemaOf(command: Command): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS, `${command}.schema.json`), "utf8")) as Record<string, unknown>;
}

function validatorOf(command: Command): ValidateFunction {
  let v = compiled.get(command);
  if (v === undefined) {
    v = ajv.compile(schemaOf(command));
    compiled.set(command, v);
  }
  return v;
}

/** The run printed one JSON document on stdout, valid against the command's schema; returns it. */
function holds(command: Command, r: RunResult, code?: number): Record<string, unknown> {
  assert.notEqual(r.stdout, "", `${command}: no document on stdout; stderr: ${r.stderr}`);
  if (code !== undefined) assert.equal(r.code, code, `${command}: exit ${r.code}; stderr: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as unknown;
  assert.ok(typeof doc === "object" && doc !== null && !Array.isArray(doc), `${command}: the document is not an object`);
  const v = validatorOf(command);
  assert.ok(v(doc), `${command}: ${ajv.errorsText(v.errors)}\n${r.stdout.slice(0, 3000)}`);
  return doc as Record<string, unknown>;
}

const rec = (name: string): string => join(FIXTURES, "diff", name, "recordings", readdirSync(join(FIXTURES, "diff", name, "recordings"))[0] ?? "");
const SAMPLES = join(FIXTURES, "samples");
const CURRENT = join(SAMPLES, "current", "tests", "integration");
const CHAT = join(CURRENT, "common", "recordings", "b2c646582d0a4d9d8986789261c0d630d5b604ee6291cf8aa3d44ab761f2c676.json");
const hasGit = spawnSync("git", ["--version"]).status === 0;


/** A tree with one recordings folder holding `files` (name → text). */
function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = tempDir(t, "recctl-shapes-");
  const folder = join(dir, "tests", "integration", "x", "recordings");
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return dir;
}

const TRUNCATED = readFileSync(join(FIXTURES, "invalid", "truncated.json"), "utf8");

// ---------------------------------------------------------------------------------------------
// The schemas themselves

test("every command has a strict schema: it compiles, and every object in it is closed", () => {
  assert.deepEqual(readdirSync(SCHEMAS).sort(), COMMANDS.map((c) => `${c}.schema.json`).sort());
  const open: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (typeof node !== "object" || node === null) return;
    const o = node as Record<string, unknown>;
    // An object with named members must close them (settings and usage blocks are open by nature).
    if (o["properties"] !== undefined && o["additionalProperties"] !== false) open.push(where);
    const optional = /^diff\/properties\/(request|response)\/items$/.test(where);
    if (o["properties"] !== undefined && !optional) assert.deepEqual(o["required"], Object.keys(o["properties"] as object), `${where}: every member required`);
    for (const [k, v] of Object.entries(o)) walk(v, `${where}/${k}`);
  };
  for (const c of COMMANDS) {
    validatorOf(c);
    walk(schemaOf(c), c);
  }
  // diff's changes carry `a`/`b` only where a side has the value (`+`, `-`): the one optional pair, closed too.
  assert.deepEqual(open, []);
});

test("a schema can fail: an extra member, a missing one, a wrong type or an unknown status is rejected", () => {
  const hash = validatorOf("hash");
  const good = { rules: "2026-04-09", rules_source: "layout", hashes: [], errors: [] };
  assert.ok(hash(good), ajv.errorsText(hash.errors));
  assert.equal(hash({ ...good, extra: 1 }), false);
  assert.match(ajv.errorsText(hash.errors), /must NOT have additional properties/);
  const { errors: _dropped, ...missing } = good;
  assert.equal(hash(missing), false);
  assert.equal(hash({ ...good, hashes: {} }), false, "rows are an array, never an object");
  assert.equal(hash([]), false, "the document is an object, never a bare array");
  assert.equal(hash(null), false);
  assert.equal(hash({ ...good, rules_source: "guess" }), false);
  assert.equal(hash({ ...good, errors: [{ file: "a.json", error: "x", rule: "no-such-rule", line: null, column: null }] }), false);
  const rehash = validatorOf("rehash");
  const row = { file: "a", to: "b", action: "move", reason: "", candidates: [], winner: null, done: null };
  assert.equal(rehash({ rules: "2026-04-09", rules_source: "option", summary: {}, files: [row], errors: [] }), false);
});

test("the schema files are what scripts/output-schemas.mjs writes (edit the script, then run it)", async () => {
  const script = pathToFileURL(join(REPO, "scripts", "output-schemas.mjs")).href;
  const { SCHEMAS: written } = (await import(script)) as { SCHEMAS: Record<string, unknown> };
  for (const c of COMMANDS) assert.deepEqual(schemaOf(c), written[c], `schemas/output/${c}.schema.json is stale: node scripts/output-schemas.mjs`);
});

test("the schemas' enums are the core's lists", () => {
  const text = COMMANDS.map((c) => JSON.stringify(schemaOf(c))).join("\n");
  const defs = (schemaOf("hash")["definitions"] ?? {}) as Record<string, { enum?: unknown[]; properties?: Record<string, { enum?: unknown[] }> }>;
  assert.deepEqual(defs["era"]?.enum, ERAS.map((e) => e.id));
  assert.deepEqual(defs["rulesSource"]?.enum, [...RULES_SOURCES]);
  assert.deepEqual(defs["verdict"]?.enum, [...VERDICT_STATUSES]);
  assert.deepEqual(defs["fileFailure"]?.properties?.["rule"]?.enum, [...ERROR_RULES, ...WARNING_RULES]);
  for (const list of [CHANGE_STATUSES, ORPHAN_REASONS, GUARD_NAMES]) assert.ok(text.includes(JSON.stringify([...list])), JSON.stringify(list));
});

// ---------------------------------------------------------------------------------------------
// Each command's documents

test("validate --json: one file, a tree, an unreadable file, a missing path, an empty tree", (t) => {
  holds("validate", recctl(["validate", "--json", CHAT]), 0);
  const whole = holds("validate", recctl(["validate", "--json", "--no-cache", "--root", CURRENT]));
  assert.ok((whole["files"] as unknown[]).length > 1);
  holds("validate", recctl(["validate", "--json", "--no-cache"], { cwd: tree(t, { "truncated.json": TRUNCATED }) }), 1);
  holds("validate", recctl(["validate", "--json", join(REPO, "no-such-file.json")]), 2);
  const empty = tree(t, {});
  const none = holds("validate", recctl(["validate", "--json", "--allow-empty"], { cwd: empty }), 0);
  assert.deepEqual(none["files"], []);
  const ignored = holds("validate", recctl(["validate", "--json", "--ignore", "name-hash", CHAT]), 0);
  assert.equal(ignored["rules"], null);
});

test("hash --json: {hashes:[…]} for one ref, several, a folder, and a ref that names nothing", () => {
  const one = holds("hash", recctl(["hash", "--json", CHAT]), 0);
  assert.equal((one["hashes"] as unknown[]).length, 1);
  const explained = holds("hash", recctl(["hash", "--json", "--explain", CHAT]), 0);
  assert.equal(typeof (explained["hashes"] as { normalized: unknown }[])[0]?.normalized, "string");
  const folder = holds("hash", recctl(["hash", "--json", join(CURRENT, "common")]));
  assert.ok((folder["hashes"] as unknown[]).length > 1);
  const missing = holds("hash", recctl(["hash", "--json", CHAT, join(REPO, "nope.json")]), 2);
  assert.equal((missing["hashes"] as unknown[]).length, 1);
  assert.equal((missing["errors"] as { ref: string }[])[0]?.ref, join(REPO, "nope.json"));
  const none = holds("hash", recctl(["hash", "--json", "--root", CURRENT, "ffff0"]), 2);
  assert.deepEqual(none["hashes"], []);
});

test("hash --json: an unreadable file is an error row of the one failure type", (t) => {
  const dir = tree(t, { "truncated.json": TRUNCATED });
  const doc = holds("hash", recctl(["hash", "--json", "tests"], { cwd: dir }), 2);
  const [failure] = doc["errors"] as { file: string; rule: string; line: number | null }[];
  assert.equal(failure?.file, "tests/integration/x/recordings/truncated.json");
  assert.equal(failure?.rule, "json");
  assert.equal(typeof failure?.line, "number");
});

test("list --json: {summary, recordings:[…], errors:[…]} for a tree, an unreadable file and an empty tree", (t) => {
  const doc = holds("list", recctl(["list", "--json", "--root", CURRENT]), 0);
  const summary = doc["summary"] as { scanned: number; listed: number };
  assert.equal(summary.listed, (doc["recordings"] as unknown[]).length);
  const filtered = holds("list", recctl(["list", "--json", "--root", CURRENT, "--model", "no-such-model"]), 0);
  assert.deepEqual(filtered["recordings"], []);
  const broken = holds("list", recctl(["list", "--json"], { cwd: tree(t, { "truncated.json": TRUNCATED }) }), 2);
  assert.equal((broken["errors"] as unknown[]).length, 1);
  assert.equal((broken["summary"] as { unreadable: number }).unreadable, 1);
  const empty = holds("list", recctl(["list", "--json", "--allow-empty"], { cwd: tree(t, {}) }), 0);
  assert.deepEqual(empty["recordings"], []);
});

test("show --json: {recording} for a file; recording null and errors for a miss, an ambiguous prefix, an unreadable file", (t) => {
  const doc = holds("show", recctl(["show", "--json", CHAT]), 0);
  assert.equal((doc["recording"] as { file: string }).file, "test/fixtures/samples/current/tests/integration/common/recordings/b2c646582d0a4d9d8986789261c0d630d5b604ee6291cf8aa3d44ab761f2c676.json");
  const miss = holds("show", recctl(["show", "--json", "--root", CURRENT, "ffff0"]), 2);
  assert.equal(miss["recording"], null);
  assert.equal((miss["errors"] as { ref: string }[])[0]?.ref, "ffff0");
  const dir = tree(t, { [`abcd1${"0".repeat(59)}.json`]: TRUNCATED, [`abcd2${"0".repeat(59)}.json`]: TRUNCATED });
  const ambiguous = holds("show", recctl(["show", "--json", "abcd"], { cwd: dir }), 2);
  assert.equal((ambiguous["errors"] as { candidates: string[] }[])[0]?.candidates.length, 2);
  const broken = holds("show", recctl(["show", "--json", "abcd1"], { cwd: dir }), 2);
  assert.equal((broken["errors"] as { rule: string }[])[0]?.rule, "json");
});

test("reassemble --json: {texts:[…]} for one ref or several; a file without text is skipped; errors listed", (t) => {
  const REASSEMBLE = join(FIXTURES, "reassemble");
  const one = holds("reassemble", recctl(["reassemble", "--json", join(REASSEMBLE, "anthropic-sse-tool-use.json")]), 0);
  assert.equal((one["texts"] as unknown[]).length, 1);
  const many = holds("reassemble", recctl(["text", "--json", join(REASSEMBLE, "anthropic-sse-tool-use.json"), join(REASSEMBLE, "anthropic-message-tool-use.json")]), 0);
  assert.equal((many["texts"] as unknown[]).length, 2);
  const models = join(FIXTURES, "valid", "current-models-list.json");
  const skipped = holds("reassemble", recctl(["reassemble", "--json", models]), 2);
  assert.deepEqual(skipped["texts"], []);
  assert.equal((skipped["skipped"] as unknown[]).length, 1);
  const dir = tree(t, { "truncated.json": TRUNCATED });
  const broken = holds("reassemble", recctl(["reassemble", "--json", "tests/integration/x/recordings/truncated.json", "nope"], { cwd: dir }), 2);
  assert.equal((broken["errors"] as unknown[]).length, 2);
});

test("diff --json: the same members for equal recordings, different ones, and a side that is missing", () => {
  const same = holds("diff", recctl(["diff", "--json", rec("rechunked/before"), rec("rechunked/after")]), 0);
  assert.equal(same["same"], true);
  const edited = holds("diff", recctl(["diff", "--json", rec("request-edited/before"), rec("request-edited/after")]), 1);
  assert.equal(typeof edited["rules"], "string");
  const missing = holds("diff", recctl(["diff", "--json", join(REPO, "nope.json"), rec("rechunked/before")]), 2);
  assert.equal(missing["same"], null);
  assert.equal((missing["errors"] as unknown[]).length, 1);
});

test("prune --json: a tree with orphans, an unreadable file, an empty tree", (t) => {
  const dir = fixtureCopy(t, "prune");
  const doc = holds("prune", recctl(["prune", "--json", "--repo-root", dir, "."], { cwd: dir }));
  assert.ok((doc["orphans"] as unknown[]).length > 0);
  const broken = holds("prune", recctl(["prune", "--json"], { cwd: tree(t, { "truncated.json": TRUNCATED }) }), 2);
  assert.equal((broken["errors"] as unknown[]).length, 1);
  const empty = holds("prune", recctl(["prune", "--json", "--allow-empty"], { cwd: tree(t, {}) }), 0);
  assert.deepEqual(empty["orphans"], []);
});

test("normalize --json: files that would change, an unreadable file, an empty tree", (t) => {
  const dir = fixtureCopy(t, "normalize/repo");
  // The fixture holds a truncated file too: exit 2, and every other file judged.
  const doc = holds("normalize", recctl(["normalize", "--json"], { cwd: dir }), 2);
  assert.ok((doc["files"] as unknown[]).length > 0);
  const broken = holds("normalize", recctl(["normalize", "--json"], { cwd: tree(t, { "truncated.json": TRUNCATED }) }), 2);
  assert.deepEqual(broken["files"], []);
  assert.equal((broken["errors"] as { rule: string }[])[0]?.rule, "json");
  holds("normalize", recctl(["normalize", "--json", "--allow-empty"], { cwd: tree(t, {}) }), 0);
});

test("migrate-types --json: a dry run, an unreadable file, an empty tree", (t) => {
  const dir = fixtureCopy(t, "stale-type/repo");
  const doc = holds("migrate-types", recctl(["migrate-types", "--json", "mypkg.old_responses=mypkg.responses"], { cwd: dir }), 0);
  assert.ok((doc["files"] as unknown[]).length > 0);
  const broken = holds("migrate-types", recctl(["migrate-types", "--json", "a=b"], { cwd: tree(t, { "truncated.json": TRUNCATED }) }), 2);
  assert.equal((broken["errors"] as unknown[]).length, 1);
  holds("migrate-types", recctl(["migrate-types", "--json", "--allow-empty", "a=b"], { cwd: tree(t, {}) }), 0);
});

test("rehash --json: a tree with moves, an unreadable file, an empty tree", (t) => {
  const dir = fixtureCopy(t, "rehash/tree");
  const env = { GIT_CEILING_DIRECTORIES: dir, GIT_DIR: join(dir, "no-git") };
  const doc = holds("rehash", recctl(["rehash", "--json"], { cwd: dir, env }));
  assert.ok((doc["files"] as unknown[]).length > 0);
  assert.equal(typeof doc["rules"], "string");
  const broken = holds("rehash", recctl(["rehash", "--json"], { cwd: tree(t, { "truncated.json": TRUNCATED }), env }), 2);
  assert.equal((broken["errors"] as unknown[]).length, 1);
  holds("rehash", recctl(["rehash", "--json", "--allow-empty"], { cwd: tree(t, {}), env }), 0);
});

test("changes --json: two revisions, the working tree with --check, nothing changed", { skip: hasGit ? false : "git is not installed" }, (t) => {
  const dir = tempDir(t, "recctl-shapes-changes-");
  git(dir, "-c", "init.defaultBranch=main", "init", "-q");
  cpSync(join(FIXTURES, "changes", "base"), dir, { recursive: true });
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "base");
  const unchanged = holds("changes", recctl(["changes", "--json"], { cwd: dir }), 0);
  assert.deepEqual(unchanged["files"], []);
  assert.equal(unchanged["check"], null);
  cpSync(join(FIXTURES, "changes", "head"), dir, { recursive: true });
  const checked = holds("changes", recctl(["changes", "--json", "--check"], { cwd: dir }));
  assert.ok((checked["files"] as unknown[]).length > 0);
  assert.notEqual(checked["check"], null);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "head");
  holds("changes", recctl(["changes", "HEAD~1", "HEAD", "--json"], { cwd: dir }), 0);
});

test("explain --json: a log with misses, a log that cannot be read, a log with none", (t) => {
  const EXPLAIN = join(FIXTURES, "explain");
  const root = tempDir(t);
  cpSync(join(EXPLAIN, "repo"), root, { recursive: true });
  const doc = holds("explain", recctl(["--json", "--root", root, "explain", join(EXPLAIN, "logs", "inference-model.pytest.txt")]));
  assert.ok((doc["misses"] as unknown[]).length > 0);
  const unreadable = holds("explain", recctl(["--json", "--root", root, "explain", join(root, "no-such.log")]), 2);
  assert.equal((unreadable["errors"] as { rule: string }[])[0]?.rule, "io");
  const none = holds("explain", recctl(["--json", "--root", root, "explain"], { input: "all tests passed\n" }), 2);
  assert.deepEqual(none["misses"], []);
});

test("config --json: no config file, and one with settings", (t) => {
  holds("config", recctl(["config", "--json", "--no-config"]), 0);
  const dir = tree(t, {});
  writeFileSync(join(dir, "recctl.toml"), 'rules = "2025-10-04"\n[validate]\nstrict = true\n');
  const doc = holds("config", recctl(["config", "validate", "--json"], { cwd: dir }), 0);
  assert.equal(doc["config_file"], "recctl.toml");
});
