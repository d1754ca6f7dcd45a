/**
 * The CLI wiring, in process: options, usage errors and outcomes through `execute` with commander's
 * exitOverride()/configureOutput(), in milliseconds. The spawned end-to-end tests (test/e2e/) prove
 * that the built binary behaves the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execute, run, type ProgramIO } from "../src/cli.js";
import { EXIT_CODES, type Outcome } from "../src/options.js";
import { displayPath, type Output } from "../src/report/output.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(REPO, "test", "fixtures");

interface Captured {
  outcome: Outcome;
  stdout: string;
  stderr: string;
}

/** Runs `recctl <args>` in this process, capturing everything it writes. */
async function cli(...args: string[]): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const line = (text: string): string => (text.endsWith("\n") ? text : `${text}\n`);
  const plain = new Proxy((text: unknown) => String(text), { get: (_t, key) => (key === "then" ? undefined : plain) }) as unknown as Output["color"];
  const output: Output = {
    out: (text) => void (stdout += line(text)),
    err: (text) => void (stderr += line(text)),
    color: plain,
    path: (file) => displayPath(file),
  };
  const io: ProgramIO = {
    makeOutput: () => Promise.resolve(output),
    writeOut: (text) => void (stdout += text),
    writeErr: (text) => void (stderr += text),
    debug: false,
  };
  const outcome = await execute(["node", "recctl", ...args], io);
  return { outcome, stdout, stderr };
}

test("--version prints the package's version and is not an error", async () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
  const r = await cli("--version");
  assert.equal(r.outcome, "ok");
  assert.equal(r.stdout.trim(), pkg.version);
});

test("--help lists every command and is not an error", async () => {
  const r = await cli("--help");
  assert.equal(r.outcome, "ok");
  for (const name of ["validate", "hash", "list", "show", "reassemble", "diff", "prune", "normalize"]) assert.match(r.stdout, new RegExp(`\\b${name}\\b`));
});

test("an unknown option is a usage error: one line on stderr, outcome error", async () => {
  const r = await cli("validate", "--bogus");
  assert.equal(r.outcome, "error");
  assert.match(r.stderr, /unknown option '--bogus'/);
  assert.equal(r.stdout, "");
});

test("an unknown command is a usage error", async () => {
  const r = await cli("frobnicate");
  assert.equal(r.outcome, "error");
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test("a repeatable choice option rejects a value outside its choices", async () => {
  const r = await cli("validate", "--ignore", "schema");
  assert.equal(r.outcome, "error");
  assert.match(r.stderr, /Allowed choices are name-hash, rec-id, format/);
});

test("a --root that does not exist, or is a file, is a usage error for every command", async () => {
  for (const args of [["validate"], ["list"], ["prune"], ["normalize", "--check"], ["hash", "abcd"], ["show", "abcd"]]) {
    const missing = await cli("--root", join(FIXTURES, "no-such-folder"), ...args);
    assert.equal(missing.outcome, "error", args.join(" "));
    assert.match(missing.stderr, /--root .*no-such-folder: no such directory/);
    const file = await cli("--root", join(FIXTURES, "python-cases.json"), ...args);
    assert.equal(file.outcome, "error", args.join(" "));
    assert.match(file.stderr, /not a directory/);
  }
});

test("a valid file is ok, an invalid one is findings; --json prints one document", async () => {
  const good = await cli("validate", "--ignore", "format", join(FIXTURES, "valid", "current-openai-chat-stream.json"));
  assert.equal(good.outcome, "ok", good.stderr);
  const bad = await cli("--json", "validate", join(FIXTURES, "invalid", "truncated.json"));
  assert.equal(bad.outcome, "findings");
  const doc = JSON.parse(bad.stdout) as { summary: { invalid: number } };
  assert.equal(doc.summary.invalid, 1);
});

test("--json goes before or after the command alike (a global option)", async () => {
  const file = join(FIXTURES, "valid", "current-openai-chat-stream.json");
  const before = await cli("--json", "hash", file);
  const after = await cli("hash", file, "--json");
  assert.equal(before.stdout, after.stdout);
  assert.equal((JSON.parse(after.stdout) as { kind: string }).kind, "inference");
});

test("a reference that matches nothing is an error", async () => {
  const r = await cli("--root", FIXTURES, "show", "ffffeeee");
  assert.equal(r.outcome, "error");
  assert.match(r.stderr, /ffffeeee/);
});

// ---------------------------------------------------------------------------------------------
// Each command's options reach it, parsed at the edge; bad values are usage errors.

const CHAT_STREAM = join(FIXTURES, "valid", "current-openai-chat-stream.json");
const LEGACY_CHAT = join(FIXTURES, "valid", "legacy-2025-08-chat-completion.json");

/** A copy of a fixture folder in a fresh temporary directory, removed when the test ends. */
function fixtureCopy(t: { after: (fn: () => void) => void }, fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), "recctl-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

/** Every file under `dir`, relative to it, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

function modelOf(file: string): string {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { request: { body: { model: string } } };
  return doc.request.body.model;
}

test("list --group-by model: one group per model, the test id as a column; a key outside the choices is a usage error", async () => {
  const r = await cli("list", "--group-by", "model", CHAT_STREAM, LEGACY_CHAT);
  assert.equal(r.outcome, "ok", r.stderr);
  for (const file of [CHAT_STREAM, LEGACY_CHAT]) assert.match(r.stdout, new RegExp(`│ ${modelOf(file).replace(/[.]/g, "\\.")} \\(1\\)`));
  assert.match(r.stdout, /│ hash │ test +│ model/);
  assert.match(r.stdout, /2 recordings in 2 groups/);
  const byTest = await cli("list", CHAT_STREAM, LEGACY_CHAT);
  assert.match(byTest.stdout, /│ hash │ params +│ model/);
  const bad = await cli("list", "--group-by", "colour", CHAT_STREAM);
  assert.equal(bad.outcome, "error");
  assert.match(bad.stderr, /argument 'colour' is invalid\. Allowed choices are test, model, endpoint, none\./);
  assert.equal(bad.stdout, "");
});

test("prune --max-delete 10% refuses a --delete of 2 of 11 recordings, --max-delete 40% lets it remove exactly those", async (t) => {
  const root = fixtureCopy(t, "prune");
  const before = tree(root);
  const refused = await cli("--root", root, "--json", "prune", "--reason", "test-file-missing", "--delete", "--max-delete", "10%");
  assert.equal(refused.outcome, "error");
  const doc = JSON.parse(refused.stdout) as { summary: { scanned: number; orphans: number; deleted: number }; guards: { guard: string; problem: string }[] };
  assert.deepEqual([doc.summary.scanned, doc.summary.orphans, doc.summary.deleted], [11, 2, 0]);
  assert.deepEqual(doc.guards.map((g) => g.guard), ["max-delete"]);
  assert.match(doc.guards[0]?.problem ?? "", /--max-delete 10%/);
  assert.deepEqual(tree(root), before);
  const allowed = await cli("--root", root, "prune", "--reason", "test-file-missing", "--delete", "--max-delete", "40%");
  assert.equal(allowed.outcome, "ok", allowed.stderr);
  // The two recordings whose test file is gone (the fixture's README), and nothing else.
  const gone = before.filter((f) => !tree(root).includes(f)).map((f) => basename(f).slice(0, 8));
  assert.deepEqual(gone.sort(), ["921796a1", "a9d3595a"]);
});

test("prune --max-delete takes a count or a percentage up to 100%; anything else is a usage error and nothing runs", async () => {
  for (const value of ["lots", "150%", "-3", "4.5"]) {
    const r = await cli("--root", join(FIXTURES, "prune"), "prune", "--delete", "--max-delete", value);
    assert.equal(r.outcome, "error", value);
    assert.match(r.stderr, new RegExp(`option '--max-delete <count\\|N%>' argument '${value.replace(/[.]/g, "\\.")}' is invalid\\. expected a count`), value);
    assert.equal(r.stdout, "", value);
  }
});

test("validate --format github: one ::error annotation per finding on stdout, the count on stderr; --json with --format github is a usage error", async () => {
  const truncated = join(FIXTURES, "invalid", "truncated.json");
  const r = await cli("validate", "--format", "github", truncated);
  assert.equal(r.outcome, "findings");
  assert.match(r.stdout, /^::error file=[^,]*truncated\.json,line=\d+,col=\d+,title=recctl json::invalid JSON: /);
  assert.equal(r.stdout.trim().split("\n").length, 1);
  assert.equal(r.stderr, "recctl validate: 1 file, 1 invalid, 0 warnings\n");
  const json = await cli("--json", "validate", "--format", "github", truncated);
  assert.equal(json.outcome, "error");
  assert.equal(json.stdout, "");
  assert.match(json.stderr, /--json and --format github ask for two outputs; give one/);
  const both = await cli("--json", "validate", "--format", "json", truncated);
  assert.equal((JSON.parse(both.stdout) as { summary: { invalid: number } }).summary.invalid, 1);
  const bad = await cli("validate", "--format", "junit", truncated);
  assert.equal(bad.outcome, "error");
  assert.match(bad.stderr, /Allowed choices are text, json, github, sarif\./);
});

test("--rules 2025-10-04 hashes as that recorder did (the hash the recorder's own code gives); --rules yesterday is a usage error", async () => {
  const cases = JSON.parse(readFileSync(join(FIXTURES, "era-cases.json"), "utf8")) as { cases: { file: string; hashes: Record<string, string | null> }[] };
  const sample = "samples/current/tests/integration/responses/recordings/1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json";
  const expected = cases.cases.find((c) => c.file === sample)?.hashes["2025-10-04_045a0c1d5"];
  assert.ok(typeof expected === "string");
  const r = await cli("--json", "hash", "--rules", "2025-10-04", join(FIXTURES, sample));
  assert.equal(r.outcome, "findings", r.stderr); // the file is named by the newest rules, which disagree
  const doc = JSON.parse(r.stdout) as { hash: string; rules: string };
  assert.equal(doc.hash, expected);
  assert.equal(doc.rules, "2025-10-04");
  for (const command of [["hash", CHAT_STREAM], ["show", CHAT_STREAM], ["validate", CHAT_STREAM], ["prune"], ["rehash"]]) {
    const bad = await cli("--root", join(FIXTURES, "prune"), ...command, "--rules", "yesterday");
    assert.equal(bad.outcome, "error", command[0]);
    assert.match(bad.stderr, /option '--rules <date\|current>' argument 'yesterday' is invalid\. expected a date \(YYYY-MM-DD\) or 'current'/, command[0]);
    assert.equal(bad.stdout, "", command[0]);
  }
});

test("rehash without --write is a dry run: it lists each move the fixture's generator expects and touches nothing", async (t) => {
  const root = fixtureCopy(t, "rehash/tree");
  const expected = JSON.parse(readFileSync(join(FIXTURES, "rehash", "expected.json"), "utf8")) as Record<string, { action: string; to: string }>;
  const before = tree(root);
  const r = await cli("--root", root, "--json", "rehash");
  assert.equal(r.outcome, "findings", r.stderr); // the fixture holds a conflict
  const doc = JSON.parse(r.stdout) as { summary: { written: boolean }; files: { file: string; to: string; action: string }[] };
  assert.equal(doc.summary.written, false);
  // The generator picks by name order (3027fe9 over 9c94e07 for one name) and calls fad0a10
  // superseded by its differing twin; outside git no response date says which is newer, so both
  // are conflicts: nothing renamed, nothing called superseded (the newest-kept rule).
  const undated = new Set(["3027fe9da37cc8b8a9e3e244f8aaf8b0065eae214a7ea4b0ec9e526b70bc9654.json", "fad0a10b2fe4d8cf7c8d8d454c90ecd38c043220dc1b944f5c57ac11ab024ae3.json"]);
  assert.deepEqual(
    Object.fromEntries(doc.files.map((f) => [basename(f.file), { action: f.action, to: basename(f.to) }])),
    Object.fromEntries(
      Object.entries(expected)
        .filter(([, e]) => e.action !== "unchanged")
        .map(([file, e]) => [file, undated.has(file) ? { ...e, action: "conflict" } : e]),
    ),
  );
  assert.deepEqual(tree(root), before);
});

test("changes outside a git work tree is an error: one line, nothing on stdout", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "recctl-cli-nogit-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ceiling = process.env["GIT_CEILING_DIRECTORIES"];
  process.env["GIT_CEILING_DIRECTORIES"] = dirname(root);
  t.after(() => {
    if (ceiling === undefined) delete process.env["GIT_CEILING_DIRECTORIES"];
    else process.env["GIT_CEILING_DIRECTORIES"] = ceiling;
  });
  const r = await cli("--root", root, "changes");
  assert.equal(r.outcome, "error");
  assert.match(r.stderr, /^recctl: (.* is not in a git work tree|git not found: .*)\n$/);
  assert.equal(r.stdout, "");
  const format = await cli("--root", root, "changes", "--format", "html");
  assert.equal(format.outcome, "error");
  assert.match(format.stderr, /Allowed choices are text, markdown, json\./);
});

test("explain of input with no replay miss in it is an error that says where it looked", async () => {
  const log = join(FIXTURES, "prune", "collected.txt");
  const r = await cli("--root", join(FIXTURES, "prune"), "explain", log);
  assert.equal(r.outcome, "error");
  assert.match(r.stderr, /^recctl: no replay miss found in .*collected\.txt \(looked for the recorder's "Recording not found for …" messages\)\n$/);
  assert.equal(r.stdout, "");
  const bad = await cli("explain", "--candidates", "0", log);
  assert.equal(bad.outcome, "error");
  assert.match(bad.stderr, /argument '0' is invalid\. expected a positive integer\./);
});

test("diff of a file with itself is ok and says there are no differences; --ignore takes a JSON pointer", async () => {
  const r = await cli("diff", CHAT_STREAM, CHAT_STREAM);
  assert.equal(r.outcome, "ok", r.stderr);
  assert.match(r.stdout, /request: no differences/);
  assert.match(r.stdout, /no differences\n$/);
  const json = await cli("--json", "diff", CHAT_STREAM, CHAT_STREAM, "--ignore", "/request/body/temperature");
  assert.equal(json.outcome, "ok", json.stderr);
  assert.equal((JSON.parse(json.stdout) as { same: boolean }).same, true);
  const other = await cli("diff", CHAT_STREAM, LEGACY_CHAT);
  assert.equal(other.outcome, "findings");
  const bad = await cli("diff", CHAT_STREAM, CHAT_STREAM, "--ignore", "request/body");
  assert.equal(bad.outcome, "error");
  assert.match(bad.stderr, /^recctl: .*request\/body/);
});

test("hash --explain reaches the command: the normalized JSON that is hashed is printed under the row", async () => {
  const plain = await cli("hash", CHAT_STREAM);
  const explained = await cli("hash", "--explain", CHAT_STREAM);
  assert.equal(plain.outcome, explained.outcome);
  assert.ok(explained.stdout.length > plain.stdout.length);
  assert.match(explained.stdout, /"model": ?"gpt-4o"/);
  assert.doesNotMatch(plain.stdout, /"model"/);
});

test("show --raw prints the file as stored", async () => {
  const r = await cli("show", "--raw", CHAT_STREAM);
  assert.equal(r.outcome, "ok", r.stderr);
  assert.equal(r.stdout, readFileSync(CHAT_STREAM, "utf8").replace(/\n?$/, "\n"));
});

test("reassemble (alias text) of two files heads each answer with its name", async () => {
  const r = await cli("text", CHAT_STREAM, LEGACY_CHAT);
  assert.equal(r.outcome, "ok", r.stderr);
  assert.equal([...r.stdout.matchAll(/^==> .* <==$/gm)].length, 2);
});

test("normalize --check is findings when a file would change, and writes nothing", async (t) => {
  const root = fixtureCopy(t, "normalize/repo");
  const files = tree(root).filter((f) => f.endsWith(".json"));
  const before = files.map((f) => readFileSync(join(root, f), "utf8"));
  const r = await cli("--root", root, "normalize", "--check", join(root, "tests", "integration", "agents"));
  assert.equal(r.outcome, "findings", r.stderr);
  assert.match(r.stdout, /✖ \d+ of \d+ files? would change; run with --write/);
  assert.deepEqual(files.map((f) => readFileSync(join(root, f), "utf8")), before);
});

// ---------------------------------------------------------------------------------------------
// Outcomes and exit codes: cli.ts alone maps one to the other.

test("the three outcomes come out of execute and map to exit codes 0, 1, 2 (an interrupted run: 130)", async () => {
  const seen: Record<Outcome, number> = { ok: -1, findings: -1, error: -1, interrupted: EXIT_CODES.interrupted };
  for (const args of [["diff", CHAT_STREAM, CHAT_STREAM], ["diff", CHAT_STREAM, LEGACY_CHAT], ["diff", CHAT_STREAM, join(FIXTURES, "no-such.json")]]) {
    const outcome = (await cli(...args)).outcome;
    seen[outcome] = EXIT_CODES[outcome];
  }
  assert.deepEqual(seen, { ok: 0, findings: 1, error: 2, interrupted: 130 });
});

test("run sets the process exit code from the outcome: a usage error is 2", async () => {
  const previous = process.exitCode;
  const write = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((text: string) => ((stderr += text), true)) as typeof process.stderr.write;
  try {
    await run(["node", "recctl", "frobnicate"]);
    assert.equal(process.exitCode, 2);
    assert.match(stderr, /unknown command 'frobnicate'/);
  } finally {
    process.stderr.write = write;
    process.exitCode = previous;
  }
});
