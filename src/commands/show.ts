/** `recctl show <ref>`: find one recording by name (no other file is parsed) and explain it. */
import type { CommonOptions, Outcome } from "../options.js";
import { inspect } from "../core/inspect.js";
import { readText, ReadError } from "../core/read.js";
import { failureOf, readRecording, RecordingError } from "../core/recording.js";
import { RefError, refFailureOf, resolveRef } from "../core/resolve.js";
import { reporterFor } from "../report/index.js";
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
    if (opts.raw) {
      printRefError(output, err);
      return "error";
    }
    (await reporterFor("show", opts))(output, { inspection: null, failures: [refFailureOf(err)], rules: await opts.workspace.rules() });
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
  const rules = await opts.workspace.rules();
  const report = reporterFor("show", opts);
  try {
    const rec = await readRecording(file);
    (await report)(output, { inspection: inspect(rec, rules.eraFor(file)), failures: [], rules });
    return "ok";
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    (await report)(output, { inspection: null, failures: [failureOf(file, err)], rules });
    return "error";
  }
}
