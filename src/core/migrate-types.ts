/**
 * `migrate-types`: moves response `__type__` values from one module prefix to another after a
 * package rename (`llama_stack_api.` → `ogx_api.`), and nothing else. A search-and-replace over
 * the files also rewrites request bodies that mention the old name, which changes their hash and
 * loses the recordings; here each `__type__` string under `/response` is replaced in place, at its
 * exact place in the text, so every other byte (the request above all) stays as it was — checked
 * again on the result before anything is written.
 */
import { visit } from "jsonc-parser";
import { requestHash } from "./hash.js";
import { exactRequest, parseRecordingText, readRecordingSync, type Recording } from "./recording.js";
import { NEWEST_ERA } from "./rules/eras.js";
import { topLevelSpans } from "./spans.js";
import { isFileFailure, type FileFailure } from "./types.js";
import { rewriteFailure, writeInside } from "./rewrite.js";

/** `<old>=<new>`: `__type__` values equal to `old` or starting with `old.` get `new` instead. */
export interface TypeMapping {
  from: string;
  to: string;
}

export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parses `<old-prefix>=<new-prefix>` (dotted Python names). */
export function parseTypeMapping(arg: string): TypeMapping {
  const eq = arg.indexOf("=");
  if (eq < 0) throw new MappingError(`expected <old-prefix>=<new-prefix>, got ${JSON.stringify(arg)}`);
  const from = arg.slice(0, eq).trim();
  const to = arg.slice(eq + 1).trim();
  for (const side of [from, to]) {
    if (!DOTTED.test(side)) throw new MappingError(`${JSON.stringify(side)} is not a dotted Python name (e.g. llama_stack_api.file_processors)`);
  }
  if (from === to) throw new MappingError(`${from}=${to} changes nothing`);
  return { from, to };
}

/**
 * The leading `<old>=<new>` arguments (at least one) and the paths after them. An argument with
 * `=` after the first path is a path (a file may be named so).
 */
export function splitMappingArgs(args: readonly string[]): { mappings: string[]; paths: string[] } {
  let n = 0;
  while (n < args.length && args[n]!.includes("=")) n++;
  if (n === 0) throw new MappingError(`expected <old-prefix>=<new-prefix> first, got ${args.length === 0 ? "nothing" : JSON.stringify(args[0])}`);
  return { mappings: args.slice(0, n), paths: args.slice(n) };
}

/** The new value of a `__type__`, or null when no mapping applies (a prefix matches at a dot). */
export function migrateType(type: string, mappings: readonly TypeMapping[]): string | null {
  // The longest prefix wins when several apply.
  let best: TypeMapping | null = null;
  for (const m of mappings) {
    if ((type === m.from || type.startsWith(`${m.from}.`)) && (best === null || m.from.length > best.from.length)) best = m;
  }
  return best === null ? null : best.to + type.slice(best.from.length);
}

/** One `__type__` value rewritten. */
export interface TypeRewrite {
  pointer: string;
  from: string;
  to: string;
}

/** Where `__type__` strings under `/response` lie in the text, with their values. */
function typeSpans(text: string): { offset: number; length: number; value: string; pointer: string }[] {
  const out: { offset: number; length: number; value: string; pointer: string }[] = [];
  visit(text, {
    onLiteralValue: (value: unknown, offset, length, _line, _char, path) => {
      if (typeof value !== "string") return;
      const p = path();
      if (p[0] !== "response" || p[p.length - 1] !== "__type__") return;
      const pointer = `/${p.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
      out.push({ offset, length, value, pointer });
    },
  });
  return out;
}

/** The text with each matching response `__type__` replaced in place; every other byte kept. */
export function planTypeMigration(text: string, mappings: readonly TypeMapping[]): { text: string; rewrites: TypeRewrite[] } {
  // Most files mention none of the old prefixes: no scan for them.
  if (!mappings.some((m) => text.includes(m.from))) return { text, rewrites: [] };
  const rewrites: TypeRewrite[] = [];
  let out = "";
  let at = 0;
  for (const span of typeSpans(text)) {
    const to = migrateType(span.value, mappings);
    if (to === null) continue;
    // Dotted ASCII names: JSON.stringify writes what Python's json.dump would.
    out += text.slice(at, span.offset) + JSON.stringify(to);
    at = span.offset + span.length;
    rewrites.push({ pointer: span.pointer, from: span.value, to });
  }
  return { text: out + text.slice(at), rewrites };
}

/** The request and test id as the hash reads them: their bytes, and the hash they give. */
function requestIdentity(rec: Recording): string {
  const spans = topLevelSpans(rec.text, ["test_id", "request"]);
  const bytes = ["test_id", "request"].map((k) => {
    const s = spans.get(k);
    return s === undefined ? "" : rec.text.slice(s.start, s.end);
  });
  const hash = requestHash(exactRequest(rec), NEWEST_ERA);
  return JSON.stringify([...bytes, hash.hash, hash.note ?? null]);
}

// ---------------------------------------------------------------------------------------------
// Many files

export interface MigrateTypesTaskOptions {
  mappings: TypeMapping[];
  write: boolean;
  /** The write gate's repository (null: the whole path is judged); asked only when writing. */
  repoRoot: string | null;
}

export interface MigrateTypesOutcome {
  file: string;
  rewrites: TypeRewrite[];
  written: boolean;
}

/** A file migrate-types could not read or rewrite (the one failure type). */
export type MigrateTypesFailure = FileFailure;

export type MigrateTypesResult = MigrateTypesOutcome | MigrateTypesFailure;

export function isMigrateTypesFailure(r: MigrateTypesResult): r is MigrateTypesFailure {
  return isFileFailure(r);
}

async function migrateFile(file: string, options: MigrateTypesTaskOptions): Promise<MigrateTypesResult> {
  try {
    const rec = readRecordingSync(file);
    const plan = planTypeMigration(rec.text, options.mappings);
    if (plan.rewrites.length === 0) return { file, rewrites: [], written: false };
    // The promise: the request, the test id and so the file's hash are what they were.
    const after = parseRecordingText(file, plan.text);
    if (requestIdentity(after) !== requestIdentity(rec)) {
      return { file, error: "rewriting __type__ would change the request hash (left untouched)", rule: "name-hash", line: null, column: null };
    }
    if (!options.write) return { file, rewrites: plan.rewrites, written: false };
    const refused = await writeInside(file, plan.text, options.repoRoot);
    return refused === null ? { file, rewrites: plan.rewrites, written: true } : { file, error: refused, rule: "io", line: null, column: null };
  } catch (err) {
    return rewriteFailure(file, err);
  }
}

/** Runs in each thread: plans (or rewrites) the files it takes. */
export async function prepareTask(options: MigrateTypesTaskOptions): Promise<(file: string) => Promise<MigrateTypesResult>> {
  return (file) => migrateFile(file, options);
}

/** The task worker threads run (commands/rewrite.ts spreads it over the files). */
export const MIGRATE_TYPES_TASK = { url: new URL(import.meta.url), prepare: prepareTask };
