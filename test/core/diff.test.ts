/**
 * `diff` (SPEC): the request by JSON pointer; the response on what matters, noise ignored, so two
 * recordings of the same answer are the same. Fixtures in test/fixtures/diff/ are real recordings
 * and their re-recordings, edited as test/fixtures/diff/README.md says.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Chalk } from "chalk";
import { diffRecordings, diffSide, IgnoreError, parseIgnore, toPointer, withoutIgnored, type DiffOptions, type RecordingDiff } from "../../src/core/diff/index.js";
import { readRecording } from "../../src/core/recording.js";
import { renderTextDiff } from "../../src/report/diff.js";

// dist-test/test/core/ is three levels below the repo root.
const DIFF = fileURLToPath(new URL("../../../test/fixtures/diff/", import.meta.url));

/** The one recording in a fixture folder's `recordings/`, or the file itself. */
function fixture(where: string): string {
  if (where.endsWith(".json")) return join(DIFF, where);
  const dir = join(DIFF, where, "recordings");
  const [name] = readdirSync(dir);
  assert.ok(name !== undefined, `no recording in ${dir}`);
  return join(dir, name);
}

async function load(where: string): Promise<unknown> {
  return (await readRecording(fixture(where))).data;
}

async function diffOf(a: string, b: string, options: Partial<DiffOptions> = {}): Promise<RecordingDiff> {
  const opts: DiffOptions = { raw: false, ignore: [], ...options };
  return diffRecordings(diffSide(await load(a), opts), diffSide(await load(b), opts), opts);
}

function dataDiff(a: unknown, b: unknown, options: Partial<DiffOptions> = {}): RecordingDiff {
  const opts: DiffOptions = { raw: false, ignore: [], ...options };
  return diffRecordings(diffSide(a, opts), diffSide(b, opts), opts);
}

/** A minimal non-streamed chat completion recording. */
function chat(content: string, extra: { usage?: unknown; toolArgs?: string; mapping?: Record<string, string> } = {}): unknown {
  const message: Record<string, unknown> = { role: "assistant", content, refusal: null, tool_calls: null };
  if (extra.toolArgs !== undefined) {
    message["tool_calls"] = [{ id: "call_1", type: "function", function: { name: "lookup", arguments: extra.toolArgs } }];
  }
  const doc: Record<string, unknown> = {
    test_id: "tests/integration/x/test_y.py::test_z",
    request: { method: "POST", url: "http://localhost/v1/chat/completions", endpoint: "/v1/chat/completions", model: "m", headers: {}, body: { model: "m", messages: [] } },
    response: {
      body: {
        __type__: "openai.types.chat.chat_completion.ChatCompletion",
        __data__: {
          id: "rec-000000000000",
          object: "chat.completion",
          created: 0,
          model: "m",
          choices: [{ index: 0, finish_reason: "stop", message }],
          usage: extra.usage ?? null,
        },
      },
      is_streaming: false,
    },
  };
  if (extra.mapping !== undefined) doc["id_normalization_mapping"] = extra.mapping;
  return doc;
}

describe("diff: noise", () => {
  test("the same streamed answer re-recorded (re-chunked, new ids, created, fingerprint, obfuscation) is the same", async () => {
    const d = await diffOf("rechunked/before", "rechunked/after");
    assert.equal(d.same, true);
    assert.equal(d.compared, "answers");
    assert.deepEqual(d.request, []);
    assert.deepEqual(d.response, []);
    assert.deepEqual(d.noise, ["ids", "created", "obfuscation", "system_fingerprint", "chunk boundaries", "empty id_normalization_mapping"]);
    assert.deepEqual(d.outside, []);
  });

  test("a recording compared with itself is the same, with no noise to mention", async () => {
    const d = await diffOf("rechunked/before", "rechunked/before");
    assert.equal(d.same, true);
    assert.deepEqual(d.noise, []);
  });

  test("a file that is not hash-named compares like any other", async () => {
    const d = await diffOf("rechunked/before", "not-hash-named/saved-before-upgrade.json");
    assert.equal(d.same, true);
  });

  test("tool-call ids are noise; changed arguments are compared as JSON, by key", async () => {
    const d = await diffOf("tool-call-args/before", "tool-call-args/after");
    assert.equal(d.same, false);
    assert.deepEqual(d.response, [
      {
        aspect: "tool_calls",
        op: "~",
        pointer: "/answer/choices/0/tool_calls/0/arguments/celsius",
        a: "true",
        b: "false",
        choice: 0,
        tool_call: { index: 0, name: "get_boiling_point" },
      },
    ]);
    assert.ok(d.noise.includes("ids"));
  });

  test("a model's id in a model list is its name, not noise", () => {
    const list = (id: string): unknown => ({
      request: { method: "GET", url: "http://localhost/v1/models", endpoint: "/v1/models", model: "", headers: {}, body: {} },
      response: { body: [{ __type__: "openai.types.model.Model", __data__: { id, object: "model", created: 1, owned_by: "x" } }], is_streaming: false },
    });
    const d = dataDiff(list("a-model"), list("b-model"));
    assert.equal(d.compared, "bodies");
    assert.deepEqual(d.response, [{ aspect: "body", op: "~", pointer: "/response/body/0/__data__/id", a: "a-model", b: "b-model" }]);
  });

  test("an empty id_normalization_mapping versus none is noise; a new key is not, changed ids are", () => {
    assert.equal(dataDiff(chat("hi", { mapping: {} }), chat("hi")).same, true);
    const ids = dataDiff(chat("hi", { mapping: { "rec-1": "chatcmpl-a" } }), chat("hi", { mapping: { "rec-1": "chatcmpl-b" } }));
    assert.equal(ids.same, true);
    assert.ok(ids.noise.includes("ids"));
    const added = dataDiff(chat("hi", { mapping: {} }), chat("hi", { mapping: { "rec-2": "chatcmpl-c" } }));
    assert.deepEqual(added.response, [{ aspect: "mapping", op: "+", pointer: "/id_normalization_mapping/rec-2", b: "chatcmpl-c" }]);
  });
});

describe("diff: what matters", () => {
  test("one changed word of the answer shows up in the text", async () => {
    const d = await diffOf("changed-word/before", "changed-word/after");
    assert.equal(d.same, false);
    assert.equal(d.response.length, 1);
    const [text] = d.response;
    assert.equal(text?.aspect, "text");
    assert.equal(text?.pointer, "/answer/choices/0/content");
    assert.match(String(text?.a), /\*\*Identify the operation\*\*/);
    assert.match(String(text?.b), /\*\*Understand the operation\*\*/);
    assert.deepEqual(d.noise, [], "a different answer is not blamed on chunk boundaries");
  });

  test("request: a changed temperature and an edited message, by pointer", async () => {
    const d = await diffOf("request-edited/before", "request-edited/after");
    assert.deepEqual(d.request, [
      { op: "~", pointer: "/request/body/messages/0/content", a: "Test trace openai with temperature 0", b: "Test trace openai with a low temperature" },
      { op: "~", pointer: "/request/body/temperature", a: 0.7, b: 0.2 },
    ]);
    assert.deepEqual(d.response, []);
  });

  test("finish reason and usage, key by key", async () => {
    const d = await diffOf("finish-usage/before", "finish-usage/after");
    assert.deepEqual(
      d.response.map((c) => [c.aspect, c.pointer, c.a, c.b]),
      [
        ["finish_reason", "/answer/choices/0/finish_reason", "stop", "length"],
        ["usage", "/answer/usage/completion_tokens", 2, 1],
        ["usage", "/answer/usage/total_tokens", 402, 401],
      ],
    );
    assert.deepEqual(d.outside, [], "fields the answer carries are not 'outside' it");
  });

  test("across families the answers are compared: same text, different wording of the finish reason", async () => {
    const d = await diffOf("cross-family/anthropic", "cross-family/openai");
    assert.deepEqual(d.families, { a: "anthropic-messages", b: "openai-chat" });
    assert.equal(d.compared, "answers");
    assert.ok(!d.response.some((c) => c.aspect === "text" || c.aspect === "reasoning"), "same text and reasoning");
    assert.ok(d.response.some((c) => c.aspect === "finish_reason" && c.a === "end_turn" && c.b === "stop"));
    assert.ok(d.request.some((c) => c.pointer === "/request/url"));
  });

  test("answerless bodies (model lists) are compared field by field", async () => {
    const d = await diffOf("model-list/before", "model-list/after");
    assert.equal(d.compared, "bodies");
    assert.deepEqual(
      d.response.map((c) => [c.aspect, c.op, c.pointer]),
      [["body", "+", "/response/body/1"]],
    );
  });

  test("an answer and an answerless body cannot be compared: the families differ", () => {
    const embeddings = {
      request: { method: "POST", url: "http://localhost/v1/embeddings", endpoint: "/v1/embeddings", model: "e", headers: {}, body: {} },
      response: { body: { __type__: "openai.types.create_embedding_response.CreateEmbeddingResponse", __data__: { object: "list", data: [{ object: "embedding", embedding: [0.1], index: 0 }] } }, is_streaming: false },
    };
    const d = dataDiff(chat("hi"), embeddings);
    assert.equal(d.compared, "families");
    assert.deepEqual(
      d.response.map((c) => [c.aspect, c.a, c.b]),
      [["family", "openai-chat", "openai-embeddings"]],
    );
  });

  test("an embedding vector is compared as one value, not number by number", () => {
    const embedding = (vector: number[]): unknown => ({
      request: { method: "POST", url: "http://localhost/v1/embeddings", endpoint: "/v1/embeddings", model: "e", headers: {}, body: {} },
      response: { body: { __type__: "openai.types.create_embedding_response.CreateEmbeddingResponse", __data__: { object: "list", data: [{ object: "embedding", embedding: vector, index: 0 }] } }, is_streaming: false },
    });
    const d = dataDiff(embedding([0.1, 0.2, 0.3]), embedding([0.1, 0.25, 0.35]));
    assert.deepEqual(d.response, [{ aspect: "body", op: "~", pointer: "/response/body/__data__/data/0/embedding", a: [0.1, 0.2, 0.3], b: [0.1, 0.25, 0.35] }]);
    assert.equal(dataDiff(embedding([0.1, 0.2]), embedding([0.1, 0.2])).same, true);
  });

  test("tool arguments that are not JSON are compared as text", () => {
    const d = dataDiff(chat("", { toolArgs: "city=Paris" }), chat("", { toolArgs: '{"city": "Paris"}' }));
    assert.deepEqual(
      d.response.map((c) => [c.pointer, c.a, c.b]),
      [["/answer/choices/0/tool_calls/0/arguments", "city=Paris", '{"city": "Paris"}']],
    );
  });

  test("a usage key reported as null is the same as one not reported", () => {
    const d = dataDiff(chat("hi", { usage: { prompt_tokens: 3, prompt_tokens_details: null } }), chat("hi", { usage: { prompt_tokens: 3 } }));
    assert.equal(d.same, true);
  });
});

describe("diff: --ignore and --raw", () => {
  test("--ignore hides a pointer and everything below it", async () => {
    const d = await diffOf("request-edited/before", "request-edited/after", { ignore: ["/request/body/temperature"] });
    assert.deepEqual(
      d.request.map((c) => c.pointer),
      ["/request/body/messages/0/content"],
    );
    const none = await diffOf("request-edited/before", "request-edited/after", { ignore: ["/request/body/temperature", "/request/body/messages"] });
    assert.equal(none.same, true);
    assert.deepEqual(none.ignored, ["/request/body/temperature", "/request/body/messages"]);
  });

  test("--ignore takes * as any one segment", async () => {
    const d = await diffOf("request-edited/before", "request-edited/after", { ignore: ["/request/body/messages/*/content"] });
    assert.deepEqual(
      d.request.map((c) => c.pointer),
      ["/request/body/temperature"],
    );
  });

  test("--ignore under /response removes the field before reassembly; /answer pointers name the answer", async () => {
    const pruned = await diffOf("finish-usage/before", "finish-usage/after", { ignore: ["/response/body/__data__/usage"] });
    assert.deepEqual(
      pruned.response.map((c) => c.aspect),
      ["finish_reason"],
    );
    const byAnswer = await diffOf("finish-usage/before", "finish-usage/after", { ignore: ["/answer/usage", "/answer/choices/*/finish_reason"] });
    assert.equal(byAnswer.same, true);
  });

  test("--raw shows the noise, chunk by chunk, the number of chunks first", async () => {
    const d = await diffOf("rechunked/before", "rechunked/after", { raw: true });
    assert.equal(d.same, false);
    assert.equal(d.compared, "raw");
    assert.deepEqual(d.response[0], { aspect: "chunks", op: "~", pointer: "/response/body", a: 8, b: 9 });
    const pointers = d.response.map((c) => c.pointer);
    for (const p of ["/response/body/0/__data__/id", "/response/body/0/__data__/created", "/response/body/0/__data__/system_fingerprint", "/response/body/0/__data__/choices/0/obfuscation", "/id_normalization_mapping"]) {
      assert.ok(pointers.includes(p), `${p} in ${pointers.slice(0, 8).join(", ")}…`);
    }
    assert.deepEqual(d.noise, []);
  });

  test("--raw with --ignore: only the ignored pointers are left out", async () => {
    const d = await diffOf("finish-usage/before", "finish-usage/after", { raw: true, ignore: ["/response/body/__data__/usage"] });
    assert.deepEqual(
      d.response.map((c) => c.pointer),
      ["/response/body/__data__/choices/0/finish_reason"],
    );
  });

  test("an --ignore value that is not a pointer is refused", () => {
    assert.throws(() => parseIgnore(["request/body"]), IgnoreError);
  });

  test("pointers escape ~ and / (RFC 6901), and --ignore reads them back", () => {
    assert.equal(toPointer(["a/b", "c~d", "0"]), "/a~1b/c~0d/0");
    assert.deepEqual(parseIgnore(["/a~1b/c~0d/*"]), [["a/b", "c~d", "*"]]);
  });

  test("removing ignored parts keeps untouched values as they are", () => {
    const value = { keep: { x: 1 }, list: [{ usage: 1, text: "a" }, { usage: 2, text: "b" }] };
    const pruned = withoutIgnored(value, parseIgnore(["/list/*/usage"])) as typeof value;
    assert.deepEqual(pruned, { keep: { x: 1 }, list: [{ text: "a" }, { text: "b" }] });
    assert.equal(pruned.keep, value.keep);
    assert.equal(withoutIgnored(value, parseIgnore(["/nothing/here"])), value);
  });
});

describe("diff: text report", () => {
  const plain = new Chalk({ level: 0 });

  test("changed words are marked [-removed-]{+added+} without colour", () => {
    assert.deepEqual(renderTextDiff("The capital is Paris.", "The capital is Lyon.", plain), ["The capital is [-Paris-]{+Lyon+}."]);
  });

  test("long texts keep a few lines of context around each change and count the rest", () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} of the answer`);
    const changed = [...lines];
    changed[20] = "line twenty of the answer";
    const out = renderTextDiff(`${lines.join("\n")}\n`, `${changed.join("\n")}\n`, plain);
    assert.deepEqual(out, [
      "  … 18 unchanged lines",
      "  line 18 of the answer",
      "  line 19 of the answer",
      "~ line [-20-]{+twenty+} of the answer",
      "  line 21 of the answer",
      "  line 22 of the answer",
      "  … 17 unchanged lines",
    ]);
  });

  test("a rewritten line is shown removed, then added, rather than word by word", () => {
    const out = renderTextDiff("intro\nSure! Let's work it out step by step.\noutro\n", "intro\nThe answer is four, as computed below:\noutro\n", plain);
    assert.deepEqual(out, ["  intro", "- Sure! Let's work it out step by step.", "+ The answer is four, as computed below:", "  outro"]);
  });

  test("a text that appears or disappears is shown as added or removed lines", () => {
    assert.deepEqual(renderTextDiff("", "Hello.", new Chalk({ level: 0 })), ["+ Hello."]);
    assert.deepEqual(renderTextDiff("one\ntwo\n", "", new Chalk({ level: 0 })), ["- one", "- two"]);
  });

  test("with colour, changes are coloured instead of marked", () => {
    const out = renderTextDiff("a b c", "a x c", new Chalk({ level: 1 })).join("\n");
    assert.ok(!out.includes("[-") && !out.includes("{+"));
    assert.ok(out.includes("\u001b["));
  });
});
