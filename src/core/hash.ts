/**
 * The recorder's request hash (SPEC, "The request hash"): which fields are hashed for each
 * request kind, how bodies are normalized first, and the sha256 of Python's
 * `json.dumps(normalized, sort_keys=True)`. This module owns those rules; which of them apply
 * depends on the era of the recorder (`rules/eras.ts`), the newest unless told otherwise.
 */
import { dumpRules, dumpWith, pyStringLiteral, sortPyKeys, textOf, writeTo, type DumpRules, type Sink } from "./pydumps.js";
import { formatFixed, pyRound, type PyValue } from "./pyjson.js";
import { pyUrlParse } from "./pyurl.js";
import { requestKindFromKeys } from "./request-kind.js";
import { Sha256Sink } from "./sha256.js";
import { NEWEST_ERA, type Era, type HashRules } from "./rules/eras.js";
import type { RulesInUse } from "./rules/detect.js";
import type { RequestKind } from "./types.js";

/** Paths whose hash leaves out `test_id` under the newest rules: model lists are shared across tests. */
export const MODEL_LIST_PATHS: readonly string[] = NEWEST_ERA.rules.modelListPaths;

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

/** The recorder's string normalization; `fileSearch` from 2026-04-09 on. */
export function normalizeString(s: string, fileSearch = true): string {
  let out = s;
  if (fileSearch) {
    for (const { marker, pattern, replacement } of FILE_SEARCH_NOISE) {
      if (out.includes(marker)) out = out.replace(pattern, replacement);
    }
  }
  return MAY_HAVE_DECIMAL.test(out) ? out.replace(LONG_DECIMAL, (m) => formatFixed(Number(asciiDigits(m)), 5)) : out;
}

// ---------------------------------------------------------------------------------------------
// The hashed text: `json.dumps(obj, sort_keys=True)` (pydumps.ts), normalizing on the way

/**
/**
 * How a value is read and written: `nativeInts` (see DumpRules) for values from `JSON.parse` of
 * a text with no ambiguous number literal; when normalizing, `_normalize_body_for_hash` applies
 * with the era's string and `project_id` rules — floats rounded to 5 places, strings de-noised,
 * recursively; a dict at the root *or directly inside a list* counts as a root, so its
 * extra_body/extra_query lose `project_id`.
 */
function walkFor(nativeInts: boolean, normalize: { fileSearch: boolean; stripProjectId: boolean } | null): Walk {
  if (normalize === null) return dumpRules({ sortKeys: true, nativeInts });
  const { fileSearch, stripProjectId } = normalize;
  return dumpRules({
    sortKeys: true,
    nativeInts,
    string: fileSearch ? normalizeString : (s) => normalizeString(s, false),
    float: (x) => pyRound(x, 5),
    childSkip: (key, parentIsRoot) => (stripProjectId && parentIsRoot && (key === "extra_body" || key === "extra_query") ? "project_id" : null),
  });
}

type Walk = Required<DumpRules>;

const AS_IS = walkFor(false, null);
const AS_IS_NATIVE = walkFor(true, null);

/** Every normalizing walk, made once (the hash is on validate's hot path): [native][fileSearch][stripProjectId]. */
const NORMALIZING: readonly (readonly (readonly Walk[])[])[] = [false, true].map((nativeInts) =>
  [false, true].map((fileSearch) => [false, true].map((stripProjectId) => walkFor(nativeInts, { fileSearch, stripProjectId }))),
);

/** The walk for a body or payload: normalized as the era's `_normalize_body_for_hash` did (if at all). */
function normalizing(walk: Walk, rules: HashRules): Walk {
  if (!rules.normalizeBody) return walk;
  const walks = NORMALIZING[walk.nativeInts ? 1 : 0]?.[rules.fileSearch ? 1 : 0];
  return walks?.[rules.stripProjectId ? 1 : 0] ?? walkFor(walk.nativeInts, rules);
}

/** A member of the hashed object: its key, and what writes its value. */
type Member = [string, (sink: Sink) => void];

/** One value as the hash writes it; `skip` is a key its top-level dict leaves out (Bedrock's `stream_options`). */
function write(value: unknown, walk: Walk, skip: string | null = null): (sink: Sink) => void {
  return (sink) => writeTo(value, skip === null ? walk : { ...walk, skip }, sink);
}

/** `{"k": v, …}` with keys in Python's order (code points). */
function writeObject(members: Member[], sink: Sink): void {
  sortPyKeys(members, ([k]) => k);
  sink.push("{");
  members.forEach(([key, value], i) => {
    sink.push(`${i > 0 ? ", " : ""}${pyStringLiteral(key)}: `);
    value(sink);
  });
  sink.push("}");
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
  /**
   * The exact JSON text that is hashed (for `hash --explain`): a getter that writes it when first
   * read, so copy the members you need rather than spreading a result.
   */
  readonly normalized: string | null;
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

function inferenceText(request: Dict, testId: unknown, walk: Walk, rules: HashRules, sink: Sink): void {
  const url = pyUrlParse(str(request, "url"));
  // Bedrock's varying `stream_options` is dropped from the body's top level.
  const bedrock = rules.bedrockStreamOptions && url.netloc.includes("bedrock");
  const members: Member[] = [
    ["method", write(str(request, "method").toUpperCase(), walk)],
    ["endpoint", write(url.path, walk)],
    ["body", write(get(request, "body") ?? null, normalizing(walk, rules), bedrock ? "stream_options" : null)],
  ];
  // From test isolation on, the test context is hashed: None outside a test, which is what a
  // file without a test_id key (recorded before isolation) is looked up with.
  if (rules.testIsolation && !rules.modelListPaths.includes(url.path)) members.push(["test_id", write(testId ?? null, walk)]);
  writeObject(members, sink);
}

function rawHttpText(request: Dict, testId: unknown, walk: Walk, rules: HashRules, sink: Sink): void {
  writeObject([
    ["test_id", write(testId ?? get(request, "test_id") ?? null, walk)],
    ["url", write(str(request, "url"), walk)],
    ["method", write(str(request, "method").toUpperCase(), walk)],
    ["payload", write(get(request, "payload") ?? null, normalizing(walk, rules))],
  ], sink);
}

function toolText(request: Dict, walk: Walk, sink: Sink): void {
  writeObject([
    ["provider", write(get(request, "provider") ?? null, walk)],
    ["tool_name", write(get(request, "tool_name") ?? null, walk)],
    ["kwargs", write(get(request, "kwargs") ?? null, walk)],
  ], sink);
}

function noRule(kind: RequestKind, era: Era): string {
  if (kind === "file-processor") return "file-processor calls are not recorded by the current recorder; no hash rule applies";
  if (kind === "tool") return `tool invocations were not recorded before 2025-10-09 (rules of ${era.id} in use); no hash rule applies`;
  if (kind === "raw-http") return `raw HTTP requests were not recorded before 2026-02-12 (rules of ${era.id} in use); no hash rule applies`;
  return "request has no known shape (inference, raw HTTP or tool)";
}

/** A request's hash under some era's rules: what commands that compare requests pass around. */
export type RequestHasher = (input: HashInput, file?: string) => HashResult;

/** The hash the recorder of `era` (the newest by default) would name this request's file after. */
export function requestHash(input: HashInput, era: Era = NEWEST_ERA): HashResult {
  const { testId, request } = input;
  const { rules } = era;
  const kind = classifyRequest(request);
  const walk = input.native === true ? AS_IS_NATIVE : AS_IS;
  let writer: (sink: Sink) => void;
  if (kind === "inference" && isDict(request)) writer = (sink) => inferenceText(request, testId, walk, rules, sink);
  else if (kind === "raw-http" && rules.rawHttpRequests && isDict(request)) writer = (sink) => rawHttpText(request, testId, walk, rules, sink);
  else if (kind === "tool" && rules.toolRequests && isDict(request)) writer = (sink) => toolText(request, walk, sink);
  else return { kind, hash: null, normalized: null, note: noRule(kind, era) };
  // The text goes straight into the hash, piece by piece (a long string is never copied); it is
  // written out as a string only when asked for (`hash --explain`, diff).
  const hashed = new Sha256Sink();
  writer(hashed);
  let text: string | undefined;
  return {
    kind,
    hash: hashed.hex(),
    get normalized(): string {
      text ??= textOf(writer);
      return text;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Which rule differences can matter to one request

/** What in a request the era-dependent rules could change: a cheap walk, no writing, no regex on long strings. */
interface Relevance {
  /** A float that rounding to 5 places changes, or a string with a long decimal literal. */
  normalizeBody: boolean;
  /** A string holding one of the file-search markers. */
  fileSearch: boolean;
  /** A `project_id` key anywhere. */
  projectId: boolean;
}

function stringMatters(s: string, rel: Relevance): void {
  if (!rel.fileSearch) for (const { marker } of FILE_SEARCH_NOISE) if (s.includes(marker)) rel.fileSearch = true;
  // A long decimal needs a "." (base64 images have none): the regex runs on few strings.
  if (!rel.normalizeBody && s.includes(".") && MAY_HAVE_DECIMAL.test(s)) {
    LONG_DECIMAL.lastIndex = 0;
    if (LONG_DECIMAL.test(s)) rel.normalizeBody = true;
    LONG_DECIMAL.lastIndex = 0;
  }
}

function walkRelevance(value: unknown, rel: Relevance): void {
  if (typeof value === "string") stringMatters(value, rel);
  else if (typeof value === "number") {
    if (!Number.isInteger(value) && Number.isFinite(value) && pyRound(value, 5) !== value) rel.normalizeBody = true;
  } else if (Array.isArray(value)) for (const item of value) walkRelevance(item, rel);
  else if (isDict(value)) {
    for (const [key, item] of value instanceof Map ? value : Object.entries(value)) {
      if (key === "project_id") rel.projectId = true;
      walkRelevance(item, rel);
    }
  }
}

/**
 * A key that is the same for two eras exactly when their rules hash this request alike, found
 * without hashing it (a flag that cannot change the result here is left out). Lets a caller that
 * asks every era (which one named this file?) hash once per distinct outcome.
 */
/**
 * The hasher of the rules in use, judging each file by its era (`eraFor`). Here rather than in
 * rules/detect.ts, so that choosing the rules (every command, at start) loads no hashing code.
 */
export function hasherOf(rules: RulesInUse): RequestHasher {
  return (input, file) => requestHash(input, file === undefined ? rules.era : rules.eraFor(file));
}

export function ruleKeys(input: HashInput, eras: readonly Era[]): string[] {
  const { request } = input;
  const kind = classifyRequest(request);
  if (!isDict(request)) return eras.map(() => "none");
  const rel: Relevance = { normalizeBody: false, fileSearch: false, projectId: false };
  walkRelevance(request, rel);
  const url = pyUrlParse(str(request, "url"));
  const bedrock = url.netloc.includes("bedrock") && isDict(get(request, "body")) && has(get(request, "body") as Dict, "stream_options");
  return eras.map(({ rules: r }) => {
    // Each part of the body normalization, kept only where this request has something it changes.
    const strings = `${r.normalizeBody && rel.normalizeBody}${r.normalizeBody && r.fileSearch && rel.fileSearch}${r.normalizeBody && r.stripProjectId && rel.projectId}`;
    if (kind === "inference") return `i${r.testIsolation && !r.modelListPaths.includes(url.path)}${r.bedrockStreamOptions && bedrock}${strings}`;
    if (kind === "raw-http") return r.rawHttpRequests ? `r${strings}` : "none";
    if (kind === "tool") return r.toolRequests ? "t" : "none";
    return "none";
  });
}
