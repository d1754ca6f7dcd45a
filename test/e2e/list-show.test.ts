import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, fixtureCopy, recctl, tempDir } from "./run.js";

const SAMPLES = join(FIXTURES, "samples");
const CURRENT = "current/tests/integration";
const COMPLETION = `${CURRENT}/inference/recordings/0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json`;
const UNREACHABLE_STREAM = `${CURRENT}/tool_runtime/recordings/632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db.json`;
const FILE_SEARCH = `${CURRENT}/responses/recordings/1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json`;

interface ListRow {
  file: string;
  hash: string | null;
  test_id: string | null;
  model: string | null;
  endpoint: string | null;
  method: string | null;
  streaming: boolean;
  chunks: number;
}

function listJson(args: string[], cwd: string): { code: number; rows: ListRow[]; stderr: string } {
  const r = recctl(["list", "--json", ...args], { cwd });
  return { code: r.code, rows: JSON.parse(r.stdout) as ListRow[], stderr: r.stderr };
}

/** The groups of a cli-table3 table: a one-cell row is a group header, the rows below it its members (by first cell). */
function groups(table: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of table.split("\n")) {
    if (!line.startsWith("│")) continue;
    const cells = line.split("│").slice(1, -1).map((c) => c.trim());
    if (cells.length === 1) {
      current = [];
      result.set(cells[0] ?? "", current);
    } else if (current !== undefined) {
      current.push(cells[0] ?? "");
    }
  }
  return result;
}

/** The group whose members include `hash`: [header, members]. */
function groupOf(table: string, hash: string): [string, string[]] {
  for (const entry of groups(table)) if (entry[1].includes(hash)) return entry;
  assert.fail(`${hash} is in no group:\n${table}`);
}

// ---------------------------------------------------------------------------------------------
// list

test("list prints a table grouped by test, with a summary line", () => {
  const r = recctl(["list"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const [header, members] = groupOf(r.stdout, "52925d8df69e");
  assert.match(header, /^tests\/integration\/messages\/test_messages\.py::test_messages_non_streaming_multi_turn\b.*\(1\)$/);
  assert.deepEqual(members, ["52925d8df69e"]);
  // Recordings without a test_id (model lists, the 2025 layouts) are one group of their own.
  const [shared, sharedMembers] = groupOf(r.stdout, "d0ac68cbde69");
  assert.doesNotMatch(shared, /tests\//);
  for (const hash of ["3877ecf1bc62", "4a3a4447b16b", "632ce0140a65"]) assert.ok(sharedMembers.includes(hash), hash);
  assert.match(shared, new RegExp(`\\(${sharedMembers.length}\\)$`));
  assert.match(r.stdout, /^15 recordings in 8 groups, 2 streamed/m);
});

test("--group-by model groups the rows by model", () => {
  const r = recctl(["list", "--group-by", "model"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const [header, members] = groupOf(r.stdout, "52925d8df69e");
  assert.match(header, /^gpt-oss:20b \(2\)$/);
  assert.deepEqual([...members].sort(), ["52925d8df69e", "cf0be7f9e2eb"]);
  const [llama, llamaMembers] = groupOf(r.stdout, "0a2adfcbd0a2");
  assert.match(llama, /^llama3\.2:3b-instruct-fp16 \(5\)$/);
  assert.equal(llamaMembers.length, 5);
});

test("--group-by endpoint groups the rows by endpoint", () => {
  const r = recctl(["list", "--group-by", "endpoint"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const [header, members] = groupOf(r.stdout, "0a2adfcbd0a2");
  assert.match(header, /^\/v1\/completions \(2\)$/);
  assert.deepEqual([...members].sort(), ["0a2adfcbd0a2", "632ce0140a65"]);
});

test("--group-by none prints one row per recording and no group headers", () => {
  const r = recctl(["list", "--group-by", "none"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split("\n").filter((line) => line.startsWith("│"));
  assert.ok(rows.every((line) => line.split("│").length > 3), "no one-cell rows");
  assert.equal(rows.length, 1 + 15, "column headings + 15 recordings");
  assert.match(r.stdout, /^15 recordings\b/m);
});

test("--json prints rows [{file, hash, test_id, model, endpoint, method, streaming, chunks}]", () => {
  const { code, rows } = listJson([], SAMPLES);
  assert.equal(code, 0);
  assert.equal(rows.length, 15);
  for (const row of rows) assert.deepEqual(Object.keys(row).sort(), ["chunks", "endpoint", "file", "hash", "method", "model", "streaming", "test_id"]);
  const stream = rows.find((row) => row.file === UNREACHABLE_STREAM);
  assert.deepEqual(stream, {
    file: UNREACHABLE_STREAM,
    hash: "632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db",
    test_id: null,
    model: "llama3.2:3b-instruct-fp16",
    endpoint: "/v1/completions",
    method: "POST",
    streaming: true,
    chunks: 25,
  });
  const legacy = rows.find((row) => row.file.endsWith("/d0ac68cbde69.json"));
  assert.equal(legacy?.hash, "d0ac68cbde69");
  assert.equal(legacy?.endpoint, "/api/ps");
});

test("--model, --endpoint and --test filter by substring (and together)", () => {
  const names = (rows: ListRow[]): string[] => rows.map((row) => row.file.split("/").pop()?.slice(0, 12) ?? "").sort();
  assert.deepEqual(names(listJson(["--model", "gpt-oss"], SAMPLES).rows), ["52925d8df69e", "cf0be7f9e2eb"]);
  assert.deepEqual(names(listJson(["--endpoint", "/api/"], SAMPLES).rows), ["3877ecf1bc62", "ae1c22f18ecc", "d0ac68cbde69", "models-4a3a4"]);
  assert.deepEqual(names(listJson(["--test", "test_basic_responses"], SAMPLES).rows), ["921796a1b93a", "models-db648"]);
  assert.deepEqual(names(listJson(["--test", "test_basic_responses", "--endpoint", "/v1/models"], SAMPLES).rows), ["models-db648"]);
  const none = listJson(["--model", "no-such-model"], SAMPLES);
  assert.equal(none.code, 0, "nothing found is not an error");
  assert.deepEqual(none.rows, []);
});

test("paths limit the listing to those files and folders", () => {
  const { code, rows } = listJson(["2025-08-index-layout"], SAMPLES);
  assert.equal(code, 0);
  assert.deepEqual(rows.map((row) => row.hash).sort(), ["3877ecf1bc62", "d0ac68cbde69"]);
});

test("an invalid file among valid ones is skipped with a line on stderr, exit 2, the others listed", (t) => {
  const root = tempDir(t);
  const dir = join(root, "tests", "integration", "x", "recordings");
  mkdirSync(dir, { recursive: true });
  for (const name of ["tool-invocation.json", "current-openai-chat-stream.json", "raw-http-error-status.json"]) copyFileSync(join(FIXTURES, "valid", name), join(dir, name));
  copyFileSync(join(FIXTURES, "invalid", "truncated.json"), join(dir, "truncated.json"));

  const text = recctl(["list"], { cwd: root });
  assert.equal(text.code, 2);
  assert.equal(text.stderr.trim().split("\n").length, 1, text.stderr);
  assert.match(text.stderr, /tests\/integration\/x\/recordings\/truncated\.json:\d+:\d+: .*truncated.*skipped/);
  assert.match(text.stdout, /^3 recordings\b/m);
  assert.match(text.stdout, /tool:tavily\/web_search/);

  const { code, rows, stderr } = listJson([], root);
  assert.equal(code, 2);
  assert.match(stderr, /truncated\.json/);
  assert.deepEqual(rows.map((row) => row.file.split("/").pop()).sort(), ["current-openai-chat-stream.json", "raw-http-error-status.json", "tool-invocation.json"]);
});

// ---------------------------------------------------------------------------------------------
// show

test("show <prefix> finds the file by name and prints file, verified hash, test, request, response and answer", () => {
  const r = recctl(["show", "--root", ".", "0a2adf"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^file\\s+${COMPLETION}$`, "m"));
  assert.match(r.stdout, /^hash\s+0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d ✔/m);
  assert.match(r.stdout, /^test\s+tests\/integration\/inference\/test_openai_completion\.py::test_openai_completion_stop_sequence\[/m);
  assert.match(r.stdout, /^request\s+.*POST http:\/\/0\.0\.0\.0:11434\/v1\/v1\/completions$/m);
  assert.match(r.stdout, /^model\s+llama3\.2:3b-instruct-fp16$/m);
  assert.match(r.stdout, /^\s+user\s+Return the exact same sentence/m);
  assert.match(r.stdout, /^response\s+openai-completion, not streamed/m);
  assert.match(r.stdout, /^finish\s+stop$/m);
  assert.match(r.stdout, /^usage\s+.*"completion_tokens":11/m);
  assert.match(r.stdout, /Michael Jordan was born in the year of $/m);
});

test("show of a streamed recording counts its chunks and prints the reassembled answer", () => {
  const r = recctl(["show", "--root", ".", "632ce014"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^response\s+openai-chat, streamed, 25 chunks$/m);
  assert.match(r.stdout, /^finish\s+stop$/m);
  assert.match(r.stdout, /^Hello! It's nice to meet you\. Is there something I can help you with or would you like to chat\?$/m);
});

test("show of an unreachable sample says so and names the hash the recorder looks for", () => {
  const r = recctl(["show", "--root", ".", "1e171766"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hash\s+35c12d70c31d4d946093862c5ff97ba11095ba7bc974c19b19401d83567ce28b ✖ .*unreachable/m);
});

test("show lists the request's messages with their roles, in order, and its tools", () => {
  const r = recctl(["show", FILE_SEARCH], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const roles = r.stdout
    .split("\n")
    .map((line) => /^ {2}(user|assistant|tool|system)\s/.exec(line)?.[1])
    .filter((role) => role !== undefined);
  assert.deepEqual(roles, ["user", "assistant", "tool", "assistant", "user"]);
  assert.match(r.stdout, /^tools\s+knowledge_search$/m);
  assert.match(r.stdout, /^response\s+openai-chat, streamed, 15 chunks$/m);
  assert.match(r.stdout, /^finish\s+tool_calls$/m);
  assert.match(r.stdout, /tool call 0: knowledge_search/);
});

test("show --json prints the same facts as one object", () => {
  // Before test isolation (2025-10-04) a file without test_id was hashed without one.
  const r = recctl(["show", "--root", ".", "--json", "--rules", "2025-10-03", "632ce014"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  const shown = JSON.parse(r.stdout) as {
    file: string;
    hash: string;
    name_hash: string;
    matches: boolean;
    test_id: string | null;
    request: { method: string; url: string; model: string; messages: { role: string; content: unknown }[]; tools: unknown[] };
    response: { streaming: boolean; chunks: number; finish_reason: string | null; answer: { choices: { content: string }[] } };
  };
  assert.equal(shown.file, UNREACHABLE_STREAM);
  assert.equal(shown.hash, "b24590574a85058af7c7be731a4fe11d3a046dd25f74d4df628cff01ce3e0db7");
  assert.equal(shown.name_hash, "632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db");
  assert.equal(shown.matches, false);
  assert.equal(shown.test_id, null);
  assert.equal(shown.request.method, "POST");
  assert.equal(shown.request.url, "http://0.0.0.0:11434/v1/v1/completions");
  assert.equal(shown.request.model, "llama3.2:3b-instruct-fp16");
  assert.deepEqual(shown.request.messages, [{ role: "user", content: "Hello, world!" }]);
  assert.equal(shown.response.streaming, true);
  assert.equal(shown.response.chunks, 25);
  assert.equal(shown.response.finish_reason, "stop");
  assert.equal(shown.response.answer.choices[0]?.content, "Hello! It's nice to meet you. Is there something I can help you with or would you like to chat?");
});

test("show --raw prints the file exactly as stored", () => {
  const r = recctl(["show", "--root", ".", "--raw", "632ce014"], { cwd: SAMPLES });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(SAMPLES, UNREACHABLE_STREAM), "utf8"));
});

test("show <hash-prefix> finds the file by name without parsing the other recordings", (t) => {
  const root = fixtureCopy(t, "samples");
  const folder = join(root, CURRENT, "inference", "recordings");
  // Broken neighbours in the same recordings folder: not JSON, not UTF-8.
  writeFileSync(join(folder, `${"f".repeat(64)}.json`), "{ this is not json");
  writeFileSync(join(folder, `${"e".repeat(64)}.json`), Buffer.from([0x7b, 0xff, 0xfe]));
  const r = recctl(["show", "0a2adf"], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /Michael Jordan was born/);
});

test("show of a ref that matches nothing exits 2 with one line and no stack trace", (t) => {
  const root = fixtureCopy(t, "samples");
  for (const ref of ["9999", "does-not-exist.json"]) {
    const r = recctl(["show", ref], { cwd: root });
    assert.equal(r.code, 2, ref);
    assert.equal(r.stdout, "", ref);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.ok(r.stderr.includes(ref), r.stderr);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
  }
});

test("show of a file that is not valid JSON exits 2 with file:line:col", () => {
  const r = recctl(["show", "truncated.json"], { cwd: join(FIXTURES, "invalid") });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^recctl: truncated\.json:\d+:\d+: .*truncated/);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
});

test("list: a file in a recordings folder that is not a recording is left out and counted on its own; filtered out and unreadable are told apart; the table fits $COLUMNS", (t) => {
  const root = tempDir(t);
  const dir = join(root, "tests", "integration", "x", "recordings");
  mkdirSync(dir, { recursive: true });
  // Two recordings (hand-checked: one of test_openai_completion, one tool invocation), a package.json, a broken file.
  copyFileSync(join(SAMPLES, COMPLETION), join(dir, "0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json"));
  copyFileSync(join(SAMPLES, FILE_SEARCH), join(dir, "1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json"));
  writeFileSync(join(dir, "package.json"), '{"name": "not-a-recording"}\n');
  writeFileSync(join(dir, "broken.json"), "{\n");
  const all = recctl(["list", "--group-by", "none"], { cwd: root, env: { COLUMNS: "60" } });
  assert.equal(all.code, 2, all.stderr); // the broken file is an error
  assert.match(all.stderr, /broken\.json:\d+:\d+: invalid JSON: .*\(skipped\)/);
  const lines = all.stdout.trimEnd().split("\n");
  assert.equal(lines.at(-1), "2 recordings, 1 streamed; 1 unreadable; 1 file is not a recording (tests/integration/x/recordings/package.json)");
  for (const line of lines.slice(0, -1)) assert.ok([...line].length <= 60, `${[...line].length}: ${line}`);
  const filtered = recctl(["list", "--group-by", "none", "--test", "test_openai_completion"], { cwd: root });
  assert.match(filtered.stdout, /^1 recording, \d streamed; 1 filtered out; 1 unreadable; 1 file is not a recording /m);
  const json = recctl(["list", "--json"], { cwd: root });
  assert.doesNotMatch(json.stdout, /package\.json/);
});

test("show on a model list names every model id (OpenAI models, Ollama tags), in order, in text and --json", () => {
  const cases = [
    `${CURRENT}/responses/recordings/models-db6488b384fe6067ad6e601d23843e2fee0525bebe03ffb49ff273cd1f234213-c99eb79a.json`,
    "2025-09-responses-layout/tests/integration/recordings/responses/models-4a3a4447b16b-3057338f.json",
  ];
  for (const file of cases) {
    // The ids as the file holds them, read with plain JSON.parse.
    const body = (JSON.parse(readFileSync(join(SAMPLES, file), "utf8")) as { response: { body: unknown } }).response.body;
    const items = (Array.isArray(body) ? body : [body]).flatMap((b) => {
      const d = (b as { __data__?: Record<string, unknown> }).__data__ ?? (b as Record<string, unknown>);
      return Array.isArray(d["models"]) ? (d["models"] as Record<string, unknown>[]) : [d];
    });
    const expected = items.map((m) => String(m["id"] ?? m["model"] ?? m["name"]));
    assert.ok(expected.length > 0, file);
    const r = recctl(["show", file], { cwd: SAMPLES });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => /^models {4}\d+$/.test(l));
    assert.equal(lines[at], `models    ${expected.length}`, r.stdout);
    assert.deepEqual(lines.slice(at + 1, at + 1 + expected.length), expected.map((id) => `  ${id}`));
    const json = JSON.parse(recctl(["show", "--json", file], { cwd: SAMPLES }).stdout) as { response: { models: string[] } };
    assert.deepEqual(json.response.models, expected);
  }
});
