import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, recctl, tempDir } from "./run.js";

const REASSEMBLE = join(FIXTURES, "reassemble");
const SAMPLES = join(FIXTURES, "samples");

interface ToolCall {
  index: number;
  id: string | null;
  type: string | null;
  name: string | null;
  arguments: string;
}
interface Choice {
  index: number;
  role: string | null;
  content: string;
  reasoning: string;
  refusal: string | null;
  tool_calls: ToolCall[];
  finish_reason: string | null;
}
interface Answer {
  file: string;
  kind: string;
  streaming: boolean;
  model: string | null;
  choices: Choice[];
  usage: unknown;
}

type Json = Record<string, unknown>;

function chunksOf(file: string): Json[] {
  const recording = JSON.parse(readFileSync(file, "utf8")) as { response: { body: { __data__: Json }[] } };
  return recording.response.body.map((chunk) => chunk.__data__);
}

/** What an OpenAI chat stream says, computed here by joining its deltas choice by choice. */
function joinChatDeltas(file: string): Map<number, { content: string; reasoning: string; refusal: string | null; arguments: string[] }> {
  const choices = new Map<number, { content: string; reasoning: string; refusal: string | null; arguments: string[] }>();
  for (const chunk of chunksOf(file)) {
    for (const choice of chunk["choices"] as { index: number; delta: Json }[]) {
      const joined = choices.get(choice.index) ?? { content: "", reasoning: "", refusal: null, arguments: [] };
      const { content, reasoning, refusal, tool_calls } = choice.delta as { content?: string | null; reasoning?: string | null; refusal?: string | null; tool_calls?: { index: number; function: { arguments: string | null } }[] | null };
      joined.content += content ?? "";
      joined.reasoning += reasoning ?? "";
      if (typeof refusal === "string") joined.refusal = (joined.refusal ?? "") + refusal;
      for (const call of tool_calls ?? []) joined.arguments[call.index] = (joined.arguments[call.index] ?? "") + (call.function.arguments ?? "");
      choices.set(choice.index, joined);
    }
  }
  return choices;
}

interface ReassembleDocument {
  texts: Answer[];
  skipped: { file: string; kind: string; reason: string }[];
  errors: unknown[];
}

/** `reassemble --json`: `{texts:[…], skipped:[…], errors:[…]}` whatever the number of refs; `value` its first answer. */
function reassembleJson(args: string[], cwd = REASSEMBLE): { code: number; doc: ReassembleDocument; texts: Answer[]; value: Answer | undefined; stderr: string } {
  const r = recctl(["reassemble", "--json", ...args], { cwd });
  const doc = JSON.parse(r.stdout) as ReassembleDocument;
  return { code: r.code, doc, texts: doc.texts, value: doc.texts[0], stderr: r.stderr };
}

for (const name of ["unicode-split.json", "openai-chat-stream-reasoning.json", "openai-chat-stream-n2.json", "openai-chat-stream-refusal.json", "openai-chat-stream-parallel-tool-calls.json"]) {
  test(`${name}: every choice's content, reasoning, refusal and tool arguments are its deltas joined`, () => {
    const { code, value } = reassembleJson([name]);
    assert.equal(code, 0);
    const answer = value;
    assert.ok(answer !== undefined);
    const expected = joinChatDeltas(join(REASSEMBLE, name));
    assert.deepEqual(
      answer.choices.map((c) => c.index),
      [...expected.keys()].sort((a, b) => a - b),
    );
    for (const choice of answer.choices) {
      const want = expected.get(choice.index);
      assert.ok(want !== undefined);
      assert.equal(choice.content, want.content);
      assert.equal(choice.reasoning, want.reasoning);
      assert.equal(choice.refusal, want.refusal);
      assert.deepEqual(
        choice.tool_calls.map((call) => call.arguments),
        want.arguments,
      );
    }
  });
}

test("a real streamed OpenAI chat found by hash prefix prints exactly its joined text", (t) => {
  const file = join(SAMPLES, "current/tests/integration/tool_runtime/recordings/632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db.json");
  const text = joinChatDeltas(file).get(0)?.content ?? "";
  assert.ok(text.length > 40, "the sample has a real answer");
  const r = recctl(["reassemble", "--root", SAMPLES, "632ce014"], { cwd: tempDir(t) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${text}\n`);
});

test("unicode split across chunks (surrogate pairs, combining marks, ZWJ, CRLF) comes out exactly", () => {
  const expected = joinChatDeltas(join(REASSEMBLE, "unicode-split.json")).get(0)?.content ?? "";
  assert.equal(expected, "  Cafe\u0301 \u{1F600} \u65e5\u672c\u8a9e\r\n\u{1F468}\u200d\u{1F469}\u200d\u{1F467} \u202f \n");
  const text = recctl(["reassemble", "unicode-split.json"], { cwd: REASSEMBLE });
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, expected, "the text as joined, byte for byte (it already ends with a newline)");
  assert.ok(!text.stdout.includes("\uFFFD"), "no replacement characters");
  const { value } = reassembleJson(["unicode-split.json"]);
  assert.equal(value?.choices[0]?.content, expected);
});

test("tool calls are printed after the text, their arguments as pretty JSON", () => {
  // The Responses API stream: text deltas, then a function call's argument deltas.
  const events = chunksOf(join(REASSEMBLE, "openai-responses-stream.json"));
  const deltas = (type: string): string =>
    events
      .filter((e) => e["type"] === type)
      .map((e) => e["delta"] as string)
      .join("");
  const text = deltas("response.output_text.delta");
  const args = deltas("response.function_call_arguments.delta");
  assert.equal(text, "Checking Paris now.");

  const r = recctl(["reassemble", "openai-responses-stream.json"], { cwd: REASSEMBLE });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], text);
  assert.match(lines[1] ?? "", /tool call 0: get_weather \(call_Qm3xV9\)$/);
  assert.equal(lines.slice(2, 5).join("\n"), JSON.stringify(JSON.parse(args), null, 2));
});

test("parallel tool calls are printed in index order, each with pretty JSON arguments", () => {
  const r = recctl(["reassemble", "openai-chat-stream-parallel-tool-calls.json"], { cwd: REASSEMBLE });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /tool call 0: get_weather \(call_9Gg8pOWukLY9QJoEpOCAMnYV\)\n\{\n {2}"location": "Paris"\n\}\n.*tool call 1: get_weather \(call_Xo2vVQnPzJ8Hc1rKMnTGUx7Y\)\n\{\n {2}"location": "Tokyo"\n\}\n$/);
});

test("reasoning is shown after the answer text", () => {
  const r = recctl(["reassemble", "openai-chat-stream-reasoning.json"], { cwd: REASSEMBLE });
  assert.equal(r.code, 0, r.stderr);
  const joined = joinChatDeltas(join(REASSEMBLE, "openai-chat-stream-reasoning.json")).get(0);
  assert.ok(joined !== undefined && joined.content !== "" && joined.reasoning !== "");
  const answerAt = r.stdout.indexOf(joined.content);
  const headingAt = r.stdout.indexOf("reasoning");
  const reasoningAt = r.stdout.indexOf(joined.reasoning);
  assert.ok(answerAt === 0 && answerAt < headingAt && headingAt < reasoningAt, r.stdout);
});

test("--json has the SPEC shape for every family, with content and reasoning as strings", () => {
  const { code, texts: answers, stderr } = reassembleJson(["*.json"]);
  assert.equal(code, 0, stderr);
  assert.ok(answers.length >= 20, `${answers.length} answers`);
  for (const answer of answers) {
    const keys = Object.keys(answer);
    assert.deepEqual(keys, ["file", "kind", "streaming", "model", "choices", "usage", "error"], answer.file);
    assert.equal(typeof answer.streaming, "boolean", answer.file);
    for (const choice of answer.choices) {
      assert.deepEqual(Object.keys(choice), ["index", "role", "content", "reasoning", "refusal", "tool_calls", "finish_reason"], answer.file);
      assert.equal(typeof choice.content, "string", answer.file);
      assert.equal(typeof choice.reasoning, "string", answer.file);
      for (const call of choice.tool_calls) {
        assert.deepEqual(Object.keys(call), ["index", "id", "type", "name", "arguments"], answer.file);
        assert.equal(typeof call.arguments, "string", answer.file);
      }
    }
  }
});

test("--json for one streamed tool call: the exact object", () => {
  const { code, value: answer } = reassembleJson(["openai-chat-stream-tool-calls.json"]);
  assert.equal(code, 0);
  assert.ok(answer !== undefined);
  assert.equal(answer.file, "openai-chat-stream-tool-calls.json");
  assert.equal(answer.kind, "openai-chat");
  assert.equal(answer.streaming, true);
  assert.equal(answer.model, "gpt-4o-2024-11-20");
  assert.deepEqual(answer.choices, [
    {
      index: 0,
      role: "assistant",
      content: "",
      reasoning: "",
      refusal: null,
      tool_calls: [{ index: 0, id: "call_9Gg8pOWukLY9QJoEpOCAMnYV", type: "function", name: "get_weather", arguments: '{"location":"Paris"}' }],
      finish_reason: "tool_calls",
    },
  ]);
  assert.equal((answer.usage as { total_tokens: number }).total_tokens, 125);
});

test("a family with no text (embeddings) given as the one ref exits 2 with one clear line (--json: listed as skipped)", () => {
  for (const args of [["openai-embeddings.json"], ["--json", "openai-embeddings.json"]]) {
    const r = recctl(["reassemble", ...args], { cwd: REASSEMBLE });
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /openai-embeddings\.json.*no text.*embeddings/);
  }
  assert.equal(recctl(["reassemble", "openai-embeddings.json"], { cwd: REASSEMBLE }).stdout, "");
  const { doc } = reassembleJson(["openai-embeddings.json"]);
  assert.deepEqual(doc.texts, []);
  assert.deepEqual(
    doc.skipped.map((s) => [s.file, s.kind]),
    [["openai-embeddings.json", "openai-embeddings"]],
  );
});

test("in a batch (a directory) the no-text recording is listed as skipped and the others printed; exit 0", (t) => {
  const dir = join(tempDir(t), "recordings");
  mkdirSync(dir);
  for (const name of ["openai-embeddings.json", "openai-chat-stream-n2.json", "google-genai-stream.json"]) copyFileSync(join(REASSEMBLE, name), join(dir, name));

  const text = recctl(["reassemble", "."], { cwd: dir });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /==> openai-embeddings\.json <==\n.*embeddings.*skipped/);
  assert.match(text.stdout, /==> openai-chat-stream-n2\.json <==\n(.*\n)*Blue\.\n(.*\n)*Green\./);
  assert.match(text.stdout, /==> google-genai-stream\.json <==\n1, 2, 3, 4, 5, 6, 7, 8, 9, 10/);

  const { code, texts, doc, stderr } = reassembleJson(["."], dir);
  assert.equal(code, 0);
  assert.deepEqual(texts.map((a) => a.file).sort(), ["google-genai-stream.json", "openai-chat-stream-n2.json"]);
  assert.deepEqual(doc.skipped.map((s) => s.file), ["openai-embeddings.json"]);
  assert.match(stderr, /openai-embeddings\.json.*skipped/);
});

test("several refs give {texts:[…]}, each answer with its file", () => {
  const { code, texts } = reassembleJson(["unicode-split.json", "ollama-generate-stream.json"]);
  assert.equal(code, 0);
  assert.deepEqual(
    texts.map((a) => [a.file, a.kind]),
    [
      ["unicode-split.json", "openai-chat"],
      ["ollama-generate-stream.json", "ollama-generate"],
    ],
  );
});

test("`text` is an alias of `reassemble`", () => {
  for (const name of readdirSync(REASSEMBLE).filter((n) => n.startsWith("anthropic-sse") || n.startsWith("google-interactions-stream"))) {
    const a = recctl(["reassemble", name], { cwd: REASSEMBLE });
    const b = recctl(["text", name], { cwd: REASSEMBLE });
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(b, a, name);
  }
});
