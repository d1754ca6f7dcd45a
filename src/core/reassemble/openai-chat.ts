/**
 * OpenAI chat completions: `ChatCompletionChunk` deltas joined per choice index, or one
 * `ChatCompletion`'s messages.
 */
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts, type ChoiceDraft } from "./choices.js";
import { openaiShape } from "./openai-shape.js";
import {
  argumentsText,
  arrAt,
  dataOf,
  field,
  firstString,
  lastObject,
  nonEmpty,
  numAt,
  objAt,
  strAt,
  type JsonObject,
} from "./util.js";

/**
 * Reasoning text of a delta or message. vLLM sends the same text under both `reasoning_content`
 * and `reasoning`, so one of them is taken, never both.
 */
function reasoningOf(m: JsonObject): string {
  return nonEmpty(strAt(m, "reasoning_content")) ?? strAt(m, "reasoning") ?? "";
}

/** Message content: a string, or (some servers) a list of `{type: "text", text}` parts. */
function contentOf(m: JsonObject): string {
  const content = field(m, "content");
  if (typeof content === "string") return content;
  return arrAt(m, "content")
    .map((part) => strAt(part, "text") ?? "")
    .join("");
}

function applyDelta(draft: ChoiceDraft, delta: JsonObject): void {
  draft.takeRole(strAt(delta, "role"));
  draft.content += contentOf(delta);
  draft.reasoning += reasoningOf(delta);
  draft.addRefusal(strAt(delta, "refusal"));
  arrAt(delta, "tool_calls").forEach((call, position) => {
    const fn = objAt(call, "function");
    draft.toolCalls.merge({
      index: numAt(call, "index") ?? position,
      id: strAt(call, "id"),
      type: strAt(call, "type"),
      name: strAt(fn, "name"),
      arguments: strAt(fn, "arguments"),
    });
  });
}

function applyMessage(draft: ChoiceDraft, message: JsonObject): void {
  draft.takeRole(strAt(message, "role"));
  draft.content += contentOf(message);
  draft.reasoning += reasoningOf(message);
  draft.addRefusal(strAt(message, "refusal"));
  for (const call of arrAt(message, "tool_calls")) {
    const fn = objAt(call, "function");
    draft.toolCalls.add({
      index: numAt(call, "index"),
      id: strAt(call, "id"),
      type: strAt(call, "type"),
      name: strAt(fn, "name"),
      arguments: argumentsText(field(fn, "arguments") ?? ""),
    });
  }
}

export const openaiChat: FamilyAdapter = {
  family: "openai-chat",
  endpoints: ["/v1/chat/completions"],
  detect: (items) => openaiShape(items) === "chat",
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    for (const item of items) {
      arrAt(dataOf(item), "choices").forEach((choice, position) => {
        const draft = drafts.at(numAt(choice, "index") ?? position);
        const delta = objAt(choice, "delta");
        const message = objAt(choice, "message");
        if (delta !== null) applyDelta(draft, delta);
        else if (message !== null) applyMessage(draft, message);
        draft.finish(strAt(choice, "finish_reason"));
      });
    }
    return answer("openai-chat", ctx, {
      model: firstString(items, "model"),
      choices: drafts.toChoices(),
      usage: lastObject(items, "usage"),
    });
  },
};
