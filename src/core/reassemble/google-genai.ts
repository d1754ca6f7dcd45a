/**
 * Google genai `generate_content` / `generate_content_stream` (plain dicts, no `__type__`):
 * candidate parts joined per candidate; `thought: true` parts are reasoning, `function_call`
 * parts tool calls.
 */
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts, type ChoiceDraft } from "./choices.js";
import { argumentsText, arrAt, dataOf, field, firstString, lastObject, numAt, objAt, strAt, typeNameOf } from "./util.js";

function applyPart(draft: ChoiceDraft, part: unknown): void {
  const call = objAt(part, "function_call");
  if (call !== null) {
    draft.toolCalls.add({
      id: strAt(call, "id"),
      type: null,
      name: strAt(call, "name"),
      arguments: argumentsText(field(call, "args")),
    });
    return;
  }
  const text = strAt(part, "text") ?? "";
  if (field(part, "thought") === true) draft.reasoning += text;
  else draft.content += text;
}

export const googleGenai: FamilyAdapter = {
  family: "google-genai",
  endpoints: ["/generate_content", "/generate_content_stream"],
  detect: (items) => items.some((item) => typeNameOf(item) === null && Array.isArray(field(item, "candidates"))),
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    for (const item of items) {
      arrAt(dataOf(item), "candidates").forEach((candidate, position) => {
        const draft = drafts.at(numAt(candidate, "index") ?? position);
        const content = objAt(candidate, "content");
        draft.takeRole(strAt(content, "role"));
        for (const part of arrAt(content, "parts")) applyPart(draft, part);
        draft.finish(strAt(candidate, "finish_reason"));
      });
    }
    return answer("google-genai", ctx, {
      model: firstString(items, "model_version"),
      choices: drafts.toChoices(),
      // Every chunk carries `usage_metadata`; only the last one has the token counts.
      usage: lastObject(items, "usage_metadata"),
    });
  },
};
