/**
 * schemas/config.schema.json is the one description of the config's keys: the loader validates
 * against it (compiled at build time by scripts/build-schema.mjs, like the recording schema), the
 * known keys offered as suggestions are its `properties`, a key's expected value is its
 * `x-expected` (else derived from its type), and which command inherits which top-level key is
 * its `$ref`s (`"root": {"$ref": "#/properties/root"}` in a command's table).
 */
import type { ErrorObject } from "ajv";

export type SchemaNode = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  minimum?: number;
  minLength?: number;
  pattern?: string;
  "x-expected"?: string;
  description?: string;
};

export interface ConfigSchema {
  root: SchemaNode;
  validate: (data: unknown) => boolean;
  errors: () => readonly ErrorObject[];
}

/** Built beside the compiled modules: `validate` and the `schema` it was compiled from. */
const PRECOMPILED = new URL("../../config-validator.js", import.meta.url);

let cached: Promise<ConfigSchema> | undefined;

export function loadConfigSchema(): Promise<ConfigSchema> {
  cached ??= import(PRECOMPILED.href).then((mod: { validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }; schema: SchemaNode }) => ({
    root: mod.schema,
    validate: (data) => mod.validate(data),
    errors: () => mod.validate.errors ?? [],
  }));
  return cached;
}

/** A `#/a/b` reference inside the schema, resolved. */
function resolveRef(root: SchemaNode, ref: string): SchemaNode | undefined {
  let node: unknown = root;
  for (const seg of ref.replace(/^#\/?/, "").split("/").filter((s) => s !== "")) {
    node = (node as Record<string, unknown> | undefined)?.[seg.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return node as SchemaNode | undefined;
}

/** A node and the nodes its `$ref` chain leads to, nearest first. */
export function refChain(root: SchemaNode, node: SchemaNode): SchemaNode[] {
  const chain = [node];
  for (let n = node; n.$ref !== undefined; ) {
    const next = resolveRef(root, n.$ref);
    if (next === undefined || chain.includes(next)) break;
    chain.push(next);
    n = next;
  }
  return chain;
}

/** The first value of `field` along a node's `$ref` chain. */
export function along<K extends keyof SchemaNode>(root: SchemaNode, node: SchemaNode, field: K): SchemaNode[K] | undefined {
  for (const n of refChain(root, node)) if (n[field] !== undefined) return n[field];
  return undefined;
}

/** The schema of the value at `segments` (keys and array indices) under the root table. */
export function schemaAt(root: SchemaNode, segments: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const seg of segments) {
    if (node === undefined) return undefined;
    const props: Record<string, SchemaNode> | undefined = along(root, node, "properties");
    const items: SchemaNode | undefined = along(root, node, "items");
    node = props?.[seg] ?? (items !== undefined && /^\d+$/.test(seg) ? items : undefined);
  }
  return node;
}

/** The keys a table may hold (its schema's `properties`), in the schema's order. */
export function knownKeys(root: SchemaNode, segments: readonly string[]): string[] {
  const node = schemaAt(root, segments);
  return node === undefined ? [] : Object.keys(along(root, node, "properties") ?? {});
}

/** What a value must be, in words: `x-expected`, else from its type. */
export function expectation(root: SchemaNode, node: SchemaNode): string {
  const said = along(root, node, "x-expected");
  if (said !== undefined) return said;
  const choices = along(root, node, "enum");
  if (choices !== undefined) return `one of ${choices.map((c) => `'${String(c)}'`).join(", ")}`;
  const items = along(root, node, "items");
  switch (along(root, node, "type")) {
    case "boolean":
      return "true or false";
    case "integer": {
      const min = along(root, node, "minimum");
      return min === undefined ? "a whole number" : `a whole number of at least ${min}`;
    }
    case "string":
      return (along(root, node, "minLength") ?? 0) > 0 ? "a non-empty string" : "a string";
    case "array":
      return items === undefined ? "a list" : `a list, each ${expectation(root, items)}`;
    case "object":
      return "a table";
    default:
      return "a valid value";
  }
}

/**
 * Where a command reads a key from when its own table does not set it: the path of the table
 * its schema property refers to (`[]` for the top level, `["diff"]` for changes' ignore), or
 * null when the key means something of its own there. A command the schema has no table for
 * (e.g. `config`) reads the top level.
 */
export function inheritedFrom(root: SchemaNode, command: string, key: string): string[] | null {
  const table = root.properties?.[command];
  if (table === undefined) return [];
  const prop = table.properties?.[key];
  const m = prop?.$ref === undefined ? null : /^#\/properties\/(?:([^/]+)\/properties\/)?([^/]+)$/.exec(prop.$ref);
  if (m === null || m[2] !== key) return null;
  return m[1] === undefined ? [] : [m[1]];
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The known key nearest to `key`, when it is near enough to be what was meant. */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    // Case and `_` for `-` are the usual slips: they count as one edit at most.
    const d = k === key.toLowerCase().replaceAll("_", "-") ? 0.5 : editDistance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}
