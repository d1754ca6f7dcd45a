/** Reporters for `list`: a cli-table3 table per group with a summary line, or the SPEC JSON rows. */
import Table from "cli-table3";
import type { RecordingSummary } from "../core/summary.js";
import { printJson, type Output } from "./output.js";

export type GroupBy = "test" | "model" | "endpoint" | "none";

function groupKey(row: RecordingSummary, by: GroupBy): string {
  if (by === "test") return row.test_id?.replace(/\[.*\]$/s, "") ?? "(no test_id: shared)";
  if (by === "model") return row.model ?? "(no model)";
  if (by === "endpoint") return row.endpoint ?? "(no endpoint)";
  return "";
}

function shortHash(row: RecordingSummary): string {
  return row.hash === null ? "-" : row.hash.slice(0, 12);
}

function text(output: Output, rows: readonly RecordingSummary[], by: GroupBy, scanned: number): void {
  const c = output.color;
  const groups = new Map<string, RecordingSummary[]>();
  for (const row of rows) {
    const key = groupKey(row, by);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const head = ["hash", by === "test" ? "params" : "test", "model", "endpoint", "stream", "chunks"];
  const coloured = output.color.level > 0;
  // One table; each group opens with a full-width row, rows are not separated (compact).
  const table = new Table({ head, style: { head: coloured ? ["cyan"] : [], border: coloured ? ["grey"] : [], compact: true } });
  for (const [key, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (by !== "none") table.push([{ colSpan: head.length, content: `${c.bold(key)} ${c.dim(`(${group.length})`)}` }]);
    for (const row of group) {
      const params = /\[(.*)\]$/s.exec(row.test_id ?? "")?.[1] ?? "";
      table.push([
        shortHash(row),
        by === "test" ? params : (row.test_id ?? "-"),
        row.model ?? "-",
        row.endpoint ?? "-",
        row.streaming === null ? "?" : row.streaming ? "yes" : "no",
        row.chunks === null ? "-" : String(row.chunks),
      ]);
    }
  }
  if (rows.length > 0) output.out(table.toString());
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

function json(output: Output, rows: readonly RecordingSummary[]): void {
  printJson(output, rows.map((r) => ({ ...r, file: output.path(r.file) })));
}

export const listReporters = { text, json } as const;
