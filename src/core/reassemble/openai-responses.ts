/**
 * OpenAI Responses API: the stream of `response.*` events (text, reasoning-summary and
 * function-call-argument deltas; `response.completed` with status and usage), or one
 * non-streamed `Response` with its `output[]` items. The response's status is the finish reason.
 */
import type { RecordedError } from "../types.js";
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts, type ChoiceDraft } from "./choices.js";
import { streamEvents, type StreamEvent } from "./events.js";
import { arrAt, dataOf, isObject, nonEmpty, objAt, strAt, typeNameOf, type JsonObject } from "./util.js";

const RESPONSES_TYPES = "openai.types.responses.";
/** Events that carry the whole response: its model, status, usage and error. */
const RESPONSE_EVENTS = new Set([
  "response.created",
  "response.in_progress",
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

function isResponse(value: unknown): value is JsonObject {
  return isObject(value) && value["object"] === "response" && Array.isArray(value["output"]);
}

function errorOf(error: JsonObject | null): RecordedError | null {
  if (error === null) return null;
  return { message: strAt(error, "message") ?? JSON.stringify(error), type: strAt(error, "code") ?? strAt(error, "type") };
}

function textOf(parts: unknown[], type: string, key: string): string {
  return parts
    .filter((part) => strAt(part, "type") === type)
    .map((part) => strAt(part, key) ?? "")
    .join("");
}

/** The answer in a complete `Response`'s output items. */
function applyOutput(draft: ChoiceDraft, output: unknown[]): void {
  for (const item of output) {
    const type = strAt(item, "type");
    if (type === "message") {
      draft.takeRole(strAt(item, "role"));
      const content = arrAt(item, "content");
      draft.content += textOf(content, "output_text", "text");
      if (content.some((part) => strAt(part, "type") === "refusal")) draft.addRefusal(textOf(content, "refusal", "refusal"));
    } else if (type === "reasoning") {
      draft.reasoning += textOf(arrAt(item, "summary"), "summary_text", "text");
      draft.reasoning += textOf(arrAt(item, "content"), "reasoning_text", "text");
    } else if (type === "function_call") {
      draft.toolCalls.add({ id: strAt(item, "call_id"), type, name: strAt(item, "name"), arguments: strAt(item, "arguments") });
    }
  }
}

interface StreamState {
  response: JsonObject | null;
  error: RecordedError | null;
  /** Function calls by output item id, numbered in the order they were added. */
  calls: Map<string, number>;
  sawOutput: boolean;
}

function callIndex(state: StreamState, itemId: string): number {
  const index = state.calls.get(itemId) ?? state.calls.size;
  state.calls.set(itemId, index);
  return index;
}

function applyEvent(draft: ChoiceDraft, state: StreamState, { name, data }: StreamEvent): void {
  const delta = strAt(data, "delta");
  const itemId = strAt(data, "item_id") ?? "";
  if (RESPONSE_EVENTS.has(name)) {
    const response = objAt(data, "response");
    state.response = response ?? state.response;
    state.error = errorOf(objAt(response, "error")) ?? state.error;
  } else if (name === "response.output_item.added") {
    const item = objAt(data, "item");
    if (strAt(item, "type") === "message") draft.takeRole(strAt(item, "role"));
    if (strAt(item, "type") !== "function_call") return;
    state.sawOutput = true;
    const index = callIndex(state, strAt(item, "id") ?? "");
    const args = nonEmpty(strAt(item, "arguments"));
    draft.toolCalls.merge({ index, id: strAt(item, "call_id"), type: "function_call", name: strAt(item, "name"), arguments: args });
  } else if (name === "response.output_text.delta") {
    state.sawOutput = true;
    draft.content += delta ?? "";
  } else if (name === "response.refusal.delta") {
    state.sawOutput = true;
    draft.addRefusal(delta);
  } else if (name === "response.reasoning_summary_text.delta" || name === "response.reasoning_text.delta") {
    state.sawOutput = true;
    draft.reasoning += delta ?? "";
  } else if (name === "response.function_call_arguments.delta") {
    state.sawOutput = true;
    draft.toolCalls.merge({ index: callIndex(state, itemId), id: null, type: "function_call", name: null, arguments: delta });
  } else if (name === "error") {
    state.error = { message: strAt(data, "message") ?? "", type: strAt(data, "code") };
  }
}

export const openaiResponses: FamilyAdapter = {
  family: "openai-responses",
  endpoints: ["/v1/responses"],
  detect: (items) =>
    items.some((item) => (typeNameOf(item) ?? "").startsWith(RESPONSES_TYPES) || isResponse(dataOf(item))) ||
    streamEvents(items).some((e) => e.name.startsWith("response.")),
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    const draft = drafts.at(0);
    const whole = items.map(dataOf).find(isResponse);
    const state: StreamState = { response: whole ?? null, error: null, calls: new Map(), sawOutput: false };
    const events = whole === undefined ? streamEvents(items) : [];
    for (const event of events) applyEvent(draft, state, event);
    const response = state.response;
    // A stream that carried no deltas (or a single Response) has its answer in the final output.
    if (!state.sawOutput) applyOutput(draft, arrAt(response, "output"));
    draft.finish(strAt(response, "status"));
    return answer("openai-responses", ctx, {
      model: nonEmpty(strAt(response, "model")),
      choices: whole !== undefined || events.length > 0 ? drafts.toChoices("assistant", "function_call") : [],
      usage: objAt(response, "usage"),
      error: state.error ?? errorOf(objAt(response, "error")),
    });
  },
};
