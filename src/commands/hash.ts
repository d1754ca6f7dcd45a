/** `recctl hash <ref…>`: the request hash recomputed, and whether the file name agrees. */
import type { CommonOptions } from "../cli.js";
import { requestHash } from "../core/hash.js";
import { exactRequest, nameAgrees, readRecording, RecordingError } from "../core/recording.js";
import { resolveMany } from "../core/resolve.js";
import { hashReporters, type HashRow } from "../report/hash.js";
import { printFileError, printRefError } from "../report/output.js";

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

export async function hashCommand(opts: HashCommandOptions): Promise<number> {
  const { output } = opts;
  const { files, errors, expanded } = await resolveMany(opts.refs, opts.root);
  for (const e of errors) printRefError(output, e);
  const rows: HashRow[] = [];
  let failed = errors.length > 0;
  for (const file of files) {
    try {
      rows.push(await hashFile(file));
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
      printFileError(output, err);
      failed = true;
    }
  }
  (opts.json ? hashReporters.json : hashReporters.text)(output, rows, opts.explain, opts.refs.length !== 1 || expanded);
  if (failed) return 2;
  return rows.every((r) => r.matches || r.name_hash === null) ? 0 : 1;
}
