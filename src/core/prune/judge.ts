/**
 * Judging scanned recordings: whether the recorder can ever find a file (`unreachable`), and
 * whether its test still exists (`test-file-missing`, `not-collected`). Plain data in, plain
 * data out; nothing here reads the recordings themselves.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isErrored, testFileOf, type Manifest } from "../collected.js";
import type { Era } from "../rules/eras.js";
import { nameHash, type ExactRequest } from "../recording.js";
import { isUnreachable, verdictOf, type VerdictStatus } from "../rules/verdict.js";
import type { OrphanReason } from "./reasons.js";

/** Whether the recorder can find a file by its request (SPEC, "The request hash"). */
export interface Reachability {
  /** The hash the file name claims; null when the name is not a hash (`notes.json`). */
  nameHash: string | null;
  /** The hash of its own request; null when no hashing rule applies. */
  requestHash: string | null;
  /** The one verdict (rules/verdict.ts): `no-rule` and `unreachable` both make the orphan reason `unreachable`. */
  verdict: VerdictStatus;
}

/** The one verdict on a scanned recording, as prune keeps it. */
export function judgeReachability(recording: { file: string; request: ExactRequest }, era: Era): Reachability {
  const v = verdictOf(recording.request, nameHash(recording.file), era);
  return { nameHash: v.nameHash, requestHash: v.hash, verdict: v.status };
}

/** What judging needs from one readable file. */
export interface ScannedRecording extends Reachability {
  file: string;
  testId: string | null;
  /** Size and mtime as read: removal refuses a file that changed since. */
  size: number;
  mtimeMs: number;
}

export type Existence = "present" | "missing" | "unknown";

async function existence(file: string): Promise<Existence> {
  try {
    await stat(file);
    return "present";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Only a file that is certainly absent makes an orphan; EACCES and the like are not judged.
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "unknown";
  }
}

/** Each test file named by a `test_id`, resolved against the repository root. */
export async function testFileExistence(scans: readonly ScannedRecording[], repoRoot: string): Promise<Map<string, Existence>> {
  const files = new Set<string>();
  for (const s of scans) if (s.testId !== null) files.add(testFileOf(s.testId));
  // In path order, not in the order the checks finish: the guard names the first as its example.
  const sorted = [...files].sort();
  const found = await Promise.all(sorted.map(async (f) => (f === "" ? "unknown" : await existence(resolve(repoRoot, f)))));
  return new Map(sorted.map((f, i) => [f, found[i] ?? "unknown"]));
}

/** A recording whose test file pytest could not collect: `not-collected` was not judged. */
export interface Unjudged {
  file: string;
  testFile: string;
}

export interface TestJudge {
  reasons: (scan: ScannedRecording) => OrphanReason[];
  unjudged: Unjudged[];
}

export function testJudge(manifest: Manifest | null, exists: ReadonlyMap<string, Existence>): TestJudge {
  const unjudged: Unjudged[] = [];
  const manifestFiles = new Set<string>();
  if (manifest !== null) for (const id of manifest.ids) manifestFiles.add(testFileOf(id));

  const reasons = (scan: ScannedRecording): OrphanReason[] => {
    const out: OrphanReason[] = [];
    if (isUnreachable({ status: scan.verdict })) out.push("unreachable");
    // Shared recordings (no test_id, e.g. model lists) are never orphans by a test reason (SPEC).
    if (scan.testId === null) return out;
    const testFile = testFileOf(scan.testId);
    if (exists.get(testFile) === "missing") out.push("test-file-missing");
    if (manifest === null) return out;
    // A file pytest failed to collect says nothing about which of its tests exist.
    const errored = isErrored(manifest, testFile) || (manifest.unnamedErrors && !manifestFiles.has(testFile));
    if (errored && exists.get(testFile) !== "missing") unjudged.push({ file: scan.file, testFile });
    else if (!manifest.ids.has(scan.testId)) out.push("not-collected");
    return out;
  };
  return { reasons, unjudged };
}
