/** `recctl reassemble <ref…>` (alias `text`): the final answer of each recording. */
import type { CommonOptions, Outcome } from "../options.js";
import { isObject, readRecording } from "../core/recording.js";
import { detectFamily, NoAnswerError, reassemble } from "../core/reassemble/index.js";
import { reporterFor } from "../report/index.js";
import type { AnswerRow, SkippedRow } from "../report/reassemble.js";
import { perFile } from "./refs.js";

export interface ReassembleCommandOptions extends CommonOptions {
  refs: string[];
}

export async function answerOf(file: string): Promise<AnswerRow | SkippedRow> {
  const rec = await readRecording(file);
  const data = isObject(rec.data) ? rec.data : {};
  const family = detectFamily(data["response"], data["request"]);
  try {
    return { file, answer: reassemble(data["response"], family) };
  } catch (err) {
    if (err instanceof NoAnswerError) return { file, kind: family, reason: err.message };
    throw err;
  }
}

export async function reassembleCommand(opts: ReassembleCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const { rows, failures, skipped, expanded, files } = await perFile<AnswerRow | SkippedRow>(opts, answerOf);
  const single = opts.refs.length === 1 && files.length === 1 && !expanded;
  (await reporterFor("reassemble", opts))(output, { rows, failures, skipped, many: !single });
  // One ref and nothing to show is an error (SPEC); in a batch, a file without text is skipped.
  const only = rows[0];
  if (single && only !== undefined && "reason" in only) return "error";
  return failures.length > 0 ? "error" : "ok";
}
