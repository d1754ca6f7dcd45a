/**
 * `recctl explain [files…]` as a user runs it: misses read from pytest output and server.log, for
 * every message kind, against real recordings whose request had one field changed
 * (test/fixtures/explain/make-fixtures.py; hashes from the independent Python implementation).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { FIXTURES, recctl, tempDir } from "./run.js";

const EXPLAIN = join(FIXTURES, "explain");

interface Case {
  name: string;
  kind: string;
  source: string;
  source_hash: string;
  pointer: string;
  hash: string;
  test_id: string;
  captured: string | null;
  pytest: string;
  server: string;
}

interface Difference {
  pointer: string;
  a: unknown;
  b: unknown;
  hash_relevant: boolean;
}

interface MissJson {
  kind: string;
  hash: string | null;
  model: string | null;
  url: string | null;
  endpoint: string | null;
  test_id: string | null;
  request: { file: string | null; from: string } | null;
  verdict: { kind: string; reason: string; action: string };
  candidates: { file: string; test_id: string | null; differences: Difference[] }[];
}

const CASES = JSON.parse(readFileSync(join(EXPLAIN, "cases.json"), "utf8")) as Case[];

function caseNamed(name: string): Case {
  const c = CASES.find((x) => x.name === name);
  assert.ok(c !== undefined, name);
  return c;
}

/** The fixture repository in a temporary root, with the case's exception recording when asked. */
function root(t: { after: (fn: () => void) => void }, c: Case | null = null): string {
  const dir = tempDir(t);
  cpSync(join(EXPLAIN, "repo"), dir, { recursive: true });
  if (c?.captured !== null && c !== null) cpSync(join(EXPLAIN, "captured", c.name), dir, { recursive: true });
  return dir;
}

function explainJson(args: string[], options: { input?: string; cwd?: string } = {}): { code: number; misses: MissJson[]; stderr: string } {
  const r = recctl(["--json", "explain", ...args], options);
  assert.ok(r.stdout !== "", `no output; stderr: ${r.stderr}`);
  return { code: r.code, misses: (JSON.parse(r.stdout) as { misses: MissJson[] }).misses, stderr: r.stderr };
}

function only(misses: MissJson[]): MissJson {
  assert.equal(misses.length, 1, JSON.stringify(misses.map((m) => [m.kind, m.hash, m.test_id])));
  return misses[0] as MissJson;
}

const sourceName = (c: Case): string => basename(c.source);
const candidateNames = (m: MissJson): string[] => m.candidates.map((x) => basename(x.file));

/** Which layouts give the hash and the test id (httpx and rerank messages carry no hash). */
function hashShown(c: Case, layout: "pytest" | "server"): boolean {
  return !(layout === "pytest" && (c.kind === "httpx" || c.kind === "rerank"));
}

for (const layout of ["pytest", "server"] as const) {
  for (const c of CASES) {
    test(`${c.kind} miss in ${layout === "pytest" ? "pytest output" : "server.log"} (${c.name}): the source recording is a candidate`, (t) => {
      const dir = root(t);
      const { code, misses } = explainJson(["--root", dir, "--candidates", "10", join(EXPLAIN, c[layout])]);
      assert.equal(code, 0);
      const m = only(misses);
      assert.equal(m.kind, c.kind);
      if (hashShown(c, layout) && c.kind !== "tool") assert.equal(m.hash, c.hash);
      if (layout === "pytest" || c.kind !== "tool") assert.equal(m.test_id, c.test_id);
      assert.ok(candidateNames(m).includes(sourceName(c)), `${sourceName(c)} not in ${candidateNames(m).join(", ")}`);
    });

    test(`${c.kind} miss in ${layout === "pytest" ? "pytest output" : "server.log"} (${c.name}): with the request captured, the source comes first and the changed pointer is named`, (t) => {
      const dir = root(t, c);
      const args = ["--root", dir, join(EXPLAIN, c[layout])];
      // Without a hash in the message the exception recording cannot be found by name: --request gives it.
      if (!hashShown(c, layout) && c.captured !== null) args.push("--request", join(dir, c.captured));
      const { code, misses } = explainJson(args);
      assert.equal(code, 0);
      const m = only(misses);
      assert.notEqual(m.request, null);
      assert.equal(m.hash, c.hash);
      const first = m.candidates[0];
      assert.ok(first !== undefined);
      assert.equal(basename(first.file), sourceName(c));
      const changed = first.differences.filter((d) => d.hash_relevant);
      assert.deepEqual(
        changed.map((d) => d.pointer),
        [c.pointer],
      );
    });
  }
}

test("the text report names the verdict, the nearest recording and the changed pointer", (t) => {
  const c = caseNamed("inference-content");
  const dir = root(t, c);
  const r = recctl(["--root", dir, "explain", join(EXPLAIN, c.pytest)], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^replay miss 1 of 1: inference POST https:\/\/api\.openai\.com\/v1\/v1\/chat\/completions$/m);
  assert.match(r.stdout, /^verdict +the request changed: the test now sends a different request \(\/request\/body\/messages\/2\/content\)$/m);
  assert.match(r.stdout, new RegExp(`^ {2}1\\. ${c.source.replace(/[.]/g, "\\.")} {2}\\(same test, endpoint and model\\)$`, "m"));
  assert.match(r.stdout, /^ {5}~ \/request\/body\/messages\/2\/content \(changes the hash\): "What is 9\+9\?" → "What is 10\+10\?"$/m);
  assert.match(r.stdout, /then delete .*52e18496.*\.json: replay raises its recorded error/);
});

test("a changed model is another model or provider; a renamed test is a rename (verdicts)", (t) => {
  const model = caseNamed("inference-model");
  const m1 = only(explainJson(["--root", root(t, model), join(EXPLAIN, model.server)]).misses);
  assert.equal(m1.verdict.kind, "model-change");
  assert.match(m1.verdict.reason, /gpt-4o-mini \(recorded with gpt-4o\)/);
  // The model is in the message: even without the request it is named.
  const m2 = only(explainJson(["--root", root(t), join(EXPLAIN, model.pytest)]).misses);
  assert.equal(m2.verdict.kind, "model-change");
  assert.deepEqual(m2.candidates[0]?.differences, [{ pointer: "/request/body/model", a: "gpt-4o", b: "gpt-4o-mini", hash_relevant: true }]);
  const renamed = caseNamed("inference-renamed");
  const m3 = only(explainJson(["--root", root(t, renamed), join(EXPLAIN, renamed.pytest)]).misses);
  assert.equal(m3.verdict.kind, "renamed-test");
  assert.match(m3.verdict.action, /recctl rehash --write/);
});

test("without the request, the verdict says how to capture it", (t) => {
  const c = caseNamed("inference-content");
  const m = only(explainJson(["--root", root(t), join(EXPLAIN, c.pytest)]).misses);
  assert.equal(m.request, null);
  assert.equal(m.verdict.kind, "request-unknown");
  assert.match(m.verdict.action, /record-if-missing and dummy API keys/);
});

test("a recording whose request was edited after recording, its name kept: no era names it, so the fix is to re-record, naming that file", (t) => {
  const c = caseNamed("inference-content");
  const dir = root(t, c);
  // The changed request, stored as a normal recording under the source's old name.
  const captured = JSON.parse(readFileSync(join(dir, c.captured ?? ""), "utf8")) as Record<string, unknown>;
  const source = JSON.parse(readFileSync(join(dir, c.source), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, c.source), `${JSON.stringify({ ...source, request: captured["request"] }, null, 2)}\n`);
  renameSync(join(dir, c.captured ?? ""), join(dir, `${c.captured ?? ""}.bak`));
  const m = only(explainJson(["--root", dir, join(EXPLAIN, c.pytest)]).misses);
  assert.equal(m.verdict.kind, "request-edited");
  assert.match(m.verdict.reason, /the request was edited after recording/);
  assert.doesNotMatch(m.verdict.reason, /rules changed/);
  assert.doesNotMatch(m.verdict.action, /rehash/);
  assert.match(m.verdict.action, new RegExp(`^re-record the test \\(its recording \\S*${sourceName(c).replace(/\./g, "\\.")} is replaced\\)`));
  assert.equal(basename(m.candidates[0]?.file ?? ""), sourceName(c));
  const text = recctl(["explain", "--root", dir, join(EXPLAIN, c.pytest)]);
  assert.match(text.stdout, /verdict +request edited after recording: /);
});

test("a recording named under older hash rules holds the missed request: the rules changed, and the fix renames that one file", (t) => {
  // test/fixtures/rehash/tree: cf185c86… was named under the 2025-10-09 … 2026-04-08 rules; the
  // newest recorder's own functions name its request 8717e3e9… (rehash/expected.json).
  const dir = tempDir(t);
  cpSync(join(FIXTURES, "rehash", "tree"), dir, { recursive: true });
  const stale = "cf185c8686348b2ba9ca6e45c2cdb631933a920ae003fe48e0b2579c271a1509.json";
  const expected = JSON.parse(readFileSync(join(FIXTURES, "rehash", "expected.json"), "utf8")) as Record<string, { to: string }>;
  const hash = (expected[stale]?.to ?? "").replace(/\.json$/, "");
  const file = join(dir, "tests/integration/responses/recordings", stale);
  const rec = JSON.parse(readFileSync(file, "utf8")) as { test_id: string; request: { method: string; url: string; body: { model: string } } };
  const log = [
    `FAILED ${rec.test_id} - RuntimeError: Recording not found for request hash: ${hash}`,
    `E   RuntimeError: Recording not found for request hash: ${hash}`,
    `E   Model: ${rec.request.body.model} | Request: ${rec.request.method} ${rec.request.url}`,
    "",
  ].join("\n");
  const logFile = join(dir, "pytest.txt");
  writeFileSync(logFile, log);
  // Run from a sub-folder of the tree: the file is named relative to where recctl ran.
  const m = only(explainJson(["--root", dir, logFile], { cwd: join(dir, "tests") }).misses);
  assert.equal(m.verdict.kind, "unreachable");
  assert.match(m.verdict.reason, /the hash rules changed since it was recorded/);
  assert.match(m.verdict.reason, /2025-10-09/);
  assert.equal(m.verdict.action, `rename it to the hash the recorder looks up: recctl rehash --write integration/responses/recordings/${stale}`);
});

test("a recording named after the missed hash means it was recorded since", (t) => {
  const c = caseNamed("inference-content");
  const dir = root(t);
  const source = readFileSync(join(dir, c.source), "utf8");
  writeFileSync(join(dir, "tests/integration/responses/recordings", `${c.hash}.json`), source);
  const m = only(explainJson(["--root", dir, join(EXPLAIN, c.pytest)]).misses);
  assert.equal(m.verdict.kind, "recorded");
});

test("no candidate at all: a new test, exit 1", (t) => {
  const c = caseNamed("inference-content");
  const dir = tempDir(t);
  mkdirSync(join(dir, "tests/integration/other/recordings"), { recursive: true });
  const r = recctl(["--root", dir, "explain", join(EXPLAIN, c.pytest)]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^verdict +new test: no recording of this test, endpoint or model/m);
  assert.match(r.stdout, /1 replay miss, 1 without any candidate/);
});

test("reads standard input when no file is given (a pasted message)", (t) => {
  const c = caseNamed("inference-model");
  const pasted = `RuntimeError: Recording not found for request hash: ${c.hash}\nModel: gpt-4o-mini | Request: POST https://api.openai.com/v1/v1/chat/completions\n`;
  const m = only(explainJson(["--root", root(t, c)], { input: pasted }).misses);
  assert.equal(m.hash, c.hash);
  assert.equal(m.verdict.kind, "model-change");
  assert.equal(m.test_id, c.test_id, "the test id comes from the captured request");
});

test("--json prints {misses:[{kind, hash, model, url, endpoint, test_id, request, verdict, candidates:[{file, test_id, differences}]}]}", (t) => {
  const c = caseNamed("httpx-payload");
  const r = recctl(["--json", "--root", root(t, c), "explain", join(EXPLAIN, c.server)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const doc = JSON.parse(r.stdout) as { misses: Record<string, unknown>[] };
  const m = doc.misses[0] ?? {};
  for (const key of ["kind", "hash", "model", "url", "endpoint", "test_id", "request", "verdict", "candidates"]) assert.ok(key in m, key);
  assert.equal(m["url"], "http://0.0.0.0:11434/v1/messages");
  const cand = (m["candidates"] as Record<string, unknown>[])[0] ?? {};
  for (const key of ["file", "test_id", "differences"]) assert.ok(key in cand, key);
  assert.deepEqual(cand["differences"], [{ pointer: "/request/payload/max_tokens", a: 64, b: 128, hash_relevant: true }]);
});

test("input with no miss in it exits 2 and says so; a missing input file exits 2", (t) => {
  const dir = root(t);
  const none = recctl(["--root", dir, "explain"], { input: "===== 3 passed in 0.12s =====\n" });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no replay miss found in standard input/);
  const missing = recctl(["--root", dir, "explain", join(dir, "nope.log")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.log: cannot read: no such file/);
});

test("show <hash> that matches nothing points to explain", (t) => {
  const r = recctl(["--root", root(t), "show", "deadbeef"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^recctl: no recording under .* matches deadbeef; from a replay miss\? recctl explain reads the test output or server\.log/);
  assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
});

// ---------------------------------------------------------------------------------------------
// A real pytest run

const PYTEST_FILE = (c: Case): string => `import pytest

class TestOpenAIResponses:
    @pytest.mark.parametrize("txt", ["openai/gpt-4o-priority"], ids=["txt=openai/gpt-4o-priority"])
    def test_openai_response_with_service_tier_and_previous_response(self, txt):
        # What the recorder raises in replay mode (api_recorder.py, _patched_inference_method).
        raise RuntimeError(
            f"Recording not found for request hash: ${c.hash}\\n"
            f"Model: gpt-4o | Request: POST https://api.openai.com/v1/v1/chat/completions\\n"
            f"\\n"
            f"Run './scripts/integration-tests.sh --inference-mode record-if-missing' with required API keys to generate."
        )
`;

const hasPytest = spawnSync("python3", ["-m", "pytest", "--version"], { encoding: "utf8" }).status === 0;

test("a real pytest run piped to recctl explain names the changed field", { skip: hasPytest ? false : "python3 -m pytest is not installed (Debian: python3-pytest)" }, (t) => {
  const c = caseNamed("inference-content");
  const dir = root(t, c);
  const testFile = join(dir, c.test_id.split("::")[0] ?? "");
  writeFileSync(testFile, PYTEST_FILE(c));
  assert.ok(existsSync(testFile));
  const run = spawnSync("python3", ["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", testFile], { cwd: dir, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const { code, misses } = explainJson(["--root", dir], { input: run.stdout });
  assert.equal(code, 0);
  const m = only(misses);
  assert.equal(m.test_id, c.test_id);
  assert.equal(m.hash, c.hash);
  assert.equal(basename(m.candidates[0]?.file ?? ""), sourceName(c));
  assert.deepEqual(
    m.candidates[0]?.differences.filter((d) => d.hash_relevant).map((d) => d.pointer),
    [c.pointer],
  );
});
