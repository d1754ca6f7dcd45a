/**
 * Where command output goes: results on stdout, progress and notices on stderr. Colour follows
 * chalk's rules (TTY, NO_COLOR, FORCE_COLOR) and `--no-color`.
 */
import { isStreamPath } from "../core/read.js";
import { isRefFailure, type FileFailure, type InputFailure } from "../core/types.js";
import { relative } from "node:path";
import type { ChalkInstance } from "chalk";
import { DEFAULT_PATTERN, foundNothing, isGlob, type Discovery, type Skipped } from "../core/discover.js";

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  color: ChalkInstance;
  /** Display form of a path: relative to the current directory when under it. */
  path: (file: string) => string;
  /** How wide stdout is: the terminal's columns, else $COLUMNS; null when unknown (a pipe). */
  columns?: number | null;
}

/** The terminal's width, else a positive $COLUMNS, else null. */
function stdoutColumns(): number | null {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const env = Number(process.env["COLUMNS"]);
  return Number.isInteger(env) && env > 0 ? env : null;
}

export function displayPath(file: string, cwd: string = process.cwd()): string {
  // `-` and a shell's /dev/fd/N name a stream, not a place: shown as given.
  if (isStreamPath(file)) return file;
  const rel = relative(cwd, file);
  return rel === "" ? "." : rel.startsWith("..") && rel.split("/").filter((s) => s === "..").length > 2 ? file : rel;
}

/**
 * Colourless stand-in for chalk: every style is the identity, chained or not (`c.bold.red(x)`).
 * Most runs (pipes, CI, pre-commit, `--json`) never colour, and then chalk is not even loaded.
 */
const PLAIN: ChalkInstance = new Proxy((text: unknown) => String(text), {
  // Not a thenable: `await` must not mistake it for a promise.
  get: (_target, key) => (key === "level" ? 0 : key === "then" ? undefined : PLAIN),
}) as unknown as ChalkInstance;

async function colorFor(useColor: boolean): Promise<ChalkInstance> {
  const env = process.env;
  const forced = env["FORCE_COLOR"] !== undefined;
  if (!useColor || (!forced && (!process.stdout.isTTY || (env["NO_COLOR"] ?? "") !== ""))) return PLAIN;
  const { Chalk } = await import("chalk");
  // chalk's own detection decides the level (FORCE_COLOR=0 means none).
  return new Chalk({ level: new Chalk().level });
}

/** stdout text not yet written (a pipe or file only); see writeStdout. */
let pending = "";
let flushesAtExit = false;
const BLOCK = 64 * 1024;

/** Writes what writeStdout held back. Runs before anything goes to stderr and when the process exits. */
export function flushStdout(): void {
  if (pending === "") return;
  const text = pending;
  pending = "";
  process.stdout.write(text);
}

/**
 * stdout as C's stdio has it: a terminal gets each line as it comes; a pipe or a file gets blocks
 * of 64 KB, one write each instead of one per line (`normalize --check` on 3,000 files prints
 * 9,000 lines: ~70 ms of writes alone). Writing to stderr flushes it first, so the two keep their
 * order. The CLI flushes the rest when the command returns (cli.ts `run`); the flush at exit is a
 * fallback only, since a pipe whose reader is slow takes a write asynchronously and a write still
 * pending when the process exits is lost.
 */
export function writeStdout(text: string): void {
  if (process.stdout.isTTY) {
    process.stdout.write(text);
    return;
  }
  if (!flushesAtExit) {
    flushesAtExit = true;
    process.on("exit", flushStdout);
  }
  pending += text;
  if (pending.length >= BLOCK) flushStdout();
}

export function writeStderr(text: string): void {
  flushStdout();
  process.stderr.write(text);
}

export async function processOutput(useColor: boolean): Promise<Output> {
  return {
    out: (text) => writeStdout(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => writeStderr(text.endsWith("\n") ? text : `${text}\n`),
    color: await colorFor(useColor),
    path: (file) => displayPath(file),
    columns: stdoutColumns(),
  };
}

/** An array this long is written item by item (see printJson). */
const STREAMED_ITEMS = 1000;
/** Written once the pending text is this long. */
const PIECE_CHARS = 1 << 16;

/**
 * A JSON document for `--json`: one document, two-space indented — `JSON.stringify(value, null,
 * 2)` and a newline, byte for byte. A top-level member that is a long
 * array (`list --json` over 300,000 files) goes out item by item in pieces of ~64 KB, so the
 * answer never exists as one string (nor as one buffer on its way to stdout).
 */
export function printJson(output: Output, value: unknown): void {
  const streamed =
    typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== "function"
      ? Object.values(value).some((v) => Array.isArray(v) && v.length >= STREAMED_ITEMS)
      : false;
  if (!streamed) {
    output.out(JSON.stringify(value, null, 2));
    return;
  }
  // Members JSON.stringify leaves out of an object: undefined, functions, symbols.
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) {
    output.out("{}");
    return;
  }
  let piece = "{\n";
  entries.forEach(([key, v], i) => {
    const comma = i < entries.length - 1 ? "," : "";
    piece += `  ${JSON.stringify(key)}: `;
    if (Array.isArray(v) && v.length > 0) {
      piece += "[\n";
      for (let j = 0; j < v.length; j++) {
        // An item that JSON.stringify cannot write (undefined, a function) is null in an array.
        const item = (JSON.stringify(v[j], null, 2) as string | undefined) ?? "null";
        piece += `    ${item.replace(/\n/g, "\n    ")}${j < v.length - 1 ? "," : ""}\n`;
        if (piece.length >= PIECE_CHARS) {
          output.out(piece);
          piece = "";
        }
      }
      piece += `  ]${comma}\n`;
    } else piece += `${JSON.stringify(v, null, 2).replace(/\n/g, "\n  ")}${comma}\n`;
  });
  output.out(`${piece}}`);
}

/** `path:line:col` where a position is known, else just the path. */
export function located(output: Output, file: string, line: number | null, column: number | null): string {
  return line === null ? output.path(file) : `${output.path(file)}:${line}:${column ?? 1}`;
}

/**
 * One stderr line for a file that could not be read or parsed: `recctl: file:line:col: message`.
 * Takes the one failure type (core/types.ts `FileFailure`) or a thrown `RecordingError`.
 */
export function printFileError(output: Output, failure: FileFailure | { file: string; message: string; line: number | null; column: number | null }, suffix = ""): void {
  const message = "error" in failure ? failure.error : failure.message;
  output.err(`recctl: ${located(output, failure.file, failure.line, failure.column)}: ${message}${suffix}`);
}

/** Each input a command could not use, on stderr: a file as `file:line:col: error`, a ref with its candidates. */
export function printFailures(output: Output, failures: readonly InputFailure[], suffix = ""): void {
  for (const f of failures) {
    if (isRefFailure(f)) printRefError(output, { message: f.error, candidates: f.candidates });
    else printFileError(output, f, suffix);
  }
}

/** The `errors` array of a `--json` document: `{file, error, rule, line, column}` or `{ref, error, candidates}`. */
export function failuresJson(output: Output, failures: readonly InputFailure[]): Record<string, unknown>[] {
  return failures.map((f) =>
    isRefFailure(f)
      ? { ref: f.ref, error: f.error, candidates: f.candidates.map((c) => output.path(c)) }
      : { file: output.path(f.file), error: f.error, rule: f.rule, line: f.line, column: f.column },
  );
}

/** A ref that matched nothing or too much: the message, then the candidates, one per line. */
export function printRefError(output: Output, error: { message: string; candidates: readonly string[] }): void {
  output.err(`recctl: ${error.message}`);
  for (const c of error.candidates) output.err(`  ${output.path(c)}`);
}

/** When discovery found nothing and no path was missing: say so, on stderr. */
export function printNothingFound(output: Output, found: Discovery, paths: readonly string[], root: string, allowEmpty = false): void {
  if (!foundNothing(found)) return;
  const hint = allowEmpty ? "" : " (--allow-empty accepts an empty tree)";
  if (paths.length === 0) output.err(`recctl: no recordings found under ${output.path(root)} (looked for ${DEFAULT_PATTERN})${hint}`);
  else output.err(`recctl: no recordings in ${paths.join(" ")}${hint}`);
}

/** Files found and left alone (FIFOs, sockets): one notice each, on stderr. */
export function printSkipped(output: Output, skipped: readonly Skipped[]): void {
  for (const s of skipped) output.err(`recctl: ${output.path(s.path)}: ${s.reason}; skipped`);
}

/** What discovery could not find, on stderr: each missing path, skipped files, or that nothing matched. */
export function printDiscovery(output: Output, found: Discovery, paths: readonly string[], root: string, allowEmpty = false): void {
  for (const m of found.missing) output.err(isGlob(m) ? `recctl: ${m}: no file matches this pattern` : `recctl: ${m}: no such file or directory`);
  printSkipped(output, found.skipped);
  printNothingFound(output, found, paths, root, allowEmpty);
}
