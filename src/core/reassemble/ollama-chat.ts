/**
 * Ollama `/api/chat` (`ChatResponse`, streamed or not): `message.content` and `message.thinking`
 * joined; tool calls arrive whole, their `arguments` an object.
 */
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts } from "./choices.js";
import { isOllama, ollamaUsage } from "./ollama-common.js";
import { argumentsText, arrAt, dataOf, field, firstString, isObject, numAt, objAt, strAt } from "./util.js";

export const ollamaChat: FamilyAdapter = {
  family: "ollama-chat",
  endpoints: ["/api/chat"],
  detect: (items) => items.some((item) => isOllama(item, "ChatResponse", (d) => isObject(d["message"]))),
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    const draft = drafts.at(0);
    for (const item of items) {
      const data = dataOf(item);
      const message = objAt(data, "message");
      draft.takeRole(strAt(message, "role"));
      draft.content += strAt(message, "content") ?? "";
      draft.reasoning += strAt(message, "thinking") ?? "";
      for (const call of arrAt(message, "tool_calls")) {
        const fn = objAt(call, "function");
        draft.toolCalls.add({
          index: numAt(fn, "index"),
          id: strAt(call, "id"),
          type: strAt(call, "type"),
          name: strAt(fn, "name"),
          arguments: argumentsText(field(fn, "arguments")),
        });
      }
      draft.finish(strAt(data, "done_reason"));
    }
    return answer("ollama-chat", ctx, {
      model: firstString(items, "model"),
      choices: items.length > 0 ? drafts.toChoices() : [],
      usage: ollamaUsage(items),
    });
  },
};
