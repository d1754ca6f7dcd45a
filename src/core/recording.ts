/**
 * Reading one recording: bytes → UTF-8 text → JSON, with exact positions for whatever is wrong,
 * and the facts every command needs (the hash its name claims, its request read exactly).
 */
import { isUtf8 } from "node:buffer";
import { basename } from "node:path";
import { parseTree, printParseErrorCode, visit, type ParseError } from "jsonc-parser";
import { describeParseError, MAX_DEPTH, nestingDepthExceeded, parseExact, type PyValue } from "./pyjson.js";
import { readBytes, ReadError } from "./read.js";
import { proveFormatted } from "./format.js";
import type { HashInput } from "./hash.js";
import { topLevelSpans } from "./spans.js";
import type { FileFailure, Rule } from "./types.js";


/** A problem in one file, with where it is. Line and column are 1-based; null when unknown. */
export class RecordingError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly rule: Rule,
    readonly line: number | null = null,
    readonly column: number | null = null,
    readonly pointer: string = "",
  ) {
    super(message);
    this.name = "RecordingError";
  }
}

/** A file that could not be read: a RecordingError's place and rule, else an I/O failure. */
export function failureOf(file: string, err: unknown): FileFailure {
  if (err instanceof RecordingError) return { file: err.file, error: err.message, rule: err.rule, line: err.line, column: err.column };
  return { file, error: `cannot read: ${err instanceof Error ? err.message : String(err)}`, rule: "io", line: null, column: null };
}

/** What a file name says about the request hash. */
export interface NameHash {
  hash: string;
  style: "full" | "models" | "legacy";
  /** For `models-<hash>-<digest8>.json`: the model-set digest. `hash` is 12 hex in 2025 names. */
  digest?: string;
}

const FULL_NAME = /^([0-9a-f]{64})\.json$/;
const MODELS_NAME = /^models-([0-9a-f]{64}|[0-9a-f]{12})-([0-9a-f]{8})\.json$/;
const LEGACY_NAME = /^([0-9a-f]{12})\.json$/;

export function nameHash(file: string): NameHash | null {
  const name = basename(file);
  let m = FULL_NAME.exec(name);
  if (m?.[1] !== undefined) return { hash: m[1], style: "full" };
  m = MODELS_NAME.exec(name);
  if (m?.[1] !== undefined && m[2] !== undefined) return { hash: m[1], style: "models", digest: m[2] };
  m = LEGACY_NAME.exec(name);
  if (m?.[1] !== undefined) return { hash: m[1], style: "legacy" };
  return null;
}

/** True when a hash agrees with what the file name claims (2025 names hold its first 12 hex). */
export function nameAgrees(name: NameHash, hash: string): boolean {
  return name.hash.length < hash.length ? hash.startsWith(name.hash) : hash === name.hash;
}

export interface Recording {
  file: string;
  text: string;
  /** The document as JSON.parse reads it; the schema decides whether it has the recording shape. */
  data: unknown;
  name: NameHash | null;
  /** Every byte was ASCII (known from reading; undefined when the text did not come from bytes). */
  ascii?: boolean;
  /** The text holds `NaN` or `±Infinity`, which JSON.parse cannot read: only the exact parse is exact. */
  nonFinite?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Positions

export interface Position {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Thrown inside the visitor to stop scanning once the pointer's value is found. */
const FOUND = Symbol("found");

/**
 * Where a JSON pointer's value starts; falls back to the nearest existing parent. Scans only up
 * to the value: containers off the pointer's path are skipped, and the scan stops when found.
 */
export function pointerPosition(text: string, pointer: string): Position | null {
  const target = pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointer);
  let best: { depth: number; line: number; column: number } | null = null;
  /** Records a value at `path`; true when its children are worth visiting (it is on the way). */
  const reach = (path: (string | number)[], line: number, character: number): boolean => {
    if (path.length > target.length || !path.every((seg, i) => String(seg) === target[i])) return false;
    if (best === null || path.length > best.depth) best = { depth: path.length, line: line + 1, column: character + 1 };
    if (path.length === target.length) throw FOUND;
    return true;
  };
  try {
    visit(text, {
      onObjectBegin: (_o, _l, line, character, path) => reach(path(), line, character),
      onArrayBegin: (_o, _l, line, character, path) => reach(path(), line, character),
      onLiteralValue: (_v, _o, _l, line, character, path) => void reach(path(), line, character),
      // jsonc-parser ends a skipped container only through these (none given: it never resumes).
      onObjectEnd: () => undefined,
      onArrayEnd: () => undefined,
    });
  } catch (err) {
    if (err !== FOUND) throw err;
  }
  const found = best as { line: number; column: number } | null;
  return found === null ? null : { line: found.line, column: found.column };
}

// ---------------------------------------------------------------------------------------------
// Decoding and parsing

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Byte offset of the first invalid UTF-8 sequence (only called once decoding has failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    try {
      STRICT_UTF8.decode(bytes.subarray(i, i + need + 1));
    } catch {
      return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

export function decodeUtf8(file: string, bytes: Uint8Array): string {
  // buffer.isUtf8 and Buffer#toString are simdutf-backed; the strict decoder is for the error path.
  // (A byte-order mark is kept, so JSON.parse rejects it as Python's json.load does.)
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const offset = firstInvalidUtf8(bytes);
  // Position in characters: decode the valid prefix to count lines and columns.
  const prefix = new TextDecoder().decode(bytes.subarray(0, offset));
  const pos = positionAt(prefix, prefix.length);
  const byte = (bytes[offset] ?? 0).toString(16).padStart(2, "0");
  throw new RecordingError(file, `invalid UTF-8 (byte 0x${byte} at offset ${offset})`, "utf8", pos.line, pos.column);
}

/** Lines a git merge leaves in a conflicted file (`<<<<<<< HEAD`, `=======`, `>>>>>>> branch`). */
const CONFLICT_START = /^<{7}(?: |$)/m;
const CONFLICT_END = /^>{7}(?: |$)/m;

/**
 * What is wrong, said as what it is, for the mistakes people make by hand: a byte-order mark,
 * a merge left unresolved, a comma before a closing bracket. Null for anything else.
 */
function namedMistake(file: string, text: string, errorOffset: number): RecordingError | null {
  if (text.startsWith("\ufeff")) {
    return new RecordingError(file, "invalid JSON: the file starts with a byte-order mark (BOM), which Python's json.load rejects; save it as UTF-8 without BOM", "json", 1, 1);
  }
  const start = CONFLICT_START.exec(text);
  if (start !== null && CONFLICT_END.test(text)) {
    const at = positionAt(text, start.index);
    return new RecordingError(file, "invalid JSON: git conflict markers (<<<<<<< … >>>>>>>): resolve the merge conflict first", "json", at.line, at.column);
  }
  const closer = text.charCodeAt(errorOffset);
  if (closer === 125 || closer === 93) {
    let before = errorOffset - 1;
    while (before >= 0 && /\s/.test(text.charAt(before))) before--;
    if (text.charAt(before) === ",") {
      const at = positionAt(text, before);
      return new RecordingError(file, `invalid JSON: trailing comma before '${text.charAt(errorOffset)}'`, "json", at.line, at.column);
    }
  }
  return null;
}

/** A syntax error located with jsonc-parser (V8's JSON.parse messages do not always carry one). */
function syntaxError(file: string, text: string, fallback: string): RecordingError {
  if (text.trim() === "") return new RecordingError(file, "empty file: expected a JSON object", "json", 1, 1);
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  const named = namedMistake(file, text, first?.offset ?? 0);
  if (named !== null) return named;
  // The text ran out before the value closed (not: a complete value followed by garbage).
  const truncated =
    first !== undefined && first.offset + first.length >= text.trimEnd().length && printParseErrorCode(first.error) !== "EndOfFileExpected";
  const offset = truncated ? text.trimEnd().length : (first?.offset ?? 0);
  const pos = positionAt(text, offset);
  let message = first === undefined ? fallback : `invalid JSON: ${describeParseError(first.error)}`;
  if (truncated) message = "invalid JSON: unexpected end of file (truncated?)";
  const brace = text.indexOf("{");
  if (offset === 0 && brace > 0) {
    const at = positionAt(text, brace);
    message += ` — the file does not start with JSON; is there a header before line ${at.line}?`;
  }
  return new RecordingError(file, message, "json", pos.line, pos.column);
}

/** `NaN`, `Infinity`, `-Infinity` as values: Python's json reads them, JSON.parse does not. */
const NON_FINITE = /(?:NaN|Infinity)/;

/** A PyValue as JSON.parse would give it (ints as numbers, dicts as plain objects). */
function toNative(v: PyValue): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toNative);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toNative(x)]));
  return v;
}

export function parseRecordingText(file: string, text: string): Recording {
  // Deeper than Python's json.load goes is an error here too, before any recursive code sees it.
  const tooDeep = nestingDepthExceeded(text);
  if (tooDeep >= 0) {
    const at = positionAt(text, tooDeep);
    throw new RecordingError(file, `invalid JSON: nested deeper than ${MAX_DEPTH} levels (Python's json.load raises RecursionError)`, "json", at.line, at.column);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    if (NON_FINITE.test(text)) {
      // Python reads these; only its own parser can say where anything else is wrong.
      try {
        return { file, text, data: toNative(parseExact(text)), name: nameHash(file), nonFinite: true };
      } catch {
        // fall through to the located syntax error
      }
    }
    throw syntaxError(file, text, `invalid JSON: ${(err as Error).message}`);
  }
  return { file, text, data, name: nameHash(file) };
}

/** Reads and parses one recording (synchronously: for thousands of small files in a row, the
 * promise-based reader spends more time scheduling than reading). */
export async function readRecording(file: string): Promise<Recording> {
  return readRecordingSync(file);
}

export function readRecordingSync(file: string): Recording {
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file);
  } catch (err) {
    if (err instanceof ReadError) throw new RecordingError(file, err.message, "io");
    throw err;
  }
  return recordingFromBytes(file, bytes);
}

/** A recording from bytes already read (the result cache reads them to compute its key). */
export function recordingFromBytes(file: string, bytes: Uint8Array): Recording {
  const text = decodeUtf8(file, bytes);
  return { ...parseRecordingText(file, text), ascii: text.length === bytes.length };
}

// ---------------------------------------------------------------------------------------------
// The exact request

/**
 * `test_id` (undefined when the file has no such key) and `request` as Python reads them: as
 * PyValues, or (`native`) as JSON.parse values known to hold no ambiguous number literal.
 */
export type ExactRequest = HashInput;

/**
 * A JSON.parse value as Python sees it: integral numbers are ints — except the literals that
 * were marked beforehand (`"\u0000#1.0"`), which come back as what their literal says.
 */
function fromNative(v: unknown, marked = false): PyValue {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === "string") {
    if (!marked || !v.startsWith(MARK)) return v;
    const literal = v.slice(MARK.length);
    return /[.eE]/.test(literal) ? Number(literal) : BigInt(literal);
  }
  if (Array.isArray(v)) return v.map((x) => fromNative(x, marked));
  if (isObject(v)) return new Map(Object.entries(v).map(([k, x]) => [k, fromNative(x, marked)]));
  return v as null | boolean;
}

/** Prefix of a marked number literal; text that already holds it takes the exact parse. */
const MARK = "\u0000#";
const MARK_IN_TEXT = "\\u0000#";

/** Literals JSON.parse would turn into something Python does not: integral floats, big ints. */
function ambiguous(literal: string): boolean {
  const n = Number(literal);
  return /[.eE]/.test(literal) ? Number.isInteger(n) : !Number.isSafeInteger(n);
}

const LITERAL = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/**
 * In recorder formatting a number value is alone at the end of its line, after its key if any:
 * `    "temperature": 1.0,` or `      7,`. (Strings cannot hold a raw newline, so a line that ends
 * in a digit ends in a number.)
 *
 * The text with every ambiguous number literal marked as a string (`"\u0000#1.0"`), or null when
 * it holds none. In the recorder's layout a number is the last thing on its line, after a space
 * (indent, or `"key": `): lines are found with indexOf and only those ending in a digit are
 * looked at, which is far cheaper than a multiline regex over long lines (base64 images).
 */
function markAmbiguous(text: string): string | null {
  let out: string[] | null = null;
  let copied = 0;
  let start = 0;
  for (;;) {
    const newline = text.indexOf("\n", start);
    const lineEnd = newline < 0 ? text.length : newline;
    const end = text.charCodeAt(lineEnd - 1) === 0x2c ? lineEnd - 1 : lineEnd;
    const last = text.charCodeAt(end - 1);
    if (end > start && last >= 0x30 && last <= 0x39) {
      const space = text.lastIndexOf(" ", end - 1);
      if (space >= start) {
        const literal = text.slice(space + 1, end);
        if (LITERAL.test(literal) && ambiguous(literal)) {
          out ??= [];
          out.push(text.slice(copied, space + 1), `"${MARK_IN_TEXT}${literal}"`);
          copied = end;
        }
      }
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  if (out === null) return null;
  out.push(text.slice(copied));
  return out.join("");
}

/** What precedes the request in the recorder's layout: `{`, then maybe a `test_id` string or null (captured). */
export const ROOT_PREFIX = /^\{(?:\n {2}"test_id": (null|"(?:[^"\\\n]|\\.)*"),)?$/;
/** Where the request member starts in the recorder's layout. */
export const REQUEST_MEMBER = '\n  "request": ';

/**
 * The request's text, when it is laid out as the recorder lays it out (one number per line, so
 * markAmbiguous sees every number literal). In a file in recorder formatting that is the text
 * between `\n  "request": ` and the next `\n  }`. In any other file, the same text counts when
 * it is plainly the root's `request` member (only `{` and a `test_id` come before it) or, failing
 * that, the member jsonc-parser finds — and when, taken out of the file, it is exactly
 * `json.dumps(request, indent=2)` (so it is one whole value, and the whole member).
 */
function requestLayout(rec: Recording, formatted: boolean): string | null {
  const data = rec.data as Record<string, unknown>;
  const marker = REQUEST_MEMBER;
  const start = rec.text.indexOf(marker);
  const end = start < 0 ? -1 : rec.text.indexOf("\n  }", start);
  if (formatted) return end < 0 ? null : rec.text.slice(start + marker.length, end + 4);
  let text: string;
  if (end >= 0 && ROOT_PREFIX.test(rec.text.slice(0, start))) {
    text = rec.text.slice(start + marker.length, end + 4);
  } else {
    const span = topLevelSpans(rec.text, ["request"]).get("request");
    if (span === undefined) return null;
    text = rec.text.slice(span.start, span.end);
  }
  // Inside the file every line after the first is indented two more spaces.
  const own = `${text.replace(/\n {2}/g, "\n")}\n`;
  return proveFormatted(own, data["request"]).formatted === true ? text : null;
}

/**
 * The request read from its JSON.parse value when its text is in the recorder's layout: with
 * no ambiguous number literal the value is exact as it is; otherwise those literals are marked
 * as strings so that the native JSON.parse reads them exactly (key order and duplicates do not
 * matter to a sort_keys hash). Null when the exact parse must do it.
 */
function requestFromLayout(rec: Recording, formatted: boolean): ExactRequest | null {
  if (rec.nonFinite === true) return null;
  const data = rec.data;
  if (!isObject(data) || !isObject(data["request"])) return null;
  const testId = "test_id" in data ? data["test_id"] : undefined;
  // A number as test_id (a schema error) would need its literal: leave it to the exact parse.
  if (typeof testId === "number" || isObject(testId) || Array.isArray(testId)) return null;
  const requestText = requestLayout(rec, formatted);
  if (requestText === null) return null;
  const text = markAmbiguous(requestText);
  // Nothing ambiguous: the JSON.parse values are exact as they are.
  if (text === null) return { testId, request: data["request"], native: true };
  const pyTestId = testId === undefined ? undefined : fromNative(testId);
  if (requestText.includes(MARK_IN_TEXT)) return { testId: pyTestId, request: parseExact(requestText) };
  return { testId: pyTestId, request: fromNative(JSON.parse(text), true) };
}

/**
 * `test_id` and `request` parsed losslessly (ints vs floats, big ints, key order), reading only
 * their part of the text. The caller has already checked the document is valid JSON; `formatted`
 * says it is also in the recorder's formatting, which spares finding the request's text.
 */
export function exactRequest(rec: Recording, formatted = false): ExactRequest {
  return requestFromLayout(rec, formatted) ?? losslessRequest(rec);
}

/** `test_id` and `request` through the lossless parser, whatever the layout. */
export function losslessRequest(rec: Recording): ExactRequest {
  const spans = topLevelSpans(rec.text, ["test_id", "request"]);
  const t = spans.get("test_id");
  const r = spans.get("request");
  return {
    testId: t === undefined ? undefined : parseExact(rec.text.slice(t.start, t.end)),
    request: r === undefined ? null : parseExact(rec.text.slice(r.start, r.end)),
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
