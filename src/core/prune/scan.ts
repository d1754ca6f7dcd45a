/**
 * Reading recordings for `prune`, on every core: each file's `test_id` and `request`, found with
 * the tokenizer (`spans.ts`, the same reading `hash` uses, so a repeated key counts as json.load
 * counts it) and judged for reachability in the thread that read it.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
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

export function isUnreadable(s: Scan): s is UnreadableRecording {
  return "unreadable" in s;
}

const WANTED = ["test_id", "request"];

function ioError(file: string, err: unknown): RecordingError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (err as Error).message;
  return new RecordingError(file, `cannot read: ${why}`, "io");
}

/**
 * The file's text, size and mtime from one open file. Opened without blocking and checked to be
 * a regular file first: a FIFO named like a recording would otherwise wait for a writer forever.
 */
function readText(file: string): { text: string; size: number; mtimeMs: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw ioError(file, err);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new RecordingError(file, "not a regular file", "io");
    return { text: decodeUtf8(file, readFileSync(fd)), size: info.size, mtimeMs: info.mtimeMs };
  } catch (err) {
    throw err instanceof RecordingError ? err : ioError(file, err);
  } finally {
    closeSync(fd);
  }
}

function braced(text: string): boolean {
  return /^\s*\{/.test(text) && /\}\s*$/.test(text);
}

/** `test_id` and `request` exactly as Python reads them, without parsing the response. */
function requestOf(file: string, text: string): ExactRequest {
  // Plainly not one whole object (empty, truncated, a header before it): the positioned error.
  if (!braced(text)) parseRecordingText(file, text);
  const spans = topLevelSpans(text, WANTED);
  const at = (key: string): string | undefined => {
    const span = spans.get(key);
    return span === undefined ? undefined : text.slice(span.start, span.end);
  };
  try {
    const t = at("test_id");
    const r = at("request");
    return { testId: t === undefined ? undefined : parseExact(t), request: r === undefined ? null : parseExact(r) };
  } catch (err) {
    parseRecordingText(file, text); // a syntax error inside them: say where
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
    const { text, size, mtimeMs } = readText(file);
    return scanned(file, requestOf(file, text), { size, mtimeMs });
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
