/**
 * Response normalization (SPEC "Response normalization") in-process: the rules, the fast proof
 * of "nothing to change" against the exact path, and the byte-exact rewrite. The expected files
 * under test/fixtures/normalize/expected/ were written once by CPython with the recorder's own
 * `_normalize_response` and `json.dump(indent=2)` (make-fixtures.py there); tests never run Python.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  applyRules,
  assessNormalization,
  EPOCH_TIMESTAMP,
  NOT_HASH_NAMED,
  planNormalization,
  recIdFor,
  RESPONSE_RULES,
} from "../../src/core/normalize.js";
import { dumps, parseExact, recorderFormat, type PyValue } from "../../src/core/pyjson.js";
import { parseRecordingText, readRecording } from "../../src/core/recording.js";
import { proveFormatted } from "../../src/core/format.js";

const fastFormatted = (text: string, value: unknown): boolean | undefined => proveFormatted(text, value).formatted;

// dist-test/test/core/ is three levels below the repo root.
const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/normalize/", import.meta.url));
const SAMPLES = fileURLToPath(new URL("../../../test/fixtures/samples/", import.meta.url));
const VALID = fileURLToPath(new URL("../../../test/fixtures/valid/", import.meta.url));
const CASES_FILE = new URL("../../../test/fixtures/python-cases.json", import.meta.url);
const HASH = "ae7918bcbd92b3c41e01718829c34edea74327863184b55d1b20eb0313043916";

function jsonFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** A recording in the recorder's formatting, named like the recorder names files. */
function recording(body: unknown, name = `${HASH}.json`): ReturnType<typeof parseRecordingText> {
  const doc = { test_id: null, request: { method: "POST", url: "http://x/v1/chat/completions", body: {} }, response: { body, is_streaming: Array.isArray(body) } };
  return parseRecordingText(`/repo/tests/integration/x/recordings/${name}`, `${JSON.stringify(doc, null, 2)}\n`);
}

const chunk = (data: Record<string, unknown>): unknown => ({ __type__: "openai.types.chat.chat_completion_chunk.ChatCompletionChunk", __data__: data });

describe("the rules", () => {
  test("are the recorder's _normalize_response, in its order", () => {
    assert.deepEqual(
      RESPONSE_RULES.map((r) => r.key),
      ["id", "created", "created_at", "total_duration", "load_duration", "prompt_eval_duration", "eval_duration"],
    );
  });

  test("id becomes rec-<first 12 hex of the file-name hash> and created 0, in every chunk", () => {
    const rec = recording([chunk({ id: "chatcmpl-abc", created: 1754090031 }), chunk({ id: "chatcmpl-abc", created: 1754090032 })]);
    const { changes } = assessNormalization(rec);
    assert.deepEqual(changes, [
      { pointer: "/response/body/0/__data__/id", from: "chatcmpl-abc", to: "rec-ae7918bcbd92" },
      { pointer: "/response/body/0/__data__/created", from: 1754090031, to: 0 },
      { pointer: "/response/body/1/__data__/id", from: "chatcmpl-abc", to: "rec-ae7918bcbd92" },
      { pointer: "/response/body/1/__data__/created", from: 1754090032, to: 0 },
    ]);
  });

  test("a model object keeps its id and created; its created_at is still normalized", () => {
    const rec = recording([chunk({ id: "gpt-4o", created: 1715367049, object: "model", created_at: "2024-05-10T18:50:49Z" })]);
    assert.deepEqual(assessNormalization(rec).changes, [
      { pointer: "/response/body/0/__data__/created_at", from: "2024-05-10T18:50:49Z", to: EPOCH_TIMESTAMP },
    ]);
  });

  test("created_at null becomes the epoch string; null durations stay null", () => {
    const rec = recording({ __type__: "ollama._types.EmbedResponse", __data__: { created_at: null, total_duration: null, load_duration: 6084798 } });
    assert.deepEqual(assessNormalization(rec).changes, [
      { pointer: "/response/body/__data__/created_at", from: null, to: EPOCH_TIMESTAMP },
      { pointer: "/response/body/__data__/load_duration", from: 6084798, to: 0 },
    ]);
  });

  test("created null becomes 0 (the recorder has no null check for it)", () => {
    const rec = recording({ __type__: "x.Completion", __data__: { id: "rec-ae7918bcbd92", created: null } });
    assert.deepEqual(assessNormalization(rec).changes, [{ pointer: "/response/body/__data__/created", from: null, to: 0 }]);
  });

  test("plain objects, SSE strings and __data__ without __type__ are untouched", () => {
    const rec = recording(["event: message_start", { id: "msg_1", created: 5 }, { __data__: { id: "chatcmpl-1" } }, ""]);
    const a = assessNormalization(rec);
    assert.deepEqual(a.changes, []);
    assert.equal(a.reformat, false);
  });

  test("a 2025 name carries 12 hex; a models- name its full hash", () => {
    assert.equal(recIdFor({ hash: "4096743baf8e", style: "legacy" }), "rec-4096743baf8e");
    assert.equal(recIdFor({ hash: HASH, style: "models", digest: "0da7d1b1" }), "rec-ae7918bcbd92");
  });

  test("a file whose name is not a hash: ids left alone, the rest normalized, and a note", () => {
    const rec = recording({ __type__: "x.ChatCompletion", __data__: { id: "chatcmpl-1", created: 17 } }, "hand-written.json");
    const a = assessNormalization(rec);
    assert.deepEqual(a.changes, [{ pointer: "/response/body/__data__/created", from: 17, to: 0 }]);
    assert.deepEqual(a.notes, [NOT_HASH_NAMED]);
  });

  test("created 0.0 (a float) is a change to the int 0, as the recorder writes it", () => {
    const data: Map<string, PyValue> = new Map<string, PyValue>([
      ["id", "rec-ae7918bcbd92"],
      ["created", 0],
    ]);
    const doc: PyValue = new Map<string, PyValue>([
      ["request", new Map()],
      ["response", new Map<string, PyValue>([["body", new Map<string, PyValue>([["__type__", "x.ChatCompletion"], ["__data__", data]])]])],
    ]);
    const text = recorderFormat(doc);
    assert.match(text, /"created": 0\.0/);
    const rec = parseRecordingText(`/r/recordings/${HASH}.json`, text);
    assert.deepEqual(assessNormalization(rec).changes, [{ pointer: "/response/body/__data__/created", from: 0, to: 0 }]);
    assert.match(planNormalization(rec).text, /"created": 0\n/);
  });
});

describe("the rewrite", () => {
  const repo = path.join(FIXTURES, "repo");
  for (const file of jsonFiles(repo)) {
    const rel = path.relative(repo, file);
    test(`${path.basename(rel)}: the text is what CPython's json.dump(indent=2) writes after the recorder's normalization`, async (t) => {
      const expected = fs.readFileSync(path.join(FIXTURES, "expected", rel), "utf8");
      let rec;
      try {
        rec = await readRecording(file);
      } catch {
        t.diagnostic("does not parse: normalize leaves it untouched (e2e asserts it)");
        assert.equal(expected, fs.readFileSync(file, "utf8"));
        return;
      }
      const plan = planNormalization(rec);
      assert.equal(plan.text, expected);
      assert.equal(plan.text === rec.text, plan.changes.length === 0 && !plan.reformat);
      // Idempotent: the rewritten file has nothing left to change.
      const again = assessNormalization(parseRecordingText(file, plan.text));
      assert.deepEqual([again.changes, again.reformat], [[], false]);
    });
  }
});

describe("the fast assessment agrees with the exact path", () => {
  test("on every sample and fixture recording", async () => {
    let checked = 0;
    const dirs = [SAMPLES, VALID, path.join(FIXTURES, "repo"), path.join(FIXTURES, "expected")];
    for (const file of dirs.flatMap(jsonFiles)) {
      let rec;
      try {
        rec = await readRecording(file);
      } catch {
        continue;
      }
      const exact = parseExact(rec.text);
      const reformat = recorderFormat(exact) !== rec.text;
      const { changes } = applyRules(exact, recIdFor(rec.name));
      const fast = assessNormalization(rec);
      assert.deepEqual([fast.changes, fast.reformat], [changes, reformat], file);
      const proof = fastFormatted(rec.text, rec.data);
      if (proof !== undefined) assert.equal(proof, !reformat, file);
      checked++;
    }
    assert.ok(checked >= 40, `only ${checked} recordings`);
  });
});

describe("formattedFast", () => {
  const decide = (text: string): boolean | undefined => fastFormatted(text, JSON.parse(text));

  test("recorder output of the Python dumps cases is never called unformatted", () => {
    const cases = JSON.parse(fs.readFileSync(CASES_FILE, "utf8")) as { dumps: { name: string; indent2: string }[] };
    for (const c of cases.dumps) {
      let value: unknown;
      try {
        value = JSON.parse(c.indent2);
      } catch {
        continue; // NaN / Infinity: not JSON for JSON.parse
      }
      assert.notEqual(fastFormatted(`${c.indent2}\n`, value), false, c.name);
    }
  });

  test("Python's spelling of numbers is proven: 1.0, 1e-05, 1e+16, big ints", () => {
    assert.equal(decide('{\n  "a": 1.0,\n  "b": 1e-05,\n  "c": 1e+16,\n  "d": 18446744073709551617,\n  "e": -7.67606e-05\n}\n'), true);
  });

  test("JavaScript's spelling of numbers is never taken for Python's", () => {
    for (const literal of ["0.00001", "1e-7", "1e16", "1E+16", "-0", "1.50"]) {
      assert.notEqual(decide(`{\n  "a": ${literal}\n}\n`), true, literal);
    }
  });

  test("non-ASCII must be \\u-escaped; a missing final newline or other indentation is not the recorder's", () => {
    assert.equal(decide('{\n  "a": "caf\\u00e9 \\ud83d\\ude00"\n}\n'), true);
    assert.equal(decide('{\n  "a": "café"\n}\n'), false);
    assert.equal(decide('{\n  "a": "\u007f"\n}\n'), false);
    assert.equal(decide('{\n  "a": 1\n}'), false);
    assert.equal(decide('{"a": 1}\n'), false);
    assert.notEqual(decide('{\n    "a": 1\n}\n'), true);
  });

  test("integer-like keys (which JavaScript reorders) are left to the exact parse", () => {
    const text = '{\n  "run": "nightly",\n  "2024": "year"\n}\n';
    assert.equal(decide(text), undefined);
    assert.equal(recorderFormat(parseExact(text)), text);
  });

  test("matches Python's one-line dumps nowhere it should not", () => {
    const value = parseExact('{"a": [1, 2.5, "x"], "b": {}}');
    assert.equal(decide(`${dumps(value)}\n`), false);
  });
});

describe("formattedFast on generated documents", () => {
  // A small deterministic generator of the values that make JS and Python print differently.
  let seed = 20250801;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const FLOATS = [0, -0, 1, 1e-5, 1.5e-7, 7.67e-5, 1e-4, 1e16, 1.5e17, 1e21, 123.456, 2 ** 53 + 2, 5e-324, 0.1];
  const STRINGS = ["a", "café", "日本", "\u007f", "x\ny", "😀", "\ud800", "", '" \\ /', "\u2028"];
  const KEYS = ["a", "b", "10", "2", "id", "created", "0", "é"];
  const gen = (depth: number): PyValue => {
    const r = random();
    if (depth > 3 || r < 0.3) {
      const t = random();
      if (t < 0.35) return pick(FLOATS);
      if (t < 0.55) return BigInt(Math.floor(random() * 1000)) * (random() < 0.2 ? 10n ** 20n : 1n);
      return t < 0.85 ? pick(STRINGS) : pick([null, true, false]);
    }
    if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => gen(depth + 1));
    return new Map(Array.from({ length: Math.floor(random() * 4) }, () => [pick(KEYS), gen(depth + 1)] as const));
  };

  test("never contradicts the exact answer, on recorder output and on its near misses", () => {
    let decided = 0;
    for (let i = 0; i < 3000; i++) {
      const text = recorderFormat(new Map([["x", gen(0)]]));
      const nearMisses = [
        `${JSON.stringify(JSON.parse(text), null, 2)}\n`,
        text.replace(/\\u00e9/g, "é"),
        text.replace(/\.0\b/g, ""),
        text.replace(/e-0(\d)/g, "e-$1"),
        text.trimEnd(),
      ];
      for (const candidate of [text, ...nearMisses]) {
        const truth = recorderFormat(parseExact(candidate)) === candidate;
        const fast = fastFormatted(candidate, JSON.parse(candidate));
        if (fast !== undefined) {
          decided++;
          assert.equal(fast, truth, candidate);
        }
      }
    }
    assert.ok(decided > 10000, `only ${decided} decided`);
  });
});
