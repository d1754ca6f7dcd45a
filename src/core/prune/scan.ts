/**
 * Reading recordings for `prune`, on every core: each file's `test_id` and `request`
 * (read-request.ts) judged for reachability in the thread that read it. The response, most of
 * the file, is neither decoded nor parsed; a file about to be listed is parsed whole first.
 */
import { runParallel } from "../parallel.js";
import { readRequestOnly } from "../read-request.js";
import { isObject, readRecordingSync, RecordingError, type ExactRequest } from "../recording.js";
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
    const { exact, size, mtimeMs } = readRequestOnly(file);
    return scanned(file, exact, { size, mtimeMs });
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
