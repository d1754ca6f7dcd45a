/** Reporters for `reassemble`: the answer text (then tool calls, reasoning), or SPEC JSON. */
import type { InputFailure, Reassembled, ResponseFamily } from "../core/types.js";
import { renderAnswer } from "./answer.js";
import type { Skipped } from "../core/discover.js";
import { failuresJson, printFailures, printJson, printSkipped, type Output } from "./output.js";
import type { Reporters } from "./index.js";

export interface AnswerRow {
  file: string;
  answer: Reassembled;
}

/** A recording whose response has no text (embeddings, model lists, tool results…). */
export interface SkippedRow {
  file: string;
  kind: ResponseFamily;
  reason: string;
}

/** What `reassemble` hands its reporter. */
export interface ReassembleReport {
  rows: readonly (AnswerRow | SkippedRow)[];
  /** Refs that named nothing, files that could not be read. */
  failures: readonly InputFailure[];
  /** Found and left alone (FIFOs, sockets). */
  skipped: readonly Skipped[];
  /** Several files, or a folder or glob: headed sections (JSON is always `{texts:[…]}`). */
  many: boolean;
}

function text(output: Output, { rows, failures, skipped, many }: ReassembleReport): void {
  const c = output.color;
  printFailures(output, failures);
  printSkipped(output, skipped);
  const only = rows[0];
  if (!many && only !== undefined && "reason" in only) {
    // One ref and nothing to show: a clear line (the command exits 2).
    output.err(`recctl: ${output.path(only.file)} ${only.reason}`);
    return;
  }
  rows.forEach((row, i) => {
    if (many) output.out(`${i > 0 ? "\n" : ""}${c.bold(`==> ${output.path(row.file)} <==`)}`);
    if ("reason" in row) {
      output.out(c.dim(`(${row.reason}; skipped)`));
      return;
    }
    for (const line of renderAnswer(output, row.answer)) output.out(line);
  });
}

/** The SPEC shape: {file, kind, streaming, model, choices, usage, error} (error null unless one was recorded). */
function shape(output: Output, row: AnswerRow): Record<string, unknown> {
  const { kind, streaming, model, choices, usage, error } = row.answer;
  return { file: output.path(row.file), kind, streaming, model, choices, usage, error };
}

/** `{texts:[…], skipped:[{file, kind, reason}], errors:[…]}`: the same shape for one ref or many. */
function json(output: Output, { rows, failures, skipped }: ReassembleReport): void {
  printFailures(output, failures);
  printSkipped(output, skipped);
  const texts: Record<string, unknown>[] = [];
  const without: Record<string, unknown>[] = [];
  for (const row of rows) {
    if ("reason" in row) {
      output.err(`recctl: ${output.path(row.file)} ${row.reason} (skipped)`);
      without.push({ file: output.path(row.file), kind: row.kind, reason: row.reason });
    } else texts.push(shape(output, row));
  }
  printJson(output, { texts, skipped: without, errors: failuresJson(output, failures) });
}

export const reassembleReporters: Reporters<"reassemble"> = { text, json };
