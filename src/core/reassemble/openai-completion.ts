/** OpenAI legacy completions (`Completion`, streamed or not): `choices[].text` joined per index. */
import { answer, type FamilyAdapter } from "./adapter.js";
import { ChoiceDrafts } from "./choices.js";
import { openaiShape } from "./openai-shape.js";
import { arrAt, dataOf, firstString, lastObject, numAt, strAt } from "./util.js";

export const openaiCompletion: FamilyAdapter = {
  family: "openai-completion",
  endpoints: ["/v1/completions"],
  detect: (items) => openaiShape(items) === "completion",
  reassemble(items, ctx) {
    const drafts = new ChoiceDrafts();
    for (const item of items) {
      arrAt(dataOf(item), "choices").forEach((choice, position) => {
        const draft = drafts.at(numAt(choice, "index") ?? position);
        draft.content += strAt(choice, "text") ?? "";
        draft.finish(strAt(choice, "finish_reason"));
      });
    }
    return answer("openai-completion", ctx, {
      model: firstString(items, "model"),
      choices: drafts.toChoices(),
      usage: lastObject(items, "usage"),
    });
  },
};
