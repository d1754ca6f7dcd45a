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
const SUMMARY = { added: 1, removed: 1, modified: 4, noise_only: 2, rehashed: 2 };

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
}

describe("recctl changes", { skip: hasGit ? false : "git is not installed" }, () => {
  test("between two revisions: added, removed, modified (noise only or real, and what changed) and rehashed; exit 1 on a real change", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD", "--json"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "");
    const doc = JSON.parse(r.stdout) as { summary: unknown; files: JsonFile[] };
    assert.deepEqual(doc.summary, SUMMARY);
    assert.deepEqual(doc.files, EXPECTED);
  });

  test("the working tree is compared by default against HEAD, untracked recordings included", (t) => {
    const dir = repository(t, "working-tree");
    const r = recctl(["changes", "--json"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { summary: unknown; files: JsonFile[] };
    assert.deepEqual(doc.files, EXPECTED);
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
    assert.equal(removed.code, 1, removed.stderr);
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
    assert.match(r.stdout, /^2 modified \(2 noise only\): no real change$/m);
    assert.match(r.stdout, new RegExp(`^  modified  ${NORMALIZED.replace(/\./g, "\\.")}  only noise: ids, created$`, "m"));
  });

  test("text output is grouped by test id with counts, real changes first", (t) => {
    const dir = repository(t, "commit");
    const r = recctl(["changes", "HEAD~1", "HEAD"], { cwd: dir });
    assert.equal(r.code, 1);
    const lines = r.stdout.split("\n");
    const group = lines.indexOf("(no test id)  4 changes, 2 noise only");
    assert.ok(group > 0, r.stdout);
    assert.deepEqual(lines.slice(group + 1, group + 5), [
      `  modified  ${CHAT}  text`,
      `  removed   ${GONE}`,
      `  modified  ${STREAM}  only noise: ids, created, obfuscation, system_fingerprint, chunk boundaries, empty id_normalization_mapping`,
      `  rehashed  ${TOOL_NEW} ← ${path.basename(TOOL_OLD)}  same content`,
    ]);
    assert.ok(lines.includes(`${AGENT_TEST}  1 change`));
    assert.ok(lines.includes("1 added, 1 removed, 4 modified (2 noise only), 2 rehashed: 5 real changes"));
  });

  test("--format markdown: a one-line summary, a table per test folder with the real changes, noise-only changes folded in <details>", (t) => {
    const dir = repository(t, "commit");
    const base = git(dir, "rev-parse", "--short=7", "HEAD~1").trim();
    const head = git(dir, "rev-parse", "--short=7", "HEAD").trim();
    const r = recctl(["changes", "HEAD~1", "HEAD", "--format", "markdown"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
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
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /--revert-noise would restore 2 noise-only recordings to HEAD \(dry run; --write restores them\):\n {2}\S+0a2adfcb\S+\n {2}\S+ae7918bc\S+\n$/);
    assert.equal(git(dir, "status", "--porcelain", "-uall"), before);
  });

  test("--revert-noise --write restores the base version of the noise-only recordings: git status shows only the real changes", (t) => {
    const dir = repository(t, "working-tree");
    git(dir, "add", "-A"); // a re-record run's output, staged: the index is restored too
    const r = recctl(["changes", "--revert-noise", "--write"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
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
    assert.equal(r.code, 1, r.stderr);
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
