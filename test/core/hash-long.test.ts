/**
 * The request hash streams its text into sha256 (a long string handed over as it is, small
 * pieces gathered in blocks). Long values, against Python's own `json.dumps(sort_keys=True)` and
 * hashlib over the object the recorder hashes (bodies chosen so its normalization changes nothing).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import test from "node:test";
import { requestHash } from "../../src/core/hash.js";
import type { PyValue } from "../../src/core/pyjson.js";

const BASE64 = Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7919) % 256)).toString("base64");
const ESCAPED = `${"Line with \"quotes\", a \\ backslash, a tab\t, é and 日本 ".repeat(2500)}🙂`;
const MANY = Array.from({ length: 3000 }, (_, i) => ({ role: i % 2 === 0 ? "user" : "assistant", content: `message ${i} ${"x".repeat(i % 50)}` }));
// An emoji right where the 32 K-character blocks of small pieces would be cut.
const ASTRIDE = Array.from({ length: 40 }, (_, i) => `${"y".repeat(1021 + (i % 5))}🙂`);

const BODIES: [string, unknown][] = [
  ["a base64 image (a long string with nothing to escape)", { model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${BASE64}` } }] }] }],
  ["a long string with quotes, controls and non-ASCII to escape", { model: "gpt-4o", messages: [{ role: "user", content: ESCAPED }] }],
  ["thousands of small pieces (several blocks)", { model: "gpt-4o", messages: MANY, stream: true }],
  ["non-ASCII across block boundaries", { model: "gpt-4o", input: ASTRIDE }],
];

const TEST_ID = "tests/integration/test_long.py::test_it[params]";

function python(bodies: unknown[]): string[] {
  const code = [
    "import hashlib, json, sys",
    "for body in json.load(sys.stdin):",
    `    obj = {"method": "POST", "endpoint": "/v1/chat/completions", "body": body, "test_id": ${JSON.stringify(TEST_ID)}}`,
    "    print(hashlib.sha256(json.dumps(obj, sort_keys=True).encode('utf-8')).hexdigest())",
  ].join("\n");
  const r = spawnSync("python3", ["-c", code], { input: JSON.stringify(bodies), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n");
}

test("long request bodies hash as the recorder hashes them", () => {
  const expected = python(BODIES.map(([, b]) => b));
  BODIES.forEach(([name, body], i) => {
    for (const native of [true, false]) {
      const input = { testId: TEST_ID, request: { method: "POST", url: "http://localhost:8321/v1/chat/completions", body }, native: true as const };
      const r = native ? requestHash(input) : requestHash({ testId: TEST_ID, request: toPy(input.request) as PyValue });
      assert.equal(r.hash, expected[i], `${name}${native ? "" : " (exact values)"}`);
    }
  });
});

/** The JSON.parse value as the exact parser gives it (Maps, bigint ints). */
function toPy(v: unknown): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toPy);
  if (v !== null && typeof v === "object") return new Map(Object.entries(v).map(([k, x]) => [k, toPy(x)]));
  return v;
}

test("the text --explain prints is the text that was hashed", () => {
  const r = requestHash({ testId: TEST_ID, request: { method: "POST", url: "http://localhost/v1/chat/completions", body: BODIES[0]?.[1] }, native: true });
  const code = "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())";
  const py = spawnSync("python3", ["-c", code], { input: r.normalized ?? "", encoding: "utf8" });
  assert.equal(py.stdout.trim(), r.hash);
});
