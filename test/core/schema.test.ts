/**
 * The bundled JSON Schema (schemas/recording.schema.json) against the fixtures in
 * test/fixtures/{valid,invalid}: valid ones are real recordings cut down, invalid ones each show
 * one mistake and must fail with the expected instancePath and keyword.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

// dist-test/test/core/ is three levels below the repo root.
const SCHEMA_FILE = new URL("../../../schemas/recording.schema.json", import.meta.url);
const VALID_DIR = fileURLToPath(new URL("../../../test/fixtures/valid/", import.meta.url));
const INVALID_DIR = fileURLToPath(new URL("../../../test/fixtures/invalid/", import.meta.url));

const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;

function compile(options: ConstructorParameters<typeof Ajv>[0]): ValidateFunction {
  return new Ajv(options).compile(schema);
}

const validate = compile({ allErrors: true, strict: true });

/** Summary errors that only say "a branch failed"; the specific errors come with them. */
const WRAPPERS = new Set(["if", "anyOf", "oneOf", "not"]);

function check(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

/** The specific errors as "instancePath keyword" strings, in ajv's order. */
function specific(errors: readonly ErrorObject[]): string[] {
  return errors.filter((e) => !WRAPPERS.has(e.keyword)).map((e) => `${e.instancePath} ${e.keyword}`);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function fixtureNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

describe("recording.schema.json", () => {
  test("is a draft-07 schema whose definitions all have a title and a description", () => {
    assert.equal(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    const defs = schema["definitions"] as Record<string, Record<string, unknown>>;
    assert.ok(Object.keys(defs).length > 0);
    for (const [name, def] of Object.entries(defs)) {
      assert.equal(typeof def["title"], "string", `${name} has a title`);
      assert.equal(typeof def["description"], "string", `${name} has a description`);
    }
  });

  test("compiles under ajv strict mode and the lenient options", () => {
    // strict: true throws on unknown keywords, ignored keywords, union types, undefined required.
    assert.doesNotThrow(() => compile({ allErrors: true, strict: true }));
    assert.doesNotThrow(() => compile({ strict: true }));
    assert.doesNotThrow(() => compile({ allErrors: true, strict: false }));
  });
});

describe("valid fixtures", () => {
  const names = fixtureNames(VALID_DIR);
  test("there are fixtures for every request shape and body kind", () => {
    assert.ok(names.length >= 10, `only ${names.length} valid fixtures`);
  });
  for (const name of names) {
    test(`${name} passes`, () => {
      const errors = check(readJson(VALID_DIR + name));
      assert.deepEqual(errors, []);
    });
  }
});

/** fixture -> the specific errors (instancePath, keyword) it must produce, exactly. */
const INVALID: Record<string, string[]> = {
  "top-level-array.json": [" type"],
  "top-level-string.json": [" type"],
  "missing-request.json": [" required"],
  "missing-response.json": [" required"],
  "missing-response-body.json": ["/response required"],
  "is-streaming-string.json": ["/response/is_streaming type"],
  "test-id-number.json": ["/test_id type"],
  "request-string.json": ["/request type"],
  "response-array.json": ["/response type"],
  "streaming-single-object-body.json": ["/response/body type"],
  "stream-chunk-number.json": ["/response/body/1 type", "/response/body/2 type"],
  "chunk-type-without-data.json": ["/response/body/1 dependencies"],
  "chunk-type-not-string.json": ["/response/body/1/__type__ type"],
};

describe("invalid fixtures", () => {
  for (const [name, expected] of Object.entries(INVALID)) {
    test(`${name} fails with ${expected.join(", ")}`, () => {
      const errors = check(readJson(INVALID_DIR + name));
      assert.deepEqual(specific(errors), expected);
    });
  }

  test("messages name the rule that was broken", () => {
    const message = (name: string): string[] =>
      check(readJson(INVALID_DIR + name))
        .filter((e) => !WRAPPERS.has(e.keyword))
        .map((e) => e.message ?? "");
    assert.deepEqual(message("request-string.json"), ["must be object"]);
    assert.deepEqual(message("is-streaming-string.json"), ["must be boolean"]);
    assert.deepEqual(message("test-id-number.json"), ["must be string,null"]);
    assert.deepEqual(message("missing-response-body.json"), ["must have required property 'body'"]);
    assert.deepEqual(message("streaming-single-object-body.json"), ["must be array"]);
    assert.deepEqual(message("chunk-type-without-data.json"), [
      "must have property __data__ when property __type__ is present",
    ]);
  });

  test("a non-object request or response is reported once, with no branch noise", () => {
    for (const name of ["request-string.json", "response-array.json", "top-level-array.json"]) {
      assert.equal(check(readJson(INVALID_DIR + name)).length, 1, name);
    }
  });

  // Not schema fixtures: they must fail before the schema, at reading/parsing.
  test("unparseable fixtures are what their names say", () => {
    for (const name of ["empty.json", "truncated.json", "trailing-garbage.json", "web-page-header.json"]) {
      const text = fs.readFileSync(INVALID_DIR + name, "utf8");
      assert.throws(() => JSON.parse(text), SyntaxError, name);
    }
    assert.equal(fs.statSync(INVALID_DIR + "empty.json").size, 0);
    const bytes = fs.readFileSync(INVALID_DIR + "invalid-utf8.json");
    assert.ok(bytes.includes(0xff));
    assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes), TypeError);
    // Decoded leniently (U+FFFD) it is an otherwise valid recording.
    assert.deepEqual(check(JSON.parse(bytes.toString("utf8"))), []);
  });
});

describe("request shapes", () => {
  const base = readJson(VALID_DIR + "current-openai-chat-stream.json") as Record<string, unknown>;
  const withRequest = (request: unknown): unknown => ({ ...base, request });
  const tool = { test_id: null, provider: "tavily", tool_name: "web_search", kwargs: { query: "q" } };
  const raw = { test_id: null, url: "http://0.0.0.0:11434/v1/messages", method: "POST", payload: {} };
  const fileProcessor = { test_id: null, provider: "pypdf", api: "file_processors", file_id: "file-1" };

  test("each shape is recognised and checked on its own keys", () => {
    assert.deepEqual(check(withRequest(tool)), []);
    assert.deepEqual(check(withRequest(raw)), []);
    assert.deepEqual(check(withRequest(fileProcessor)), []);
    const { tool_name: _drop, ...noToolName } = tool;
    assert.deepEqual(specific(check(withRequest(noToolName))), ["/request required"]);
    assert.deepEqual(specific(check(withRequest({ ...tool, kwargs: "q" }))), ["/request/kwargs type"]);
    assert.deepEqual(specific(check(withRequest({ ...raw, method: 1 }))), ["/request/method type"]);
    assert.deepEqual(specific(check(withRequest({ ...fileProcessor, file_id: 7 }))), ["/request/file_id type"]);
    const { file_id: _f, ...noFileId } = fileProcessor;
    assert.deepEqual(specific(check(withRequest(noFileId))), ["/request required"]);
  });

  test("an inference request is the default shape, and its errors are reported once", () => {
    const inference = base["request"] as Record<string, unknown>;
    const { body: _body, ...noBody } = inference;
    const errors = check(withRequest(noBody));
    assert.deepEqual(specific(errors), ["/request required"]);
    assert.equal(errors.find((e) => e.keyword === "required")?.params["missingProperty"], "body");
    assert.deepEqual(specific(check(withRequest({ ...inference, headers: [] }))), ["/request/headers type"]);
    assert.deepEqual(specific(check(withRequest({}))), ["/request required", "/request required", "/request required"]);
  });
});

describe("response body", () => {
  const base = readJson(VALID_DIR + "current-openai-chat-stream.json") as Record<string, unknown>;
  const withResponse = (response: Record<string, unknown>): unknown => ({ ...base, response });

  test("any JSON value is a valid non-streamed body", () => {
    for (const body of [null, "text", 3, true, {}, { plain: 1 }, []]) {
      assert.deepEqual(check(withResponse({ body, is_streaming: false })), [], JSON.stringify(body));
    }
  });

  test("streamed chunks may be SSE strings, serialized objects or plain objects", () => {
    const body = ["event: ping", "", { __type__: "a.B", __data__: {} }, { candidates: [] }];
    assert.deepEqual(check(withResponse({ body, is_streaming: true })), []);
  });

  test("a serialized object body follows the __type__/__data__ rule", () => {
    assert.deepEqual(specific(check(withResponse({ body: { __type__: "a.B" }, is_streaming: false }))), [
      "/response/body dependencies",
    ]);
    assert.deepEqual(specific(check(withResponse({ body: { __type__: "a.B", __data__: [] }, is_streaming: false }))), [
      "/response/body/__data__ type",
    ]);
  });

  test("optional response fields are typed", () => {
    const errors = check(
      withResponse({
        body: null,
        is_streaming: false,
        is_exception: "yes",
        exception_data: "x",
        exception_message: 1,
        status: 200.5,
      }),
    );
    assert.deepEqual(specific(errors), [
      "/response/is_exception type",
      "/response/exception_data type",
      "/response/exception_message type",
      "/response/status type",
    ]);
  });

  test("id_normalization_mapping maps strings to strings", () => {
    assert.deepEqual(specific(check({ ...base, id_normalization_mapping: { "rec-1": 5 } })), [
      "/id_normalization_mapping/rec-1 type",
    ]);
  });
});
