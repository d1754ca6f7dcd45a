/**
 * The recorder's request hash (SPEC, "The request hash"): which fields are hashed for each
 * request kind, how bodies are normalized first, and the sha256 of Python's
 * `json.dumps(normalized, sort_keys=True)`. This module owns those rules.
 */
import { createHash } from "node:crypto";
import { dumps, formatFixed, pyRound, type PyDict, type PyValue } from "./pyjson.js";
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

export function normalizeString(s: string): string {
  let out = s;
  for (const { marker, pattern, replacement } of FILE_SEARCH_NOISE) {
    if (out.includes(marker)) out = out.replace(pattern, replacement);
  }
  return out.replace(LONG_DECIMAL, (m) => formatFixed(Number(asciiDigits(m)), 5));
}

/**
 * `_normalize_body_for_hash`: floats rounded to 5 places, strings de-noised, recursively. Like
 * the recorder, a dict at the root *or directly inside a list* counts as a root: its
 * extra_body/extra_query lose `project_id` (list items are normalized with `_is_root=True`).
 */
export function normalizeValue(value: PyValue, isRoot = true): PyValue {
  if (typeof value === "number") return pyRound(value, 5);
  if (typeof value === "string") return normalizeString(value);
  if (Array.isArray(value)) return value.map((item) => normalizeValue(item, true));
  if (value instanceof Map) {
    const out: PyDict = new Map();
    for (const [k, v] of value) out.set(k, normalizeValue(v, false));
    if (isRoot) {
      for (const key of ["extra_body", "extra_query"]) {
        const extra = out.get(key);
        if (extra instanceof Map) extra.delete("project_id");
      }
    }
    return out;
  }
  return value;
}

/** The body as hashed; Bedrock's varying `stream_options` is dropped from its top level. */
export function normalizeBody(body: PyValue, dropStreamOptions: boolean): PyValue {
  const normalized = normalizeValue(body);
  if (dropStreamOptions && normalized instanceof Map) normalized.delete("stream_options");
  return normalized;
}

export interface HashInput {
  /** The file's top-level `test_id`; `undefined` when the key is absent (2025 layouts). */
  testId: PyValue | undefined;
  request: PyValue;
}

export interface HashResult {
  kind: RequestKind;
  /** null when the kind has no known hashing rule (the recorder cannot replay it). */
  hash: string | null;
  /** The exact JSON text that is hashed (for `hash --explain`). */
  normalized: string | null;
  note?: string;
}

function str(dict: PyDict, key: string): string {
  const v = dict.get(key);
  return typeof v === "string" ? v : "";
}

export function classifyRequest(request: PyValue): RequestKind {
  return request instanceof Map ? requestKindFromKeys((key) => request.has(key)) : "unknown";
}

function inferenceObject(request: PyDict, testId: PyValue | undefined): PyDict {
  const url = pyUrlParse(str(request, "url"));
  const bedrock = url.netloc.includes("bedrock");
  const normalized: PyDict = new Map<string, PyValue>([
    ["method", str(request, "method").toUpperCase()],
    ["endpoint", url.path],
    ["body", normalizeBody(request.get("body") ?? null, bedrock)],
  ]);
  // Recordings written before test isolation carry no test_id key and were hashed without it.
  if (!MODEL_LIST_PATHS.includes(url.path) && testId !== undefined) normalized.set("test_id", testId);
  return normalized;
}

function rawHttpObject(request: PyDict, testId: PyValue | undefined): PyDict {
  return new Map<string, PyValue>([
    ["test_id", testId ?? request.get("test_id") ?? null],
    ["url", str(request, "url")],
    ["method", str(request, "method").toUpperCase()],
    ["payload", normalizeValue(request.get("payload") ?? null)],
  ]);
}

function toolObject(request: PyDict): PyDict {
  return new Map<string, PyValue>([
    ["provider", request.get("provider") ?? null],
    ["tool_name", request.get("tool_name") ?? null],
    ["kwargs", request.get("kwargs") ?? null],
  ]);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The hash the recorder would name this request's file after. */
export function requestHash({ testId, request }: HashInput): HashResult {
  const kind = classifyRequest(request);
  let object: PyDict;
  if (kind === "inference" && request instanceof Map) object = inferenceObject(request, testId);
  else if (kind === "raw-http" && request instanceof Map) object = rawHttpObject(request, testId);
  else if (kind === "tool" && request instanceof Map) object = toolObject(request);
  else {
    const note =
      kind === "file-processor"
        ? "file-processor calls are not recorded by the current recorder; no hash rule applies"
        : "request has no known shape (inference, raw HTTP or tool)";
    return { kind, hash: null, normalized: null, note };
  }
  const normalized = dumps(object, { sortKeys: true });
  return { kind, hash: sha256Hex(normalized), normalized };
}
