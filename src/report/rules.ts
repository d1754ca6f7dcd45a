/** How the era in use is said, the same way in every text summary. */
import type { RulesInUse } from "../core/rules/detect.js";
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

/** The members a `--json` summary adds: the era's id (a date) and where it came from. */
export function rulesJson(rules: RulesInUse): { rules: string; rules_source: RulesInUse["source"] } {
  return { rules: rules.era.id, rules_source: rules.source };
}
