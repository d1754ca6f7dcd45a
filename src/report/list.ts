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
  const columns = ["hash", ...(by === "test" ? ["params"] : ["test"]), "model", "endpoint", "stream", "chunks"];
  for (const [key, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (by !== "none") output.out(`${c.bold(key)} ${c.dim(`(${group.length})`)}`);
    const table = new Table({ head: columns, style: { head: output.color.level > 0 ? ["cyan"] : [], border: output.color.level > 0 ? ["grey"] : [] } });
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
    output.out(table.toString());
  }
  const streamed = rows.filter((r) => r.streaming === true).length;
  const filtered = scanned - rows.length;
  output.out(
    c.dim(
      `${rows.length} recording${rows.length === 1 ? "" : "s"}${by === "none" ? "" : ` in ${groups.size} group${groups.size === 1 ? "" : "s"}`}, ${streamed} streamed` +
        (filtered > 0 ? `; ${filtered} of ${scanned} filtered out or unreadable` : ""),
    ),
  );
}

function json(output: Output, rows: readonly RecordingSummary[]): void {
  printJson(output, rows.map((r) => ({ ...r, file: output.path(r.file) })));
}

export const listReporters = { text, json } as const;
