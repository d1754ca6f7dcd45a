/** What Ollama's native `/api/generate` and `/api/chat` responses share. */
import { dataOf, isObject, numAt, typeNameOf, type JsonObject } from "./util.js";

export const OLLAMA_TYPES = "ollama._types.";

/** Whether an item is an Ollama response of the given class, or a plain dict of its shape. */
export function isOllama(item: unknown, className: string, shape: (data: JsonObject) => boolean): boolean {
  const type = typeNameOf(item);
  if (type !== null) return type === OLLAMA_TYPES + className;
  const data = dataOf(item);
  return isObject(data) && "done" in data && shape(data);
}

/**
 * Ollama has no usage object: the token counts of the final (`done`) chunk stand for it.
 * Durations are left out (the recorder zeroes them).
 */
export function ollamaUsage(items: readonly unknown[]): JsonObject | null {
  let usage: JsonObject | null = null;
  for (const item of items) {
    const data = dataOf(item);
    const prompt = numAt(data, "prompt_eval_count");
    const output = numAt(data, "eval_count");
    if (prompt === null && output === null) continue;
    usage = {};
    if (prompt !== null) usage["prompt_eval_count"] = prompt;
    if (output !== null) usage["eval_count"] = output;
  }
  return usage;
}
