/**
 * `recctl normalize [paths…]`: the recorder's response normalization applied to stored files.
 * Dry run by default; `--write` rewrites atomically; `--check` exits 1 when anything would
 * change (with `--write` too: fixed, and still reported as a finding, for CI that fixes and fails).
 */
import { emptyRunFails } from "../core/discover.js";
import { refusesStream } from "./streams.js";
import type { CommonOptions, Outcome } from "../options.js";
import { printDiscovery } from "../report/output.js";
import { watchInterrupts, type UntilInterrupted } from "../core/io/interrupt.js";
import { isNormalizeFailure, normalizeMany, normalizeUntilInterrupted, wouldChange, type NormalizeResult } from "../core/normalize.js";
import { findStaleTemps, foldersOf, sweepStaleTemps } from "../core/write.js";
import { reporterFor } from "../report/index.js";
import type { NormalizeMode } from "../report/normalize.js";
import { printStaleTemps, progressPrinter } from "../report/write.js";

export interface NormalizeCommandOptions extends CommonOptions {
  paths: string[];
  write: boolean;
  check: boolean;
}

export async function normalizeCommand(opts: NormalizeCommandOptions): Promise<Outcome> {
  const { output } = opts;
  if (opts.write && refusesStream(output, opts.paths, `a stream (standard input, /dev/fd) cannot be rewritten in place; without --write, normalize reads it and says what would change`)) return "error";
  // Watched from the start: an interrupt during discovery stops the run before any write.
  const interrupts = opts.write ? watchInterrupts() : null;
  let run: UntilInterrupted<NormalizeResult>;
  let found: Awaited<ReturnType<typeof opts.workspace.discover>>;
  try {
    found = await opts.workspace.discover(opts.paths);
    printDiscovery(output, found, opts.paths, opts.root, opts.workspace.allowEmpty);
    if (interrupts === null) run = { results: await normalizeMany(found.files, { write: false, repoRoot: null }), interruption: null };
    else {
      const repoRoot = opts.workspace.recordingsBelow;
      run = await normalizeUntilInterrupted(found.files, { write: true, repoRoot }, { interrupts, onProgress: progressPrinter(output, "normalize") });
    }
  } finally {
    interrupts?.dispose();
  }
  const { results, interruption } = run;
  // A run killed mid-write leaves its temporary file beside the recording: --write removes it.
  printStaleTemps(output, await sweepStaleTemps(await findStaleTemps(foldersOf(found.files)), opts.write), "--write");
  const mode: NormalizeMode = opts.write ? "write" : opts.check ? "check" : "dry-run";
  (await reporterFor("normalize", opts))(output, { results, mode, interruption });
  if (interruption !== null) return "interrupted";
  if (found.missing.length > 0 || emptyRunFails(found, opts.workspace.allowEmpty) || results.some(isNormalizeFailure)) return "error";
  const changed = results.some((r) => !isNormalizeFailure(r) && wouldChange(r));
  return opts.check && changed ? "findings" : "ok";
}
