/**
 * The request hash (SPEC, "The request hash") against CPython: the expected values were computed
 * once by scripts/gen-python-cases.py — the recorder's own regexes and an independent Python
 * implementation of the hashing rules — and committed as test/fixtures/python-cases.json; the
 * tests never run Python. Then real recordings (test/fixtures/samples/, seeds/) must agree with
 * the names the recorder gave them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { normalizeString, requestHash } from "../../src/core/hash.js";
import { parseExact, recorderFormat, type PyValue } from "../../src/core/pyjson.js";
import { pyUrlParse } from "../../src/core/pyurl.js";
import { exactRequest, losslessRequest, nameAgrees, nameHash, parseRecordingText, readRecording } from "../../src/core/recording.js";
import { jsonFiles } from "../files.js";
import { eraOn, NEWEST_ERA } from "../../src/core/rules/eras.js";

// dist-test/test/core/ is three levels below the repo root.
const CASES_FILE = new URL("../../../test/fixtures/python-cases.json", import.meta.url);
const SAMPLES_DIR = fileURLToPath(new URL("../../../test/fixtures/samples/", import.meta.url));
const SEEDS_DIR = fileURLToPath(new URL("../../../test/fixtures/seeds/", import.meta.url));

interface NormalizeCase {
  name: string;
  input: string;
  output: string;
}
interface HashCase {
  name: string;
  recording: string;
  kind: string;
  hash: string;
  normalized: string;
}
interface UrlCase {
  input: string;
  scheme: string;
  netloc: string;
  path: string;
}
interface PythonCases {
  python: string;
  normalize: NormalizeCase[];
  hash: HashCase[];
  urlparse: UrlCase[];
}

const cases = JSON.parse(fs.readFileSync(CASES_FILE, "utf8")) as PythonCases;

/**
 * Real sample files whose name is not the hash of their request: the recorder can never find
 * them (SPEC: "unreachable"). Each is listed with why, so a new mismatch fails the test.
 */
const KNOWN_UNREACHABLE = new Map<string, string>([
  [
    "current/tests/integration/responses/recordings/1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json",
    "recorded before the file-search noise rule: hashed without that rule it is exactly its name",
  ],
  [
    "current/tests/integration/tool_runtime/recordings/632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db.json",
    "no test_id key, in the current layout: hashed as before test isolation it is b24590574a85…, a 2025-08 name",
  ],
]);


function hashCase(name: string): HashCase {
  const found = cases.hash.find((c) => c.name === name);
  assert.ok(found, `no hash case named "${name}" in python-cases.json`);
  return found;
}

function hashOf(c: HashCase): ReturnType<typeof requestHash> {
  return requestHash(exactRequest(parseRecordingText("case.json", c.recording)));
}

describe(`string normalization as the recorder (CPython ${cases.python}) does it`, () => {
  for (const c of cases.normalize) {
    test(`${c.name}: ${JSON.stringify(c.input)}`, () => {
      assert.equal(normalizeString(c.input), c.output);
    });
  }
});

describe("urlparse: the endpoint and host the hash reads", () => {
  for (const c of cases.urlparse) {
    test(`urlparse(${JSON.stringify(c.input)})`, () => {
      assert.deepEqual(pyUrlParse(c.input), { scheme: c.scheme, netloc: c.netloc, path: c.path });
    });
  }
});

describe("the request hash", () => {
  for (const c of cases.hash) {
    test(c.name, () => {
      const result = hashOf(c);
      assert.equal(result.kind, c.kind);
      assert.equal(result.normalized, c.normalized, "the normalized JSON that is hashed");
      assert.equal(result.hash, c.hash);
      assert.equal(requestHash(losslessRequest(parseRecordingText("case.json", c.recording))).normalized, c.normalized, "lossless parse");
    });
  }

  // validate reads the request of a file in recorder formatting from its JSON.parse value, with
  // integral floats and big ints marked first; it must hash exactly like the lossless parse.
  for (const c of cases.hash) {
    test(`the formatted-file shortcut agrees with the exact parse: ${c.name}`, () => {
      const text = recorderFormat(parseExact(c.recording));
      const rec = parseRecordingText("case.json", text);
      assert.equal(requestHash(exactRequest(rec, true)).hash, c.hash);
    });
  }

  // Any file whose request member is laid out as the recorder lays it out takes the same
  // shortcut (here the file's last line is not the recorder's: the file is not formatted).
  test("the request-layout shortcut in an unformatted file agrees with the exact parse", () => {
    let native = 0;
    for (const c of cases.hash) {
      const value = parseExact(c.recording) as Map<string, PyValue>;
      // The request right after `{` and test_id, or (response moved first) found by jsonc-parser.
      const responseFirst = new Map([...value].sort(([a], [b]) => (a === "response" ? -1 : b === "response" ? 1 : 0)));
      for (const doc of [value, responseFirst]) {
        const text = recorderFormat(doc).replace(/\n\}\n$/, "}");
        const exact = exactRequest(parseRecordingText("case.json", text));
        if (exact.native === true) native++;
        assert.equal(requestHash(exact).hash, c.hash, c.name);
      }
    }
    assert.ok(native > 0, "some cases read the request from its JSON.parse value");
  });

  test("a repeated top-level key: the last occurrence counts, as json.load keeps it", () => {
    const first = '{"method": "POST", "url": "http://h/v1/chat/completions", "body": {"model": "a", "temperature": 1.0}}';
    const last = '{"method": "POST", "url": "http://h/v1/chat/completions", "body": {"model": "b", "temperature": 1}}';
    const only = `{"test_id": "t.py::t", "request": ${last}, "response": {"body": null, "is_streaming": false}}`;
    const want = requestHash(losslessRequest(parseRecordingText("x.json", only))).normalized;
    assert.ok(want?.includes('"model": "b", "temperature": 1}'), want ?? "");
    const docs = [
      `{"test_id": "t.py::t", "request": ${first}, "response": {"body": null, "is_streaming": false}, "request": ${last}}`,
      `{"request": ${first}, "test_id": "x.py::x", "request": ${last}, "test_id": "t.py::t", "response": {"body": null, "is_streaming": false}}`,
    ];
    for (const doc of docs) {
      // Compact, and in the recorder's indent=2 layout (which json.dump would never repeat a key in).
      for (const text of [doc, doc.replace(/, "/g, ',\n  "')]) {
        const rec = parseRecordingText("x.json", text);
        assert.equal(requestHash(losslessRequest(rec)).normalized, want, text);
        assert.equal(requestHash(exactRequest(rec)).normalized, want, text);
      }
    }
  });

  test("every sample and seed hashes alike through the shortcut and the lossless parse", async () => {
    for (const file of [...jsonFiles(SAMPLES_DIR), ...jsonFiles(SEEDS_DIR)]) {
      const rec = await readRecording(file);
      assert.equal(requestHash(exactRequest(rec)).normalized, requestHash(losslessRequest(rec)).normalized, file);
    }
  });

  test("the formatted-file shortcut: 1.0, 1e+16, big ints, and a string that looks like its mark", () => {
    const doc = (extra: string): string =>
      recorderFormat(
        parseExact(
          `{"test_id": "t.py::t", "request": {"method": "POST", "url": "http://h/v1/x", "body": {"a": 1.0, "b": [1e16, 2, 12345678901234567890], "c": {"d": -0.0}${extra}}}, "response": {"body": null, "is_streaming": false}}`,
        ),
      );
    // A NUL-then-"#" string (JSON "\u0000#1.0") and a backslash-u text (JSON "\\u0000#1.0").
    for (const extra of ["", ', "s": "\\u0000#1.0"', ', "s": "\\\\u0000#1.0"']) {
      const rec = parseRecordingText("x.json", doc(extra));
      const lossless = requestHash(losslessRequest(rec)).normalized;
      assert.equal(requestHash(exactRequest(rec, true)).normalized, lossless, extra);
      assert.equal(requestHash(exactRequest(rec, false)).normalized, lossless, extra);
    }
  });

  test("model-list paths leave test_id out of the hash", () => {
    const c = hashCase("model-list paths leave test_id out of the hash (/v1/models)");
    assert.ok(!c.normalized.includes('"test_id"'));
    assert.equal(hashOf(c).hash, c.hash);
  });

  test(";params, ?query, #fragment and the method's case do not change the hash", () => {
    const base = hashCase("an inference request hashes method, endpoint, body and test_id");
    const withUrlNoise = hashCase("the endpoint drops ;params, ?query and #fragment");
    const lowerMethod = hashCase("the method is upper-cased");
    assert.equal(withUrlNoise.hash, base.hash);
    assert.equal(lowerMethod.hash, base.hash);
    assert.equal(hashOf(withUrlNoise).hash, base.hash);
    assert.equal(hashOf(lowerMethod).hash, base.hash);
  });

  test("tool kwargs are not normalized", () => {
    const c = hashCase("a tool call hashes provider, tool_name and kwargs without normalizing them");
    assert.ok(c.normalized.includes("0.123456789") && c.normalized.includes("3.14159265"));
    assert.equal(hashOf(c).normalized, c.normalized);
  });

  test("a request of no known shape has no hash", () => {
    const text = JSON.stringify({ test_id: null, request: { provider: "pypdf", api: "file_processors", file_id: "f" } });
    const result = requestHash(exactRequest(parseRecordingText("x.json", text)));
    assert.equal(result.kind, "file-processor");
    assert.equal(result.hash, null);
  });
});

describe("real recordings agree with their names", () => {
  const files = jsonFiles(SAMPLES_DIR);

  test("the samples cover every request kind and name style", async () => {
    const kinds = new Set<string>();
    const styles = new Set<string>();
    let withoutTestId = 0;
    for (const file of files) {
      const rec = await readRecording(file);
      const exact = exactRequest(rec);
      kinds.add(requestHash(exact).kind);
      styles.add(nameHash(file)?.style ?? "none");
      if (exact.testId === undefined) withoutTestId++;
    }
    assert.deepEqual([...kinds].sort(), ["inference", "raw-http", "tool"]);
    assert.deepEqual([...styles].sort(), ["full", "legacy", "models"]);
    assert.ok(withoutTestId > 0);
    for (const known of KNOWN_UNREACHABLE.keys()) assert.ok(fs.existsSync(path.join(SAMPLES_DIR, known)), known);
  });

  for (const file of files) {
    const rel = path.relative(SAMPLES_DIR, file).split(path.sep).join("/");
    const why = KNOWN_UNREACHABLE.get(rel);
    const title = why === undefined ? `${rel} is named after its request hash` : `${rel} is unreachable (${why})`;
    test(title, async () => {
      const name = nameHash(file);
      assert.ok(name !== null, "the file name carries a hash");
      // Each generation of samples is judged by the rules of the recorder that wrote it.
      const era = rel.startsWith("2025-08-") ? eraOn("2025-08-18") : rel.startsWith("2025-09-") ? eraOn("2025-09-23") : NEWEST_ERA;
      const { hash } = requestHash(exactRequest(await readRecording(file)), era ?? NEWEST_ERA);
      assert.ok(hash !== null, "the request has a hashing rule");
      assert.equal(nameAgrees(name, hash), why === undefined, `name ${name.hash}, request hash ${hash}`);
    });
  }
});

describe("seeds: rec- ids are rec- plus the first 12 hex of the request hash", () => {
  for (const file of jsonFiles(SEEDS_DIR)) {
    test(path.basename(file), async () => {
      const rec = await readRecording(file);
      const { hash } = requestHash(exactRequest(rec));
      assert.ok(hash !== null);
      const body = (rec.data as { response: { body: unknown } }).response.body;
      const chunks = Array.isArray(body) ? body : [body];
      const ids = new Set<unknown>();
      for (const chunk of chunks) {
        const data = (chunk as { __data__?: { id?: unknown } } | null)?.__data__;
        if (data?.id !== undefined) ids.add(data.id);
      }
      assert.ok(ids.size > 0, "the response carries ids");
      assert.deepEqual([...ids], [`rec-${hash.slice(0, 12)}`]);
    });
  }
});
