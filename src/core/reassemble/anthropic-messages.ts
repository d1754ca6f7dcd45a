/**
 * Anthropic messages: the SSE stream (`message_start`, `content_block_*`, `message_delta`) the
 * raw-HTTP recorder stores line by line, or one non-streamed `{type: "message"}` body.
 */
import type { RecordedError } from "../types.js";
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts, type ChoiceDraft } from "./choices.js";
import { streamEvents, type StreamEvent } from "./events.js";
import { argumentsText, arrAt, dataOf, field, isObject, numAt, objAt, strAt, type JsonObject } from "./util.js";

const STREAM_EVENTS = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
]);

function isMessage(value: unknown): value is JsonObject {
  return isObject(value) && value["type"] === "message" && Array.isArray(value["content"]);
}

/** `message_delta` usage is cumulative: it overrides `message_start`'s, except where it is null. */
function mergeUsage(into: JsonObject | null, next: JsonObject | null): JsonObject | null {
  if (next === null) return into;
  const merged: JsonObject = { ...into };
  for (const [key, value] of Object.entries(next)) {
    if (value !== null || !(key in merged)) merged[key] = value;
  }
  return merged;
}

function addBlock(draft: ChoiceDraft, block: JsonObject): void {
  const type = strAt(block, "type");
  if (type === "text") draft.content += strAt(block, "text") ?? "";
  else if (type === "thinking") draft.reasoning += strAt(block, "thinking") ?? "";
  else if (type === "tool_use") {
    draft.toolCalls.add({
      id: strAt(block, "id"),
      type,
      name: strAt(block, "name"),
      arguments: argumentsText(field(block, "input")),
    });
  }
}

function errorOf(data: JsonObject): RecordedError {
  const error = objAt(data, "error");
  return { message: strAt(error, "message") ?? JSON.stringify(error), type: strAt(error, "type") };
}

/** A streamed tool_use block; calls are numbered in order, as in a non-streamed message. */
interface ToolBlock {
  ordinal: number;
  input: unknown;
  sawJson: boolean;
}

function reassembleStream(events: readonly StreamEvent[], draft: ChoiceDraft) {
  let model: string | null = null;
  let usage: JsonObject | null = null;
  let error: RecordedError | null = null;
  const tools = new Map<number, ToolBlock>();
  for (const { name, data } of events) {
    const index = numAt(data, "index") ?? 0;
    if (name === "message_start") {
      const message = objAt(data, "message");
      model = strAt(message, "model") ?? model;
      draft.takeRole(strAt(message, "role"));
      usage = mergeUsage(usage, objAt(message, "usage"));
    } else if (name === "content_block_start") {
      const block = objAt(data, "content_block");
      if (strAt(block, "type") === "tool_use") {
        const ordinal = tools.size;
        draft.toolCalls.merge({ index: ordinal, id: strAt(block, "id"), type: "tool_use", name: strAt(block, "name"), arguments: null });
        tools.set(index, { ordinal, input: field(block, "input"), sawJson: false });
      } else if (block !== null) addBlock(draft, block);
    } else if (name === "content_block_delta") {
      const delta = objAt(data, "delta");
      const type = strAt(delta, "type");
      if (type === "text_delta") draft.content += strAt(delta, "text") ?? "";
      else if (type === "thinking_delta") draft.reasoning += strAt(delta, "thinking") ?? "";
      else if (type === "input_json_delta") {
        const tool = tools.get(index);
        if (tool === undefined) continue;
        draft.toolCalls.merge({ index: tool.ordinal, id: null, type: null, name: null, arguments: strAt(delta, "partial_json") });
        tool.sawJson = true;
      }
    } else if (name === "message_delta") {
      draft.finish(strAt(objAt(data, "delta"), "stop_reason"));
      usage = mergeUsage(usage, objAt(data, "usage"));
    } else if (name === "error") {
      error = errorOf(data);
    }
  }
  // A tool_use block streamed without any input_json_delta keeps the input it started with.
  for (const tool of tools.values()) {
    if (!tool.sawJson) {
      draft.toolCalls.merge({ index: tool.ordinal, id: null, type: null, name: null, arguments: argumentsText(tool.input) });
    }
  }
  return { model, usage, error };
}

export const anthropicMessages: FamilyAdapter = {
  family: "anthropic-messages",
  endpoints: ["/v1/messages"],
  detect: (items) =>
    items.some((item) => isMessage(dataOf(item))) || streamEvents(items).some((e) => STREAM_EVENTS.has(e.name)),
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    const draft = drafts.at(0);
    const message = items.map(dataOf).find(isMessage);
    if (message !== undefined) {
      draft.takeRole(strAt(message, "role"));
      for (const block of arrAt(message, "content")) if (isObject(block)) addBlock(draft, block);
      draft.finish(strAt(message, "stop_reason"));
      return answer("anthropic-messages", ctx, {
        model: strAt(message, "model"),
        choices: drafts.toChoices(),
        usage: objAt(message, "usage"),
      });
    }
    const events = streamEvents(items);
    const { model, usage, error } = reassembleStream(events, draft);
    return answer("anthropic-messages", ctx, {
      model,
      choices: events.length > 0 ? drafts.toChoices() : [],
      usage,
      error,
    });
  },
};
