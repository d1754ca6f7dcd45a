/** `recctl reassemble <ref…>` (alias `text`): the final answer of each recording. */
import type { CommonOptions } from "../cli.js";
import { isObject, readRecording, RecordingError } from "../core/recording.js";
import { detectFamily, NoAnswerError, reassemble } from "../core/reassemble/index.js";
import { resolveMany } from "../core/resolve.js";
import { reassembleReporters, type AnswerRow, type SkippedRow } from "../report/reassemble.js";
import { printFileError, printRefError } from "../report/output.js";

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

export async function reassembleCommand(opts: ReassembleCommandOptions): Promise<number> {
  const { output } = opts;
  const { files, errors, expanded } = await resolveMany(opts.refs, opts.root);
  let failed = errors.length > 0;
  for (const e of errors) printRefError(output, e);
  const rows: (AnswerRow | SkippedRow)[] = [];
  for (const file of files) {
    try {
      rows.push(await answerOf(file));
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
      printFileError(output, err);
      failed = true;
    }
  }
  const single = opts.refs.length === 1 && files.length === 1 && !expanded;
  const only = rows[0];
  if (single && only !== undefined && "reason" in only) {
    // One ref and nothing to show: a clear line and exit 2 (SPEC).
    output.err(`recctl: ${output.path(only.file)} ${only.reason}`);
    return 2;
  }
  (opts.json ? reassembleReporters.json : reassembleReporters.text)(output, rows, !single);
  return failed ? 2 : 0;
}
