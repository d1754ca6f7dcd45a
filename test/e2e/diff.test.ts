/**
 * `recctl diff <a> <b>` as a user runs it (the built bin): exit 0 same, 1 different, 2 error;
 * noise ignored unless --raw; --ignore; --json per SPEC.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { BIN, FIXTURES, recctl, tempDir } from "./run.js";

/** Paths relative to the repo root (recctl runs there), so the header shows them as given. */
const DIFF = "test/fixtures/diff";

/** The one recording in a fixture folder's `recordings/`. */
function rec(where: string): string {
  const dir = join(DIFF, where, "recordings");
  const [name] = readdirSync(join(FIXTURES, "diff", where, "recordings"));
  assert.ok(name !== undefined, `no recording in ${dir}`);
  return join(dir, name);
}

interface DiffJson {
  same: boolean;
  a: string;
  b: string;
  families: { a: string; b: string };
  request: { op: string; pointer: string; a?: unknown; b?: unknown; hash_relevant?: boolean }[];
  response: { aspect: string; op: string; pointer: string; a?: unknown; b?: unknown }[];
  noise: string[];
}

test("the same answer re-recorded with only noise changed is the same: exit 0, and says which noise", () => {
  const r = recctl(["diff", rec("rechunked/before"), rec("rechunked/after")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^--- a\/test\/fixtures\/diff\/rechunked\/before\/recordings\/ae7918bc[0-9a-f]+\.json$/m);
  assert.match(r.stdout, /^\+\+\+ b\/test\/fixtures\/diff\/rechunked\/after\/recordings\/ae7918bc[0-9a-f]+\.json$/m);
  assert.match(r.stdout, /same answer; only noise differs \(ids, created, obfuscation, system_fingerprint, chunk boundaries, empty id_normalization_mapping\)/);
  assert.equal(r.stderr, "");
});

test("a changed word shows up in the text diff: exit 1", () => {
  const r = recctl(["diff", rec("changed-word/before"), rec("changed-word/after")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /~ text:\n/);
  assert.match(r.stdout, /1\. \*\*\[-Identify-\]\{\+Understand\+\} the operation\*\*/);
  assert.match(r.stdout, /0 request differences, 1 response difference/);
});

test("request changes are listed by pointer with old and new values", () => {
  const r = recctl(["diff", rec("request-edited/before"), rec("request-edited/after")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^ {2}~ \/request\/body\/temperature \(changes the hash\): 0\.7 → 0\.2$/m);
  assert.match(r.stdout, /^ {2}~ \/request\/body\/messages\/0\/content \(changes the hash\): "Test trace openai with temperature 0" → "Test trace openai with a low temperature"$/m);
  assert.match(r.stdout, /response \(reassembled answers\): no differences/);
});

test("long request strings (prompts) are shown as a word diff", () => {
  const r = recctl(["diff", rec("cross-family/anthropic"), rec("cross-family/openai")]);
  assert.match(r.stdout, /~ \/test_id \(changes the hash\):\n\s+tests\/integration\/messages\/test_messages\.py::\[-test_messages_streaming_collects_full_text-\]\{\+test_chat_streaming_collects_full_text\+\}/);
});

test("tool calls: changed arguments shown by key, tool-call ids ignored", () => {
  const r = recctl(["diff", rec("tool-call-args/before"), rec("tool-call-args/after")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /~ tool call 0 \(get_boiling_point\) arguments\.celsius: "true" → "false"/);
  assert.doesNotMatch(r.stdout, /call_pe0enwmn|call_x7k2m9qa|liquid_name/);
});

test("finish reason and usage changes", () => {
  const r = recctl(["diff", rec("finish-usage/before"), rec("finish-usage/after")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^ {2}~ finish_reason: stop → length$/m);
  assert.match(r.stdout, /^ {2}~ usage\.completion_tokens: 2 → 1$/m);
  assert.match(r.stdout, /^ {2}~ usage\.total_tokens: 402 → 401$/m);
});

test("across response families it says so and compares the reassembled answers", () => {
  const r = recctl(["diff", rec("cross-family/anthropic"), rec("cross-family/openai")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /a is anthropic-messages, b is openai-chat: comparing reassembled answers/);
  assert.match(r.stdout, /~ finish_reason: end_turn → stop/);
  assert.doesNotMatch(r.stdout, /~ text|~ reasoning/, "the same text in both");
});

test("works on a file that is not hash-named", () => {
  const r = recctl(["diff", join(DIFF, "not-hash-named/saved-before-upgrade.json"), rec("rechunked/before")]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test("--ignore makes a difference disappear (exact pointer, a subtree, * wildcard)", () => {
  const a = rec("request-edited/before");
  const b = rec("request-edited/after");
  const one = recctl(["diff", a, b, "--ignore", "/request/body/temperature"]);
  assert.equal(one.code, 1);
  assert.doesNotMatch(one.stdout, /temperature: 0\.7/);
  assert.match(one.stdout, /1 request difference \(1 changes the hash\), 0 response differences; ignoring \/request\/body\/temperature/);
  const all = recctl(["diff", a, b, "--ignore", "/request/body/temperature", "--ignore", "/request/body/messages/*/content"]);
  assert.equal(all.code, 0, all.stdout);
});

test("--raw shows the noise, chunk by chunk: exit 1", () => {
  const r = recctl(["diff", "--raw", rec("rechunked/before"), rec("rechunked/after")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^ {2}~ chunks: 8 → 9$/m);
  assert.match(r.stdout, /^ {2}~ \/response\/body\/0\/__data__\/id: "rec-ae7918bcbd92" → "chatcmpl-9f1c2b7d4e8a4f0b"$/m);
  assert.match(r.stdout, /^ {2}~ \/response\/body\/0\/__data__\/created: 0 → 1761203455$/m);
  assert.match(r.stdout, /^ {2}- \/id_normalization_mapping: \{\}$/m);
});

test("answerless bodies (model lists) are compared field by field", () => {
  const r = recctl(["diff", rec("model-list/before"), rec("model-list/after")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /response \(bodies, noise ignored\)\n {2}\+ \/response\/body\/1: \{"__type__":"openai\.types\.model\.Model","__data__":\{"id":"Qwen\/Qwen3-1\.7B"/);
});

test("--json prints {same, request:[{op,pointer,a,b}], response:[…]} and nothing else", () => {
  const r = recctl(["--json", "diff", rec("request-edited/before"), rec("request-edited/after")]);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as DiffJson;
  assert.equal(doc.same, false);
  assert.deepEqual(doc.request, [
    { op: "~", pointer: "/request/body/messages/0/content", a: "Test trace openai with temperature 0", b: "Test trace openai with a low temperature", hash_relevant: true },
    { op: "~", pointer: "/request/body/temperature", a: 0.7, b: 0.2, hash_relevant: true },
  ]);
  assert.deepEqual(doc.response, []);
  assert.deepEqual(doc.families, { a: "openai-chat", b: "openai-chat" });

  const same = JSON.parse(recctl(["--json", "diff", rec("rechunked/before"), rec("rechunked/after")]).stdout) as DiffJson;
  assert.equal(same.same, true);
  assert.ok(same.noise.includes("chunk boundaries"));
});

test("refs may be hash prefixes under --root", () => {
  const r = recctl(["diff", "--root", join(DIFF, "request-edited"), "b2c64658", "47db957d"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /temperature \(changes the hash\): 0\.7 → 0\.2/);
});

test("an ambiguous prefix exits 2 and lists the candidates", () => {
  const r = recctl(["diff", "--root", join(DIFF, "rechunked"), "ae7918bc", rec("rechunked/after")]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /ae7918bc is ambiguous: 2 recordings match/);
  assert.match(r.stderr, /rechunked\/before\/recordings\/ae7918bc/);
  assert.match(r.stderr, /rechunked\/after\/recordings\/ae7918bc/);
});

test("a missing file, invalid JSON or a bad --ignore pointer exits 2 with one line saying why", (t) => {
  const dir = tempDir(t);
  const broken = join(dir, "broken.json");
  writeFileSync(broken, '{\n  "request": {\n    "method": "POST",\n  }\n}\n');
  const missing = recctl(["diff", join(dir, "nope.json"), rec("rechunked/before")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file, and not a hash prefix/);
  const invalid = recctl(["diff", broken, rec("rechunked/before")]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /broken\.json:3:21: invalid JSON: trailing comma before '}'/);
  const badIgnore = recctl(["diff", rec("rechunked/before"), rec("rechunked/after"), "--ignore", "request/body"]);
  assert.equal(badIgnore.code, 2);
  assert.match(badIgnore.stderr, /--ignore "request\/body": expected a JSON pointer starting with "\/"/);
});

test("a request difference the recorder's normalization erases does not change the hash (float rounded to 5 places, url host, headers)", (t) => {
  const dir = tempDir(t);
  const before = JSON.parse(readFileSync(join(FIXTURES, "diff/request-edited/before/recordings", readdirSync(join(FIXTURES, "diff/request-edited/before/recordings"))[0] ?? ""), "utf8")) as {
    request: { url: string; headers: Record<string, string>; body: Record<string, unknown> };
  };
  const after = structuredClone(before);
  // Python: round(0.700001, 5) == round(0.7, 5) == 0.7; urlparse(url).path is all the hash takes of the url.
  after.request.body["temperature"] = 0.700001;
  after.request.url = after.request.url.replace(/^https?:\/\/[^/]+/, "http://localhost:8321");
  after.request.headers = { "x-trace": "1" };
  const a = join(dir, "a.json");
  const b = join(dir, "b.json");
  writeFileSync(a, `${JSON.stringify(before, null, 2)}\n`);
  writeFileSync(b, `${JSON.stringify(after, null, 2)}\n`);
  const doc = JSON.parse(recctl(["--json", "diff", a, b]).stdout) as DiffJson;
  assert.deepEqual(
    doc.request.map((r) => [r.pointer, r.hash_relevant]),
    [
      ["/request/url", false],
      ["/request/headers/x-trace", false],
      ["/request/body/temperature", false],
    ],
  );
  const text = recctl(["diff", a, b]);
  assert.doesNotMatch(text.stdout, /changes the hash/);
});

test("--rules: a test_id difference changes the hash from test isolation (2025-10-04) on, not before it", (t) => {
  const dir = tempDir(t);
  const source = join(FIXTURES, "valid", "current-openai-chat-stream.json");
  const renamed = JSON.parse(readFileSync(source, "utf8")) as { test_id: string };
  renamed.test_id = `${renamed.test_id}-renamed`;
  writeFileSync(join(dir, "b.json"), `${JSON.stringify(renamed, null, 2)}\n`);
  const relevance = (rules: string): unknown => {
    const r = recctl(["diff", "--json", "--rules", rules, source, join(dir, "b.json")]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { request: { pointer: string; hash_relevant: boolean }[]; rules: string; rules_source: string };
    assert.equal(doc.rules_source, "option");
    return doc.request.map((d) => [d.pointer, d.hash_relevant]);
  };
  assert.deepEqual(relevance("current"), [["/test_id", true]]);
  assert.deepEqual(relevance("2025-10-04"), [["/test_id", true]]);
  assert.deepEqual(relevance("2025-07-29"), [["/test_id", false]]);
  // The text says which rules judged the differences.
  assert.match(recctl(["diff", "--rules", "2025-07-29", source, join(dir, "b.json")]).stdout, /hash rules of 2025-07-29 \(the first recorder.*from --rules/);
});

test("diff - - is a usage error (standard input holds one recording); streams are labelled by their own names, not a//dev/fd/N", () => {
  const file = join(FIXTURES, "valid", "file-processor.json");
  const text = readFileSync(file, "utf8");
  const both = recctl(["diff", "-", "-"], { input: text });
  assert.equal(both.code, 2);
  assert.equal(both.stdout, "");
  assert.match(both.stderr, /^recctl: diff: both sides read standard input/);
  // Process substitution, as bash gives it: /dev/fd/N on both sides.
  const r = spawnSync("bash", ["-c", `node "$0" diff <(cat "$1") <(cat "$1")`, BIN, file], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^--- \/dev\/fd\/\d+\n\+\+\+ \/dev\/fd\/\d+\n/);
  const one = recctl(["diff", "-", "test/fixtures/valid/file-processor.json"], { input: text });
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^--- -\n\+\+\+ b\/test\/fixtures\/valid\/file-processor\.json\n/);
});
