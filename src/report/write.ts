/**
 * Notices of runs that write, on stderr: temporary files (`*.recctl-tmp-*`) an interrupted run
 * left behind, progress of a long run, how far an interrupted run got, files the write gate
 * refused.
 */
import type { Interruption, ProgressListener } from "../core/io/interrupt.js";
import type { StaleTempOutcome } from "../core/write.js";
import type { Output } from "./output.js";

/** One stderr line each: removed, left alone (and why), or found (`flag` removes it). */
export function printStaleTemps(output: Output, temps: readonly StaleTempOutcome[], flag: string): void {
  const note = output.color.yellow("note");
  for (const t of temps) {
    const what = `${output.path(t.file)}: a temporary file left by an interrupted run`;
    if (t.removed) output.err(`recctl: ${note}: ${what}, removed`);
    else if (t.message !== null) output.err(`recctl: ${note}: ${what}, not removed: ${t.message}`);
    else output.err(`recctl: ${note}: ${what} (${flag} removes it)`);
  }
}

/** A run shorter than this prints no progress at all. */
const PROGRESS_AFTER_MS = 500;
const PROGRESS_EVERY_MS = 1000;

/**
 * Progress of a run that writes, on stderr: `recctl: normalize: 120 of 3162 files…`, first once
 * the run has taken PROGRESS_AFTER_MS (a quick run stays quiet), then at most every second. Plain
 * lines, not a redrawn one, so a log or a pipe reads the same as a terminal.
 */
export function progressPrinter(output: Output, command: string, noun = "files", now: () => number = Date.now): ProgressListener {
  const started = now();
  let last = -Infinity;
  return (done, total) => {
    const t = now();
    if (done >= total || t - started < PROGRESS_AFTER_MS || t - last < PROGRESS_EVERY_MS) return;
    last = t;
    output.err(`recctl: ${command}: ${done} of ${total} ${noun}…`);
  };
}

/** The one line an interrupted run ends with (SPEC, "Interrupts"); the exit code is 130. */
export function printInterruption(output: Output, interruption: Interruption | null): void {
  if (interruption === null) return;
  output.err(`recctl: interrupted after ${interruption.done} of ${interruption.total}; every file is whole`);
}

/** A file the write gate refused: `recctl: <file>: <why> (left alone)`. */
export function printRefusal(output: Output, file: string, why: string): void {
  output.err(`recctl: ${output.path(file)}: ${why}${why.endsWith("(left alone)") ? "" : " (left alone)"}`);
}
