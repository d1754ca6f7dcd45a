/**
 * Which era's rules are in use (SPEC, "Hash rules by era"): the one `--rules` names, else the
 * era of the repository's own recorder (`testing/api_recorder.py` or
 * `testing/inference_recorder.py` under the repository root, recognised from its source), else
 * the newest.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { layoutEra } from "./layout.js";
import { eraById, eraOn, ERAS, isIsoDate, NEWEST_ERA, OLDEST_ERA, type Era } from "./eras.js";

/** What `--rules` asked for; null when it was not given. */
export type RulesChoice = { kind: "date"; date: string } | { kind: "current" };

export class RulesChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RulesChoiceError";
  }
}

/** `--rules <date|current>`, checked at the edge. */
export function parseRulesChoice(value: string): RulesChoice {
  if (value === "current") return { kind: "current" };
  if (!isIsoDate(value)) throw new RulesChoiceError(`expected a date (YYYY-MM-DD) or 'current', got '${value}'`);
  if (eraOn(value) === null) throw new RulesChoiceError(`${value} is before the first recorder (${OLDEST_ERA.id}); no hash rules were in force`);
  return { kind: "date", date: value };
}

/**
 * Where the era in use came from: `--rules`, the config's `rules`, the repository's recorder
 * source, the layout each recording lives in (no recorder source found), or the newest rules
 * (kept for callers that judge no file by its place, e.g. a stream).
 */
export type RulesSource = "option" | "config" | "recorder" | "layout" | "newest";

export const RULES_SOURCES: readonly RulesSource[] = ["option", "config", "recorder", "layout", "newest"];

export interface RulesInUse {
  /** The era in use; by layout, the era of per-test folders (the newest) — see `eraFor`. */
  era: Era;
  source: RulesSource;
  /** The recorder source the era was recognised from (absolute), when `source` is `recorder`. */
  recorder: string | null;
  /** The recorder source was found but no era could be recognised in it. */
  unrecognised: string | null;
  /** The era a file is judged by: `era`, or by layout the era of the folder it lives in. */
  eraFor: (file: string) => Era;
}

export function fixedRules(era: Era, source: RulesSource, recorder: string | null = null, unrecognised: string | null = null): RulesInUse {
  return { era, source, recorder, unrecognised, eraFor: () => era };
}

/** Rules by layout: each file by the era of its folder (core/rules/layout.ts). */
export function layoutRules(unrecognised: string | null): RulesInUse {
  return { era: NEWEST_ERA, source: "layout", recorder: null, unrecognised, eraFor: layoutEra };
}

/** The rules a task running in another thread rebuilds from plain data (`{ rules, layout }`). */
export function rulesFromTask(options: { rules: string; layout?: boolean }): RulesInUse {
  if (options.layout === true) return layoutRules(null);
  return fixedRules(eraById(options.rules) ?? NEWEST_ERA, "option");
}

/** What a worker task needs to rebuild the rules in use. */
export function rulesTask(rules: RulesInUse): { rules: string; layout: boolean } {
  return { rules: rules.era.id, layout: rules.source === "layout" };
}

/**
 * What each era's recorder source carries that the one before did not, newest first. Every
 * version in reference/recorder-history/ is recognised as its own era (test/core/eras.test.ts).
 */
const FINGERPRINTS: readonly [string, RegExp][] = [
  ["2026-04-09", /_FILE_SEARCH_SCORE_PATTERN\s*=|def _normalize_file_search_metadata\(/],
  ["2026-03-18", /\.pop\(\s*["']project_id["']/],
  ["2026-02-12", /def normalize_http_request\(/],
  ["2026-01-21", /exclude_stream_options/],
  ["2025-11-03", /parsed\.path not in \([^)]*["']\/v1\/openai\/v1\/models["']/],
  ["2025-10-09", /def _normalize_body_for_hash\(/],
  ["2025-10-04", /normalized\[\s*["']test_id["']\s*\]\s*=/],
  ["2025-07-29", /def normalize_(?:inference_)?request\(/],
];

/** The era a recorder module's source belongs to; null when it does not look like one. */
export function detectEra(source: string): Era | null {
  for (const [id, pattern] of FINGERPRINTS) if (pattern.test(source)) return eraById(id);
  return null;
}

const RECORDER_FILES = ["api_recorder.py", "inference_recorder.py"];

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules").map((e) => join(dir, e.name));
}

/**
 * Recorder sources where upstream kept them: `<pkg>/testing/` and `src/<pkg>/testing/` (and
 * `testing/` itself) under the repository root. A bounded look, not a walk of the tree.
 */
export async function findRecorderSources(repoRoot: string): Promise<string[]> {
  const bases = [repoRoot, ...(await subdirs(repoRoot)), ...(await subdirs(join(repoRoot, "src")))];
  const found: string[] = [];
  for (const base of bases) {
    const names = await readdir(join(base, "testing")).catch(() => [] as string[]);
    for (const f of RECORDER_FILES) if (names.includes(f)) found.push(join(base, "testing", f));
  }
  return found;
}

/**
 * The era in use: `--rules` (or the config's `rules`), else the repository's recorder (its source
 * under `repoDir`), else by layout. The repository root is found by the workspace, once.
 */
export async function resolveRules(choice: RulesChoice | null, repoDir: string, from: "option" | "config" = "option"): Promise<RulesInUse> {
  if (choice !== null) return fixedRules(choice.kind === "current" ? NEWEST_ERA : (eraOn(choice.date) ?? OLDEST_ERA), from);
  let best: { era: Era; file: string } | null = null;
  let unrecognised: string | null = null;
  for (const file of await findRecorderSources(repoDir)) {
    const era = detectEra(await readFile(file, "utf8").catch(() => ""));
    if (era === null) unrecognised ??= file;
    else if (best === null || ERAS.indexOf(era) > ERAS.indexOf(best.era)) best = { era, file };
  }
  if (best !== null) return fixedRules(best.era, "recorder", best.file);
  return layoutRules(unrecognised);
}
