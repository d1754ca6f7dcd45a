/** `recctl show <ref>`: find one recording by name (no other file is parsed) and explain it. */
import type { CommonOptions, Outcome } from "../options.js";
import { inspect } from "../core/inspect.js";
import { readText, ReadError } from "../core/read.js";
import { readRecording, RecordingError } from "../core/recording.js";
import { RefError, resolveRef } from "../core/resolve.js";
import { reporterFor } from "../report/index.js";
import { printMissHint } from "../report/show.js";
import { printFileError, printRefError } from "../report/output.js";
import type { RulesChoice } from "../core/rules/detect.js";

export interface ShowCommandOptions extends CommonOptions {
  ref: string;
  raw: boolean;
  /** `--rules`; null: the repository's recorder, else the newest. */
  rules?: RulesChoice | null;
}

export async function showCommand(opts: ShowCommandOptions): Promise<Outcome> {
  const { output } = opts;
  let file: string;
  try {
    file = await resolveRef(opts.ref, opts.workspace);
  } catch (err) {
    if (!(err instanceof RefError)) throw err;
    // A hash that names nothing is most often a replay miss: explain finds the nearest recordings.
    if (err.candidates.length === 0 && /^[0-9a-f]{4,64}$/i.test(opts.ref)) printMissHint(output, err.message);
    else printRefError(output, err);
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
    const rules = await opts.workspace.rules();
    (await reporterFor("show", opts))(output, { inspection: inspect(rec, rules.eraFor(file)), rules });
    return "ok";
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    printFileError(output, err);
    return "error";
  }
}
