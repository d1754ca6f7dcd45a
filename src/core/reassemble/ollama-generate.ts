/** Ollama `/api/generate` (`GenerateResponse`, streamed or not): `response` and `thinking` joined. */
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts } from "./choices.js";
import { isOllama, ollamaUsage } from "./ollama-common.js";
import { dataOf, firstString, strAt } from "./util.js";

export const ollamaGenerate: FamilyAdapter = {
  family: "ollama-generate",
  endpoints: ["/api/generate"],
  detect: (items) => items.some((item) => isOllama(item, "GenerateResponse", (d) => typeof d["response"] === "string")),
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    const draft = drafts.at(0);
    for (const item of items) {
      const data = dataOf(item);
      draft.content += strAt(data, "response") ?? "";
      draft.reasoning += strAt(data, "thinking") ?? "";
      draft.finish(strAt(data, "done_reason"));
    }
    return answer("ollama-generate", ctx, {
      model: firstString(items, "model"),
      choices: items.length > 0 ? drafts.toChoices() : [],
      usage: ollamaUsage(items),
    });
  },
};
