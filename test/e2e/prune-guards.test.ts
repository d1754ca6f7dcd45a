/**
 * `prune` in a real repository layout (a git work tree made in a temporary folder from
 * test/fixtures/prune): where test paths resolve, and the guards that keep `--delete` from
 * removing a tree by mistake. Expected files come from the fixture's README table.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { BIN, FIXTURES, hashRow, recctl, tempDir } from "./run.js";

const CHAT = "tests/integration/chat/recordings";
const TOOLS = "tests/integration/tools/recordings";
const GPT4O = `${CHAT}/8a7949099f9488baf9db7fc450f168f101803147715da0d81dd7760a5c752c5f.json`;
const LLAMA = `${CHAT}/122a6ce115c4b00864763b8b9bb573cd273bf7b07f2fc83a300da2cc9fc9617d.json`;
const MISTRAL = `${CHAT}/7ffd9c01b1091f69d62c1c0c61b92fa78bf3aadc3cd6b5b17184e425d07f285d.json`;
const REMOVED_TEST = `${CHAT}/29b8a90c08620901c510dd61110f61224e2d6f1c4cbed59b0fddbff277ef6c43.json`;
const UNREACHABLE = `${CHAT}/ba531f77ec93c1390d034f2bb9e9bdca31c84f481e55e34d05dd250780d5385e.json`;
const MODEL_LIST = `${CHAT}/models-64a2277c90f0f42576f60c1030e3a020403d34a95f56931b792d5939f4cebc57-0da7d1b1.json`;
const NOTES = `${CHAT}/notes.json`;
const TOOL_WEB = `${TOOLS}/2aee70a6f3848d6cc5163ed749664a71a96e9b4878984724b6415559f79f2b62.json`;
const TOOL_WEATHER = `${TOOLS}/4481df719c98c16cc04e19070c51de9492c7a64e1e3700c07730aef116da0270.json`;
/** The two recordings whose test file (tests/integration/gone/test_gone.py) is really absent. */
const GONE = [`${TOOLS}/a9d3595a3028ee2b0d917b0fdd43aba0b717b3b68cc21cb743a3576eabcd170a.json`, `${TOOLS}/921796a1b93ade48b54763c8f6672187375ac49bbaaf919c18b8c02d43dc64d2.json`];
const ALL = [GPT4O, LLAMA, MISTRAL, REMOVED_TEST, UNREACHABLE, MODEL_LIST, NOTES, TOOL_WEB, TOOL_WEATHER, ...GONE].sort();

interface GuardsJson {
  errors?: { file: string; error: string }[];
  summary: { scanned: number; orphans: number; deleted: number };
  orphans: { file: string; reasons: string[]; deleted: boolean }[];
  repo_root: { dir: string; found_by: string };
  guards: { guard: string; problem: string; remedy: string }[];
  refused: string | null;
}

function gitAvailable(): string | null {
  const r = spawnSync("git", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? null : (r.error?.message ?? "git --version failed");
}
const NO_GIT = gitAvailable();
const needsGit = { skip: NO_GIT === null ? false : `git not installed: ${NO_GIT}` };

/** The prune fixture as a repository: `<tmp>/repo`, a git work tree when `git` is true. */
function repository(t: TestContext, kind: "git" | "pyproject" | "plain"): string {
  const repo = join(realpathSync(tempDir(t)), "repo");
  cpSync(join(FIXTURES, "prune"), repo, { recursive: true });
  if (kind === "git") {
    const r = spawnSync("git", ["init", "-q", repo], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
  if (kind === "pyproject") writeFileSync(join(repo, "pyproject.toml"), "[project]\nname = 'x'\n");
  return repo;
}

/** Recordings left under the repository, relative and sorted. */
function recordings(repo: string): string[] {
  return (readdirSync(repo, { recursive: true }) as string[]).filter((f) => f.includes("/recordings/")).sort();
}

function pruneJson(args: string[], cwd: string, input = ""): { code: number; json: GuardsJson; stderr: string } {
  const r = recctl(["prune", "--json", ...args], { cwd, input });
  assert.ok(r.stdout.trim().startsWith("{"), `expected JSON on stdout, got: ${r.stdout}\n${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as GuardsJson, stderr: r.stderr };
}

describe("prune: test paths resolve against the repository root", () => {
  test("from any sub-folder, prune --reason test-file-missing --delete removes only recordings whose test file is really absent", needsGit, (t) => {
    for (const sub of ["tests/integration", "tests/integration/tools", "tests/integration/tools/recordings", "tests"]) {
      const repo = repository(t, "git");
      // From tests/integration/tools the two are 2 of 4 recordings in scope: above the default 25%.
      // Inside a recordings folder, the folder itself is named (no paths means **/recordings/** below --root).
      const paths = sub.endsWith("recordings") ? ["."] : [];
      const r = recctl(["prune", ...paths, "--reason", "test-file-missing", "--delete", "--max-delete", "50%"], { cwd: join(repo, sub) });
      assert.equal(r.code, 0, `${sub}: ${r.stderr}`);
      assert.deepEqual(recordings(repo), ALL.filter((f) => !GONE.includes(f)), sub);
      assert.match(r.stdout, /^2 orphans of \d+ recordings \(2 test-file-missing\); removed 2$/m, sub);
    }
  });

  test("from a folder whose recordings all have their test file, nothing is listed and nothing removed", needsGit, (t) => {
    const repo = repository(t, "git");
    const r = recctl(["prune", "--reason", "test-file-missing", "--delete"], { cwd: join(repo, "tests/integration/chat") });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✔ no orphans among 7 recordings/);
    assert.deepEqual(recordings(repo), ALL);
  });

  test("the text summary says which folder test paths were resolved against, and how it was found", needsGit, (t) => {
    const repo = repository(t, "git");
    const r = recctl(["prune", "--root", "tests/integration/chat"], { cwd: repo });
    assert.match(r.stdout, /^test paths resolved against \. \(the git work tree's top level\)$/m);
    const json = pruneJson(["--root", join(repo, "tests/integration")], tempDir(t)).json;
    assert.deepEqual(json.repo_root, { dir: repo, found_by: "git" });
  });

  test("without git, the nearest folder holding pyproject.toml is the repository root", (t) => {
    const repo = repository(t, "pyproject");
    const { code, json } = pruneJson(["--reason", "test-file-missing"], join(repo, "tests/integration/tools"));
    assert.equal(code, 0);
    assert.deepEqual(json.repo_root, { dir: repo, found_by: "python-project" });
    assert.deepEqual(json.orphans.map((o) => join("tests/integration/tools", o.file)).sort(), GONE.slice().sort());
  });

  test("--repo-root sets the folder test paths resolve against", (t) => {
    const repo = repository(t, "plain");
    const { code, json } = pruneJson(["--repo-root", "../..", "--reason", "test-file-missing"], join(repo, "tests/integration"));
    assert.equal(code, 0);
    assert.deepEqual(json.repo_root, { dir: repo, found_by: "option" });
    assert.equal(json.orphans.length, 2);
  });

  test("a --repo-root that does not exist is a usage error (exit 2)", (t) => {
    const repo = repository(t, "plain");
    const r = recctl(["prune", "--repo-root", "no/such/dir"], { cwd: repo });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--repo-root.*no such directory/);
  });
});

describe("prune --delete guards", () => {
  test("no test file resolves (a sub-folder outside any repository): refused with exit 2, nothing removed, the way out named", (t) => {
    const repo = repository(t, "plain");
    const chat = join(repo, "tests/integration/chat");
    const r = recctl(["prune", "--delete", "--max-delete", "100%"], { cwd: chat });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing removed: the one test file the recordings name \(tests\/integration\/chat\/test_chat\.py\) does not exist under the repository root/);
    assert.match(r.stderr, /--repo-root <dir>/);
    assert.equal(r.stderr.split("\n").filter((l) => l.includes("nothing removed")).length, 1);
    assert.deepEqual(recordings(repo), ALL);
    const json = pruneJson(["--delete"], chat).json;
    assert.deepEqual(json.guards.map((g) => g.guard), ["no-test-file-resolves", "max-delete"]);
    assert.equal(json.summary.deleted, 0);
    assert.match(json.refused ?? "", /To proceed: /);
  });

  test("the guard's example is the first test file in path order, whatever order the checks finish in", (t) => {
    const repo = repository(t, "plain");
    // Scanned first (its folder sorts first), it names the test file that sorts last.
    const first = join(repo, "tests/integration/aaa/recordings");
    mkdirSync(first, { recursive: true });
    const rec = JSON.parse(readFileSync(join(repo, GPT4O), "utf8")) as { test_id: string };
    rec.test_id = "tests/integration/zzz/test_zzz.py::test_last";
    writeFileSync(join(first, basename(GPT4O)), `${JSON.stringify(rec, null, 2)}\n`);
    for (let i = 0; i < 3; i++) {
      const { json } = pruneJson([], join(repo, "tests/integration"));
      assert.match(json.guards[0]?.problem ?? "", /none of the 4 test files the recordings name \(e\.g\. tests\/integration\/chat\/test_chat\.py\)/);
    }
  });

  test("the dry run shows the same warning and exits 0", (t) => {
    const repo = repository(t, "plain");
    const r = recctl(["prune"], { cwd: join(repo, "tests/integration/chat") });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: --delete would refuse: the one test file the recordings name/);
    assert.match(r.stdout, /test paths resolved against \. \(--root: no git work tree or Python project above it\)/);
  });

  test("a function-level manifest for parametrized recordings is refused with exit 2 and nothing removed, whatever --max-delete", needsGit, (t) => {
    const repo = repository(t, "git");
    const manifest = [
      "tests/integration/chat/test_chat.py::test_chat_completion",
      "tests/integration/chat/test_chat.py::test_streaming",
      "tests/integration/tools/test_tools.py::TestTools::test_call",
      "",
      "3 tests collected in 0.01s",
    ].join("\n");
    const r = recctl(["prune", "--collected", "-", "--delete", "--max-delete", "100%"], { cwd: join(repo, "tests"), input: manifest });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing removed: the manifest lists test functions without their parameters \(e\.g\. tests\/integration\/chat\/test_chat\.py::test_chat_completion\)/);
    assert.match(r.stderr, /pytest --collect-only -q/);
    assert.deepEqual(recordings(repo), ALL);
    const json = pruneJson(["--collected", "-"], join(repo, "tests"), manifest).json;
    assert.deepEqual(json.guards.map((g) => g.guard), ["manifest-function-level", "max-delete"]);
  });

  test("a manifest naming a single test is refused (more than --max-delete 25%); with --max-delete 100% it goes ahead", needsGit, (t) => {
    const repo = repository(t, "git");
    const one = "tests/integration/chat/test_chat.py::test_chat_completion[gpt-4o]\n\n1 test collected in 0.01s\n";
    const refused = recctl(["prune", "--collected", "-", "--delete"], { cwd: repo, input: one });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /nothing removed: removing 8 of the 11 recordings in scope \(73%\) is more than --max-delete 25% allows\. To proceed: .*--max-delete 73%/);
    assert.deepEqual(recordings(repo), ALL);
    // A count just below the number listed refuses too.
    assert.equal(recctl(["prune", "--collected", "-", "--delete", "--max-delete", "7"], { cwd: repo, input: one }).code, 2);
    assert.deepEqual(recordings(repo), ALL);

    const { code, json } = pruneJson(["--collected", "-", "--delete", "--max-delete", "100%"], repo, one);
    assert.equal(code, 0);
    assert.deepEqual(json.guards, []);
    assert.equal(json.summary.deleted, 8);
    // Kept: the one test named, and what no test reason applies to (a model list, notes.json).
    assert.deepEqual(recordings(repo), [GPT4O, MODEL_LIST, NOTES].sort());
  });

  test("--max-delete takes a count or a percentage; anything else is a usage error", (t) => {
    const repo = repository(t, "plain");
    for (const bad of ["lots", "-1", "150%", "2.5"]) {
      const r = recctl(["prune", "--max-delete", bad], { cwd: repo });
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--max-delete.*expected a count \(e\.g\. 50\) or a percentage/, bad);
    }
  });
});

describe("a --root that does not exist", () => {
  for (const args of [["validate"], ["list"], ["prune"], ["normalize", "--check"]]) {
    test(`${args.join(" ")} with a missing --root exits 2`, (t) => {
      const cwd = tempDir(t);
      const r = recctl(["--root", "no-such-dir", ...args], { cwd });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--root no-such-dir: no such directory/);
      assert.equal(r.stdout, "");
    });
  }

  test("a --root that is a file exits 2 too", (t) => {
    const cwd = tempDir(t);
    writeFileSync(join(cwd, "file.json"), "{}");
    const r = recctl(["--root", "file.json", "prune"], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a directory/);
  });
});

describe("prune and normalize: the write path", () => {
  /** A process id that is certainly not running: a child that has already exited. */
  function deadPid(): number {
    return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
  }

  test("a temporary file left by a killed run is reported by a dry run and removed by the next --delete / --write", (t) => {
    for (const [command, flag] of [["prune", "--delete"], ["normalize", "--write"]] as const) {
      const repo = repository(t, "plain");
      const stale = `${GPT4O}.recctl-tmp-${deadPid()}-0a1b2c3d`;
      writeFileSync(join(repo, stale), '{\n  "test_id": ');
      const dry = recctl([command], { cwd: repo });
      assert.match(dry.stderr, new RegExp(`${stale.replace(/\./g, "\\.")}: a temporary file left by an interrupted run \\(${flag} removes it\\)`), command);
      assert.ok(existsSync(join(repo, stale)));
      const args = command === "prune" ? [flag, "--reason", "unreachable"] : [flag];
      const run = recctl([command, ...args], { cwd: repo });
      assert.match(run.stderr, /a temporary file left by an interrupted run, removed/, command);
      assert.ok(!existsSync(join(repo, stale)), command);
    }
  });

  test("normalize --write keeps a 664 file 664 under umask 022", (t) => {
    const repo = join(tempDir(t), "repo");
    cpSync(join(FIXTURES, "normalize", "repo"), repo, { recursive: true });
    const files = (readdirSync(repo, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
    for (const f of files) chmodSync(join(repo, f), 0o664);
    const script = `umask 022 && "${process.execPath}" "${BIN}" normalize --write --json`;
    const r = spawnSync("sh", ["-c", script], { cwd: repo, encoding: "utf8" });
    const written = (JSON.parse(r.stdout) as { files: { file: string; written: boolean }[] }).files.filter((f) => f.written);
    assert.ok(written.length >= 5, r.stderr);
    for (const f of written) assert.equal(statSync(join(repo, f.file)).mode & 0o7777, 0o664, f.file);
    assert.deepEqual((readdirSync(repo, { recursive: true }) as string[]).filter((f) => f.includes(".recctl-tmp-")), []);
  });

  test("prune --delete rewrites a legacy index.sqlite keeping its mode (664 under umask 022)", (t) => {
    const repo = join(tempDir(t), "repo");
    cpSync(join(FIXTURES, "legacy-index"), repo, { recursive: true });
    const index = join(repo, "tests/integration/recordings/index.sqlite");
    chmodSync(index, 0o664);
    const script = `umask 022 && "${process.execPath}" "${BIN}" prune --delete --max-delete 100% --json`;
    const r = spawnSync("sh", ["-c", script], { cwd: repo, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as GuardsJson).summary.deleted > 0);
    assert.equal(statSync(index).mode & 0o7777, 0o664);
    assert.deepEqual(readdirSync(join(repo, "tests/integration/recordings")).filter((f) => f.includes(".recctl-tmp-") || f.endsWith(".tmp")), []);
  });

  test("a FIFO named like a recording is never opened: prune finishes and removes nothing it did not list", (t) => {
    const repo = repository(t, "plain");
    const fifo = join(repo, CHAT, `${"e".repeat(64)}.json`);
    if (spawnSync("mkfifo", [fifo]).status !== 0) {
      t.skip("mkfifo is not available here");
      return;
    }
    for (const args of [["prune", "--json"], ["prune", "--json", relative(repo, fifo)]]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: repo, encoding: "utf8", timeout: 20000 });
      assert.equal(r.error, undefined, `${args.join(" ")}: ${String(r.error)}`);
      const json = JSON.parse(r.stdout) as GuardsJson;
      assert.ok(!json.orphans.some((o) => o.file.endsWith(`${"e".repeat(64)}.json`)));
    }
    assert.ok(existsSync(fifo));
  });
});

describe("prune reads test_id and request as json.load does", () => {
  test("a request key repeated at the end of the file: the last one counts, so prune and hash both call the file unreachable", (t) => {
    const repo = repository(t, "plain");
    const file = join(repo, GPT4O);
    const text = readFileSync(file, "utf8");
    // json.load keeps the last of two equal keys: this stray request is the one the recorder would hash.
    writeFileSync(file, `${text.trimEnd().slice(0, -1)},\n  "request": {"method": "GET", "url": "http://0.0.0.0:11434/v1/models", "body": {}}\n}\n`);
    const hashed = hashRow<{ matches: boolean }>(recctl(["hash", "--json", GPT4O], { cwd: repo }));
    assert.equal(hashed.matches, false);
    const { json } = pruneJson(["--reason", "unreachable"], repo);
    assert.deepEqual(json.orphans.map((o) => [o.file, o.reasons]).sort(), [
      [GPT4O, ["unreachable"]],
      [UNREACHABLE, ["unreachable"]],
    ]);
  });

  test("a test_id longer than the part decoded first is read whole", (t) => {
    const repo = repository(t, "plain");
    const file = join(repo, GPT4O);
    const text = readFileSync(file, "utf8");
    // One test_id (top level only), after the request, running past the first 4 KiB the scan decodes.
    const long = `tests/integration/chat/test_chat.py::test_chat_completion[${"w".repeat(5000)}]`;
    const { test_id: _old, request, ...rest } = JSON.parse(text) as Record<string, unknown>;
    writeFileSync(file, `${JSON.stringify({ request, test_id: long, ...rest }, null, 2)}\n`);
    const { code, json } = pruneJson([CHAT], repo);
    assert.equal(code, 0);
    assert.deepEqual(json.errors ?? [], []);
    // The test_id is hashed with the request, so the name no longer agrees; the test file exists.
    assert.equal(hashRow<{ matches: boolean }>(recctl(["hash", "--json", GPT4O], { cwd: repo })).matches, false);
    assert.deepEqual(json.orphans.find((o) => o.file === GPT4O)?.reasons, ["unreachable"]);
    const shown = JSON.parse(recctl(["list", "--json", GPT4O], { cwd: repo }).stdout) as { recordings: { test_id: string }[] };
    assert.equal(shown.recordings[0]?.test_id, long);
  });
});

test("a recording reached through a symlinked folder is never removed: it lives in another tree", (t) => {
  const top = tempDir(t);
  const repo = join(top, "repo");
  const outside = join(top, "outside", "recordings");
  const recordings = join(repo, "tests", "integration", "x", "recordings");
  mkdirSync(outside, { recursive: true });
  mkdirSync(recordings, { recursive: true });
  mkdirSync(join(repo, "tests", "integration", "responses"), { recursive: true });
  assert.equal(spawnSync("git", ["init", "-q", repo]).status, 0);
  // The recording's test file exists, so its only reason is its stale name (unreachable).
  writeFileSync(join(repo, "tests", "integration", "responses", "test_openai_responses.py"), "");
  const source = join(FIXTURES, "valid", "current-openai-chat-stream.json");
  const stale = `${"a".repeat(64)}.json`;
  cpSync(source, join(outside, stale));
  cpSync(source, join(recordings, `${"b".repeat(64)}.json`));
  symlinkSync(outside, join(recordings, "shared"));
  const r = recctl(["prune", "--json", "--delete", "--max-delete", "100%"], { cwd: repo });
  const json = JSON.parse(r.stdout) as { orphans: { file: string; deleted: boolean; error: string | null }[] };
  const linked = json.orphans.find((o) => o.file.includes("/shared/"));
  assert.equal(linked?.deleted, false);
  assert.match(linked?.error ?? "", /a symlink to .*outside\/recordings\/a+\.json, outside the repository.s recordings folders \(left alone\)/);
  assert.ok(existsSync(join(outside, stale)), "the file in the other tree is still there");
  assert.ok(!existsSync(join(recordings, `${"b".repeat(64)}.json`)), "the tree's own orphan was removed");
  assert.equal(r.code, 2);
});
