/**
 * Which era's rules are in use (SPEC, "Hash rules by era"): the one `--rules` names, else the
 * era of the repository's own recorder (`testing/api_recorder.py` or
 * `testing/inference_recorder.py` under the repository root, recognised from its source), else
 * the newest.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { requestHash, type RequestHasher } from "../hash.js";
import { findRepoRoot } from "../repo-root.js";
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

export type RulesSource = "option" | "recorder" | "newest";

export interface RulesInUse {
  era: Era;
  /** `--rules`; the repository's recorder source; or none found (the newest rules). */
  source: RulesSource;
  /** The recorder source the era was recognised from (absolute), when `source` is `recorder`. */
  recorder: string | null;
  /** The recorder source was found but no era could be recognised in it. */
  unrecognised: string | null;
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

/** The era in use for a run under `root`: `--rules`, else the repository's recorder, else the newest. */
export async function resolveRules(choice: RulesChoice | null, root: string, repoDir?: string): Promise<RulesInUse> {
  if (choice !== null) {
    const era = choice.kind === "current" ? NEWEST_ERA : (eraOn(choice.date) ?? OLDEST_ERA);
    return { era, source: "option", recorder: null, unrecognised: null };
  }
  const repo = repoDir === undefined ? await findRepoRoot(root) : { dir: repoDir };
  let best: { era: Era; file: string } | null = null;
  let unrecognised: string | null = null;
  for (const file of await findRecorderSources(repo.dir)) {
    const era = detectEra(await readFile(file, "utf8").catch(() => ""));
    if (era === null) unrecognised ??= file;
    else if (best === null || ERAS.indexOf(era) > ERAS.indexOf(best.era)) best = { era, file };
  }
  if (best !== null) return { era: best.era, source: "recorder", recorder: best.file, unrecognised: null };
  return { era: NEWEST_ERA, source: "newest", recorder: null, unrecognised };
}

/** The hasher of the era `--rules` (or the repository's recorder, or the newest) puts in use. */
export async function hasherFor(choice: RulesChoice | null, root: string): Promise<{ rules: RulesInUse; hasher: RequestHasher }> {
  const rules = await resolveRules(choice, root);
  return { rules, hasher: (input) => requestHash(input, rules.era) };
}
