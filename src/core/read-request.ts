/**
 * A recording's `test_id` and `request` exactly as Python reads them, without decoding or parsing
 * the response (most of the file): the tokenizer (`spans.ts`, the same reading `hash` uses, so a
 * repeated key counts as json.load counts it) over the head of the file, or the whole text when
 * the head cannot be trusted. For commands that look at many files' requests (prune, explain).
 */
import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { describeFsError } from "./read.js";
import { parseExact } from "./pyjson.js";
import { decodeUtf8, parseRecordingText, RecordingError, REQUEST_MEMBER, ROOT_PREFIX, type ExactRequest } from "./recording.js";
import { topLevelSpans } from "./spans.js";

const WANTED = ["test_id", "request"];

function ioError(file: string, err: unknown): RecordingError {
  return new RecordingError(file, `cannot read: ${describeFsError(err)}`, "io");
}

/** One buffer per thread, grown as needed: a fresh one per file is megabytes of garbage a second. */
let buffer = Buffer.allocUnsafe(256 * 1024);

/**
 * The file's bytes (a view of the shared buffer: use before the next read), size and mtime, from
 * one open file. Opened without blocking and checked to be a regular file first: a FIFO named
 * like a recording would otherwise wait for a writer forever.
 */
function readFileBytes(file: string): { bytes: Buffer; size: number; mtimeMs: number } {
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
function memberTexts(file: string, bytes: Buffer, counts: readonly number[]): Map<string, string> {
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

const REQUEST_BYTES = Buffer.from(REQUEST_MEMBER);
const CLOSE_BYTES = Buffer.from("\n  }");

/**
 * The request in the recorder's layout, found without the tokenizer (which reads a long base64
 * string character by character): the text from `\n  "request": ` to the first `\n  }` after
 * it, when only `{` and a `test_id` precede it and neither key occurs anywhere else in the file
 * (so no later repeat overrides them). Null otherwise. If that text is not exactly the member's
 * value, the exact parse refuses it (a `{` value parsed whole that ends where the text ends is
 * the whole value), and the caller falls back to the tokenizer.
 */
function layoutTexts(file: string, bytes: Buffer, counts: readonly number[]): { testId: string | undefined; request: string } | null {
  const [testIds = 0, requests = 0] = counts;
  if (requests !== 1 || testIds > 1) return null;
  const at = bytes.indexOf(REQUEST_BYTES);
  const close = at < 0 ? -1 : bytes.indexOf(CLOSE_BYTES, at);
  if (close < 0) return null;
  const head = decodeUtf8(file, bytes.subarray(0, close + CLOSE_BYTES.length));
  const start = head.indexOf(REQUEST_MEMBER);
  const prefix = ROOT_PREFIX.exec(head.slice(0, start));
  if (prefix === null || (prefix[1] === undefined ? 0 : 1) !== testIds) return null;
  return { testId: prefix[1], request: head.slice(start + REQUEST_MEMBER.length) };
}

/** `test_id` and `request` exactly as Python reads them, without parsing the response. */
function requestOf(file: string, bytes: Buffer): ExactRequest {
  // Invalid UTF-8 anywhere, or plainly not one whole object (empty, truncated, a header before
  // it): the positioned error. isUtf8 is cheap; decoding the whole response is not.
  if (!isUtf8(bytes)) decodeUtf8(file, bytes);
  if (!braced(bytes)) parseRecordingText(file, decodeUtf8(file, bytes));
  // How often each wanted key's name occurs in the whole file (up to twice): both readers ask.
  const counts = KEY_BYTES.map((k) => occurrences(bytes, k, 1));
  const layout = layoutTexts(file, bytes, counts);
  if (layout !== null) {
    try {
      return { testId: layout.testId === undefined ? undefined : parseExact(layout.testId), request: parseExact(layout.request) };
    } catch {
      // Not the member's whole value after all: the tokenizer decides.
    }
  }
  const members = memberTexts(file, bytes, counts);
  try {
    const t = members.get("test_id");
    const r = members.get("request");
    return { testId: t === undefined ? undefined : parseExact(t), request: r === undefined ? null : parseExact(r) };
  } catch (err) {
    parseRecordingText(file, decodeUtf8(file, bytes)); // a syntax error inside them: say where
    throw err;
  }
}

/** The file's request and when it was read; a RecordingError (with line:col) when it cannot be read. */
export function readRequestOnly(file: string): { exact: ExactRequest; size: number; mtimeMs: number } {
  const { bytes, size, mtimeMs } = readFileBytes(file);
  return { exact: requestOf(file, bytes), size, mtimeMs };
}
