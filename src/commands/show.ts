/** `recctl show <ref>`: find one recording by name (no other file is parsed) and explain it. */
import type { CommonOptions, Outcome } from "../options.js";
import { inspect } from "../core/inspect.js";
import { readText, ReadError } from "../core/read.js";
import { readRecording, RecordingError } from "../core/recording.js";
import { RefError, resolveRef } from "../core/resolve.js";
import { showReporters } from "../report/show.js";
import { printFileError, printRefError } from "../report/output.js";

export interface ShowCommandOptions extends CommonOptions {
  ref: string;
  raw: boolean;
}

export async function showCommand(opts: ShowCommandOptions): Promise<Outcome> {
  const { output } = opts;
  let file: string;
  try {
    file = await resolveRef(opts.ref, opts.root);
  } catch (err) {
    if (!(err instanceof RefError)) throw err;
    printRefError(output, err);
    return "error";
  }
  if (opts.raw) {
    try {
      output.out(readText(file).replace(/\n$/, ""));
      return "ok";
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      printFileError(output, { file, message: err.message, line: null, column: null });
      return "error";
    }
  }
  try {
    const rec = await readRecording(file);
    (opts.json ? showReporters.json : showReporters.text)(output, inspect(rec));
    return "ok";
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    printFileError(output, err);
    return "error";
  }
}
