/**
 * Why a recording is an orphan (SPEC, "Orphan reasons"): the one list, in the order a
 * recording's reasons are printed. The CLI's `--reason` choices come from it.
 */
export const ORPHAN_REASONS = ["unreachable", "superseded", "test-file-missing", "not-collected", "unindexed", "index-orphan"] as const;
export type OrphanReason = (typeof ORPHAN_REASONS)[number];

export function isOrphanReason(s: string): s is OrphanReason {
  return (ORPHAN_REASONS as readonly string[]).includes(s);
}

export function sortReasons(reasons: Iterable<OrphanReason>): OrphanReason[] {
  return [...new Set(reasons)].sort((a, b) => ORPHAN_REASONS.indexOf(a) - ORPHAN_REASONS.indexOf(b));
}
