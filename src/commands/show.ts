/** `recctl show <ref>`: find one recording by name (no other file is parsed) and explain it. */
import { readFile } from "node:fs/promises";
import type { CommonOptions, Outcome } from "../options.js";
import { inspect } from "../core/inspect.js";
import { readRecording, RecordingError } from "../core/recording.js";
import { RefError, resolveRef } from "../core/resolve.js";
import { showReporters } from "../report/show.js";
import { printFileError, printRefError } from "../report/output.js";
import { resolveRules, type RulesChoice } from "../core/rules/detect.js";

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
    file = await resolveRef(opts.ref, opts.root);
  } catch (err) {
    if (!(err instanceof RefError)) throw err;
    printRefError(output, err);
    return "error";
  }
  if (opts.raw) {
    output.out((await readFile(file, "utf8")).replace(/\n$/, ""));
    return "ok";
  }
  try {
    const rec = await readRecording(file);
    const rules = await resolveRules(opts.rules ?? null, opts.root);
    (opts.json ? showReporters.json : showReporters.text)(output, inspect(rec, rules.era), rules);
    return "ok";
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    printFileError(output, err);
    return "error";
  }
}
