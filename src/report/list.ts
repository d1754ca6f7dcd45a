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

export type Cell = string | { colSpan: number; content: string };

const ANSI = /\u001b\[[0-9;]*m/g;

/** A cell's text without colour codes: what cli-table3 measures. */
function visible(text: string): string {
  return text.includes("\u001b") ? text.replace(ANSI, "") : text;
}

/** Printable ASCII: one column per character, nothing cli-table3 would measure or cut otherwise. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * One body line of a compact table as cli-table3 draws it, for cells it would neither cut nor
 * measure specially: the line cli-table3 drew for a probe row ("A"s filling each cell), with each
 * run of "A" replaced by a cell padded to its width. Null when the probe does not split that way.
 */
function lineTemplate(probe: string[], widths: readonly number[]): ((cells: readonly string[]) => string | null) | null {
  const parts = probe.length === 3 ? (probe[1] ?? "").split(/A+/) : [];
  if (parts.length !== widths.length + 1) return null;
  return (cells) => {
    let line = parts[0] ?? "";
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i] ?? "";
      const shown = visible(cell);
      const room = (widths[i] ?? 0) - 2;
      if (shown.length > room || !PLAIN.test(shown)) return null;
      line += cell + " ".repeat(room - shown.length) + (parts[i + 1] ?? "");
    }
    return line;
  };
}

/**
 * cli-table3 spends ~0.1 ms on each cell (options merged, widths measured) and lays out each
 * cell against every earlier row. The head, the line under it and the closing line (they depend
 * on their neighbouring rows' spans) and any row with cells it must cut or measure specially
 * (non-ASCII, too wide) are drawn by cli-table3; every other row is filled into the line
 * cli-table3 drew for a probe row of the same shape, and checked once against cli-table3's own.
 */
export function renderTable(head: string[], rows: Cell[][], coloured: boolean, columns: number | null): string {
  const widths = fit(
    head.map((h, i) => {
      let w = h.length;
      for (const row of rows) {
        const cell = row[i];
        if (typeof cell === "string" && row.length === head.length) w = Math.max(w, visible(cell).length);
      }
      return Math.min(w, 100) + 2;
    }),
    columns,
  );
  const style = { head: coloured ? ["cyan"] : [], border: coloured ? ["grey"] : [], compact: true };
  const draw = (withHead: boolean, body: readonly Cell[][]): string[] => {
    const table = new Table({ head: withHead ? head : [], colWidths: widths, style });
    table.push(...body);
    return table.toString().split("\n");
  };
  const full = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const filled = widths.map((w) => "A".repeat(Math.max(w - 2, 0)));
  const templates = {
    row: lineTemplate(draw(false, [filled]), widths),
    span: lineTemplate(draw(false, [[{ colSpan: head.length, content: "A".repeat(Math.max(full - 2, 0)) }]]), [full]),
  };
  const checked = { row: false, span: false };
  /** The row's line from its template, or null (cli-table3 draws it). */
  const fast = (row: Cell[]): string | null => {
    const first = row[0];
    const kind = row.length === head.length && row.every((c) => typeof c === "string") ? "row" : row.length === 1 && typeof first === "object" && first.colSpan === head.length ? "span" : null;
    const template = kind === null ? null : templates[kind];
    if (kind === null || template === null) return null;
    const line = template(kind === "row" ? (row as string[]) : [typeof first === "object" ? first.content : ""]);
    if (line === null || checked[kind]) return line;
    // The first use of each template is compared with cli-table3's own line; a difference retires it.
    checked[kind] = true;
    const own = draw(false, [row]);
    if (own.length === 3 && own[1] === line) return line;
    templates[kind] = null;
    return null;
  };
  const first = rows[0] ?? [];
  const headed = draw(true, [first]);
  const firstLines = draw(false, [first]).length - 2;
  const out = headed.slice(0, headed.length - 1 - firstLines);
  // Rows cli-table3 must draw go to it in batches (a compact table has no lines between rows).
  let pending: Cell[][] = [];
  const flush = (): void => {
    for (let i = 0; i < pending.length; i += 100) out.push(...draw(false, pending.slice(i, i + 100)).slice(1, -1));
    pending = [];
  };
  for (const row of rows) {
    const line = fast(row);
    if (line === null) pending.push(row);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  out.push(draw(false, [rows[rows.length - 1] ?? []]).at(-1) ?? "");
  return out.join("\n");
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
