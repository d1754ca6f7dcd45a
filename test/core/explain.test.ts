/**
 * The explain core: every miss message the recorder versions raise (reference/recorder-history),
 * read from the layouts they reach a person in; Python literals; hash relevance; verdicts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareHashed } from "../../src/core/diff/index.js";
import { compareFacts, isVolatile, type Difference } from "../../src/core/explain/compare.js";
import { eraOn, NEWEST_ERA } from "../../src/core/rules/eras.js";
import { findMisses } from "../../src/core/explain/messages.js";
import { parsePyLiteral } from "../../src/core/explain/pyrepr.js";
import { decide } from "../../src/core/explain/verdict.js";

const H = "2b8f64dc0e5a4b7f9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b";
const RUN = "Run './scripts/integration-tests.sh --inference-mode record-if-missing' with required API keys to generate.";

function one(text: string): ReturnType<typeof findMisses>[number] {
  const misses = findMisses(text, "log");
  assert.equal(misses.length, 1, JSON.stringify(misses));
  return misses[0] as ReturnType<typeof findMisses>[number];
}

test("current inference message: hash, model, method and url", () => {
  const m = one(`RuntimeError: Recording not found for request hash: ${H}\nModel: llama-guard3:1b | Request: POST http://0.0.0.0:11434/v1/v1/chat/completions\n\n${RUN}\n`);
  assert.deepEqual([m.kind, m.hash, m.model, m.method, m.url], ["inference", H, "llama-guard3:1b", "POST", "http://0.0.0.0:11434/v1/v1/chat/completions"]);
});

test("a drifted format (Model: M | POST URL) is read too", () => {
  const m = one(`Recording not found for request hash: ${H}\nModel: gpt-4o | POST https://api.openai.com/v1/chat/completions\n`);
  assert.deepEqual([m.model, m.method, m.url], ["gpt-4o", "POST", "https://api.openai.com/v1/chat/completions"]);
});

test("2025-07 format: 'No recorded response found', then Endpoint and Model lines", () => {
  const m = one(`No recorded response found for request hash: ${H}\nEndpoint: /v1/chat/completions\nModel: llama3.2:3b\nTo record this response, run with LLAMA_STACK_INFERENCE_MODE=record`);
  assert.deepEqual([m.kind, m.hash, m.endpoint, m.model], ["inference", H, "/v1/chat/completions", "llama3.2:3b"]);
});

test("2025-08 to 2025-10 format: the body as a Python repr on the Request line", () => {
  const m = one(
    `No recorded response found for request hash: ${H}\nRequest: POST http://localhost:11434/v1/chat/completions {'model': 'llama3.2:3b', 'temperature': 0.0}\nModel: llama3.2:3b\nTo record this response, run with LLAMA_STACK_TEST_INFERENCE_MODE=record`,
  );
  assert.deepEqual([m.method, m.url, m.repr, m.model], ["POST", "http://localhost:11434/v1/chat/completions", "{'model': 'llama3.2:3b', 'temperature': 0.0}", "llama3.2:3b"]);
});

test("'unknown' model is no model", () => {
  assert.equal(one(`Recording not found for request hash: ${H}\nModel: unknown | Request: POST http://x/v1/embeddings`).model, null);
});

test("genai, tool (both formats), rerank, httpx and httpx stream, file processor", () => {
  const genai = one(`Recording not found for genai request hash: ${H}\nModel: gemini-2.0-flash | Endpoint: /generate_content\n`);
  assert.deepEqual([genai.kind, genai.hash, genai.model, genai.endpoint, genai.url], ["genai", H, "gemini-2.0-flash", "/generate_content", "vertexai:///generate_content"]);
  const tool = one(`Recording not found for tavily-search.web_search | Request: {'query': 'Llama 4', 'max_results': 3}\n\n${RUN}`);
  assert.deepEqual([tool.kind, tool.provider, tool.tool_name, tool.repr], ["tool", "tavily-search", "web_search", "{'query': 'Llama 4', 'max_results': 3}"]);
  const oldTool = one("No recorded tool result found for tavily.web_search\nRequest: {'query': 'x'}\nTo record this response, run with LLAMA_STACK_TEST_INFERENCE_MODE=record");
  assert.deepEqual([oldTool.kind, oldTool.provider, oldTool.repr], ["tool", "tavily", "{'query': 'x'}"]);
  const rerank = one(`Recording not found for rerank request | URL: http://localhost:8000/v1/ranking\n\n${RUN}`);
  assert.deepEqual([rerank.kind, rerank.url], ["rerank", "http://localhost:8000/v1/ranking"]);
  assert.deepEqual([one("Recording not found for httpx POST http://0.0.0.0:11434/v1/messages").kind, one("Recording not found for httpx stream POST https://g/v1beta/interactions").url], [
    "httpx",
    "https://g/v1beta/interactions",
  ]);
  const fp = one("Recording not found for pypdf.process_file | file_id: file-123");
  assert.deepEqual([fp.kind, fp.provider], ["file-processor", "pypdf"]);
});

test("pytest: the E gutter and colours are read through; the FAILED summary's cut hash joins its section's miss and gives the test id", () => {
  const text = [
    "=================================== FAILURES ===================================",
    "____________________ TestChat.test_chat[txt=ollama/llama3.2:3b] ____________________",
    "",
    "tests/integration/inference/test_chat.py:42: in test_chat",
    "    r = client.chat.completions.create(**kwargs)",
    "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _",
    "src/ogx/testing/api_recorder.py:1194: in _patched_inference_method",
    `\x1b[1m\x1b[31mE   RuntimeError: Recording not found for request hash: ${H}\x1b[0m`,
    "E   Model: llama3.2:3b | Request: POST http://localhost:11434/v1/chat/completions",
    "E   ",
    `E   ${RUN}`,
    "=========================== short test summary info ============================",
    `FAILED tests/integration/inference/test_chat.py::TestChat::test_chat[txt=ollama/llama3.2:3b] - RuntimeError: Recording not found for request hash: ${H.slice(0, 12)}...`,
  ].join("\n");
  const m = one(text);
  assert.equal(m.hash, H);
  assert.equal(m.test_id, "tests/integration/inference/test_chat.py::TestChat::test_chat[txt=ollama/llama3.2:3b]");
  assert.equal(m.line, 8);
});

test("without a summary line the test id comes from the section's test file and title", () => {
  const text = [
    "_______________________________ test_embed[emb=a.b] _______________________________",
    "tests/integration/inference/test_embed.py:10: in test_embed",
    `E   RuntimeError: Recording not found for request hash: ${H}`,
  ].join("\n");
  assert.equal(one(text).test_id, "tests/integration/inference/test_embed.py::test_embed[emb=a.b]");
});

test("a fixture's failure section (ERROR at setup of …) names its test too", () => {
  const text = [
    "____________________ ERROR at setup of test_embed[emb=a] ____________________",
    "tests/integration/inference/test_embed.py:10: in client",
    `E   RuntimeError: Recording not found for request hash: ${H}`,
  ].join("\n");
  assert.equal(one(text).test_id, "tests/integration/inference/test_embed.py::test_embed[emb=a]");
});

test("debug lines: 'Recording not found!' blocks and hash computations give the test id (logging prefixes read through)", () => {
  const text = [
    "ERROR    ogx.testing.api_recorder:api_recorder.py:1184 [RECORDING DEBUG] Recording not found!",
    "ERROR    ogx.testing.api_recorder:api_recorder.py:1185   Mode: replay",
    `ERROR    ogx.testing.api_recorder:api_recorder.py:1186   Request hash: ${H}`,
    "ERROR    ogx.testing.api_recorder:api_recorder.py:1187   Method: POST",
    "ERROR    ogx.testing.api_recorder:api_recorder.py:1188   URL: http://localhost:11434/v1/chat/completions",
    "ERROR    ogx.testing.api_recorder:api_recorder.py:1190   Model: llama3.2:3b",
    "ERROR    ogx.testing.api_recorder:api_recorder.py:1191   Test context: tests/integration/x/test_y.py::test_z",
    "ERROR    ogx.core.server.server:282 core::server: Error executing endpoint route='/v1/chat/completions' method='post'",
    `RuntimeError: Recording not found for request hash: ${H}`,
    "Model: llama3.2:3b | Request: POST http://localhost:11434/v1/chat/completions",
  ].join("\n");
  const m = one(text);
  assert.deepEqual([m.hash, m.test_id, m.model], [H, "tests/integration/x/test_y.py::test_z", "llama3.2:3b"]);
  const http = one(
    [
      "INFO  [RECORDING DEBUG] HTTP request hash computation:",
      "INFO    Test ID: tests/integration/messages/test_messages.py::test_basic",
      "INFO    URL: http://0.0.0.0:11434/v1/messages",
      "INFO    Method: POST",
      `INFO    Computed hash: ${H}`,
      "RuntimeError: Recording not found for httpx POST http://0.0.0.0:11434/v1/messages",
    ].join("\n"),
  );
  assert.deepEqual([http.hash, http.test_id], [H, "tests/integration/messages/test_messages.py::test_basic"]);
});

test("two misses in one log stay two", () => {
  const other = H.replace(/^2b/, "3c");
  assert.equal(findMisses(`Recording not found for request hash: ${H}\nRecording not found for request hash: ${other}\n`, "log").length, 2);
});

// ---------------------------------------------------------------------------------------------

test("Python literals: dicts, lists, tuples, escapes, True/False/None, ints stay ints", () => {
  const v = parsePyLiteral(`{'q': 'it\\'s "x"\\n', 'n': 3, 'f': 0.5, 'e': 1e-05, 'l': [1, (2, 3)], 'b': True, 'z': None, "d": "caf\\xe9 \\u4e2d"}`);
  assert.ok(v instanceof Map);
  assert.deepEqual(Object.fromEntries(v), { q: "it's \"x\"\n", n: 3n, f: 0.5, e: 1e-5, l: [1n, [2n, 3n]], b: true, z: null, d: "café 中" });
  assert.equal(parsePyLiteral("{'a': NOT_GIVEN}"), undefined);
  assert.equal(parsePyLiteral("{'a': 1"), undefined);
});

// ---------------------------------------------------------------------------------------------

function inference(body: Record<string, unknown>, url = "http://localhost:11434/v1/chat/completions", testId = "t.py::x", headers = {}): { testId: unknown; request: unknown; native: true } {
  return { testId, request: { method: "POST", url, headers, body }, native: true };
}

test("hash relevance: a float equal to 5 places, the url's host and headers do not change the hash; the body, path and test id do", () => {
  const a = inference({ model: "m", temperature: 0.7 });
  const cmp = compareHashed(a, inference({ model: "m", temperature: 0.700001 }, "http://0.0.0.0:8321/v1/chat/completions", "t.py::x", { h: "1" }));
  assert.equal(cmp.relevant("/request/body/temperature"), false);
  assert.equal(cmp.relevant("/request/url"), false);
  assert.equal(cmp.relevant("/request/headers/h"), false);
  const changed = compareHashed(a, inference({ model: "m", temperature: 0.2 }, "http://localhost:11434/v1/embeddings", "t.py::y"));
  assert.equal(changed.relevant("/request/body/temperature"), true);
  assert.equal(changed.relevant("/request/url"), true);
  assert.equal(changed.relevant("/test_id"), true);
});

test("hash relevance: the test id of a model-list request does not change the hash", () => {
  const cmp = compareHashed(inference({}, "http://localhost:11434/v1/models", "a"), inference({}, "http://localhost:11434/v1/models", "b"));
  assert.equal(cmp.relevant("/test_id"), false);
});

test("a difference that is a fresh uuid, id or timestamp is volatile; a prompt change is not", () => {
  const d = (a: unknown, b: unknown, pointer = "/request/body/messages/0/content"): Difference => ({ pointer, a, b, hash_relevant: true });
  assert.equal(isVolatile(d("session 0b0e3c1e-6a52-4f1e-9a53-0c6f2f3f9b11 started", "session 4d8a9a2b-1f3c-4e5d-8b7a-9c0d1e2f3a4b started")), true);
  assert.equal(isVolatile(d("call_abc123def456", "call_zyx987wvu654")), true);
  assert.equal(isVolatile(d(1761203455, 1761203999, "/request/body/metadata/ts")), true);
  assert.equal(isVolatile(d("What is 9+9?", "What is 10+10?")), false);
  assert.equal(isVolatile(d(0.7, 0.2, "/request/body/temperature")), false);
});

test("verdict: only volatile values differ → flaky; a prompt → content change; nothing near → new test", () => {
  const nearest = (differences: Difference[]) => ({ file: "r.json", test_id: "t", tier: 0 as const, exact: false, differences, namingEras: [] });
  const base = { test_id: "t", requestKnown: true, recorded: null, show: (f: string) => f };
  const uuid = { pointer: "/request/body/user", a: "0b0e3c1e-6a52-4f1e-9a53-0c6f2f3f9b11", b: "4d8a9a2b-1f3c-4e5d-8b7a-9c0d1e2f3a4b", hash_relevant: true };
  assert.equal(decide({ ...base, nearest: nearest([uuid]) }).kind, "flaky");
  const prompt = { pointer: "/request/body/messages/0/content", a: "a", b: "b", hash_relevant: true };
  assert.equal(decide({ ...base, nearest: nearest([prompt, uuid]) }).kind, "content-change");
  assert.equal(decide({ ...base, nearest: null }).kind, "new-test");
});

test("verdict on a recording that holds the request: rules changed only when an era names the file; the fix names that file", () => {
  const base = { test_id: "t", requestKnown: true, recorded: null, show: (f: string) => f };
  const held = { file: "r.json", test_id: "t", tier: 0 as const, exact: true, differences: [] };
  const stale = decide({ ...base, nearest: { ...held, namingEras: ["2025-10-09", "2026-01-21"] } });
  assert.equal(stale.kind, "unreachable");
  assert.match(stale.reason, /the hash rules changed/);
  assert.equal(stale.action, "rename it to the hash the recorder looks up: recctl rehash --write r.json");
  const edited = decide({ ...base, nearest: { ...held, namingEras: [] } });
  assert.equal(edited.kind, "request-edited");
  assert.match(edited.reason, /the request was edited after recording/);
  assert.match(edited.action, /^re-record the test \(its recording r\.json is replaced\)/);
});

test("a test id told by the message changes the hash from test isolation (2025-10-04) on, never for a model list", () => {
  const facts = { kind: "inference" as const, test_id: "tests/a.py::test_x", method: "POST", url: "http://h/v1/chat/completions", endpoint: "/v1/chat/completions", model: "m" };
  const renamed = { ...facts, test_id: "tests/a.py::test_y" };
  const relevant = (rules: typeof NEWEST_ERA.rules, a = facts, b = renamed): unknown => compareFacts(a, b, true, rules).find((d) => d.pointer === "/test_id")?.hash_relevant;
  assert.equal(relevant(NEWEST_ERA.rules), true);
  assert.equal(relevant(eraOn("2025-10-04")!.rules), true);
  assert.equal(relevant(eraOn("2025-08-01")!.rules), false);
  const models = { ...facts, endpoint: "/v1/models", url: "http://h/v1/models" };
  assert.equal(relevant(NEWEST_ERA.rules, models, { ...models, test_id: "tests/a.py::test_y" }), false);
});
