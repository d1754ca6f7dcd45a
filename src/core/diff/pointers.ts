/** RFC 6901 pointers and `diff --ignore` patterns (`*` stands for one segment). */
import { isObject } from "../recording.js";

type JsonObject = Record<string, unknown>;


export function toPointer(path: readonly string[]): string {
  let out = "";
  for (const segment of path) out += `/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  return out;
}

/** A bad `--ignore` value: the CLI reports it as a usage error. */
export class IgnoreError extends Error {
  constructor(readonly pointer: string, message: string) {
    super(message);
    this.name = "IgnoreError";
  }
}

/** Pointer segments; `*` stands for any one segment. Matches the pointer and everything below it. */
export type IgnorePattern = readonly string[];

export function parseIgnore(pointers: readonly string[]): IgnorePattern[] {
  return pointers.map((pointer) => {
    if (!pointer.startsWith("/")) {
      throw new IgnoreError(pointer, `--ignore ${JSON.stringify(pointer)}: expected a JSON pointer starting with "/", e.g. /request/body/temperature`);
    }
    return pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  });
}

export function matches(pattern: IgnorePattern, path: readonly string[]): boolean {
  if (pattern.length > path.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== "*" && pattern[i] !== path[i]) return false;
  }
  return true;
}

export function isIgnored(patterns: readonly IgnorePattern[], path: readonly string[]): boolean {
  for (const p of patterns) if (matches(p, path)) return true;
  return false;
}

/** The value with every part an ignore pattern names removed (arrays lose the elements named). */
export function withoutIgnored(value: unknown, patterns: readonly IgnorePattern[], depth = 0): unknown {
  if (patterns.length === 0) return value;
  const keep = (key: string, child: unknown): { drop: boolean; next: unknown } => {
    const here = patterns.filter((p) => p[depth] === "*" || p[depth] === key);
    if (here.some((p) => p.length === depth + 1)) return { drop: true, next: child };
    return { drop: false, next: withoutIgnored(child, here, depth + 1) };
  };
  if (Array.isArray(value)) {
    let changed = false;
    const out: unknown[] = [];
    value.forEach((item: unknown, i) => {
      const { drop, next } = keep(String(i), item);
      if (drop || next !== item) changed = true;
      if (!drop) out.push(next);
    });
    return changed ? out : value;
  }
  if (isObject(value)) {
    let changed = false;
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const { drop, next } = keep(key, item);
      if (drop || next !== item) changed = true;
      if (!drop) out[key] = next;
    }
    return changed ? out : value;
  }
  return value;
}

