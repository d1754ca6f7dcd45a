/** sha256 through the reused buffer, against Python's hashlib over the same text as UTF-8. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import test from "node:test";
import { sha256Hex } from "../../src/core/sha256.js";

/** hashlib.sha256 of each text (passed as JSON, so lone surrogates are out of scope here). */
function python(texts: string[]): string[] {
  const r = spawnSync("python3", ["-c", "import hashlib,json,sys\nfor t in json.load(sys.stdin): print(hashlib.sha256(t.encode('utf-8')).hexdigest())"], { input: JSON.stringify(texts), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n");
}

const PIECE = 256 * 1024;
const TEXTS: [string, string][] = [
  ["short ASCII", '{"body": {"model": "gpt-4o"}}'],
  ["long ASCII, several pieces", "a".repeat(PIECE * 2 + 17)],
  ["an emoji astride a piece boundary", `${"b".repeat(PIECE - 1)}🙂${"c".repeat(1000)}`],
  ["an emoji right before the boundary", `${"b".repeat(PIECE - 2)}🙂${"d".repeat(PIECE)}`],
  ["two- and three-byte characters throughout", "é日".repeat(PIECE)],
  ["a rope of many pieces", Array.from({ length: 2000 }, (_, i) => `"${i}": "${"x".repeat(300)}ü"`).join(", ")],
];

test("the digests are hashlib's, whatever the length and wherever a character falls", () => {
  const expected = python(TEXTS.map(([, t]) => t));
  TEXTS.forEach(([name, text], i) => assert.equal(sha256Hex(text), expected[i], name));
});
