/**
 * `recctl redact [paths…]`: replaces infrastructure ids (and with `--secrets` credentials) by
 * stable placeholders wherever the request hash stays unchanged; refuses a file, naming the
 * pointers, where a value takes part in the hash. Dry run by default; `--write` rewrites
 * atomically, only inside the repository's recordings folders, and an interrupt finishes the file
 * in flight and stops.
 */
import { emptyRunFails } from "../core/discover.js";
import { watchInterrupts, type UntilInterrupted } from "../core/io/interrupt.js";
import { refusesStream } from "./streams.js";
import type { CommonOptions, Outcome } from "../options.js";
import { allowListFrom } from "../core/guard/secrets-config.js";
import { isRedactFailure, redactMany, redactUntilInterrupted, type RedactResult } from "../core/redact.js";
import { rulesTask } from "../core/rules/detect.js";
import { findStaleTemps, foldersOf, sweepStaleTemps } from "../core/write.js";
import { printDiscovery } from "../report/output.js";
import { reporterFor } from "../report/index.js";
import { printStaleTemps, progressPrinter } from "../report/write.js";

export interface RedactCommandOptions extends CommonOptions {
  paths: string[];
  write: boolean;
  /** Replace `secret` findings too, not only `infra-id` ones. */
  secrets: boolean;
}

export async function redactCommand(opts: RedactCommandOptions): Promise<Outcome> {
  const { output, workspace } = opts;
  if (opts.write && refusesStream(output, opts.paths, "a stream (standard input, /dev/fd) cannot be rewritten in place; without --write, redact reads it and says what would change")) return "error";
  // Watched from the start: an interrupt during discovery stops the run before any write.
  const interrupts = opts.write ? watchInterrupts() : null;
  let run: UntilInterrupted<RedactResult>;
  let found: Awaited<ReturnType<typeof workspace.discover>>;
  try {
    const rules = await workspace.rules();
    found = await workspace.discover(opts.paths);
    printDiscovery(output, found, opts.paths, opts.root, workspace.allowEmpty);
    const options = {
      secrets: opts.secrets,
      write: opts.write,
      repoRoot: workspace.recordingsBelow,
      ...rulesTask(rules),
      allowList: allowListFrom(workspace.config?.values["secrets"]),
    };
    if (interrupts === null) run = { results: await redactMany(found.files, options), interruption: null };
    else run = await redactUntilInterrupted(found.files, options, { interrupts, onProgress: progressPrinter(output, "redact") });
  } finally {
    interrupts?.dispose();
  }
  const { results, interruption } = run;
  printStaleTemps(output, await sweepStaleTemps(await findStaleTemps(foldersOf(found.files)), opts.write), "--write");
  (await reporterFor("redact", opts))(output, { results, write: opts.write, secrets: opts.secrets, interruption });
  if (interruption !== null) return "interrupted";
  return found.missing.length > 0 || emptyRunFails(found, workspace.allowEmpty) || results.some(isRedactFailure) ? "error" : "ok";
}
