/**
 * The run every command that rewrites recordings in place shares (normalize, migrate-types,
 * redact): no stream with `--write`; interrupts watched from the start of a `--write` run (one
 * during discovery stops it before any write); discovery; the work over every file (a dry run) or
 * until done or interrupted (`--write`, every file whole either way); temporary files of killed
 * runs swept (`--write`) or listed. The command adds its options and its reporter.
 */
import type { Discovery } from "../core/discover.js";
import { watchInterrupts, type Interruption, type UntilInterrupted } from "../core/io/interrupt.js";
import { runParallel, runParallelUntil, type TaskModule } from "../core/parallel.js";
import { findStaleTemps, foldersOf, sweepStaleTemps } from "../core/write.js";
import type { CommonOptions } from "../options.js";
import { printDiscovery } from "../report/output.js";
import { printStaleTemps, progressPrinter } from "../report/write.js";
import { refusesStream } from "./streams.js";

export interface RewriteRun<R> {
  found: Discovery;
  results: R[];
  interruption: Interruption | null;
}

/**
 * Runs `task` (the worker task of core/normalize.ts, core/migrate-types.ts or core/redact.ts)
 * over the recordings `opts.paths` name, on every core; null (after one line on stderr) when a
 * `--write` run is given a stream. `options` is asked once discovery is done.
 */
export async function runRewrite<O, R>(
  opts: CommonOptions & { paths: readonly string[]; write: boolean },
  command: string,
  task: TaskModule<O, R>,
  options: () => O | Promise<O>,
): Promise<RewriteRun<R> | null> {
  const { output, workspace } = opts;
  if (opts.write && refusesStream(output, opts.paths, `a stream (standard input, /dev/fd) cannot be rewritten in place; without --write, ${command} reads it and says what would change`)) return null;
  const interrupts = opts.write ? watchInterrupts() : null;
  let run: UntilInterrupted<R>;
  let found: Discovery;
  try {
    found = await workspace.discover(opts.paths);
    printDiscovery(output, found, opts.paths, opts.root, workspace.allowEmpty);
    const o = await options();
    if (interrupts === null) run = { results: await runParallel(found.files, o, task), interruption: null };
    else run = await runParallelUntil(found.files, o, task, { interrupts, onProgress: progressPrinter(output, command) });
  } finally {
    interrupts?.dispose();
  }
  // A run killed mid-write leaves its temporary file beside the recording: --write removes it.
  printStaleTemps(output, await sweepStaleTemps(await findStaleTemps(foldersOf(found.files), found.walked), opts.write), "--write");
  return { found, results: run.results, interruption: run.interruption };
}
