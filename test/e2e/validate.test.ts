import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { requestHash } from "../../src/core/hash.js";
import { parseExact, recorderFormat, type PyValue } from "../../src/core/pyjson.js";
import { exactRequest, parseRecordingText } from "../../src/core/recording.js";
import { BIN, FIXTURES, recctl, tempDir } from "./run.js";

const INVALID = join(FIXTURES, "invalid");
const VALID = join(FIXTURES, "valid");

interface Report {
  summary: { files: number; valid: number; invalid: number; warnings: number };
  files: { file: string; valid: boolean; errors: { pointer: string; line: number | null; column: number | null; message: string; rule: string }[]; warnings: { rule: string }[] }[];
}

function validateJson(args: string[], cwd: string): { code: number; report: Report; stderr: string } {
  const r = recctl(["validate", "--json", ...args], { cwd });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

test("every valid fixture (all three generations, every request kind) passes and exits 0", () => {
  const r = recctl(["validate", "*.json"], { cwd: VALID });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /✔ 12 files valid/);
});

const EXPECTED: Record<string, { rule: string; pointer?: string; line?: number; message: RegExp }> = {
  "top-level-array.json": { rule: "schema", pointer: "", line: 1, message: /must be object/ },
  "top-level-string.json": { rule: "schema", pointer: "", line: 1, message: /must be object/ },
  "missing-request.json": { rule: "schema", pointer: "", message: /must have property 'request'/ },
  "missing-response.json": { rule: "schema", pointer: "", message: /must have property 'response'/ },
  "missing-response-body.json": { rule: "schema", pointer: "/response", message: /must have property 'body'/ },
  "is-streaming-string.json": { rule: "schema", pointer: "/response/is_streaming", message: /must be boolean/ },
  "test-id-number.json": { rule: "schema", pointer: "/test_id", line: 2, message: /must be string,null/ },
  "request-string.json": { rule: "schema", pointer: "/request", line: 3, message: /must be object/ },
  "response-array.json": { rule: "schema", pointer: "/response", message: /must be object/ },
  "streaming-single-object-body.json": { rule: "schema", pointer: "/response/body", message: /must be array/ },
  "stream-chunk-number.json": { rule: "schema", pointer: "/response/body/1", message: /must be object/ },
  "chunk-type-without-data.json": { rule: "schema", pointer: "/response/body/1", message: /__data__/ },
  "chunk-type-not-string.json": { rule: "schema", pointer: "/response/body/1/__type__", message: /must be string/ },
  "web-page-header.json": { rule: "json", line: 1, message: /header before line 8/ },
  "empty.json": { rule: "json", line: 1, message: /empty file/ },
  "truncated.json": { rule: "json", message: /truncated/ },
  "trailing-garbage.json": { rule: "json", message: /end of file expected/ },
  "invalid-utf8.json": { rule: "utf8", message: /invalid UTF-8 \(byte 0xff/ },
};

for (const [name, want] of Object.entries(EXPECTED)) {
  test(`${name} is invalid: rule ${want.rule}${want.pointer === undefined ? "" : `, pointer "${want.pointer}"`}, with a line`, () => {
    const { code, report } = validateJson([name], INVALID);
    assert.equal(code, 1);
    const file = report.files[0];
    assert.ok(file !== undefined);
    assert.equal(file.valid, false);
    const error = file.errors[0];
    assert.ok(error !== undefined);
    assert.equal(error.rule, want.rule);
    if (want.pointer !== undefined) assert.equal(error.pointer, want.pointer);
    assert.equal(typeof error.line, "number");
    assert.equal(typeof error.column, "number");
    if (want.line !== undefined) assert.equal(error.line, want.line);
    assert.match(error.message, want.message);
  });
}

test("text output names file:line:col, the JSON pointer and the rule", () => {
  const r = recctl(["validate", "is-streaming-string.json"], { cwd: INVALID });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^is-streaming-string\.json:\d+:\d+: error \/response\/is_streaming must be boolean \(schema\)$/m);
  assert.match(r.stdout, /✖ 1 of 1 file invalid/);
});

test("--format github prints workflow annotations", () => {
  const r = recctl(["validate", "--format", "github", "request-string.json"], { cwd: INVALID });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^::error file=request-string\.json,line=3,col=14,title=recctl schema::\/request must be object$/m);
});

test("the truncated file is located at its end and the web-page header is explained", () => {
  const r = recctl(["validate", "truncated.json", "web-page-header.json"], { cwd: INVALID });
  assert.match(r.stdout, /truncated\.json:\d+:\d+: error invalid JSON: unexpected end of file \(truncated\?\) \(json\)/);
  assert.match(r.stdout, /web-page-header\.json:1:1: error invalid JSON: .* is there a header before line 8\? \(json\)/);
});

test("an unreadable path exits 2 after the other files are processed", (t) => {
  const dir = tempDir(t);
  copyFileSync(join(VALID, "tool-invocation.json"), join(dir, "tool-invocation.json"));
  const r = recctl(["validate", "does-not-exist.json", "tool-invocation.json"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /does-not-exist\.json: no such file or directory/);
  assert.match(r.stdout, /✔ 1 file valid/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
});

test("nothing to validate: no green tick, stderr says why", (t) => {
  const dir = tempDir(t);
  const missing = recctl(["validate", "does-not-exist.json"], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, "");
  assert.match(missing.stderr, /does-not-exist\.json: no such file or directory/);
  // A CI job pointed at the wrong folder must not stay green (issue 16): exit 2 unless --allow-empty.
  const empty = recctl(["validate"], { cwd: dir });
  assert.equal(empty.code, 2);
  assert.equal(empty.stdout, "");
  assert.match(empty.stderr, /no recordings found under/);
  assert.equal(recctl(["validate", "--allow-empty"], { cwd: dir }).code, 0);
});

/** A fresh `recordings` folder (a directory inside one means every *.json in it). */
function recordingsDir(t: TestContext): string {
  const dir = join(tempDir(t), "recordings");
  mkdirSync(dir);
  return dir;
}

/** An inference recording (hash includes test_id) with no rec- ids, as the recorder writes it. */
const TEMPLATE = `{
  "test_id": null,
  "request": {
    "method": "POST",
    "url": "http://localhost:11434/v1/chat/completions",
    "headers": {},
    "body": {
      "model": "llama3.2:3b",
      "messages": [
        {
          "role": "user",
          "content": "Say hi"
        }
      ],
      "temperature": 0.0
    },
    "endpoint": "/v1/chat/completions",
    "model": "llama3.2:3b"
  },
  "response": {
    "body": {
      "__type__": "openai.types.chat.chat_completion.ChatCompletion",
      "__data__": {
        "choices": [
          {
            "finish_reason": "stop",
            "index": 0,
            "message": {
              "content": "Hi!",
              "role": "assistant"
            }
          }
        ],
        "model": "llama3.2:3b",
        "object": "chat.completion"
      }
    },
    "is_streaming": false
  },
  "id_normalization_mapping": {}
}
`;

/** A small, correctly named recording for test number `i`, in the recorder's formatting. */
function namedRecording(template: string, i: number): { name: string; text: string } {
  const value = parseExact(template) as Map<string, PyValue>;
  value.set("test_id", `tests/integration/inference/test_bulk.py::test_case[${i}]`);
  const text = recorderFormat(value);
  const hash = requestHash(exactRequest(parseRecordingText("x.json", text))).hash ?? "";
  return { name: `${hash}.json`, text };
}

/** A temporary root with `count` correctly named recordings, each written as `layout` returns it. */
function recordingsTree(t: TestContext, count: number, layout = (text: string, _i: number): string => text): { root: string; dir: string } {
  const root = tempDir(t);
  const dir = join(root, "tests", "integration", "inference", "recordings");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const { name, text } = namedRecording(TEMPLATE, i);
    writeFileSync(join(dir, name), layout(text, i));
  }
  return { root, dir };
}

test("a directory of 3,000 recordings with one bad file reports that one and exits 1", (t) => {
  const { root, dir } = recordingsTree(t, 3000);
  copyFileSync(join(INVALID, "is-streaming-string.json"), join(dir, "bad.json"));
  const { code, report } = validateJson([], root);
  assert.equal(code, 1);
  assert.equal(report.summary.files, 3001);
  assert.equal(report.summary.invalid, 1);
  assert.equal(report.summary.warnings, 0);
  const invalid = report.files.filter((f) => !f.valid);
  assert.deepEqual(
    invalid.map((f) => f.file),
    [join("tests", "integration", "inference", "recordings", "bad.json")],
  );
  assert.equal(readdirSync(dir).length, 3001);
});

test("an unreachable file (name hash ≠ request hash) is a warning that fails only with --strict", (t) => {
  const dir = recordingsDir(t);
  const { text } = namedRecording(TEMPLATE, 1);
  writeFileSync(join(dir, `${"ab".repeat(32)}.json`), text);
  const loose = validateJson(["."], dir);
  assert.equal(loose.code, 0);
  assert.equal(loose.report.files[0]?.warnings[0]?.rule, "name-hash");
  const strict = recctl(["validate", "--strict", "."], { cwd: dir });
  assert.equal(strict.code, 1);
  assert.match(strict.stdout, /warning \/request hashes to .* \(unreachable under the rules of \d{4}-\d{2}-\d{2}\); .* \(name-hash\)/);
});

test("a file not in the recorder's formatting is a warning (format)", (t) => {
  const dir = recordingsDir(t);
  const { name, text } = namedRecording(TEMPLATE, 2);
  // Four-space indentation: same values and literals, not the recorder's layout.
  writeFileSync(join(dir, name), text.replace(/^( +)/gm, "$1$1"));
  const { code, report } = validateJson(["."], dir);
  assert.equal(code, 0);
  assert.deepEqual(
    report.files[0]?.warnings.map((w) => w.rule),
    ["format"],
  );
});

test("rec- ids that disagree with the file name are a warning (rec-id)", (t) => {
  const dir = recordingsDir(t);
  const text = readFileSync(join(VALID, "current-openai-chat-stream.json"), "utf8");
  writeFileSync(join(dir, `${"cd".repeat(32)}.json`), text);
  const { report } = validateJson(["."], dir);
  const rules = report.files[0]?.warnings.map((w) => w.rule) ?? [];
  assert.ok(rules.includes("rec-id"), rules.join(","));
  assert.ok(rules.includes("name-hash"), rules.join(","));
});

test("--ignore leaves a warning rule unchecked (repeatable); only warning rules can be ignored", (t) => {
  const dir = recordingsDir(t);
  // Misnamed (name-hash, rec-id) and four-space indented (format): all three warnings.
  const text = readFileSync(join(VALID, "current-openai-chat-stream.json"), "utf8");
  writeFileSync(join(dir, `${"cd".repeat(32)}.json`), text.replace(/^( +)/gm, "$1$1"));
  const rules = (args: string[]): string[] => (validateJson([...args, "."], dir).report.files[0]?.warnings.map((w) => w.rule) ?? []).sort();
  assert.deepEqual(rules([]), ["format", "name-hash", "rec-id"]);
  assert.deepEqual(rules(["--ignore", "format"]), ["name-hash", "rec-id"]);
  assert.deepEqual(rules(["--ignore", "name-hash", "--ignore", "rec-id"]), ["format"]);
  // --strict fails on what is still checked, and passes when nothing is left.
  assert.equal(recctl(["validate", "--strict", "--ignore", "format", "."], { cwd: dir }).code, 1);
  assert.equal(recctl(["validate", "--strict", "--ignore", "format", "--ignore", "name-hash", "--ignore", "rec-id", "."], { cwd: dir }).code, 0);
  // An error rule (or a typo) is a usage error that names the choices.
  const bad = recctl(["validate", "--ignore", "schema", "."], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: option '--ignore <rule>' argument 'schema' is invalid\. Allowed choices are name-hash, rec-id, format, stale-type, infra-id\./);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
});

test("--ignore format on a whole tree (many files, both threads) drops only the format warnings", (t) => {
  // Every third file is laid out with four spaces; the request layout changes with it.
  const { root, dir } = recordingsTree(t, 60, (text, i) => (i % 3 === 0 ? text.replace(/^( +)/gm, "$1$1") : text));
  writeFileSync(join(dir, `${"ab".repeat(32)}.json`), namedRecording(TEMPLATE, 99).text);
  const all = validateJson([], root).report;
  assert.equal(all.summary.warnings, 20 + 1);
  const some = validateJson(["--ignore", "format"], root).report;
  assert.equal(some.summary.files, 61);
  assert.deepEqual(
    some.files.flatMap((f) => f.warnings.map((w) => w.rule)),
    ["name-hash"],
  );
});

test("--schema uses another JSON Schema; a broken one is a one-line error with exit 2", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "strict.schema.json"), JSON.stringify({ type: "object", required: ["nope"] }));
  writeFileSync(join(dir, "broken.schema.json"), "{");
  const r = recctl(["validate", "--schema", join(dir, "strict.schema.json"), "tool-invocation.json"], { cwd: VALID });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /must have property 'nope'/);
  const broken = recctl(["validate", "--schema", join(dir, "broken.schema.json"), "tool-invocation.json"], { cwd: VALID });
  assert.equal(broken.code, 2);
  assert.equal(broken.stderr.trim().split("\n").length, 1);
  assert.match(broken.stderr, /cannot read schema/);
});

test("colour: only when forced or on a TTY; NO_COLOR and --no-color turn it off", () => {
  const file = "request-string.json";
  const forced = recctl(["validate", file], { cwd: INVALID, env: { FORCE_COLOR: "1", NO_COLOR: "" } });
  assert.match(forced.stdout, /\u001b\[31merror\u001b\[39m/);
  // Piped, with neither variable set at all: no colour.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "FORCE_COLOR" && k !== "NO_COLOR"));
  const piped = spawnSync(process.execPath, [BIN, "validate", file], { cwd: INVALID, env, encoding: "utf8" });
  assert.equal(piped.status, 1);
  assert.doesNotMatch(piped.stdout, /\u001b\[/);
  const off = recctl(["--no-color", "validate", file], { cwd: INVALID, env: { FORCE_COLOR: "1", NO_COLOR: "" } });
  assert.doesNotMatch(off.stdout, /\u001b\[/);
  assert.equal(off.code, 1);
});
