/** `recctl hash <ref…>`: the request hash recomputed, and whether the file name agrees. */
import type { CommonOptions, Outcome } from "../options.js";
import { exactRequest, readRecording } from "../core/recording.js";
import type { RulesChoice } from "../core/rules/detect.js";
import { NEWEST_ERA, type Era } from "../core/rules/eras.js";
import { isUnreachable, originOf, verdictOf } from "../core/rules/verdict.js";
import type { HashRow } from "../report/hash.js";
import { reporterFor } from "../report/index.js";
import { perFile } from "./refs.js";

export interface HashCommandOptions extends CommonOptions {
  refs: string[];
  explain: boolean;
  /** `--rules`; null: the repository's recorder, else the newest. */
  rules?: RulesChoice | null;
}

/** One file's row; the hashed text only with `explain` (writing it costs as much again as the hash). */
export async function hashFile(file: string, era: Era = NEWEST_ERA, explain = false): Promise<HashRow> {
  const rec = await readRecording(file);
  const input = exactRequest(rec);
  const result = verdictOf(input, rec.name, era);
  const matches = result.status === "reachable";
  return {
    file,
    kind: result.kind,
    hash: result.hash,
    name_hash: rec.name?.hash ?? null,
    matches,
    verdict: result.status,
    normalized: explain ? result.normalized : null,
    note: result.note,
    era: era.id,
    origin: rec.name !== null && isUnreachable(result) ? originOf(input, rec.name, result) : null,
  };
}

export async function hashCommand(opts: HashCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const rules = await opts.workspace.rules();
  const { rows, failures, skipped } = await perFile(opts, (file) => hashFile(file, rules.eraFor(file), opts.explain));
  (await reporterFor("hash", opts))(output, { rows, failures, skipped, explain: opts.explain, rules });
  if (failures.length > 0) return "error";
  return rows.every((r) => r.matches || r.name_hash === null) ? "ok" : "findings";
}
