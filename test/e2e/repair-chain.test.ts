/**
 * Issue 17, items 1–2: when stale recordings compete for one name, the newest response wins —
 * "newest" by the last commit that changed each response as the recorder's normalization sees
 * it — and `prune --delete` never removes a recording newer than its correctly named twin.
 *
 * The repository is built here, from test/fixtures/rehash/tree, with commits dated by
 * GIT_AUTHOR_DATE / GIT_COMMITTER_DATE. Which response is newest is known from that construction,
 * not from recctl. The history:
 *
 *   2024-12-01  C0  a6a67509 (correctly named), ee…ee (stale: 35c12d70's request, another answer)
 *   2025-01-01  C1  3027fe9d (stale), with provider `created` values (what normalize rewrites)
 *   2025-02-01  C2  9c94e077 and fad0a10b (stale, newer answers), 35c12d70 and 1e171766
 *   2025-03-01  C3  bulk: a request header added to 3027fe9d, a6a67509, fad0a10b… and every
 *                   file re-indented (a request edit and a reformatting: no answer changes)
 *   2025-04-01  C4  normalize-only: 3027fe9d's `created` values set to what normalize writes
 *
 * So 9c94e077 (C2) is newer than 3027fe9d (C1), though 3027fe9d was touched last and comes first
 * by name; fad0a10b (C2) is newer than its correctly named twin a6a67509 (C0); ee…ee (C0) is
 * older than its twin 35c12d70 (C2); 1e171766 has 35c12d70's answer (a duplicate).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { jsonFiles } from "../files.js";
import { FIXTURES, recctl, tempDir } from "./run.js";

const TREE = join(FIXTURES, "rehash", "tree");
const TOOL = "tests/integration/tool_runtime/recordings";
const RESP = "tests/integration/responses/recordings";
const H3027 = "3027fe9da37cc8b8a9e3e244f8aaf8b0065eae214a7ea4b0ec9e526b70bc9654.json";
const H9C94 = "9c94e077af44eb1d8e01351f5a0cbc2dd822c2efd1a8a2ebbac1cefa85b1fb2a.json";
const TOOL_TARGET = "bc4baf8fe7f72ace5c2557f48292c2c49653cb7640d23ab8390e1dd2d3f9d78e.json";
const FAD0 = "fad0a10b2fe4d8cf7c8d8d454c90ecd38c043220dc1b944f5c57ac11ab024ae3.json";
const A6A6 = "a6a67509c5cc4b38375228e67705cf427ec1ad149c49ee264a55fcd9c93c2fe0.json";
const T35C = "35c12d70c31d4d946093862c5ff97ba11095ba7bc974c19b19401d83567ce28b.json";
const D1E1 = "1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json";
const OLDER = `${"ee".repeat(32)}.json`;

interface Recording {
  request: { headers: Record<string, string> };
  response: { body: { __data__: Record<string, unknown> & { choices: { delta: { tool_calls?: { function: { arguments: string } }[] } }[] } }[] };
}

const read = (file: string): Recording => JSON.parse(readFileSync(file, "utf8")) as Recording;
const write = (file: string, data: unknown, indent = 2): void => writeFileSync(file, `${JSON.stringify(data, null, indent)}\n`);

function gitEnv(root: string, date: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CEILING_DIRECTORIES: dirname(root),
  };
}

function git(root: string, args: string[], date = "2024-01-01T00:00:00Z"): void {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8", env: { ...process.env, ...gitEnv(root, date) } });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
}

function commitAll(root: string, date: string, message: string): void {
  git(root, ["add", "-A"], date);
  git(root, ["commit", "-q", "-m", message], date);
}

const hasGit = spawnSync("git", ["--version"]).status === 0;

/** The repository described above; returns its root. */
function buildRepository(t: { after: (fn: () => void) => void }): string {
  const root = tempDir(t, "recctl-repair-");
  const from = (rel: string, name: string): string => join(TREE, rel, name);
  const to = (rel: string, name: string): string => join(root, rel, name);
  cpSync(join(TREE, TOOL), join(root, TOOL), { recursive: true, filter: (src) => !src.endsWith(".json") });
  cpSync(join(TREE, RESP), join(root, RESP), { recursive: true, filter: (src) => !src.endsWith(".json") });
  git(root, ["init", "-q"]);

  // The test files the recordings' test_ids name, so that no recording is test-file-missing.
  for (const f of jsonFiles(TREE)) {
    const id = (JSON.parse(readFileSync(f, "utf8")) as { test_id?: string }).test_id;
    const testFile = id?.split("::")[0];
    if (testFile === undefined) continue;
    mkdirSync(dirname(join(root, testFile)), { recursive: true });
    writeFileSync(join(root, testFile), "");
  }

  // C0: the twin a6a67509, and an older answer to 35c12d70's request under a stale name.
  cpSync(from(RESP, A6A6), to(RESP, A6A6));
  const older = read(from(RESP, T35C));
  const call = older.response.body.map((c) => c.__data__.choices[0]?.delta.tool_calls?.[0]?.function).find((f) => typeof f?.arguments === "string");
  assert.ok(call !== undefined);
  call.arguments = `{"older": 1, ${call.arguments.slice(1)}`;
  write(to(RESP, OLDER), older);
  commitAll(root, "2024-12-01T00:00:00Z", "C0");

  // C1: 3027fe9d, with provider `created` values that normalize will rewrite.
  const first = read(from(TOOL, H3027));
  const created = first.response.body.map((c) => c.__data__["created"]);
  for (const c of first.response.body) c.__data__["created"] = 1733000000;
  write(to(TOOL, H3027), first);
  commitAll(root, "2025-01-01T00:00:00Z", "C1");

  // C2: the newer answers, and 35c12d70 with its duplicate 1e171766.
  for (const [rel, name] of [[TOOL, H9C94], [RESP, FAD0], [RESP, T35C], [RESP, D1E1]] as const) cpSync(from(rel, name), to(rel, name));
  commitAll(root, "2025-02-01T00:00:00Z", "C2");

  // C3: a bulk edit of requests and formatting only.
  for (const [rel, name] of [[TOOL, H3027], [RESP, A6A6], [RESP, FAD0], [RESP, OLDER]] as const) {
    const rec = read(to(rel, name));
    rec.request.headers = { ...rec.request.headers, "X-Bulk-Edit": "1" };
    write(to(rel, name), rec, 4);
  }
  commitAll(root, "2025-03-01T00:00:00Z", "C3: requests only");

  // C4: what a normalize run changes in 3027fe9d (`created` back to what the recorder writes).
  const normalized = read(to(TOOL, H3027));
  normalized.response.body.forEach((c, i) => (c.__data__["created"] = created[i]));
  write(to(TOOL, H3027), normalized, 4);
  commitAll(root, "2025-04-01T00:00:00Z", "C4: normalize");
  return root;
}

interface RehashJson {
  summary: { renamed: number; replaced: number; duplicates: number; superseded: number; conflicts: number };
  files: { file: string; to: string; action: string; reason: string; candidates: { file: string; date: string | null; commit: string | null; source: string | null }[]; winner: string | null }[];
}

interface PruneJson {
  summary: { deleted: number };
  orphans: { file: string; reasons: string[]; superseded_by?: string; responses_differ?: boolean; kept?: { twin: string; why: string; remedy: string }; deleted: boolean }[];
}

const run = (root: string, args: string[]): ReturnType<typeof recctl> => recctl(args, { cwd: root, env: gitEnv(root, "2026-01-01T00:00:00Z") });
const byName = (files: RehashJson["files"], name: string): RehashJson["files"][number] | undefined => files.find((f) => f.file.endsWith(`/${name}`));
/** Each candidate's response date, as an instant. */
const datesOf = (e: RehashJson["files"][number] | undefined): Record<string, string> =>
  Object.fromEntries((e?.candidates ?? []).map((c) => [c.file.split("/").pop(), c.date === null ? "none" : new Date(c.date).toISOString()]));

/** The answer's pieces (the choices of every chunk): what differs between two recordings of a request. */
const answerOf = (file: string): string => JSON.stringify(read(file).response.body.map((c) => c.__data__.choices));

test("stale recordings competing for one name: the newest response wins, and the dry run says so with each date", { skip: !hasGit && "git is not installed" }, (t) => {
  const root = buildRepository(t);
  const r = run(root, ["rehash", "--json"]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as RehashJson;

  // 9c94e077 (answer of 2025-02-01) wins over 3027fe9d (2025-01-01; edited after, never re-answered).
  const win = byName(report.files, H9C94);
  assert.equal(win?.action, "rename");
  assert.equal(win?.to, `${TOOL}/${TOOL_TARGET}`);
  assert.equal(win?.winner, `${TOOL}/${H9C94}`);
  assert.deepEqual(datesOf(win), { [H3027]: "2025-01-01T00:00:00.000Z", [H9C94]: "2025-02-01T00:00:00.000Z" });
  assert.equal(byName(report.files, H3027)?.action, "superseded");

  // fad0a10b (2025-02-01) takes the name of its older, correctly named twin a6a67509 (2024-12-01).
  const replace = byName(report.files, FAD0);
  assert.equal(replace?.action, "replace-older");
  assert.equal(replace?.to, `${RESP}/${A6A6}`);
  assert.deepEqual(datesOf(replace), { [A6A6]: "2024-12-01T00:00:00.000Z", [FAD0]: "2025-02-01T00:00:00.000Z" });

  // ee…ee (2024-12-01) is older than its twin 35c12d70 (2025-02-01): superseded; 1e171766 a duplicate.
  assert.equal(byName(report.files, OLDER)?.action, "superseded");
  assert.equal(byName(report.files, D1E1)?.action, "remove-duplicate");

  const text = run(root, ["rehash"]);
  assert.match(text.stdout, new RegExp(`${H9C94} → ${TOOL_TARGET}  rename\\n.*its response \\(2025-02-01T00:00:00\\+00:00 \\(commit [0-9a-f]{7}\\)\\) is the newest`));
  assert.match(text.stdout, new RegExp(`· ${H9C94}  2025-02-01T00:00:00\\+00:00 \\(commit [0-9a-f]{7}\\)  newest, wins`));
  assert.match(text.stdout, new RegExp(`· ${H3027}  2025-01-01T00:00:00\\+00:00 \\(commit [0-9a-f]{7}\\)  older`));
  assert.match(text.stdout, new RegExp(`${FAD0} → ${A6A6}  replace-older\\n.*is newer than that of ${A6A6} \\(2024-12-01`));
});

test("rehash --write puts the newest response in place; prune --delete afterwards removes nothing newer than its twin", { skip: !hasGit && "git is not installed" }, (t) => {
  const root = buildRepository(t);
  const newestTool = answerOf(join(root, TOOL, H9C94));
  const newestResp = answerOf(join(root, RESP, FAD0));
  const w = run(root, ["rehash", "--write"]);
  assert.equal(w.code, 0, w.stderr + w.stdout);
  assert.equal(answerOf(join(root, TOOL, TOOL_TARGET)), newestTool, "the newest answer holds the tool_runtime name");
  assert.equal(answerOf(join(root, RESP, A6A6)), newestResp, "the newer answer replaced its older twin");
  assert.ok(!existsSync(join(root, RESP, FAD0)) && !existsSync(join(root, TOOL, H9C94)));

  // Left: 3027fe9d and ee…ee, each older than the recording now on its name.
  const dry = JSON.parse(run(root, ["prune", "--json", "--reason", "unreachable"]).stdout) as PruneJson;
  const listed = Object.fromEntries(dry.orphans.map((o) => [o.file.split("/").pop(), o]));
  assert.deepEqual(Object.keys(listed).sort(), [H3027, OLDER].sort());
  assert.equal(listed[H3027]?.superseded_by, `${TOOL}/${TOOL_TARGET}`);
  assert.equal(listed[H3027]?.responses_differ, true);
  assert.equal(listed[OLDER]?.responses_differ, true);

  const del = run(root, ["prune", "--json", "--reason", "unreachable", "--delete", "--max-delete", "100%"]);
  assert.equal(del.code, 0, del.stderr);
  assert.equal((JSON.parse(del.stdout) as PruneJson).summary.deleted, 2);
  // Every answer that was newest for its request is still there.
  assert.equal(answerOf(join(root, TOOL, TOOL_TARGET)), newestTool);
  assert.equal(answerOf(join(root, RESP, A6A6)), newestResp);
  assert.ok(existsSync(join(root, RESP, T35C)));
});

test("prune --delete before rehash keeps a stale recording newer than its twin, and says how to put it in place", { skip: !hasGit && "git is not installed" }, (t) => {
  const root = buildRepository(t);
  const dry = JSON.parse(run(root, ["prune", "--json", "--reason", "unreachable"]).stdout) as PruneJson;
  const fad0 = dry.orphans.find((o) => o.file.endsWith(FAD0));
  assert.deepEqual(fad0?.reasons, ["unreachable"], "not superseded: its twin is older");
  assert.equal(fad0?.kept?.why, "newer-than-twin");
  assert.match(fad0?.kept?.remedy ?? "", new RegExp(`\`recctl rehash --write ${RESP}/${FAD0}\` puts it in place`));
  const dup = dry.orphans.find((o) => o.file.endsWith(D1E1));
  assert.deepEqual([dup?.superseded_by, dup?.responses_differ], [`${RESP}/${T35C}`, false]);

  const del = run(root, ["prune", "--reason", "unreachable", "--delete", "--max-delete", "100%"]);
  assert.equal(del.code, 0, del.stderr);
  assert.ok(existsSync(join(root, RESP, FAD0)), "the newer answer is kept");
  assert.match(del.stdout, new RegExp(`${FAD0}  .*  unreachable  kept\\n    never removed by --delete: its response is newer than that of its correctly named twin ${A6A6} \\(2025-02-01.* vs 2024-12-01.*\\): \`recctl rehash --write ${RESP}/${FAD0}\` puts it in place`));
  assert.match(del.stdout, /kept 1 \(never removed: see above\)/);
  assert.ok(!existsSync(join(root, RESP, D1E1)), "the duplicate is removed: it loses nothing");
  assert.match(del.stdout, new RegExp(`same request and response as ${RESP}/${T35C}: a duplicate, deleting it loses nothing`));
});

test("without git history, competing responses are conflicts and nothing is renamed", (t) => {
  const root = tempDir(t, "recctl-nogit-");
  cpSync(TREE, root, { recursive: true });
  const r = recctl(["rehash", "--write", "--json"], { cwd: root, env: { GIT_CEILING_DIRECTORIES: dirname(root) } });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as RehashJson;
  for (const name of [H3027, H9C94, FAD0]) {
    const e = byName(report.files, name);
    assert.equal(e?.action, "conflict", name);
    assert.match(e?.reason ?? "", /no git history tells which response is newer/);
    assert.equal(e?.winner, null);
    assert.ok(e?.candidates.every((c) => c.date === null));
  }
  for (const name of [H3027, H9C94]) assert.ok(existsSync(join(root, TOOL, name)), name);
  assert.ok(existsSync(join(root, RESP, FAD0)) && existsSync(join(root, RESP, A6A6)));
  assert.ok(!existsSync(join(root, TOOL, TOOL_TARGET)));
});
