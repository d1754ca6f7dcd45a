/** How the era in use is said, the same way in every text summary. */
import type { RulesInUse } from "../core/rules/detect.js";
import type { EraSuggestion } from "../core/rules/suggest.js";
import { describeEra } from "../core/rules/eras.js";
import { LEGACY_LAYOUT_ERA } from "../core/rules/layout.js";
import type { Output } from "./output.js";

/** Why these rules: `--rules`, the repository's recorder source, or none found. */
export function rulesReason(output: Output, rules: RulesInUse): string {
  if (rules.source === "option") return "from --rules";
  if (rules.source === "config") return "from the config's rules";
  if (rules.recorder !== null) return `from ${output.path(rules.recorder)}`;
  const none = rules.unrecognised !== null ? `${output.path(rules.unrecognised)} not recognised` : "no recorder source found";
  if (rules.source === "layout") return `by layout (${none})`;
  return `newest: ${none}`;
}

/** "hash rules of 2026-04-09 (file-search normalization, #5173), from tests/…/api_recorder.py". */
export function rulesLine(output: Output, rules: RulesInUse): string {
  if (rules.source === "layout") {
    return `hash rules ${rulesReason(output, rules)}: per-test recordings folders by the rules of ${describeEra(rules.era)}, 2025 recordings/responses/ folders by those of ${LEGACY_LAYOUT_ERA.id}`;
  }
  return `hash rules of ${describeEra(rules.era)}, ${rulesReason(output, rules)}`;
}

/** Most of a tree unreachable under the era in use: the era naming the most of it, and how to choose it (stderr). */
export function printEraSuggestion(output: Output, s: { stale: number; judged: number; inUse: RulesInUse; suggestion: EraSuggestion }): void {
  const { era, named, sampled } = s.suggestion;
  const of = sampled < s.stale ? `${named} of a sample of ${sampled}` : `${named} of them`;
  output.err(
    `recctl: ${s.stale} of ${s.judged} recordings are unreachable under the rules in use (${rulesReason(output, s.inUse)}); the rules of ${era.id} name ${of}: choose them with --rules ${era.id}, or rules = "${era.id}" in [tool.recctl]`,
  );
}

/**
 * The members every `--json` document that judges hashes carries at its top level: the era in use
 * (its id, a date) and where it came from. Null when the run judged no hash (diff of equal requests).
 */
export function rulesJson(rules: RulesInUse | null): { rules: string | null; rules_source: RulesInUse["source"] | null } {
  return rules === null ? { rules: null, rules_source: null } : { rules: rules.era.id, rules_source: rules.source };
}
