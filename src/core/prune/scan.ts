/**
 * Reading recordings for `prune`, on every core: each file's `test_id` and `request`
 * (read-request.ts) judged for reachability in the thread that read it. The response, most of
 * the file, is neither decoded nor parsed; a file about to be listed is parsed whole first.
 */
import { runParallel } from "../parallel.js";
import { readRequestOnly } from "../read-request.js";
import { failureOf, isObject, readRecordingSync, type ExactRequest } from "../recording.js";
import { isFileFailure, type FileFailure } from "../types.js";
import type { Era } from "../rules/eras.js";
import { rulesFromTask, rulesTask, type RulesInUse } from "../rules/detect.js";
import { judgeReachability, type ScannedRecording } from "./judge.js";

/** A file that could not be read or parsed: never judged, never removed (the one failure type). */
export type UnreadableRecording = FileFailure;

export type Scan = ScannedRecording | UnreadableRecording;

export function isUnreadable(s: Scan): s is UnreadableRecording {
  return isFileFailure(s);
}

function scanned(file: string, exact: ExactRequest, seen: { size: number; mtimeMs: number }, era: Era): ScannedRecording {
  const { testId, request } = exact;
  const inner = request instanceof Map ? request.get("test_id") : isObject(request) ? request["test_id"] : undefined;
  const id = typeof testId === "string" ? testId : typeof inner === "string" ? inner : null;
  return { file, ...judgeReachability({ file, request: exact }, era), testId: id === "" ? null : id, size: seen.size, mtimeMs: seen.mtimeMs };
}

function unreadable(file: string, err: unknown): UnreadableRecording {
  return failureOf(file, err);
}

function scanFile(file: string, era: Era): Scan {
  try {
    const { exact, size, mtimeMs } = readRequestOnly(file);
    return scanned(file, exact, { size, mtimeMs }, era);
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

export interface ScanTaskOptions {
  /** The id of the era whose hash rules judge `unreachable` (`rules/eras.ts`). */
  rules: string;
  /** Each file by the era of its layout (rules/layout.ts). */
  layout: boolean;
}

/** Runs in each thread for `prune`. */
export async function prepareTask(options: ScanTaskOptions): Promise<(file: string) => Promise<Scan>> {
  const rules = rulesFromTask(options);
  return async (file) => scanFile(file, rules.eraFor(file));
}

export async function scanRecordings(files: readonly string[], rules: RulesInUse): Promise<Scan[]> {
  return runParallel(files, rulesTask(rules), { url: new URL(import.meta.url), prepare: prepareTask });
}
