/**
 * `recctl changes` end to end: real git repositories built in a temporary folder from
 * test/fixtures/changes/{base,head} (see its README for what each recording shows and what
 * `changes` must say of it: the expected values below are that hand-checked table).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { FIXTURES, recctl, tempDir } from "./run.js";

const T = "tests/integration";
const STREAM = `${T}/common/recordings/ae7918bcbd92b3c41e01718829c34edea74327863184b55d1b20eb0313043916.json`;
const NORMALIZED = `${T}/inference/recordings/0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json`;
const CHAT = `${T}/common/recordings/b2c646582d0a4d9d8986789261c0d630d5b604ee6291cf8aa3d44ab761f2c676.json`;
const AGENT = `${T}/agents/recordings/8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1.json`;
const TOOL_OLD = `${T}/tool_runtime/recordings/8fe0bae4f48fd0cb44bed2f2994798c0ba3c2772c73c398802b919bbf60d2848.json`;
const TOOL_NEW = `${T}/tool_runtime/recordings/ce7f0b89454f8420749e3e3bb1752b4b0b3789d97702f903c47d6345f12a1fcd.json`;
const MODELS = `${T}/inference/recordings/models-768c497339830cf86ddd7843f33d0ed06b3bce3ef2ae9f854364b534ba8cafb7`;
const GONE = `${T}/common/recordings/cf0be7f9e2ebfc78903aa4ada30204585952f77bc5acb3ff7702bd7878d44b44.json`;
const NEW = `${T}/responses/recordings/921796a1b93ade48b54763c8f6672187375ac49bbaaf919c18b8c02d43dc64d2.json`;
const SAME = `${T}/interactions/recordings/1151b20ef79f0f44639f8133c3d0595d224611608c17d4076a325169e5dbf81e.json`;

const AGENT_TEST = `${T}/agents/test_openai_responses.py::test_output_safety_guardrails_unsafe_content[openai_client-txt=ollama/llama3.2:3b-instruct-fp16-True]`;
const COMPLETION_TEST = `${T}/inference/test_openai_completion.py::test_openai_completion_stop_sequence[txt=ollama/llama3.2:3b-instruct-fp16-inference:completion:stop_sequence]`;
const EMBEDDINGS_TEST = `${T}/inference/test_openai_embeddings.py::test_openai_embeddings_with_encoding_format_float[ogx_client-emb=sentence-transformers/nomic-ai/nomic-embed-text-v1.5]`;
const RESPONSES_TEST = `${T}/responses/test_basic_responses.py::test_include_logprobs_with_web_search[txt=azure/gpt-4o]`;

/** What the fixture README says of every changed recording, in `--json` order (test id, then file). */
const EXPECTED = [
  { file: AGENT, status: "modified", from: null, test_id: AGENT_TEST, noise_only: false, changes: ["finish_reason", "usage"] },
  { file: NORMALIZED, status: "modified", from: null, test_id: COMPLETION_TEST, noise_only: true, changes: [] },
  { file: `${MODELS}-3d1e9c04.json`, status: "rehashed", from: `${MODELS}-fb68f5a6.json`, test_id: EMBEDDINGS_TEST, noise_only: false, changes: ["body"] },
  { file: NEW, status: "added", from: null, test_id: RESPONSES_TEST, noise_only: false, changes: [] },
  { file: STREAM, status: "modified", from: null, test_id: null, noise_only: true, changes: [] },
  { file: CHAT, status: "modified", from: null, test_id: null, noise_only: false, changes: ["text"] },
  { file: GONE, status: "removed", from: null, test_id: null, noise_only: false, changes: [] },
  { file: TOOL_NEW, status: "rehashed", from: TOOL_OLD, test_id: null, noise_only: true, changes: [] },
];
const SUMMARY = { added: 1, removed: 1, modified: 4, noise_only: 2, rehashed: 2, breaks_replay: 0, re_recorded: 0, removed_duplicate: 0 };

const hasGit = spawnSync("git", ["--version"]).status === 0;

function git(dir: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** The fixture tree `side` as the whole `tests/` folder of the work tree (others left alone). */
function putTree(dir: string, side: "base" | "head"): void {
  fs.rmSync(path.join(dir, "tests"), { recursive: true, force: true });
  fs.cpSync(path.join(FIXTURES, "changes", side), dir, { recursive: true });
}

/** A git repository with `base` committed; `head` committed on top, or left in the working tree. */
function repository(t: { after: (fn: () => void) => void }, head: "commit" | "working-tree" | "none"): string {
  const dir = tempDir(t, "recctl-changes-");
  git(dir, "-c", "init.defaultBranch=main", "init", "-q");
  git(dir, "config", "user.name", "recctl tests");
  git(dir, "config", "user.email", "tests@recctl.invalid");
  git(dir, "config", "commit.gpgsign", "false");
  putTree(dir, "base");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  if (head !== "none") putTree(dir, "head");
  if (head === "commit") {
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "re-record");
  }
  return dir;
}

interface JsonFile {
  file: string;
  status: string;
  from: string | null;
  test_id: string | null;
  noise_only: boolean;
  changes: string[];
  change: string;
  before: string | null;
  after: string | null;
  hash_changes: string[];
  request_changes: { pointer: string; hash_relevant: boolean }[];
  duplicate_of: string | null;
}

/** The members the SPEC names for every file. */
function specFields(f: JsonFile): Pick<JsonFile, "file" | "status" | "from" | "test_id" | "noise_only" | "changes"> {
  return { file: f.file, status: f.status, from: f.from, test_id: f.test_id, noise_only: f.noise_only, changes: f.changes };
}


const STALE_COPY = `${T}/interactions/recordings/${"e".repeat(64)}.json`;
/** The re-recorded web search: named by the newest recorder's own hash (fixtures/changes/make-edit.py). */
const NEW2 = `${T}/responses/recordings/adef4e18ae544240be23f4372c0181934794d8a1829e4f00bf76f551f8b5ec33.json`;

function rewrite(dir: string, file: string, from: string, to: string): void {
  const at = path.join(dir, file);
  const text = fs.readFileSync(at, "utf8");
  assert.ok(text.includes(from), `${file} holds ${from}`);
  fs.writeFileSync(at, text.split(from).join(to));
}

/**
 * On top of `repository(t, "commit")`: a commit with a stale copy of an interactions recording
 * (what a rehash leaves behind), then the `edit` commit (HEAD~1 → HEAD) that
 * - edits the agents recording's request in place, its name kept (the model, as a sed would);
 * - changes only the common chat recording's response id (noise);
 * - re-records the web search: its recording removed, the new request's recording added;
 * - removes the stale copy, whose twin stays (a removed duplicate).
 * With `head: "staged"` the edit is staged, not committed.
 */
function edited(t: { after: (fn: () => void) => void }, head: "commit" | "staged" = "commit"): string {
  const dir = repository(t, "commit");
  fs.copyFileSync(path.join(dir, SAME), path.join(dir, STALE_COPY));
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "a stale copy");
  rewrite(dir, AGENT, "llama-guard3:1b", "llama-guard3:8b");
  rewrite(dir, CHAT, "chatcmpl-516", "chatcmpl-999");
  fs.rmSync(path.join(dir, NEW));
  fs.cpSync(path.join(FIXTURES, "changes", "edit"), dir, { recursive: true });
  fs.rmSync(path.join(dir, STALE_COPY));
  git(dir, "add", "-A");
  if (head === "commit") git(dir, "commit", "-q", "-m", "edit");
  return dir;
}

/** test/fixtures/eras/repo (a 2025-10-04 recorder) committed, then its recorder replaced by a 2026-04-09 one. */
function newerRecorder(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir(t, "recctl-changes-eras-");
  git(dir, "-c", "init.defaultBranch=main", "init", "-q");
  git(dir, "config", "user.name", "recctl tests");
  git(dir, "config", "user.email", "tests@recctl.invalid");
  git(dir, "config", "commit.gpgsign", "false");
  fs.cpSync(path.join(FIXTURES, "eras", "repo"), dir, { recursive: true });
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "recorded under the 2025-10-04 rules");
  const testing = path.join(dir, "llama_stack", "testing");
  fs.rmSync(path.join(testing, "inference_recorder.py"));
  fs.copyFileSync(path.join(FIXTURES, "changes", "recorder-2026-04-09", "api_recorder.py"), path.join(testing, "api_recorder.py"));
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "a newer recorder");
  return dir;
}

const EDIT_AGENT_TEST = AGENT_TEST;

describe("recctl changes", { skip: hasGit ? false : "git is not installed" }, () => {
  test("between two revisions: added, removed, modified (noise only or real, and what changed) and rehashed; exit 0 when it ran, real changes and all", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const doc = JSON.parse(r.stdout) as { summary: unknown; files: JsonFile[] };
    assert.deepEqual(doc.summary, SUMMARY);
    assert.deepEqual(doc.files.map(specFields), EXPECTED);
  });

  test("the working tree is compared by default against HEAD, untracked recordings included", (t) => {
    const dir = repository(t, "working-tree");
    const r = recctl(["changes", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { summary: unknown; files: JsonFile[] };
    assert.deepEqual(doc.files.map(specFields), EXPECTED);
    assert.deepEqual(doc.summary, SUMMARY);
  });

  test("only recordings are compared: a changed test file, a changed JSON outside recordings/ and an unchanged recording are not listed", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD", "--json"], { cwd: dir });
    const listed = (JSON.parse(r.stdout) as { files: JsonFile[] }).files.map((f) => f.file);
    for (const file of [`${T}/common/test_common.py`, `${T}/common/config.json`, SAME]) assert.ok(!listed.includes(file), file);
  });

  test("paths narrow the comparison: a folder means the recordings in it, a removed file can be named", (t) => {
    const dir = repository(t, "commit");
    const folder = recctl(["changes", "HEAD~1", "HEAD", `${T}/common`, "--json"], { cwd: dir });
    assert.deepEqual(
      (JSON.parse(folder.stdout) as { files: JsonFile[] }).files.map((f) => [f.file, f.status]),
      [
        [STREAM, "modified"],
        [CHAT, "modified"],
        [GONE, "removed"],
      ],
    );
    const removed = recctl(["changes", "HEAD~1", "HEAD", GONE, "--json"], { cwd: dir });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual((JSON.parse(removed.stdout) as { files: JsonFile[] }).files.map((f) => f.status), ["removed"]);
  });

  test("--root limits the default selection to the recordings under it", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD", "--root", `${T}/inference`, "--json"], { cwd: dir });
    assert.deepEqual(
      (JSON.parse(r.stdout) as { files: JsonFile[] }).files.map((f) => f.file),
      [NORMALIZED, `${MODELS}-3d1e9c04.json`],
    );
  });

  test("exit 0 when every changed recording differs only in noise", (t) => {
    const dir = repository(t, "none");
    for (const file of [STREAM, NORMALIZED]) fs.copyFileSync(path.join(FIXTURES, "changes", "head", file), path.join(dir, file));
    const r = recctl(["changes"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^recordings changed from HEAD to the working tree$/m);
    assert.match(r.stdout, /^2 modified \(noise only\): no real change$/m);
    assert.match(r.stdout, new RegExp(`^  modified  ${NORMALIZED.replace(/\./g, "\\.")}  only noise: ids, created$`, "m"));
  });

  test("text output is grouped by test id with counts, real changes first", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD"], { cwd: dir });
    assert.equal(r.code, 0);
    const lines = r.stdout.split("\n");
    const group = lines.indexOf("(no test id)  1 removed, 2 modified (1 noise only), 1 rehashed");
    assert.ok(group > 0, r.stdout);
    assert.deepEqual(lines.slice(group + 1, group + 5), [
      `  modified  ${CHAT}  text`,
      `  removed   ${GONE}`,
      `  modified  ${STREAM}  only noise: ids, created, obfuscation, system_fingerprint, chunk boundaries, empty id_normalization_mapping`,
      `  rehashed  ${TOOL_NEW} ← ${path.basename(TOOL_OLD)}  same content`,
    ]);
    assert.ok(lines.includes(`${AGENT_TEST}  1 modified`));
    assert.ok(lines.includes(`${COMPLETION_TEST}  1 modified (noise only)`));
    assert.ok(lines.includes("1 added, 1 removed, 4 modified (2 noise only), 2 rehashed: 5 real changes"));
  });

  test("--format markdown: a one-line summary, a table per test folder with the real changes, noise-only changes folded in <details>", (t) => {
    const dir = repository(t, "commit");
    const base = git(dir, "rev-parse", "--short=7", "HEAD~1").trim();
    const head = git(dir, "rev-parse", "--short=7", "HEAD").trim();
    const r = recctl(["changes", "HEAD~1", "HEAD", "--format", "markdown"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    const lines = md.split("\n");
    assert.equal(lines[0], `**Recordings** (\`${base}\` → \`${head}\`): **5 real changes**, 3 noise-only — 1 added, 1 removed, 4 modified (2 noise only), 2 rehashed.`);
    const details = md.indexOf("<details>");
    const real = md.slice(0, details);
    const folded = md.slice(details);
    // Real changes, one table per folder.
    assert.deepEqual(
      lines.filter((l) => l.startsWith("#### ")).slice(0, 4),
      ["#### `tests/integration/agents`", "#### `tests/integration/common`", "#### `tests/integration/inference`", "#### `tests/integration/responses`"],
    );
    assert.ok(real.includes("| `b2c646582d0a….json` | modified | — | text |"), real);
    assert.ok(real.includes("| `cf0be7f9e2eb….json` | removed | — | — |"));
    assert.ok(real.includes("| `models-768c49733983…-fb68f5a6.json` → `models-768c49733983…-3d1e9c04.json` | rehashed |"));
    assert.ok(real.includes("| `921796a1b93a….json` | added | `test_basic_responses.py::test_include_logprobs_with_web_search[txt=azure/gpt-4o]` | — |"));
    assert.ok(!real.includes("ae7918bcbd92"), "a noise-only file outside the fold");
    // Noise only, folded.
    assert.match(folded, /^<details><summary>3 noise-only re-records \(ids, created, obfuscation, system_fingerprint, chunk boundaries, empty id_normalization_mapping\)<\/summary>$/m);
    assert.ok(folded.includes("| `ae7918bcbd92….json` | modified | — | ids, created, obfuscation, system_fingerprint, chunk boundaries, empty id_normalization_mapping |"));
    assert.ok(folded.includes("| `8fe0bae4f48f….json` → `ce7f0b89454f….json` | rehashed | — | same content |"));
    assert.ok(folded.trimEnd().endsWith("</details>"));
  });

  test("--revert-noise is a dry run: it lists the noise-only modified recordings and changes nothing", (t) => {
    const dir = repository(t, "working-tree");
    const before = git(dir, "status", "--porcelain", "-uall");
    const r = recctl(["changes", "--revert-noise"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--revert-noise would restore 2 noise-only recordings to HEAD \(dry run; --write restores them\):\n {2}\S+0a2adfcb\S+\n {2}\S+ae7918bc\S+\n$/);
    assert.equal(git(dir, "status", "--porcelain", "-uall"), before);
  });

  test("--revert-noise --write restores the base version of the noise-only recordings: git status shows only the real changes", (t) => {
    const dir = repository(t, "working-tree");
    git(dir, "add", "-A"); // a re-record run's output, staged: the index is restored too
    const r = recctl(["changes", "--revert-noise", "--write"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /restored 2 noise-only recordings to HEAD:/);
    const status = git(dir, "status", "--porcelain", "-uall", "--no-renames").split("\n").filter(Boolean).sort();
    assert.deepEqual(status, [
      `A  ${NEW}`,
      `A  ${MODELS}-3d1e9c04.json`,
      `A  ${TOOL_NEW}`,
      `D  ${GONE}`,
      `D  ${MODELS}-fb68f5a6.json`,
      `D  ${TOOL_OLD}`,
      `M  ${AGENT}`,
      `M  ${CHAT}`,
      `M  ${T}/common/config.json`,
      `M  ${T}/common/test_common.py`,
    ].sort());
    for (const file of [STREAM, NORMALIZED]) {
      assert.equal(fs.readFileSync(path.join(dir, file), "utf8"), fs.readFileSync(path.join(FIXTURES, "changes", "base", file), "utf8"), file);
    }
    const again = recctl(["changes", "--json"], { cwd: dir });
    assert.equal((JSON.parse(again.stdout) as { summary: { noise_only: number } }).summary.noise_only, 0);
  });

  test("--revert-noise --write leaves untracked and unstaged real changes as they are", (t) => {
    const dir = repository(t, "working-tree");
    const r = recctl(["changes", "--revert-noise", "--write"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const status = git(dir, "status", "--porcelain", "-uall").split("\n").filter(Boolean);
    assert.ok(!status.some((l) => l.includes("ae7918bc") || l.includes("0a2adfcb")), status.join("\n"));
    assert.ok(status.includes(` M ${CHAT}`) && status.includes(`?? ${NEW}`) && status.includes(` D ${GONE}`), status.join("\n"));
  });

  test("--revert-noise works on the working tree only: with <head> it exits 2 and restores nothing", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD", "--revert-noise", "--write"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "recctl: --revert-noise works on the working tree: leave out <head>\n");
    assert.equal(git(dir, "status", "--porcelain"), "");
  });

  test("--write without --revert-noise is a usage error (exit 2)", (t) => {
    const dir = repository(t, "working-tree");
    const r = recctl(["changes", "--write"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "recctl: --write goes with --revert-noise (changes itself never writes)\n");
  });

  test("outside a git work tree: one line, exit 2", (t) => {
    const dir = tempDir(t, "recctl-changes-nogit-");
    const r = recctl(["changes"], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `recctl: ${dir} is not in a git work tree\n`);
    assert.equal(r.stdout, "");
  });

  test("an unknown revision: one line, exit 2", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "no-such-branch"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "recctl: no-such-branch: unknown revision or path not in the working tree\n");
    const second = recctl(["changes", "HEAD", "no-such-branch", "--json"], { cwd: dir });
    assert.equal(second.code, 2);
    assert.equal(second.stdout, "");
  });

  test("a recording that is not JSON is named with its place, left out, and the others still compared (exit 2)", (t) => {
    const dir = repository(t, "working-tree");
    fs.writeFileSync(path.join(dir, AGENT), '{\n  "test_id": \n');
    const r = recctl(["changes", "--json"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^recctl: ${AGENT.replace(/\./g, "\\.")}:2:13: invalid JSON: .*\\(left out of the comparison\\)\n$`));
    const files = (JSON.parse(r.stdout) as { files: JsonFile[] }).files.map((f) => f.file);
    assert.equal(files.length, EXPECTED.length - 1);
    assert.ok(!files.includes(AGENT));
  });
});

describe("recctl changes: what breaks replay", { skip: hasGit ? false : "git is not installed" }, () => {
  test("a request edited in place, its name kept, breaks replay: listed first with the pointer that changed the hash; a plain run exits 0", (t) => {
    const dir = edited(t);
    const r = recctl(["changes", "HEAD~1", "HEAD"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.deepEqual(lines.slice(0, 4), [
      "recordings changed from HEAD~1 to HEAD",
      "",
      "breaks replay: 1 recording reachable at HEAD~1 is unreachable at HEAD: replay misses it",
      `  breaks-replay  ${AGENT}  modified; the hash changed by /request/body/model`,
    ]);
    assert.ok(lines.includes("1 breaks replay, 1 modified (noise only), 1 re-recorded, 1 removed duplicate: 2 real changes"), r.stdout);
    assert.ok(lines.includes(`  re-recorded  ${NEW2} ← ${path.basename(NEW)}  request: /request/kwargs/query (changes the hash)`), r.stdout);
    assert.ok(lines.includes(`  removed-duplicate  ${STALE_COPY}  same request and response as ${path.basename(SAME)}`), r.stdout);
    assert.ok(!r.stdout.includes("--check"), "no check line without --check");
  });

  test("--json: statuses, the verdict at each side, the hash-changing pointers, the re-recorded pair and the removed duplicate", (t) => {
    const dir = edited(t);
    const r = recctl(["changes", "HEAD~1", "HEAD", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { summary: unknown; files: JsonFile[]; rules: string; base_rules: string };
    assert.deepEqual(doc.summary, { added: 0, removed: 0, modified: 1, noise_only: 1, rehashed: 0, breaks_replay: 1, re_recorded: 1, removed_duplicate: 1 });
    assert.deepEqual(
      doc.files.map((f) => [f.file, f.status, f.change, f.from, f.before, f.after, f.noise_only, f.hash_changes, f.duplicate_of]),
      [
        [AGENT, "breaks-replay", "modified", null, "reachable", "unreachable", false, ["/request/body/model"], null],
        [STALE_COPY, "removed-duplicate", "removed-duplicate", null, "unreachable", null, true, [], SAME],
        [NEW2, "re-recorded", "re-recorded", NEW, "reachable", "reachable", false, ["/request/kwargs/query"], null],
        [CHAT, "modified", "modified", null, "reachable", "reachable", true, [], null],
      ],
    );
    const agent = doc.files[0];
    assert.equal(agent?.test_id, EDIT_AGENT_TEST);
    // /request/model is the recorder's copy of the model: it differs, but is not hashed.
    assert.deepEqual(agent?.request_changes, [
      { pointer: "/request/body/model", hash_relevant: true },
      { pointer: "/request/model", hash_relevant: false },
    ]);
    assert.equal(doc.rules, doc.base_rules);
  });

  test("--check exits 1 when a change breaks replay and says why; with nothing broken it exits 0", (t) => {
    const dir = edited(t);
    const r = recctl(["changes", "HEAD~1", "HEAD", "--check"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^--check failed: 1 recording breaks replay$/m);
    const clean = recctl(["changes", "HEAD~2", "HEAD~1", "--check"], { cwd: dir });
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /^--check passed: no change breaks replay$/m);
  });

  test("--check --strict fails on a noise-only modification too; real changes pass", (t) => {
    const dir = repository(t, "none");
    fs.copyFileSync(path.join(FIXTURES, "changes", "head", NORMALIZED), path.join(dir, NORMALIZED));
    const strict = recctl(["changes", "--check", "--strict"], { cwd: dir });
    assert.equal(strict.code, 1, strict.stdout);
    assert.match(strict.stdout, /^--check failed: 1 noise-only modification \(--strict\)$/m);
    assert.equal(recctl(["changes", "--check"], { cwd: dir }).code, 0);
    // A real change alone (the answer text) passes --strict.
    const real = repository(t, "none");
    fs.copyFileSync(path.join(FIXTURES, "changes", "head", CHAT), path.join(real, CHAT));
    const r = recctl(["changes", "--check", "--strict"], { cwd: real });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^1 modified: 1 real change$/m);
  });

  test("--strict without --check is a usage error (exit 2)", (t) => {
    const dir = repository(t, "none");
    const r = recctl(["changes", "--strict"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "recctl: --strict goes with --check\n");
  });

  test("--format markdown: what breaks replay comes first, in its own table", (t) => {
    const dir = edited(t);
    const r = recctl(["changes", "HEAD~1", "HEAD", "--format", "markdown", "--check"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split("\n");
    assert.match(lines[0] ?? "", /^\*\*Recordings\*\* \(`[0-9a-f]{7}` → `[0-9a-f]{7}`\): \*\*1 breaks replay\*\*, \*\*2 real changes\*\*, 2 noise-only — 1 breaks replay, 1 modified \(noise only\), 1 re-recorded, 1 removed duplicate\.$/);
    assert.equal(lines[2], "### Breaks replay");
    const table = lines.indexOf("| recording | change | test | why |");
    assert.ok(table > 0 && table < lines.findIndex((l) => l.startsWith("#### ")), r.stdout);
    assert.ok(lines[table + 2]?.startsWith(`| \`${AGENT}\` | modified | `), lines[table + 2]);
    assert.ok(lines[table + 2]?.endsWith("| modified; the hash changed by /request/body/model |"), lines[table + 2]);
    assert.ok(r.stdout.includes("| `921796a1b93a….json` → `adef4e18ae54….json` | re-recorded | `test_basic_responses.py::test_include_logprobs_with_web_search[txt=azure/gpt-4o]` | request: /request/kwargs/query (changes the hash) |"), r.stdout);
    assert.match(r.stdout, /^--check failed: 1 recording breaks replay$/m);
  });

  test("--staged compares the index with HEAD: staged edits count, unstaged ones do not", (t) => {
    const dir = edited(t, "staged");
    // An unstaged edit of another recording is not what the next commit holds.
    rewrite(dir, STREAM, '"created": ', '"created":  ');
    const r = recctl(["changes", "--staged", "--check", "--json"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { files: JsonFile[]; check: unknown };
    assert.deepEqual(doc.files.map((f) => [f.file, f.status]), [
      [AGENT, "breaks-replay"],
      [STALE_COPY, "removed-duplicate"],
      [NEW2, "re-recorded"],
      [CHAT, "modified"],
    ]);
    assert.deepEqual(doc.check, { strict: false, failed: true });
    const text = recctl(["changes", "--staged"], { cwd: dir });
    assert.match(text.stdout, /^recordings changed from HEAD to the index$/m);
    const worktree = recctl(["changes", "--json"], { cwd: dir });
    assert.ok((JSON.parse(worktree.stdout) as { files: JsonFile[] }).files.some((f) => f.file === STREAM), "the working tree has the unstaged edit");
  });

  test("--staged in a repository with no commit yet compares the index with nothing: every recording added", (t) => {
    const dir = tempDir(t, "recctl-changes-first-");
    git(dir, "-c", "init.defaultBranch=main", "init", "-q");
    putTree(dir, "base");
    git(dir, "add", "-A");
    const r = recctl(["changes", "--staged", "--check", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { summary: { added: number } };
    assert.equal(doc.summary.added, 8);
  });

  test("when the recorder's era differs between the revisions, unmodified recordings it strands break replay", (t) => {
    const dir = newerRecorder(t);
    // What test/fixtures/eras/make-repo.py computed with the recorders' own functions.
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, "eras", "repo-expected.json"), "utf8")) as { unreachable_under_repository_recorder: string[]; unreachable_under_newest: string[] };
    const stranded = expected.unreachable_under_newest.filter((f) => !expected.unreachable_under_repository_recorder.includes(f));
    const r = recctl(["changes", "HEAD~1", "HEAD", "--check", "--json"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { files: JsonFile[]; rules: string; base_rules: string; summary: { breaks_replay: number } };
    assert.deepEqual(doc.files.map((f) => [path.basename(f.file), f.status, f.change, f.before, f.after]), stranded.map((f) => [f, "breaks-replay", "unchanged", "reachable", "unreachable"]));
    assert.deepEqual([doc.base_rules, doc.rules], ["2025-10-04", "2026-04-09"]);
    const text = recctl(["changes", "HEAD~1", "HEAD"], { cwd: dir });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /unchanged; the hash rules changed \(2025-10-04 → 2026-04-09\)$/m);
    assert.match(text.stdout, /^hash rules of 2025-10-04 .* at HEAD~1 \(from llama_stack\/testing\/inference_recorder\.py\); of 2026-04-09 .* at HEAD \(from llama_stack\/testing\/api_recorder\.py\)$/m);
    // --rules judges both sides by one era: nothing changed, nothing breaks.
    const one = recctl(["changes", "HEAD~1", "HEAD", "--check", "--rules", "current"], { cwd: dir });
    assert.equal(one.code, 0, one.stdout);
    assert.match(one.stdout, /^no recording changed: no real change$/m);
  });
});
