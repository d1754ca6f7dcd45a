/**
 * Reassembly of every response family, on recordings under test/fixtures/reassemble/ (real files
 * cut down, or built in the same format where the samples have no example).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { detectFamily, hasText, NoAnswerError, reassemble, yieldsAnswer } from "../../src/core/reassemble/index.js";
import type { Reassembled, ResponseFamily } from "../../src/core/types.js";

const FIXTURES = new URL("../../../test/fixtures/reassemble/", import.meta.url);

interface Fixture {
  request: unknown;
  response: unknown;
}

function load(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as Fixture;
}

/** Detects the fixture's family, checks it, and reassembles it as the CLI does. */
function answerOf(name: string, family: ResponseFamily): Reassembled {
  const { request, response } = load(name);
  assert.equal(detectFamily(response, request), family);
  return reassemble(response, family);
}

function only<T>(items: readonly T[]): T {
  assert.equal(items.length, 1);
  return items[0] as T;
}

describe("openai chat", () => {
  test("stream: tool call arguments are joined by index; id and name come from the chunk that carries them", () => {
    const answer = answerOf("openai-chat-stream-tool-calls.json", "openai-chat");
    const choice = only(answer.choices);
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: "call_9Gg8pOWukLY9QJoEpOCAMnYV", type: "function", name: "get_weather", arguments: '{"location":"Paris"}' },
    ]);
    assert.equal(choice.content, "");
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.role, "assistant");
    assert.equal(answer.streaming, true);
  });

  test("stream: model is the first non-empty one (Azure's prompt-filter chunk has model \"\")", () => {
    assert.equal(answerOf("openai-chat-stream-tool-calls.json", "openai-chat").model, "gpt-4o-2024-11-20");
  });

  test("stream: usage comes from the final chunk that carries it", () => {
    const answer = answerOf("openai-chat-stream-tool-calls.json", "openai-chat");
    assert.equal(answer.usage?.["total_tokens"], 125);
    assert.equal(answer.usage?.["prompt_tokens"], 110);
  });

  test("stream: parallel tool calls stay apart by index", () => {
    const choice = only(answerOf("openai-chat-stream-parallel-tool-calls.json", "openai-chat").choices);
    assert.deepEqual(
      choice.tool_calls.map((c) => [c.index, c.id, c.name, c.arguments]),
      [
        [0, "call_9Gg8pOWukLY9QJoEpOCAMnYV", "get_weather", '{"location": "Paris"}'],
        [1, "call_Xo2vVQnPzJ8Hc1rKMnTGUx7Y", "get_weather", '{"location": "Tokyo"}'],
      ],
    );
  });

  test("stream: a whole tool call with a new id at a used index (Ollama sends every call as index 0) is a new call", () => {
    const choice = only(answerOf("openai-chat-stream-tool-calls-reused-index.json", "openai-chat").choices);
    assert.deepEqual(
      choice.tool_calls.map((c) => [c.index, c.id, c.arguments]),
      [
        [0, "call_rolv1ozt", '{"city":"Tokyo"}'],
        [1, "call_8kq2m1xz", '{"city":"Paris"}'],
      ],
    );
    assert.equal(choice.finish_reason, "stop");
  });

  test("two choices (n=2) stay apart, each with its own text and finish reason", () => {
    const answer = answerOf("openai-chat-stream-n2.json", "openai-chat");
    assert.deepEqual(
      answer.choices.map((c) => [c.index, c.role, c.content, c.finish_reason]),
      [
        [0, "assistant", "Blue.", "stop"],
        [1, "assistant", "Green.", "stop"],
      ],
    );
    assert.deepEqual(answer.usage, { completion_tokens: 4, prompt_tokens: 11, total_tokens: 15 });
  });

  test("stream: `reasoning` deltas are the reasoning, apart from the content", () => {
    const choice = only(answerOf("openai-chat-stream-reasoning.json", "openai-chat").choices);
    assert.equal(choice.reasoning, "We need to multiply");
    assert.equal(choice.content, "**Step\u2011");
  });

  test("stream: reasoning sent as both reasoning_content and reasoning (vLLM) is taken once", () => {
    const choice = only(answerOf("openai-chat-stream-reasoning-duplicated.json", "openai-chat").choices);
    assert.equal(choice.reasoning, "\nOkay,");
    assert.equal(choice.content, "\n\n2 + 2 equals");
  });

  test("stream: refusal deltas are joined into refusal; content stays empty", () => {
    const choice = only(answerOf("openai-chat-stream-refusal.json", "openai-chat").choices);
    assert.equal(choice.refusal, "I'm sorry, I can't help with that.");
    assert.equal(choice.content, "");
    assert.equal(hasText(answerOf("openai-chat-stream-refusal.json", "openai-chat")), true);
  });

  test("refusal is null when no chunk carries one", () => {
    assert.equal(only(answerOf("openai-chat-stream-n2.json", "openai-chat").choices.slice(0, 1)).refusal, null);
  });

  test("non-streamed ChatCompletion: message tool calls, null content as \"\"", () => {
    const answer = answerOf("openai-chat-tool-calls.json", "openai-chat");
    assert.equal(answer.streaming, false);
    const choice = only(answer.choices);
    assert.equal(choice.content, "");
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: "call_JdQV7REBMrqtHH23sOdwaE6i", type: "function", name: "calculator", arguments: '{"expression":"15 * 7"}' },
    ]);
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(answer.usage?.["total_tokens"], 83);
  });

  test("unicode split across chunks (surrogate pairs, combining marks, ZWJ sequences) comes out exactly, untrimmed", () => {
    const choice = only(answerOf("unicode-split.json", "openai-chat").choices);
    assert.equal(choice.content, "  Cafe\u0301 \u{1F600} \u65E5\u672C\u8A9E\r\n\u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u202F \n");
  });
});

describe("openai completions", () => {
  test("ChatCompletionChunk objects recorded on /v1/completions are chat, by their shape", () => {
    const choice = only(answerOf("openai-completions-endpoint-chat-chunks.json", "openai-chat").choices);
    assert.equal(choice.content, "The Latin name.");
    assert.equal(choice.finish_reason, "stop");
  });

  test("Completion stream: choices[].text is joined", () => {
    const answer = answerOf("openai-completion-stream.json", "openai-completion");
    const choice = only(answer.choices);
    assert.equal(choice.content, "Blue.\n\nMy response");
    assert.equal(choice.finish_reason, "length");
    assert.equal(answer.model, "llama3.2:3b-instruct-fp16");
  });
});

describe("openai responses", () => {
  test("stream: text, reasoning summary and function call arguments deltas are joined; status and usage from response.completed", () => {
    const answer = answerOf("openai-responses-stream.json", "openai-responses");
    const choice = only(answer.choices);
    assert.equal(choice.content, "Checking Paris now.");
    assert.equal(choice.reasoning, "**Planning**\n\nCall the weather tool.");
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: "call_Qm3xV9", type: "function_call", name: "get_weather", arguments: '{"location":"Paris"}' },
    ]);
    assert.equal(choice.finish_reason, "completed");
    assert.equal(answer.model, "o4-mini-2025-04-16");
    assert.equal(answer.usage?.["total_tokens"], 148);
  });

  test("non-streamed Response: output items read as the same answer as the stream", () => {
    const streamed = answerOf("openai-responses-stream.json", "openai-responses");
    const whole = answerOf("openai-responses.json", "openai-responses");
    assert.equal(whole.streaming, false);
    assert.deepEqual(whole.choices, streamed.choices);
    assert.deepEqual(whole.usage, streamed.usage);
  });
});

describe("ollama", () => {
  test("generate stream: `response` pieces are joined; done_reason and eval counts from the done chunk", () => {
    const answer = answerOf("ollama-generate-stream.json", "ollama-generate");
    const choice = only(answer.choices);
    assert.equal(choice.content, "Here's one!");
    assert.equal(choice.finish_reason, "stop");
    assert.deepEqual(answer.usage, { prompt_eval_count: 56, eval_count: 18 });
    assert.equal(answer.model, "llama3.2:3b-instruct-fp16");
  });

  test("generate: `thinking` is reasoning", () => {
    const choice = only(answerOf("ollama-generate-thinking.json", "ollama-generate").choices);
    assert.equal(choice.reasoning, "Add 2 and 2.");
    assert.equal(choice.content, "4 ");
  });

  test("chat stream: message.content is joined", () => {
    const answer = answerOf("ollama-chat-stream.json", "ollama-chat");
    const choice = only(answer.choices);
    assert.equal(choice.content, "The image features.");
    assert.equal(choice.role, "assistant");
    assert.deepEqual(answer.usage, { prompt_eval_count: 18, eval_count: 92 });
  });

  test("chat: tool call arguments (an object) are serialized with JSON.stringify", () => {
    const choice = only(answerOf("ollama-chat-tool-calls.json", "ollama-chat").choices);
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: null, type: "function", name: "get_weather", arguments: '{"city":"Tokyo"}' },
      { index: 1, id: null, type: "function", name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' },
    ]);
  });
});

describe("google genai", () => {
  test("generate_content_stream: candidate text parts are joined; finish_reason and the last usage_metadata kept", () => {
    const answer = answerOf("google-genai-stream.json", "google-genai");
    const choice = only(answer.choices);
    assert.equal(choice.content, "1, 2, 3, 4, 5, 6, 7, 8, 9, 10\n");
    assert.equal(choice.finish_reason, "STOP");
    assert.equal(choice.role, "model");
    assert.equal(answer.model, "gemini-2.0-flash");
    assert.equal(answer.usage?.["total_token_count"], 39);
  });

  test("function_call parts are tool calls with args as a JSON string", () => {
    const choice = only(answerOf("google-genai-function-call.json", "google-genai").choices);
    assert.deepEqual(choice.tool_calls, [{ index: 0, id: null, type: "function", name: "get_weather", arguments: '{"location":"Paris, France"}' }]);
    assert.equal(choice.content, "");
  });

  test("parts with thought: true are reasoning", () => {
    const choice = only(answerOf("google-genai-thought-parts.json", "google-genai").choices);
    assert.equal(choice.reasoning, "**Counting**\n\nThe user wants a count.");
    assert.equal(choice.content, "1, 2, 3");
  });
});

describe("anthropic messages", () => {
  test("SSE: thinking_delta is reasoning, text_delta is content; stop_reason from message_delta", () => {
    const answer = answerOf("anthropic-sse-thinking-text.json", "anthropic-messages");
    const choice = only(answer.choices);
    assert.equal(choice.reasoning, "We need to");
    assert.equal(choice.content, "1, 2");
    assert.equal(choice.finish_reason, "end_turn");
    assert.equal(answer.model, "gpt-oss:20b");
  });

  test("SSE: usage merges message_start and message_delta", () => {
    assert.deepEqual(answerOf("anthropic-sse-thinking-text.json", "anthropic-messages").usage, { input_tokens: 79, output_tokens: 64 });
    assert.deepEqual(answerOf("anthropic-sse-tool-use.json", "anthropic-messages").usage, { input_tokens: 145, output_tokens: 34 });
  });

  test("SSE: thinking is reasoning and tool_use input is joined from input_json_delta pieces", () => {
    const choice = only(answerOf("anthropic-sse-tool-use.json", "anthropic-messages").choices);
    assert.equal(choice.reasoning, "Need the weather tool.");
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: "call_kp56ga0b", type: "tool_use", name: "get_weather", arguments: '{"location": "San Francisco"}' },
      { index: 1, id: "call_q8wz1m3n", type: "tool_use", name: "get_time", arguments: "{}" },
    ]);
    assert.equal(choice.finish_reason, "tool_use");
  });

  test("non-streamed message: thinking, tool_use input serialized", () => {
    const answer = answerOf("anthropic-message-tool-use.json", "anthropic-messages");
    const choice = only(answer.choices);
    assert.equal(choice.reasoning, "We have to call the get_weather function.");
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: "call_kp56ga0b", type: "tool_use", name: "get_weather", arguments: '{"location":"San Francisco"}' },
    ]);
    assert.equal(choice.finish_reason, "tool_use");
    assert.deepEqual(answer.usage, { input_tokens: 145, output_tokens: 34 });
  });

  test("HTTP 400: kind http-json, error from the body's error message and type", () => {
    const answer = answerOf("anthropic-http-400.json", "http-json");
    assert.deepEqual(answer.choices, []);
    assert.deepEqual(answer.error, { message: "messages is required", type: "invalid_request_error" });
  });
});

describe("google interactions", () => {
  test("SSE: content.delta text is joined; interaction.complete gives status as finish_reason and usage", () => {
    const answer = answerOf("google-interactions-stream.json", "google-interactions");
    const choice = only(answer.choices);
    assert.equal(choice.content, "1, 2, 3, 4, 5");
    assert.equal(choice.reasoning, "");
    assert.equal(choice.finish_reason, "completed");
    assert.equal(answer.model, "gemini-2.5-flash-lite");
    assert.equal(answer.usage?.["total_tokens"], 25);
  });

  test("SSE: thought summaries are reasoning, function_call deltas tool calls", () => {
    const choice = only(answerOf("google-interactions-stream-thoughts-tool-call.json", "google-interactions").choices);
    assert.equal(choice.reasoning, "**Checking the weather**\n\nI'll call get_weather for Tokyo.");
    assert.equal(choice.content, "Let me check.");
    assert.deepEqual(choice.tool_calls, [
      { index: 0, id: "lsdifx64", type: "function_call", name: "get_weather", arguments: '{"location":"Tokyo"}' },
    ]);
    assert.equal(choice.finish_reason, "requires_action");
  });

  test("HTTP 400: error message and code from the body", () => {
    const answer = answerOf("google-interactions-http-400.json", "http-json");
    assert.deepEqual(answer.error, { message: "Request contains an invalid argument.", type: "invalid_request" });
  });
});

describe("exceptions", () => {
  test("an exception before anything was streamed: kind exception, error type from exception_data", () => {
    const answer = answerOf("exception-before-stream.json", "exception");
    assert.deepEqual(answer.choices, []);
    assert.equal(answer.error?.type, "BadRequestError");
    assert.match(answer.error?.message ?? "", /^Error code: 400 - .*Invalid base64 image_url/);
    assert.equal(hasText(answer), false);
  });

  test("an exception mid-stream: what was streamed before it, plus the error", () => {
    const answer = answerOf("exception-mid-stream.json", "openai-chat");
    const choice = only(answer.choices);
    assert.equal(choice.reasoning, "We need to multiply");
    assert.equal(choice.content, "**Step");
    assert.equal(choice.finish_reason, null);
    assert.deepEqual(answer.error, {
      message: "peer closed connection without sending complete message body (incomplete chunked read)",
      type: "APIError",
    });
  });
});

describe("families without an answer", () => {
  const cases: [string, ResponseFamily, string][] = [
    ["openai-embeddings.json", "openai-embeddings", "embeddings"],
    ["ollama-embed.json", "ollama-embed", "embeddings"],
    ["openai-models.json", "openai-models", "model list"],
    ["ollama-ps.json", "ollama-admin", "ollama admin"],
    ["tool-result.json", "tool-result", "tool result"],
    ["file-processor.json", "file-processor", "file processor result"],
  ];
  for (const [name, family, label] of cases) {
    test(`${family} has no text to reassemble: NoAnswerError names the family (${name})`, () => {
      const { request, response } = load(name);
      assert.equal(detectFamily(response, request), family);
      assert.equal(yieldsAnswer(family), false);
      assert.throws(
        () => reassemble(response, family),
        (err: unknown) => err instanceof NoAnswerError && err.family === family && err.message === `has no text to reassemble (${label})`,
      );
    });
  }

  test("families with an answer say so", () => {
    for (const family of ["openai-chat", "anthropic-messages", "exception", "http-json"] as const) assert.equal(yieldsAnswer(family), true);
    assert.equal(yieldsAnswer("unknown"), false);
  });

  test("a raw-HTTP success body of no known family has no text", () => {
    const response = { status: 200, body: { rankings: [{ index: 0, logit: 1.5 }] }, is_streaming: false };
    const request = { test_id: null, url: "http://localhost:8000/v1/ranking", method: "POST", payload: {} };
    assert.equal(detectFamily(response, request), "http-json");
    assert.throws(() => reassemble(response, "http-json"), NoAnswerError);
  });
});

describe("detection", () => {
  test("an empty stream is named by its endpoint", () => {
    const request = { method: "POST", url: "http://localhost:11434/v1/v1/chat/completions", endpoint: "/v1/chat/completions", body: {} };
    const response = { body: [], is_streaming: true };
    assert.equal(detectFamily(response, request), "openai-chat");
    assert.deepEqual(reassemble(response, "openai-chat").choices, []);
  });

  test("nothing recognizable is unknown, and has no text", () => {
    assert.equal(detectFamily({ body: { foo: 1 }, is_streaming: false }, {}), "unknown");
    assert.throws(() => reassemble({ body: { foo: 1 } }, "unknown"), NoAnswerError);
  });
});
