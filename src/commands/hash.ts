/** `recctl hash <ref…>`: the request hash recomputed, and whether the file name agrees. */
import type { CommonOptions, Outcome } from "../options.js";
import { requestHash } from "../core/hash.js";
import { exactRequest, nameAgrees, readRecording } from "../core/recording.js";
import { hashReporters, type HashRow } from "../report/hash.js";
import { perFile } from "./refs.js";

export interface HashCommandOptions extends CommonOptions {
  refs: string[];
  explain: boolean;
}

export async function hashFile(file: string): Promise<HashRow> {
  const rec = await readRecording(file);
  const result = requestHash(exactRequest(rec));
  return {
    file,
    kind: result.kind,
    hash: result.hash,
    name_hash: rec.name?.hash ?? null,
    matches: result.hash !== null && rec.name !== null && nameAgrees(rec.name, result.hash),
    normalized: result.normalized,
    note: result.note ?? null,
  };
}

export async function hashCommand(opts: HashCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const { rows, failed, expanded } = await perFile(opts, hashFile);
  (opts.json ? hashReporters.json : hashReporters.text)(output, rows, opts.explain, opts.refs.length !== 1 || expanded);
  if (failed) return "error";
  return rows.every((r) => r.matches || r.name_hash === null) ? "ok" : "findings";
}
