/**
 * `list` fills most rows into a line cli-table3 drew for a probe row instead of letting it lay
 * out every cell. The expected text is cli-table3's own: one table holding every row.
 */
import assert from "node:assert/strict";
import test from "node:test";
import Table from "cli-table3";
import { renderTable, type Cell } from "../../src/report/list.js";

const HEAD = ["hash", "test", "model", "endpoint", "stream", "chunks"];

/** What cli-table3 prints for the whole table at once (the widths renderTable chose, read off its first line). */
function cliTable3(rows: Cell[][], coloured: boolean, widths: number[]): string {
  const style = { head: coloured ? ["cyan"] : [], border: coloured ? ["grey"] : [], compact: true };
  const table = new Table({ head: HEAD, colWidths: widths, style });
  table.push(...rows);
  return table.toString();
}

function widthsOf(rendered: string): number[] {
  const top = (rendered.split("\n")[0] ?? "").replace(/\u001b\[[0-9;]*m/g, "");
  return top.slice(1, -1).split("┬").map((s) => s.length);
}

const span = (content: string): Cell[] => [{ colSpan: HEAD.length, content }];
const row = (test: string, model = "gpt-4o"): Cell[] => ["0123456789ab", test, model, "/v1/chat/completions", "yes", "3"];

const CASES: [string, Cell[][]][] = [
  ["plain rows and group rows", [span("tests/a.py::test_x (2)"), row("p1"), row(""), span("tests/b.py (1)"), row("p2")]],
  ["a group row last", [row("p1"), span("tests/z.py (0)")]],
  ["non-ASCII, wide and too-long cells (cli-table3 measures and cuts them)", [row("naïve-日本語"), row("x".repeat(140)), row("🙂 emoji"), span("ü".repeat(300)), row("p3")]],
  ["coloured group rows", [span("\u001b[1mtests/a.py\u001b[22m \u001b[2m(2)\u001b[22m"), row("p1"), row("p2")]],
  ["a cell with a newline", [row("line1\nline2"), row("p1")]],
  ["many rows (more than one batch of slow rows)", Array.from({ length: 350 }, (_, i) => (i % 7 === 0 ? span(`g${i}`) : row(i % 3 === 0 ? `é${i}` : `p${i}`)))],
];

for (const [name, rows] of CASES) {
  for (const coloured of [false, true]) {
    for (const columns of [null, 200, 70]) {
      test(`${name}${coloured ? ", coloured" : ""}, ${columns ?? "no"} columns: the lines cli-table3 prints`, () => {
        const ours = renderTable(HEAD, rows, coloured, columns);
        assert.equal(ours, cliTable3(rows, coloured, widthsOf(ours)));
      });
    }
  }
}
