/** `recctl show <ref>`: find one recording by name (no other file is parsed) and explain it. */
import { readFile } from "node:fs/promises";
import type { CommonOptions } from "../cli.js";
import { inspect } from "../core/inspect.js";
import { readRecording, RecordingError } from "../core/recording.js";
import { RefError, resolveRef } from "../core/resolve.js";
import { showReporters } from "../report/show.js";

export interface ShowCommandOptions extends CommonOptions {
  ref: string;
  raw: boolean;
}

export async function showCommand(opts: ShowCommandOptions): Promise<number> {
  const { output } = opts;
  let file: string;
  try {
    file = await resolveRef(opts.ref, opts.root);
  } catch (err) {
    if (!(err instanceof RefError)) throw err;
    output.err(`recctl: ${err.message}`);
    for (const c of err.candidates) output.err(`  ${output.path(c)}`);
    return 2;
  }
  if (opts.raw) {
    output.out((await readFile(file, "utf8")).replace(/\n$/, ""));
    return 0;
  }
  try {
    const rec = await readRecording(file);
    (opts.json ? showReporters.json : showReporters.text)(output, inspect(rec));
    return 0;
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    const loc = err.line === null ? "" : `:${err.line}:${err.column ?? 1}`;
    output.err(`recctl: ${output.path(file)}${loc}: ${err.message}`);
    return 2;
  }
}
