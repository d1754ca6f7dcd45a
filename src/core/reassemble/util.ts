/**
 * Narrowing helpers for response bodies: JSON.parse output is `unknown` until one of these says
 * what it is. Missing or mistyped fields read as null/[] so adapters never throw on odd chunks.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

export function strAt(value: unknown, key: string): string | null {
  const v = field(value, key);
  return typeof v === "string" ? v : null;
}

export function numAt(value: unknown, key: string): number | null {
  const v = field(value, key);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export function objAt(value: unknown, key: string): JsonObject | null {
  const v = field(value, key);
  return isObject(v) ? v : null;
}

export function arrAt(value: unknown, key: string): unknown[] {
  const v = field(value, key);
  return Array.isArray(v) ? v : [];
}

/** A non-empty string, or null: for ids, names and models where "" means "not carried here". */
export function nonEmpty(value: string | null): string | null {
  return value === null || value === "" ? null : value;
}

/** The recorder's `__type__` (Python `module.Class`) of a serialized pydantic object. */
export function typeNameOf(item: unknown): string | null {
  return isObject(item) && "__data__" in item ? strAt(item, "__type__") : null;
}

/** The payload of a body item: `__data__` of a serialized pydantic object, else the item itself. */
export function dataOf(item: unknown): unknown {
  return typeNameOf(item) !== null ? field(item, "__data__") : item;
}

/** A body as a list of items: the chunks of a stream, or the one value of a non-streamed body. */
export function bodyItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  return body === null || body === undefined ? [] : [body];
}

/**
 * Tool arguments as a string: kept as is when the API sends a string, else serialized with
 * JSON.stringify (Ollama, Google and Anthropic send an object).
 */
export function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value ?? {});
}

/** The first non-empty string a chunk carries under `key` (Azure's first chunk has `model: ""`). */
export function firstString(items: readonly unknown[], key: string): string | null {
  for (const item of items) {
    const model = nonEmpty(strAt(dataOf(item), key));
    if (model !== null) return model;
  }
  return null;
}

/** The object under `key` of the last chunk that carries one (usage comes in the final chunk). */
export function lastObject(items: readonly unknown[], key: string): JsonObject | null {
  let found: JsonObject | null = null;
  for (const item of items) {
    const value = field(dataOf(item), key);
    if (isObject(value)) found = value;
  }
  return found;
}
