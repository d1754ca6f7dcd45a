/** printJson writes long arrays item by item; the bytes must be JSON.stringify's, whatever the value. */
import assert from "node:assert/strict";
import test from "node:test";
import { printJson, type Output } from "../../src/report/output.js";

function printed(value: unknown): { text: string; writes: number } {
  let text = "";
  let writes = 0;
  const output = {
    out: (t: string) => {
      writes++;
      text += t.endsWith("\n") ? t : `${t}\n`;
    },
  } as unknown as Output;
  printJson(output, value);
  return { text, writes };
}

const row = (i: number): unknown => ({ file: `r/${i}.json`, hash: i % 3 === 0 ? null : "ab".repeat(32), nested: { list: [i, { deep: [] }], empty: {} }, "k\u00e9y\n": "v\"\\\u2028" });

const VALUES: [string, unknown][] = [
  ["a long array among other members", { summary: { scanned: 3, listed: 2 }, recordings: Array.from({ length: 2500 }, (_, i) => row(i)), errors: [] }],
  ["two long arrays, one last", { a: Array.from({ length: 1000 }, (_, i) => i), b: "x", c: Array.from({ length: 1200 }, (_, i) => [i, [], [i]]) }],
  ["members JSON.stringify leaves out, items it writes as null", { skipped: undefined, f: () => 1, list: Array.from({ length: 1500 }, (_, i) => (i % 500 === 0 ? undefined : i % 700 === 0 ? () => 0 : { i })), last: null }],
  ["a short answer (one write)", { summary: {}, rows: [1, 2] }],
  ["integer-like keys (JSON.stringify orders them first)", { z: 1, 2: Array.from({ length: 1000 }, () => "x"), 1: true }],
];

for (const [name, value] of VALUES) {
  test(`${name}: JSON.stringify's bytes`, () => {
    assert.equal(printed(value).text, `${JSON.stringify(value, null, 2)}\n`);
  });
}

test("a long array goes out in pieces, not as one string", () => {
  const { writes } = printed(VALUES[0]?.[1]);
  assert.ok(writes > 5, `${writes} writes`);
});
