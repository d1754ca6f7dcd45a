/**
 * From judged recordings to the plan: the orphans with their reasons, and the part of them that
 * `--reason` selects (what is listed, and what `--delete` would remove).
 */
import type { ScannedRecording } from "./judge.js";
import type { IndexOrphan } from "./legacy.js";
import { sortReasons, type OrphanReason } from "./reasons.js";
import type { Kept, Superseded, TwinVerdict } from "./superseded.js";

export interface Orphan {
  file: string;
  /** The hash the name claims (the file's identity), else the request's. */
  hash: string | null;
  requestHash: string | null;
  test_id: string | null;
  reasons: OrphanReason[];
  /** Size and mtime when read: removal refuses a file that changed since. */
  seen: { size: number; mtimeMs: number };
  /** The legacy index rows that name this file; they are removed with it. */
  indexRows: { indexPath: string; rowHashes: string[] } | null;
  /** `superseded`: the correctly named recording of the same request, and whether the responses differ. */
  superseded: Superseded | null;
  /** A stale answer newer than its twin's (or of unknown age): listed, never removed by `--delete`. */
  kept: Kept | null;
}

export function orphanOf(scan: ScannedRecording, reasons: Iterable<OrphanReason>, indexRows: Orphan["indexRows"], twin: TwinVerdict | null): Orphan {
  return {
    file: scan.file,
    hash: scan.nameHash ?? scan.requestHash,
    requestHash: scan.requestHash,
    test_id: scan.testId,
    reasons: sortReasons(reasons),
    seen: { size: scan.size, mtimeMs: scan.mtimeMs },
    indexRows,
    superseded: twin?.superseded ?? null,
    kept: twin?.kept ?? null,
  };
}

export interface Selection {
  orphans: Orphan[];
  indexOrphans: IndexOrphan[];
}

/** The orphans having any of `reasons` (all of them when none is given). */
export function select(all: Selection, reasons: readonly OrphanReason[]): Selection {
  const wanted = (r: OrphanReason): boolean => reasons.length === 0 || reasons.includes(r);
  return {
    orphans: all.orphans.filter((o) => o.reasons.some(wanted)),
    indexOrphans: wanted("index-orphan") ? all.indexOrphans : [],
  };
}
