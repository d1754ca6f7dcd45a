/**
 * Google Interactions API: the SSE stream (`interaction.start`, `content.delta`,
 * `interaction.complete`; or the step-based `interaction.created`, `step.delta`,
 * `interaction.completed`) or one non-streamed `{object: "interaction"}` body. Thought summaries
 * are reasoning; the interaction's final status is the finish reason.
 */
import type { RecordedError } from "../types.js";
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts, type ChoiceDraft } from "./choices.js";
import { streamEvents, type StreamEvent } from "./events.js";
import { argumentsText, arrAt, dataOf, field, isObject, nonEmpty, numAt, objAt, strAt, type JsonObject } from "./util.js";

const EVENT_PREFIXES = ["interaction.", "content.", "step."];

function isInteraction(value: unknown): value is JsonObject {
  return isObject(value) && value["object"] === "interaction" && Array.isArray(value["outputs"]);
}

/** The text of a thought summary: `{type: "text", text}` or a list of them. */
function summaryText(summary: unknown): string {
  if (Array.isArray(summary)) return summary.map(summaryText).join("");
  return strAt(summary, "text") ?? "";
}

/**
 * A function call content (or delta) of the block at `key`. Its `arguments` object is the whole
 * set so far, so it replaces what the call had; only `arguments_delta` strings are appended.
 */
function mergeCall(draft: ChoiceDraft, key: number, call: JsonObject): void {
  const args = field(call, "arguments");
  draft.toolCalls.merge({ index: key, id: strAt(call, "id"), type: strAt(call, "type"), name: strAt(call, "name"), arguments: null });
  if (args !== undefined && args !== null) draft.toolCalls.setArguments(key, argumentsText(args));
}

function applyOutput(draft: ChoiceDraft, output: unknown): void {
  const type = strAt(output, "type");
  if (type === "text") draft.content += strAt(output, "text") ?? "";
  else if (type === "thought") draft.reasoning += summaryText(field(output, "summary"));
  else if (type === "function_call" && isObject(output)) mergeCall(draft, draft.toolCalls.size, output);
}

/** One content/step delta; the key numbers calls by the block they stream in. */
function applyDelta(draft: ChoiceDraft, key: number, delta: JsonObject): void {
  const type = strAt(delta, "type");
  if (type === "text") draft.content += strAt(delta, "text") ?? "";
  else if (type === "thought_summary") draft.reasoning += summaryText(field(delta, "content"));
  else if (type === "function_call") mergeCall(draft, key, delta);
  else if (type === "arguments_delta") {
    draft.toolCalls.merge({ index: key, id: null, type: null, name: null, arguments: strAt(delta, "arguments") });
  }
}

function errorOf(data: JsonObject): RecordedError {
  const error = objAt(data, "error");
  return { message: strAt(error, "message") ?? JSON.stringify(error), type: strAt(error, "code") ?? strAt(error, "type") };
}

function reassembleStream(events: readonly StreamEvent[], draft: ChoiceDraft) {
  let model: string | null = null;
  let usage: JsonObject | null = null;
  let error: RecordedError | null = null;
  /** Tool calls are numbered in order of the blocks that carry them. */
  const callKeys = new Map<number, number>();
  const callKey = (block: number): number => {
    const key = callKeys.get(block) ?? callKeys.size;
    callKeys.set(block, key);
    return key;
  };
  for (const { name, data } of events) {
    const interaction = objAt(data, "interaction");
    if (interaction !== null) {
      model = nonEmpty(strAt(interaction, "model")) ?? model;
      draft.takeRole(strAt(interaction, "role"));
      draft.finish(strAt(interaction, "status"));
      usage = objAt(interaction, "usage") ?? usage;
    }
    const block = numAt(data, "index") ?? 0;
    if (name === "interaction.status_update") draft.finish(strAt(data, "status"));
    else if (name === "content.start" || name === "step.start") {
      const start = objAt(data, "content") ?? objAt(data, "step");
      if (start !== null && strAt(start, "type") === "function_call") mergeCall(draft, callKey(block), start);
    } else if (name === "content.delta" || name === "step.delta") {
      const delta = objAt(data, "delta");
      const type = strAt(delta, "type");
      const isCall = type === "function_call" || type === "arguments_delta";
      if (delta !== null) applyDelta(draft, isCall ? callKey(block) : block, delta);
    } else if (name === "error") error = errorOf(data);
  }
  return { model, usage, error };
}

export const googleInteractions: FamilyAdapter = {
  family: "google-interactions",
  endpoints: ["/interactions"],
  detect: (items) =>
    items.some((item) => isInteraction(dataOf(item))) ||
    streamEvents(items).some((e) => EVENT_PREFIXES.some((prefix) => e.name.startsWith(prefix))),
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    const draft = drafts.at(0);
    const interaction = items.map(dataOf).find(isInteraction);
    if (interaction !== undefined) {
      draft.takeRole(strAt(interaction, "role"));
      for (const output of arrAt(interaction, "outputs")) applyOutput(draft, output);
      draft.finish(strAt(interaction, "status"));
      return answer("google-interactions", ctx, {
        model: strAt(interaction, "model"),
        choices: drafts.toChoices("assistant", "function_call"),
        usage: objAt(interaction, "usage"),
      });
    }
    const events = streamEvents(items);
    const { model, usage, error } = reassembleStream(events, draft);
    return answer("google-interactions", ctx, {
      model,
      choices: events.length > 0 ? drafts.toChoices("assistant", "function_call") : [],
      usage,
      error,
    });
  },
};
