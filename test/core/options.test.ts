import { test } from "node:test";
import assert from "node:assert/strict";
import { EXIT_CODES, worst } from "../../src/options.js";

test("outcomes map to the SPEC's exit codes: ok 0, findings 1, error 2, an interrupted write 130", () => {
  assert.deepEqual(EXIT_CODES, { ok: 0, findings: 1, error: 2, interrupted: 130 });
});

test("the worst outcome wins: error over findings over ok", () => {
  assert.equal(worst("ok", "findings"), "findings");
  assert.equal(worst("findings", "error", "ok"), "error");
  assert.equal(worst(), "ok");
  assert.equal(worst("error", "interrupted", "findings"), "interrupted");
});
