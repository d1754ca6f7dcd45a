/** How the era in use is said, the same way in every text summary. */
import type { RulesInUse } from "../core/rules/detect.js";
import { describeEra } from "../core/rules/eras.js";
import type { Output } from "./output.js";

/** Why these rules: `--rules`, the repository's recorder source, or none found. */
export function rulesReason(output: Output, rules: RulesInUse): string {
  if (rules.source === "option") return "from --rules";
  if (rules.recorder !== null) return `from ${output.path(rules.recorder)}`;
  if (rules.unrecognised !== null) return `newest: ${output.path(rules.unrecognised)} not recognised`;
  return "newest: no recorder source found";
}

/** "hash rules of 2026-04-09 (file-search normalization, #5173), newest: no recorder source found". */
export function rulesLine(output: Output, rules: RulesInUse): string {
  return `hash rules of ${describeEra(rules.era)}, ${rulesReason(output, rules)}`;
}

/** The members a `--json` summary adds: the era's id (a date) and where it came from. */
export function rulesJson(rules: RulesInUse): { rules: string; rules_source: RulesInUse["source"] } {
  return { rules: rules.era.id, rules_source: rules.source };
}
