/** Shared by commands that take several refs (hash, reassemble): resolve, then read each file. */
import type { CommonOptions } from "../options.js";
import { RecordingError } from "../core/recording.js";
import { resolveMany } from "../core/resolve.js";
import { printFileError, printRefError, printSkipped } from "../report/output.js";

export interface PerFile<R> {
  rows: R[];
  /** A ref matched nothing, or a file could not be read: the command exits 2. */
  failed: boolean;
  /** A ref was a directory or glob: the output is a batch even when one file matched. */
  expanded: boolean;
  files: string[];
}

/** Resolves the refs and runs `each` on every file; unreadable ones are one stderr line each. */
export async function perFile<R>(opts: CommonOptions & { refs: string[] }, each: (file: string) => Promise<R>): Promise<PerFile<R>> {
  const { output } = opts;
  const { files, errors, expanded, skipped } = await resolveMany(opts.refs, opts.workspace);
  for (const e of errors) printRefError(output, e);
  printSkipped(output, skipped);
  const rows: R[] = [];
  let failed = errors.length > 0;
  for (const file of files) {
    try {
      rows.push(await each(file));
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
      printFileError(output, err);
      failed = true;
    }
  }
  return { rows, failed, expanded, files };
}
