/**
 * Reading recordings for `prune`, on every core: each file's `test_id` and `request`, found with
 * the tokenizer (`spans.ts`, the same reading `hash` uses, so a repeated key counts as json.load
 * counts it) and judged for reachability in the thread that read it. The response, most of the
 * file, is neither decoded nor parsed; a file about to be listed is parsed whole first.
 */
import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { runParallel } from "../parallel.js";
import { parseExact } from "../pyjson.js";
import { decodeUtf8, isObject, parseRecordingText, readRecordingSync, RecordingError, type ExactRequest } from "../recording.js";
import { topLevelSpans } from "../spans.js";
import { judgeReachability, type ScannedRecording } from "./judge.js";

/** A file that could not be read or parsed: never judged, never removed. */
export interface UnreadableRecording {
  file: string;
  unreadable: string;
  line: number | null;
  column: number | null;
}

export type Scan = ScannedRecording | UnreadableRecording;

const WANTED = ["test_id", "request"];

export function isUnreadable(s: Scan): s is UnreadableRecording {
  return "unreadable" in s;
}

function ioError(file: string, err: unknown): RecordingError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (err as Error).message;
  return new RecordingError(file, `cannot read: ${why}`, "io");
}

/** One buffer per thread, grown as needed: a fresh one per file is megabytes of garbage a second. */
let buffer = Buffer.allocUnsafe(256 * 1024);

/**
 * The file's bytes (a view of the shared buffer: use before the next read), size and mtime, from
 * one open file. Opened without blocking and checked to be a regular file first: a FIFO named
 * like a recording would otherwise wait for a writer forever.
 */
function readBytes(file: string): { bytes: Buffer; size: number; mtimeMs: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw ioError(file, err);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new RecordingError(file, "not a regular file", "io");
    if (buffer.length < info.size + 1) buffer = Buffer.allocUnsafe(Math.max(info.size + 1, buffer.length * 2));
    let n = 0;
    // Read to the end of the file or the buffer (one byte past the size it had): a file that
    // grew meanwhile is cut, but its changed size and mtime keep it from ever being removed.
    for (let got = -1; got !== 0 && n < buffer.length; n += got) got = readSync(fd, buffer, n, buffer.length - n, n);
    return { bytes: buffer.subarray(0, n), size: info.size, mtimeMs: info.mtimeMs };
  } catch (err) {
    throw err instanceof RecordingError ? err : ioError(file, err);
  } finally {
    closeSync(fd);
  }
}

const BLANK = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** First and last non-blank bytes are `{` and `}`: not empty, truncated or prefixed. */
function braced(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length && BLANK.has(bytes[i] ?? 0)) i++;
  let j = bytes.length - 1;
  while (j > i && BLANK.has(bytes[j] ?? 0)) j--;
  return bytes[i] === 0x7b && bytes[j] === 0x7d;
}

/** How much of the file is decoded first; the recorder writes `test_id` and `request` at the top. */
const HEAD_BYTES = 4 * 1024;
const KEY_BYTES = WANTED.map((k) => Buffer.from(JSON.stringify(k)));

function occurrences(bytes: Buffer, needle: Buffer, atMost: number): number {
  let n = 0;
  for (let at = bytes.indexOf(needle); at >= 0 && n <= atMost; at = bytes.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * The wanted members' text, found by the tokenizer. Only the head is decoded when each wanted
 * key's name occurs at most once in the whole file and the head holds it: then it is the one
 * json.load keeps. Otherwise (a repeated key, a request longer than the head) the whole text.
 */
function memberTexts(file: string, bytes: Buffer): Map<string, string> {
  const counts = KEY_BYTES.map((k) => occurrences(bytes, k, 1));
  let text: string;
  if (bytes.length > HEAD_BYTES && counts.every((c) => c <= 1)) {
    // Cut at a character boundary: a character cut in two is not an encoding error.
    let end = HEAD_BYTES;
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    text = decodeUtf8(file, bytes.subarray(0, end));
    const spans = topLevelSpans(text, WANTED);
    // A value running to the end of the head may have been cut there (a string, a number).
    const whole = [...spans.values()].every((sp) => sp.end < text.length);
    if (whole && spans.size === counts.filter((c) => c === 1).length) return slices(text, spans);
  }
  text = decodeUtf8(file, bytes);
  return slices(text, topLevelSpans(text, WANTED));
}

function slices(text: string, spans: Map<string, { start: number; end: number }>): Map<string, string> {
  return new Map([...spans].map(([k, sp]) => [k, text.slice(sp.start, sp.end)]));
}

/** `test_id` and `request` exactly as Python reads them, without parsing the response. */
function requestOf(file: string, bytes: Buffer): ExactRequest {
  // Invalid UTF-8 anywhere, or plainly not one whole object (empty, truncated, a header before
  // it): the positioned error. isUtf8 is cheap; decoding the whole response is not.
  if (!isUtf8(bytes)) decodeUtf8(file, bytes);
  if (!braced(bytes)) parseRecordingText(file, decodeUtf8(file, bytes));
  const members = memberTexts(file, bytes);
  try {
    const t = members.get("test_id");
    const r = members.get("request");
    return { testId: t === undefined ? undefined : parseExact(t), request: r === undefined ? null : parseExact(r) };
  } catch (err) {
    parseRecordingText(file, decodeUtf8(file, bytes)); // a syntax error inside them: say where
    throw err;
  }
}

function scanned(file: string, exact: ExactRequest, seen: { size: number; mtimeMs: number }): ScannedRecording {
  const { testId, request } = exact;
  const inner = request instanceof Map ? request.get("test_id") : isObject(request) ? request["test_id"] : undefined;
  const id = typeof testId === "string" ? testId : typeof inner === "string" ? inner : null;
  return { file, ...judgeReachability({ file, request: exact }), testId: id === "" ? null : id, size: seen.size, mtimeMs: seen.mtimeMs };
}

function unreadable(file: string, err: unknown): UnreadableRecording {
  if (err instanceof RecordingError) return { file, unreadable: err.message, line: err.line, column: err.column };
  return { file, unreadable: `cannot read: ${err instanceof Error ? err.message : String(err)}`, line: null, column: null };
}

function scanFile(file: string): Scan {
  try {
    const { bytes, size, mtimeMs } = readBytes(file);
    return scanned(file, requestOf(file, bytes), { size, mtimeMs });
  } catch (err) {
    return unreadable(file, err);
  }
}

/**
 * An orphan candidate read again, whole, before it is listed: one whose response does not parse
 * is reported, never removed.
 */
export function confirmReadable(scan: ScannedRecording): Scan {
  try {
    readRecordingSync(scan.file);
    return scan;
  } catch (err) {
    return unreadable(scan.file, err);
  }
}

/** Runs in each thread for `prune`. */
export async function prepareTask(): Promise<(file: string) => Promise<Scan>> {
  return async (file) => scanFile(file);
}

export async function scanRecordings(files: readonly string[]): Promise<Scan[]> {
  return runParallel(files, undefined, { url: new URL(import.meta.url), prepare: prepareTask });
}
