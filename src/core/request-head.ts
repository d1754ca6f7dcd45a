/**
 * Reading only the top of a recording: `test_id` and `request` (which the recorder writes
 * first) from the first few KiB, found in the raw bytes, exactly as `exactRequest` reads them.
 * For `prune`, which judges thousands of files by their request alone and parses a response only
 * when a file is about to be listed.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { parseExact } from "./pyjson.js";
import { decodeUtf8, RecordingError, type ExactRequest } from "./recording.js";
import { topLevelSpans, type Span } from "./spans.js";

function ioError(file: string, err: unknown): RecordingError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (err as Error).message;
  return new RecordingError(file, `cannot read: ${why}`, "io");
}

/** Enough for `test_id` and `request` in nearly every recording; the rest is the response. */
const HEAD_BYTES = 8 * 1024;
const TAIL_BYTES = 256;

export interface Head {
  /** The first bytes, cut at a character boundary (a view of a shared buffer: decode at once). */
  bytes: Buffer;
  /** Whether `bytes` is the whole file. */
  whole: boolean;
  /** First and last non-blank bytes are `{` and `}`: not empty, truncated or prefixed. */
  braced: boolean;
  size: number;
  mtimeMs: number;
}

// One buffer per thread, reused: a fresh 64 KiB per file is 200 MB of garbage for 3,000 files.
const HEAD_BUFFER = Buffer.allocUnsafe(HEAD_BYTES);
const TAIL_BUFFER = Buffer.allocUnsafe(TAIL_BYTES);

function readAt(fd: number, buf: Buffer, length: number, position: number): Buffer {
  let n = 0;
  while (n < length) {
    const got = readSync(fd, buf, n, length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

const BLANK = new Set([0x20, 0x09, 0x0a, 0x0d]);

function firstNonBlank(buf: Buffer): number | undefined {
  for (let i = 0; i < buf.length; i++) if (!BLANK.has(buf[i] ?? 0)) return buf[i];
  return undefined;
}

function lastNonBlank(buf: Buffer): number | undefined {
  for (let i = buf.length - 1; i >= 0; i--) if (!BLANK.has(buf[i] ?? 0)) return buf[i];
  return undefined;
}

/** Where the last whole UTF-8 character of a cut buffer ends: a character cut in two is not an encoding error. */
function charBoundary(buf: Buffer): number {
  let lead = buf.length - 1;
  while (lead > 0 && buf.length - lead < 4 && ((buf[lead] ?? 0) & 0xc0) === 0x80) lead--;
  const b = buf[lead] ?? 0;
  const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + length > buf.length ? lead : buf.length;
}

/**
 * The head and the last bytes of a file, synchronously: thousands of small reads through the
 * async thread pool spend most of their time waiting for each other (3,000 files: ~0.4 s idle
 * of 1.1 s), and reading whole files only to skip their responses costs the rest.
 */
export function readHead(file: string): Head {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    throw ioError(file, err);
  }
  try {
    const info = fstatSync(fd);
    const head = readAt(fd, HEAD_BUFFER, Math.min(info.size, HEAD_BYTES), 0);
    const whole = head.length >= info.size;
    const tail = whole ? head : readAt(fd, TAIL_BUFFER, TAIL_BYTES, Math.max(0, info.size - TAIL_BYTES));
    return {
      bytes: whole ? head : head.subarray(0, charBoundary(head)),
      whole,
      braced: firstNonBlank(head) === 0x7b && lastNonBlank(tail) === 0x7d,
      size: info.size,
      mtimeMs: info.mtimeMs,
    };
  } catch (err) {
    throw err instanceof RecordingError ? err : ioError(file, err);
  } finally {
    closeSync(fd);
  }
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw ioError(file, err);
  }
}

// The spans are found in the UTF-8 bytes: `{ } [ ] " , :` and `\` never occur inside a
// multi-byte character, so only the two values wanted are ever decoded.
const WANTED = ["test_id", "request"];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipBlank(buf: Uint8Array, i: number): number {
  let j = i;
  for (let c = buf[j]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = buf[++j]);
  return j;
}

/** Index just past the string starting at `i` (a `"`), or -1 when it does not end. */
function stringEnd(buf: Buffer, i: number): number {
  for (let from = i + 1; ; ) {
    const q = buf.indexOf(QUOTE, from);
    if (q < 0) return -1;
    let backslashes = 0;
    while (buf[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Index just past the JSON value starting at `i`, or -1 when the bytes end first. */
function valueEnd(buf: Buffer, i: number): number {
  const first = buf[i];
  if (first === QUOTE) return stringEnd(buf, i);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const c = buf[j];
      if (c === QUOTE) {
        const end = stringEnd(buf, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth === 0) return j + 1;
    }
    return -1;
  }
  let j = i;
  for (let c = buf[j]; c !== undefined && c !== 0x2c && c !== 0x7d && c !== 0x5d && c > 0x20; c = buf[++j]);
  // A scalar running to the end of the bytes may have been cut.
  return j === i || j >= buf.length ? -1 : j;
}

/**
 * Where `test_id` and `request` lie in the top-level object: a plain scan that skips strings
 * whole, several times faster than a tokenizer. Null when the bytes end first or are not the
 * plain shape expected (escaped keys, stray text); then `topLevelSpans` decides.
 */
function quickSpans(buf: Buffer): Map<string, Span> | null {
  const found = new Map<string, Span>();
  let i = skipBlank(buf, 0);
  if (buf[i] !== 0x7b) return null;
  i = skipBlank(buf, i + 1);
  if (buf[i] === 0x7d) return found;
  for (;;) {
    if (buf[i] !== QUOTE) return null;
    const keyEnd = stringEnd(buf, i);
    if (keyEnd < 0) return null;
    const key = buf.toString("latin1", i + 1, keyEnd - 1);
    if (key.includes("\\")) return null;
    i = skipBlank(buf, keyEnd);
    if (buf[i] !== 0x3a) return null;
    const start = skipBlank(buf, i + 1);
    const end = valueEnd(buf, start);
    if (end < 0) return null;
    if (WANTED.includes(key)) {
      found.set(key, { start, end });
      if (found.size === WANTED.length) return found;
    }
    i = skipBlank(buf, end);
    if (buf[i] === 0x7d) return found;
    if (buf[i] !== 0x2c) return null;
    i = skipBlank(buf, i + 1);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** One value's text; invalid UTF-8 is reported with its line and column in the file. */
function decodeSpan(file: string, buf: Buffer, span: Span): string {
  try {
    return UTF8.decode(buf.subarray(span.start, span.end));
  } catch {
    return decodeUtf8(file, buf.subarray(0, span.end)); // throws, positioned in the file
  }
}

/** `test_id` and `request` read exactly (as `exactRequest` does), from the head when it holds both. */
export function readRequest(file: string, head: Head): ExactRequest {
  let bytes = head.bytes;
  let spans = quickSpans(bytes);
  if (spans === null && !head.whole) {
    bytes = readBytes(file);
    spans = quickSpans(bytes);
  }
  if (spans === null) {
    // Not the plain shape: let the tolerant tokenizer find them in the decoded text.
    const text = decodeUtf8(file, bytes);
    const found = topLevelSpans(text, WANTED);
    const at = (key: string): string | undefined => {
      const sp = found.get(key);
      return sp === undefined ? undefined : text.slice(sp.start, sp.end);
    };
    return exact(at("test_id"), at("request"));
  }
  const t = spans.get("test_id");
  const r = spans.get("request");
  return exact(t === undefined ? undefined : decodeSpan(file, bytes, t), r === undefined ? undefined : decodeSpan(file, bytes, r));
}

function exact(testId: string | undefined, request: string | undefined): ExactRequest {
  return {
    testId: testId === undefined ? undefined : parseExact(testId),
    request: request === undefined ? null : parseExact(request),
  };
}

