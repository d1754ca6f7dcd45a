/** `--max-delete`: how many recordings `prune --delete` may remove in one run (SPEC: default 25%). */

/** `--max-delete`: a count of recordings, or a percentage of the recordings in scope. */
export type MaxDelete = { count: number } | { percent: number };

export const DEFAULT_MAX_DELETE: MaxDelete = { percent: 25 };

/** `50` (recordings) or `40%` (of the recordings in scope); null when it is neither. */
export function parseMaxDelete(value: string): MaxDelete | null {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value.trim());
  if (m === null) return null;
  const n = Number(m[1]);
  if (m[2] === "%") return n <= 100 ? { percent: n } : null;
  return Number.isInteger(n) ? { count: n } : null;
}

export function formatMaxDelete(m: MaxDelete): string {
  return "count" in m ? String(m.count) : `${m.percent}%`;
}

/** The most `--max-delete` allows of `scanned` recordings. */
export function deletionLimit(m: MaxDelete, scanned: number): number {
  return "count" in m ? m.count : Math.floor((scanned * m.percent) / 100 + 1e-9);
}
