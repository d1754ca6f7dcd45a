/**
 * `recctl migrate-types <old-prefix>=<new-prefix>… [paths…]`: rewrites response `__type__`
 * module prefixes only (never a request), every file keeping its hash. Dry run by default;
 * `--write` rewrites atomically, only inside the repository's recordings folders, and an
 * interrupt finishes the file in flight and stops.
 */
import { emptyRunFails } from "../core/discover.js";
import { watchInterrupts, type UntilInterrupted } from "../core/io/interrupt.js";
import { refusesStream } from "./streams.js";
import type { CommonOptions, Outcome } from "../options.js";
import { isMigrateTypesFailure, migrateTypesMany, migrateTypesUntilInterrupted, type MigrateTypesResult, type TypeMapping } from "../core/migrate-types.js";
import { findStaleTemps, foldersOf, sweepStaleTemps } from "../core/write.js";
import { printDiscovery } from "../report/output.js";
import { reporterFor } from "../report/index.js";
import { printStaleTemps, progressPrinter } from "../report/write.js";

export interface MigrateTypesCommandOptions extends CommonOptions {
  /** Parsed at the edge with `parseTypeMapping` (core/migrate-types.ts); at least one. */
  mappings: TypeMapping[];
  paths: string[];
  write: boolean;
}

export async function migrateTypesCommand(opts: MigrateTypesCommandOptions): Promise<Outcome> {
  const { output, workspace } = opts;
  if (opts.write && refusesStream(output, opts.paths, "a stream (standard input, /dev/fd) cannot be rewritten in place; without --write, migrate-types reads it and says what would change")) return "error";
  // Watched from the start: an interrupt during discovery stops the run before any write.
  const interrupts = opts.write ? watchInterrupts() : null;
  let run: UntilInterrupted<MigrateTypesResult>;
  let found: Awaited<ReturnType<typeof workspace.discover>>;
  try {
    found = await workspace.discover(opts.paths);
    printDiscovery(output, found, opts.paths, opts.root, workspace.allowEmpty);
    const options = { mappings: opts.mappings, write: opts.write, repoRoot: workspace.recordingsBelow };
    if (interrupts === null) run = { results: await migrateTypesMany(found.files, options), interruption: null };
    else run = await migrateTypesUntilInterrupted(found.files, options, { interrupts, onProgress: progressPrinter(output, "migrate-types") });
  } finally {
    interrupts?.dispose();
  }
  const { results, interruption } = run;
  printStaleTemps(output, await sweepStaleTemps(await findStaleTemps(foldersOf(found.files)), opts.write), "--write");
  (await reporterFor("migrate-types", opts))(output, { results, write: opts.write, interruption });
  if (interruption !== null) return "interrupted";
  return found.missing.length > 0 || emptyRunFails(found, workspace.allowEmpty) || results.some(isMigrateTypesFailure) ? "error" : "ok";
}
