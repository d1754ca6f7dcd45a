/**
 * Which OpenAI completion API a body is, by the shape of its choices first: recordings from 2025
 * carry `ChatCompletionChunk` objects on `/v1/completions`, so neither the endpoint nor the type
 * name alone can be trusted.
 */
import { arrAt, dataOf, field, isObject, strAt, typeNameOf } from "./util.js";

export type OpenAIShape = "chat" | "completion";

export function openaiShape(items: readonly unknown[]): OpenAIShape | null {
  for (const item of items) {
    for (const choice of arrAt(dataOf(item), "choices")) {
      if (isObject(field(choice, "delta")) || isObject(field(choice, "message"))) return "chat";
      if (typeof field(choice, "text") === "string") return "completion";
    }
  }
  // No choice says (only usage chunks, or none at all): the names are all there is.
  for (const item of items) {
    const type = typeNameOf(item) ?? "";
    const object = strAt(dataOf(item), "object") ?? "";
    if (type.startsWith("openai.types.chat.") || object.startsWith("chat.completion")) return "chat";
    if (type.startsWith("openai.types.completion.") || object === "text_completion") return "completion";
  }
  return null;
}
