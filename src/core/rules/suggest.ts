/**
 * When most of a tree is unreachable under the era in use, the era is likely the wrong one (a
 * 2025 tree judged by today's rules): which era names the most of those files? Asked only then,
 * on a bounded sample, so a healthy run never pays for it.
 */
import { exactRequest, nameHash, readRecordingSync } from "../recording.js";
import { ERAS, type Era } from "./eras.js";
import { erasNaming } from "./judge.js";

export interface EraSuggestion {
  era: Era;
  /** How many of the sampled files it names. */
  named: number;
  sampled: number;
}

/** Unreachable files past this share of the files judged make a run suggest another era. */
export const SUGGEST_ABOVE = 0.5;

/** The era naming the most of `stale` (ties to the newer); null when none names any or it is the one in use. */
export function suggestEra(stale: readonly string[], inUse: Era, limit = 200): EraSuggestion | null {
  const sample = stale.slice(0, limit);
  const counts = new Map<Era, number>();
  let sampled = 0;
  for (const file of sample) {
    const name = nameHash(file);
    if (name === null) continue;
    try {
      const input = exactRequest(readRecordingSync(file));
      sampled++;
      for (const era of erasNaming(input, name)) counts.set(era, (counts.get(era) ?? 0) + 1);
    } catch {
      // An unreadable file is reported by the command that judged it; it names no era here.
    }
  }
  let best: { era: Era; named: number } | null = null;
  for (const era of ERAS) {
    const named = counts.get(era) ?? 0;
    if (named > 0 && (best === null || named >= best.named)) best = { era, named };
  }
  if (best === null || best.era === inUse) return null;
  return { ...best, sampled };
}
