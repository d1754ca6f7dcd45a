/** Shared by commands that take several refs (hash, reassemble): resolve, then read each file. */
import type { CommonOptions } from "../options.js";
import type { Skipped } from "../core/discover.js";
import { failureOf, RecordingError } from "../core/recording.js";
import { refFailureOf, resolveMany } from "../core/resolve.js";
import type { InputFailure } from "../core/types.js";

export interface PerFile<R> {
  rows: R[];
  /** Refs that matched nothing or too much, files that could not be read: the command exits 2. */
  failures: InputFailure[];
  /** A ref was a directory or glob: the output is a batch even when one file matched. */
  expanded: boolean;
  files: string[];
  /** Found and left alone (FIFOs, sockets). */
  skipped: Skipped[];
}

/** Resolves the refs and runs `each` on every file; what could not be resolved or read is returned, not printed. */
export async function perFile<R>(opts: CommonOptions & { refs: string[] }, each: (file: string) => Promise<R>): Promise<PerFile<R>> {
  const { files, errors, expanded, skipped } = await resolveMany(opts.refs, opts.workspace);
  const failures: InputFailure[] = errors.map(refFailureOf);
  const rows: R[] = [];
  for (const file of files) {
    try {
      rows.push(await each(file));
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
      failures.push(failureOf(file, err));
    }
  }
  return { rows, failures, expanded, files, skipped };
}
