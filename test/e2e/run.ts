/** Running the built `bin/recctl.js` as a user would, in a directory of the test's choosing. */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (dist-test/test/e2e is three levels below it). */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const BIN = join(REPO, "bin", "recctl.js");
export const FIXTURES = join(REPO, "test", "fixtures");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * validate's result cache goes to a temporary directory of this test process unless a test sets
 * RECCTL_CACHE_DIR itself ("" for the default, `.recctl_cache` in --root): nothing is written
 * into the repository when a test validates one of its folders.
 */
const CACHE_DIR = mkdtempSync(join(tmpdir(), "recctl-cache-"));
process.on("exit", () => rmSync(CACHE_DIR, { recursive: true, force: true }));

export function recctl(args: readonly string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", RECCTL_CACHE_DIR: CACHE_DIR, ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary directory, removed when the test ends. */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = "recctl-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of a fixture folder in a fresh temporary directory (tests never write in the repo). */
export function fixtureCopy(t: { after: (fn: () => void) => void }, fixture: string): string {
  const dir = tempDir(t);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

/**
 * The one row of a `hash --json` run given one file: its document is `{rules, rules_source,
 * hashes:[…], errors:[…]}` whatever the number of refs.
 */
export function hashRow<T>(r: RunResult | { stdout: string }): T {
  const doc = JSON.parse(r.stdout) as { hashes?: T[] };
  const row = doc.hashes?.[0];
  if (row === undefined || doc.hashes?.length !== 1) throw new Error(`expected one hash row, got: ${r.stdout}`);
  return row;
}

/** Runs git in `cwd` with a fixed identity and no signing; fails the test when git does. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** One finding of `validate --json` (SPEC shape; schemas/output/validate.schema.json). */
export interface ValidateFinding {
  pointer: string;
  line: number;
  column: number;
  message: string;
  rule: string;
}

/** `validate --json`, as the tests read it. */
export interface ValidateDoc {
  summary: { files: number; valid: number; invalid: number; warnings: number };
  files: { file: string; valid: boolean; errors: ValidateFinding[]; warnings: ValidateFinding[] }[];
}
