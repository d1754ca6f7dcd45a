/** Reporters for `list`: a cli-table3 table per group with a summary line, or the SPEC JSON rows. */
import Table from "cli-table3";
import type { RecordingSummary } from "../core/summary.js";
import type { FileFailure } from "../core/types.js";
import { failuresJson, printFailures, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";

export type GroupBy = "test" | "model" | "endpoint" | "none";

/** What `list` hands its reporter. */
export interface ListReport {
  /** The rows the filters kept. */
  rows: readonly RecordingSummary[];
  /** Files that could not be read (left out of the rows). */
  failures: readonly FileFailure[];
  groupBy: GroupBy;
  /** How many files were found (the summary counts what was filtered out). */
  scanned: number;
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
function renderTable(head: string[], rows: Cell[][], coloured: boolean): string {
  const widths = head.map((h, i) => {
    let w = h.length;
    for (const row of rows) {
      const cell = row[i];
      if (typeof cell === "string" && row.length === head.length) w = Math.max(w, cell.replace(ANSI, "").length);
    }
    return Math.min(w, 100) + 2;
  });
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

function text(output: Output, { rows, failures, groupBy: by, scanned }: ListReport): void {
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
  if (rows.length > 0) output.out(renderTable(head, cells, output.color.level > 0));
  const streamed = rows.filter((r) => r.streaming === true).length;
  const filtered = scanned - rows.length;
  const grouped = by === "none" ? "" : ` in ${groups.size} group${groups.size === 1 ? "" : "s"}`;
  output.out(
    c.dim(
      `${rows.length} recording${rows.length === 1 ? "" : "s"}${grouped}, ${streamed} streamed` +
        (filtered > 0 ? `; ${filtered} of ${scanned} filtered out or unreadable` : ""),
    ),
  );
}

/** `{summary:{scanned, listed, streamed, unreadable}, recordings:[…], errors:[…]}`. */
function json(output: Output, { rows, failures, scanned }: ListReport): void {
  printFailures(output, failures, " (skipped)");
  printJson(output, {
    summary: { scanned, listed: rows.length, streamed: rows.filter((r) => r.streaming === true).length, unreadable: failures.length },
    recordings: rows.map((r) => ({ ...r, file: output.path(r.file) })),
    errors: failuresJson(output, failures),
  });
}

export const listReporters: Reporters<"list"> = { text, json };
