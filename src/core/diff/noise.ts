/** Noise: the one list of what a re-recording changes although the answer is the same. */

type JsonObject = Record<string, unknown>;


export interface NoiseField {
  /** A field name, anywhere in a response's data (chunks, nested objects, tool calls). */
  key: string;
  /** How the verdict names it. */
  label: string;
  /** Objects in which the field is data, not noise. */
  except?: (parent: JsonObject) => boolean;
}

/** In model lists a model's `id` is its name (and the recorder keeps `id`/`created` there). */
const isModel = (parent: JsonObject): boolean => parent["object"] === "model";

/**
 * SPEC `diff`: ids, `created`, `obfuscation`, `system_fingerprint`, tool-call ids (an `id` in a
 * tool call), and the fields the recorder's response normalization rewrites (`created_at`, the
 * Ollama durations). The Responses API names the same ids `item_id`, `response_id`, `call_id`.
 */
export const NOISE_FIELDS: readonly NoiseField[] = [
  { key: "id", label: "ids", except: isModel },
  { key: "item_id", label: "ids" },
  { key: "response_id", label: "ids" },
  { key: "call_id", label: "ids" },
  { key: "created", label: "created", except: isModel },
  { key: "created_at", label: "created_at" },
  { key: "obfuscation", label: "obfuscation" },
  { key: "system_fingerprint", label: "system_fingerprint" },
  { key: "total_duration", label: "durations" },
  { key: "load_duration", label: "durations" },
  { key: "prompt_eval_duration", label: "durations" },
  { key: "eval_duration", label: "durations" },
];

/** Noise that is not a field: how an answer is cut into chunks, and `{}` versus no mapping. */
export const CHUNK_BOUNDARIES = "chunk boundaries";
export const EMPTY_MAPPING = "empty id_normalization_mapping";

export const NOISE_BY_KEY = new Map(NOISE_FIELDS.map((f) => [f.key, f]));
export const LABEL_ORDER = [...new Set([...NOISE_FIELDS.map((f) => f.label), CHUNK_BOUNDARIES, EMPTY_MAPPING])];

/** Fields of a stream's chunks that carry pieces of the answer: they differ when only the cut does. */
export const CHUNK_TEXT_KEYS = new Set(["content", "text", "reasoning", "reasoning_content", "thinking", "arguments", "partial_json", "response", "delta", "refusal"]);

