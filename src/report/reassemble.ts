/** Reporters for `reassemble`: the answer text (then tool calls, reasoning), or SPEC JSON. */
import type { Reassembled, ResponseFamily } from "../core/types.js";
import { renderAnswer } from "./answer.js";
import { printJson, type Output } from "./output.js";
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
  /** Several files, or a folder or glob: headed sections, and a JSON array. */
  many: boolean;
}

function text(output: Output, { rows, many }: ReassembleReport): void {
  const c = output.color;
  rows.forEach((row, i) => {
    if (many) output.out(`${i > 0 ? "\n" : ""}${c.bold(`==> ${output.path(row.file)} <==`)}`);
    if ("reason" in row) {
      output.out(c.dim(`(${row.reason}; skipped)`));
      return;
    }
    for (const line of renderAnswer(output, row.answer)) output.out(line);
  });
}

/** The SPEC shape: {file, kind, streaming, model, choices, usage} (+ error when one was recorded). */
function shape(output: Output, row: AnswerRow): Record<string, unknown> {
  const { kind, streaming, model, choices, usage, error } = row.answer;
  return { file: output.path(row.file), kind, streaming, model, choices, usage, ...(error === null ? {} : { error }) };
}

function json(output: Output, { rows, many }: ReassembleReport): void {
  const answers: Record<string, unknown>[] = [];
  for (const row of rows) {
    if ("reason" in row) output.err(`recctl: ${output.path(row.file)} ${row.reason} (skipped)`);
    else answers.push(shape(output, row));
  }
  printJson(output, many ? answers : (answers[0] ?? null));
}

export const reassembleReporters: Reporters<"reassemble"> = { text, json };
