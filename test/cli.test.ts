/**
 * The CLI wiring, in process: options, usage errors and outcomes through `execute` with commander's
 * exitOverride()/configureOutput(), in milliseconds. The spawned end-to-end tests (test/e2e/) prove
 * that the built binary behaves the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execute, type ProgramIO } from "../src/cli.js";
import type { Outcome } from "../src/options.js";
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
