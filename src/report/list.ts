/** Reporters for `list`: a cli-table3 table per group with a summary line, or the SPEC JSON rows. */
import Table from "cli-table3";
import type { RecordingSummary } from "../core/summary.js";
import type { FileFailure } from "../core/types.js";
import { failuresJson, printFailures, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

export type GroupBy = "test" | "model" | "endpoint" | "none";

/** What `list` hands its reporter. */
export interface ListReport {
  /** The rows the filters kept. */
  rows: readonly RecordingSummary[];
  /** Files that could not be read (left out of the rows). */
  failures: readonly FileFailure[];
  groupBy: GroupBy;
  /** How many files were found. */
  scanned: number;
  /** Files found that hold no request and response (a package.json in a recordings folder). */
  notRecordings: readonly string[];
  /** Recordings the filters (--test, --model, --endpoint) left out. */
  filteredOut: number;
}

function groupKey(row: RecordingSummary, by: GroupBy): string {
  if (by === "test") return row.test_id?.replace(/\[.*\]$/s, "") ?? "(no test_id: shared)";
  if (by === "model") return row.model ?? "(no model)";
  if (by === "endpoint") return row.endpoint ?? "(no endpoint)";
  return "";
}

function shortHash(row: RecordingSummary): string {
  return row.hash === null ? "-" : row.hash.slice(0, 12);
}

type Cell = string | { colSpan: number; content: string };

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * cli-table3 lays out each cell against every earlier row (quadratic: 30,000 rows take over a
 * minute). So rows are rendered in slices of fixed, precomputed column widths and the slices
 * stitched together without their inner borders: one seamless table, linear time.
 */
function renderTable(head: string[], rows: Cell[][], coloured: boolean, columns: number | null): string {
  const widths = fit(
    head.map((h, i) => {
      let w = h.length;
      for (const row of rows) {
        const cell = row[i];
        if (typeof cell === "string" && row.length === head.length) w = Math.max(w, cell.replace(ANSI, "").length);
      }
      return Math.min(w, 100) + 2;
    }),
    columns,
  );
  const style = { head: coloured ? ["cyan"] : [], border: coloured ? ["grey"] : [], compact: true };
  const SLICE = 100;
  const parts: string[] = [];
  for (let i = 0; i === 0 || i < rows.length; i += SLICE) {
    const table = new Table({ head: i === 0 ? head : [], colWidths: widths, style });
    table.push(...rows.slice(i, i + SLICE));
    let lines = table.toString().split("\n");
    if (i > 0) lines = lines.slice(1);
    if (i + SLICE < rows.length) lines = lines.slice(0, -1);
    parts.push(lines.join("\n"));
  }
  return parts.join("\n");
}

/** Narrowest a column gets when the table must fit the terminal (cli-table3 ends a cut cell with …). */
const MIN_WIDTH = 8;

/**
 * Column widths that fit `columns` (borders included): the widest column gives way first, one
 * character at a time, down to MIN_WIDTH; unknown width (a pipe): as wide as the content.
 */
export function fit(widths: readonly number[], columns: number | null): number[] {
  const out = [...widths];
  if (columns === null) return out;
  const total = (): number => out.reduce((a, b) => a + b, 0) + out.length + 1;
  while (total() > columns) {
    let widest = 0;
    for (let i = 1; i < out.length; i++) if ((out[i] ?? 0) > (out[widest] ?? 0)) widest = i;
    if ((out[widest] ?? 0) <= MIN_WIDTH) break;
    out[widest] = (out[widest] ?? 0) - 1;
  }
  return out;
}

function text(output: Output, { rows, failures, groupBy: by, notRecordings, filteredOut }: ListReport): void {
  const c = output.color;
  printFailures(output, failures, " (skipped)");
  const groups = new Map<string, RecordingSummary[]>();
  for (const row of rows) {
    const key = groupKey(row, by);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  const head = ["hash", by === "test" ? "params" : "test", "model", "endpoint", "stream", "chunks"];
  // One table; each group opens with a full-width row.
  const cells: Cell[][] = [];
  for (const [key, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (by !== "none") cells.push([{ colSpan: head.length, content: `${c.bold(key)} ${c.dim(`(${group.length})`)}` }]);
    for (const row of group) {
      const params = /\[(.*)\]$/s.exec(row.test_id ?? "")?.[1] ?? "";
      cells.push([
        shortHash(row),
        by === "test" ? params : (row.test_id ?? "-"),
        row.model ?? "-",
        row.endpoint ?? "-",
        row.streaming === null ? "?" : row.streaming ? "yes" : "no",
        row.chunks === null ? "-" : String(row.chunks),
      ]);
    }
  }
  if (rows.length > 0) output.out(renderTable(head, cells, output.color.level > 0, output.columns ?? null));
  const streamed = rows.filter((r) => r.streaming === true).length;
  const grouped = by === "none" ? "" : ` in ${plural(groups.size, "group")}`;
  // Each kind of left-out file on its own: filtered out is a choice, unreadable a problem.
  const left = [
    ...(filteredOut > 0 ? [`${filteredOut} filtered out`] : []),
    ...(failures.length > 0 ? [`${failures.length} unreadable`] : []),
    ...(notRecordings.length > 0 ? [`${plural(notRecordings.length, "file is", "files are")} not ${notRecordings.length === 1 ? "a recording" : "recordings"} (${output.path(notRecordings[0] ?? "")}${notRecordings.length > 1 ? ", …" : ""})`] : []),
  ];
  output.out(c.dim(`${plural(rows.length, "recording")}${grouped}, ${streamed} streamed${left.length > 0 ? `; ${left.join("; ")}` : ""}`));
}

/** `{summary:{scanned, listed, streamed, unreadable, not_recordings, filtered_out}, recordings:[…], errors:[…]}`. */
function json(output: Output, { rows, failures, scanned, notRecordings, filteredOut }: ListReport): void {
  printFailures(output, failures, " (skipped)");
  printJson(output, {
    summary: { scanned, listed: rows.length, streamed: rows.filter((r) => r.streaming === true).length, unreadable: failures.length, not_recordings: notRecordings.length, filtered_out: filteredOut },
    recordings: rows.map(({ recording: _recording, ...r }) => ({ ...r, file: output.path(r.file) })),
    errors: failuresJson(output, failures),
  });
}

export const listReporters: Reporters<"list"> = { text, json };
