/**
 * The recorder's request hash (SPEC, "The request hash"): which fields are hashed for each
 * request kind, how bodies are normalized first, and the sha256 of Python's
 * `json.dumps(normalized, sort_keys=True)`. This module owns those rules.
 */
import { createHash } from "node:crypto";
import { compactObject, dumpRules, dumpWith, type DumpRules } from "./pydumps.js";
import { formatFixed, pyRound, type PyValue } from "./pyjson.js";
import { pyUrlParse } from "./pyurl.js";
import { requestKindFromKeys } from "./request-kind.js";
import type { RequestKind } from "./types.js";

/** Paths whose hash leaves out `test_id`: model lists are shared across tests. */
export const MODEL_LIST_PATHS: readonly string[] = ["/api/tags", "/v1/models", "/v1/openai/v1/models"];

// Python's `\s` and `\d` on str are Unicode-aware; these classes reproduce them.
const PY_SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PY_DIGIT = "\\p{Nd}";
const UUID = "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}";

/** File-search noise, in the order the recorder replaces it (api_recorder's patterns). */
const FILE_SEARCH_NOISE: readonly { marker: string; pattern: RegExp; replacement: string }[] = [
  {
    marker: "score:",
    pattern: new RegExp(`score:${PY_SPACE}*[-+]?${PY_DIGIT}*\\.?${PY_DIGIT}+(?:[eE][-+]?${PY_DIGIT}+)?`, "gu"),
    replacement: "score: __NORMALIZED__",
  },
  { marker: "attributes:", pattern: new RegExp(`,?${PY_SPACE}*attributes:${PY_SPACE}*\\{[^}]*\\}`, "gu"), replacement: "" },
  { marker: "document_id:", pattern: new RegExp(`document_id:${PY_SPACE}*${UUID}`, "gu"), replacement: "document_id: __NORMALIZED__" },
  { marker: "<|", pattern: new RegExp(`<\\|${UUID}\\|>`, "gu"), replacement: "<|__NORMALIZED__|>" },
];

/** Decimal literals with 4+ fraction digits inside strings are rewritten as `f"{float(x):.5f}"`. */
const LONG_DECIMAL = new RegExp(`-?${PY_DIGIT}+\\.${PY_DIGIT}{4,}`, "gu");
const ASCII_DIGITS = /^[-.0-9]*$/;

/** Python's float() accepts any Unicode decimal digit; map each to its ASCII value. */
function asciiDigits(literal: string): string {
  if (ASCII_DIGITS.test(literal)) return literal;
  let out = "";
  for (const ch of literal) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === "-" || ch === ".") out += ch;
    else {
      // Unicode lays decimal digits out in runs of ten from zero; count from the run's start.
      let start = cp;
      while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
      out += String((cp - start) % 10);
    }
  }
  return out;
}

/**
 * A LONG_DECIMAL match needs a "." followed by a digit, ASCII or not (non-ASCII digits, astral
 * ones as surrogate pairs, all lie at or above U+0080): a cheap test that rules most strings out.
 */
const MAY_HAVE_DECIMAL = /\.[0-9\u0080-\uffff]/;

export function normalizeString(s: string): string {
  let out = s;
  for (const { marker, pattern, replacement } of FILE_SEARCH_NOISE) {
    if (out.includes(marker)) out = out.replace(pattern, replacement);
  }
  return MAY_HAVE_DECIMAL.test(out) ? out.replace(LONG_DECIMAL, (m) => formatFixed(Number(asciiDigits(m)), 5)) : out;
}

// ---------------------------------------------------------------------------------------------
// The hashed text: `json.dumps(obj, sort_keys=True)` (pydumps.ts), normalizing on the way

/**
 * How a value is read and written: `nativeInts` (see DumpRules) for values from `JSON.parse` of
 * a text with no ambiguous number literal; `normalize`: `_normalize_body_for_hash` applies —
 * floats rounded to 5 places, strings de-noised, recursively; a dict at the root *or directly
 * inside a list* counts as a root, so its extra_body/extra_query lose `project_id`.
 */
function rules(nativeInts: boolean, normalize: boolean): Walk {
  if (!normalize) return dumpRules({ sortKeys: true, nativeInts });
  return dumpRules({
    sortKeys: true,
    nativeInts,
    string: normalizeString,
    float: (x) => pyRound(x, 5),
    childSkip: (key, parentIsRoot) => (parentIsRoot && (key === "extra_body" || key === "extra_query") ? "project_id" : null),
  });
}

const AS_IS = rules(false, false);
const AS_IS_NATIVE = rules(true, false);
const NORMALIZED = rules(false, true);
const NORMALIZED_NATIVE = rules(true, true);

type Walk = Required<DumpRules>;

function normalizing(walk: Walk): Walk {
  return walk.nativeInts ? NORMALIZED_NATIVE : NORMALIZED;
}

/** One value as the hash writes it; `skip` is a key its top-level dict leaves out (Bedrock's `stream_options`). */
function write(value: unknown, walk: Walk, skip: string | null = null): string {
  return dumpWith(value, skip === null ? walk : { ...walk, skip });
}

/** `{"k": v, …}` with keys in Python's order (code points), from already written values. */
function writeObject(members: [string, string][]): string {
  return compactObject(members);
}

/** Python's `json.dumps(value, sort_keys=True)`, byte for byte (no normalizing). */
export function dumpsSorted(value: PyValue): string {
  return dumpWith(value, AS_IS);
}

/** What is hashed: a file's `test_id` and `request`, as PyValues or as JSON.parse values. */
export type HashInput =
  | {
      /** The file's top-level `test_id`; `undefined` when the key is absent (2025 layouts). */
      testId: PyValue | undefined;
      request: PyValue;
      native?: false;
    }
  | {
      /** JSON.parse values of a text without ambiguous number literals (see `Walk.nativeInts`). */
      testId: unknown;
      request: unknown;
      native: true;
    };

export interface HashResult {
  kind: RequestKind;
  /** null when the kind has no known hashing rule (the recorder cannot replay it). */
  hash: string | null;
  /** The exact JSON text that is hashed (for `hash --explain`). */
  normalized: string | null;
  note?: string;
}

type Dict = Map<string, unknown> | Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return v instanceof Map || (typeof v === "object" && v !== null && !Array.isArray(v));
}

function has(dict: Dict, key: string): boolean {
  return dict instanceof Map ? dict.has(key) : Object.hasOwn(dict, key);
}

function get(dict: Dict, key: string): unknown {
  return dict instanceof Map ? dict.get(key) : has(dict, key) ? dict[key] : undefined;
}

function str(dict: Dict, key: string): string {
  const v = get(dict, key);
  return typeof v === "string" ? v : "";
}

export function classifyRequest(request: unknown): RequestKind {
  return isDict(request) ? requestKindFromKeys((key) => has(request, key)) : "unknown";
}

function inferenceText(request: Dict, testId: unknown, walk: Walk): string {
  const url = pyUrlParse(str(request, "url"));
  // Bedrock's varying `stream_options` is dropped from the body's top level.
  const bedrock = url.netloc.includes("bedrock");
  const members: [string, string][] = [
    ["method", write(str(request, "method").toUpperCase(), walk)],
    ["endpoint", write(url.path, walk)],
    ["body", write(get(request, "body") ?? null, normalizing(walk), bedrock ? "stream_options" : null)],
  ];
  // Recordings written before test isolation carry no test_id key and were hashed without it.
  if (!MODEL_LIST_PATHS.includes(url.path) && testId !== undefined) members.push(["test_id", write(testId, walk)]);
  return writeObject(members);
}

function rawHttpText(request: Dict, testId: unknown, walk: Walk): string {
  return writeObject([
    ["test_id", write(testId ?? get(request, "test_id") ?? null, walk)],
    ["url", write(str(request, "url"), walk)],
    ["method", write(str(request, "method").toUpperCase(), walk)],
    ["payload", write(get(request, "payload") ?? null, normalizing(walk))],
  ]);
}

function toolText(request: Dict, walk: Walk): string {
  return writeObject([
    ["provider", write(get(request, "provider") ?? null, walk)],
    ["tool_name", write(get(request, "tool_name") ?? null, walk)],
    ["kwargs", write(get(request, "kwargs") ?? null, walk)],
  ]);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The hash the recorder would name this request's file after. */
export function requestHash(input: HashInput): HashResult {
  const { testId, request } = input;
  const kind = classifyRequest(request);
  const walk = input.native === true ? AS_IS_NATIVE : AS_IS;
  let normalized: string;
  if (kind === "inference" && isDict(request)) normalized = inferenceText(request, testId, walk);
  else if (kind === "raw-http" && isDict(request)) normalized = rawHttpText(request, testId, walk);
  else if (kind === "tool" && isDict(request)) normalized = toolText(request, walk);
  else {
    const note =
      kind === "file-processor"
        ? "file-processor calls are not recorded by the current recorder; no hash rule applies"
        : "request has no known shape (inference, raw HTTP or tool)";
    return { kind, hash: null, normalized: null, note };
  }
  return { kind, hash: sha256Hex(normalized), normalized };
}
