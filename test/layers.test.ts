/**
 * The contract between the layers (STYLE.md), read from the sources: the core neither prints nor
 * exits nor knows its callers; commands return an Outcome and know nothing of the CLI wiring;
 * only cli.ts decides the exit code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(join(SRC, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => ({ file: relative(SRC, join(SRC, dir, f)), text: readFileSync(join(SRC, dir, f), "utf8") }));
}

/** The modules a file imports, statically or dynamically, as written. */
function imports(text: string): string[] {
  return [...text.matchAll(/(?:from|import\()\s*"([^"]+)"/g)].map((m) => m[1] ?? "");
}

test("no module but cli.ts exits or sets the exit code", () => {
  const offenders = sources(".").filter((s) => s.file !== "cli.ts" && /process\.exit(Code)?\b/.test(s.text));
  assert.deepEqual(offenders.map((s) => s.file), []);
});

test("commands, reporters and the core import nothing from cli.ts", () => {
  const offenders = [...sources("commands"), ...sources("report"), ...sources("core")].filter((s) => imports(s.text).some((m) => /(^|\/)cli\.js$/.test(m)));
  assert.deepEqual(offenders.map((s) => s.file), []);
});

test("the core imports neither commands nor reporters, and never prints", () => {
  const core = sources("core");
  const importers = core.filter((s) => imports(s.text).some((m) => /(^|\/)(commands|report)\//.test(m)));
  assert.deepEqual(importers.map((s) => s.file), []);
  const printers = core.filter((s) => /\bconsole\.|process\.(stdout|stderr)\.write/.test(s.text));
  assert.deepEqual(printers.map((s) => s.file), []);
});

test("every command returns an Outcome, never a bare exit number", () => {
  for (const s of sources("commands")) {
    assert.doesNotMatch(s.text, /\breturn\s+[0-2]\s*;/, s.file);
    for (const m of s.text.matchAll(/export async function (\w+Command)\([^)]*\): (Promise<[^>]+>)/g)) assert.equal(m[2], "Promise<Outcome>", `${s.file}: ${m[1]}`);
  }
});

test("reporters are chosen in report/index.ts only: no command indexes a reporter map itself", () => {
  for (const s of sources("commands")) assert.doesNotMatch(s.text, /\w+Reporters\b/, s.file);
});
