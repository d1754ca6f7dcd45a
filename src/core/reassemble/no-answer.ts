/**
 * Families whose responses carry no answer to reassemble: they are detected (so `show` and
 * `reassemble` can say what the recording is) but `reassemble` throws `NoAnswerError` for them.
 */
import type { FamilyAdapter } from "./adapter.js";
import { OLLAMA_TYPES } from "./ollama-common.js";
import { arrAt, dataOf, field, typeNameOf, strAt } from "./util.js";

function someType(items: readonly unknown[], test: (type: string) => boolean): boolean {
  return items.some((item) => {
    const type = typeNameOf(item);
    return type !== null && test(type);
  });
}

function someData(items: readonly unknown[], test: (data: unknown) => boolean): boolean {
  return items.some((item) => test(dataOf(item)));
}

const OLLAMA_EMBED = new Set([`${OLLAMA_TYPES}EmbedResponse`, `${OLLAMA_TYPES}EmbeddingsResponse`]);

export const toolResult: FamilyAdapter = {
  family: "tool-result",
  endpoints: [],
  detect: (items, ctx) => ctx.requestKind === "tool" || someType(items, (t) => t.endsWith(".ToolInvocationResult")),
  reassemble: null,
};

export const fileProcessor: FamilyAdapter = {
  family: "file-processor",
  endpoints: [],
  detect: (items, ctx) =>
    ctx.requestKind === "file-processor" || someType(items, (t) => t.includes(".file_processors.")),
  reassemble: null,
};

export const openaiEmbeddings: FamilyAdapter = {
  family: "openai-embeddings",
  endpoints: ["/v1/embeddings"],
  detect: (items) =>
    someType(items, (t) => t.startsWith("openai.types.create_embedding_response.")) ||
    someData(items, (d) => strAt(d, "object") === "list" && strAt(arrAt(d, "data")[0], "object") === "embedding"),
  reassemble: null,
};

export const openaiModels: FamilyAdapter = {
  family: "openai-models",
  endpoints: ["/v1/models", "/v1/openai/v1/models"],
  detect: (items) =>
    someType(items, (t) => t.startsWith("openai.types.model.")) ||
    someData(items, (d) => strAt(d, "object") === "model" || strAt(arrAt(d, "data")[0], "object") === "model"),
  reassemble: null,
};

export const ollamaEmbed: FamilyAdapter = {
  family: "ollama-embed",
  endpoints: ["/api/embed", "/api/embeddings"],
  detect: (items) =>
    someType(items, (t) => OLLAMA_EMBED.has(t)) ||
    someData(items, (d) => Array.isArray(field(d, "embeddings")) || Array.isArray(field(d, "embedding"))),
  reassemble: null,
};

/** `ps`, `pull`, `list` (and any other Ollama type that is not generate, chat or embed). */
export const ollamaAdmin: FamilyAdapter = {
  family: "ollama-admin",
  endpoints: ["/api/ps", "/api/pull", "/api/tags", "/api/show", "/api/version"],
  detect: (items) => someType(items, (t) => t.startsWith(OLLAMA_TYPES)),
  reassemble: null,
};
