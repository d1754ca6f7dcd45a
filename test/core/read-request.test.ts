/**
 * `test_id` and `request` as prune and explain read them (the layout shortcut, else the
 * tokenizer) against Python's json.load of the same file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { readRequestOnly } from "../../src/core/read-request.js";
import { dumpsSorted } from "../../src/core/hash.js";
import type { PyValue } from "../../src/core/pyjson.js";

const RESPONSE = '  "response": {\n    "body": {\n      "__type__": "x",\n      "__data__": {\n        "id": 1\n      }\n    },\n    "is_streaming": false\n  }\n}\n';

const CASES: [string, string][] = [
  ["the recorder's layout, exact numbers and escapes", `{\n  "test_id": "tests/a.py::test_x[\\"q\\"]",\n  "request": {\n    "method": "POST",\n    "body": {\n      "temperature": 1.0,\n      "seed": 100000000000000000000,\n      "text": "caf\\u00e9 \\ud83d\\ude42"\n    }\n  },\n${RESPONSE}`],
  ["no test_id (2025 layout)", `{\n  "request": {\n    "url": "http://x/v1/models"\n  },\n${RESPONSE}`],
  ["test_id after the request", `{\n  "request": {\n    "url": "http://x"\n  },\n  "test_id": "tests/b.py::test_y",\n${RESPONSE}`],
  ["the request key repeated: the last one counts", `{\n  "request": {\n    "url": "http://first"\n  },\n  "request": {\n    "url": "http://last"\n  },\n${RESPONSE}`],
  ["one line", `{"test_id": null, "request": {"a": [1, 2.5, {"b": {}}]}, ${RESPONSE.trim()}`],
  ["a nested object closing at the request's indent", `{\n  "request": {\n    "body": {\n    "a": {\n      "b": 1\n  },\n    "c": 2\n    }\n  },\n${RESPONSE}`],
  ["another \"request\" key, inside the response", `{\n  "request": {\n    "url": "http://x"\n  },\n  "response": {\n    "request": {\n      "url": "http://inner"\n    }\n  }\n}\n`],
  ["a request that is null", `{\n  "test_id": null,\n  "request": null,\n${RESPONSE}`],
];

function python(files: string[]): string[] {
  const code = "import json,sys\nfor f in sys.argv[1:]:\n    d = json.load(open(f))\n    print(json.dumps([d.get('test_id', '<absent>'), d['request']], sort_keys=True))";
  const r = spawnSync("python3", ["-c", code, ...files], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n");
}

test("test_id and request read as json.load reads them, whatever the layout", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "recctl-rr-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = CASES.map(([, text], i) => {
    const file = join(dir, `${i}.json`);
    writeFileSync(file, text);
    return file;
  });
  const expected = python(files);
  CASES.forEach(([name], i) => {
    const { exact } = readRequestOnly(files[i] ?? "");
    const testId = exact.testId === undefined ? '"<absent>"' : dumpsSorted(exact.testId as PyValue);
    assert.equal(`[${testId}, ${dumpsSorted(exact.request as PyValue)}]`, expected[i], name);
  });
});
