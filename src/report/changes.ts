/**
 * Reporters for `changes`: text grouped by test id with counts; markdown for a pull-request
 * comment (a one-line summary, a table per test folder with the real changes, the noise-only
 * re-records folded in `<details>`); and the SPEC JSON
 * `{summary:{added, removed, modified, noise_only, rehashed}, files:[{file, status, from,
 * test_id, noise_only, changes}]}` (plus `reverted` with --revert-noise).
 */
import type { RulesInUse } from "../core/rules/detect.js";
import { rulesJson, rulesLine } from "./rules.js";
import { basename, dirname, join } from "node:path";
import { isReal, type ChangesError, type ChangesResult, type FileChange, type Reversion } from "../core/changes/index.js";
import { located, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";

export interface ChangesReport {
  result: ChangesResult;
  /** With --revert-noise: what was (or would be) restored. */
  reversion: Reversion | null;
  /** The hash rules a removed file and an added one were paired by (`rehashed`). */
  rules: RulesInUse;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function realCount(result: ChangesResult): number {
  return result.files.filter(isReal).length;
}

/** `1 added, 1 removed, 3 modified (2 noise only), 1 rehashed`, leaving out the zeros. */
function counts(result: ChangesResult): string {
  const s = result.summary;
  const parts: string[] = [];
  if (s.added > 0) parts.push(`${s.added} added`);
  if (s.removed > 0) parts.push(`${s.removed} removed`);
  if (s.modified > 0) parts.push(`${s.modified} modified${s.noise_only > 0 ? ` (${s.noise_only} noise only)` : ""}`);
  if (s.rehashed > 0) parts.push(`${s.rehashed} rehashed`);
  return parts.length === 0 ? "no recording changed" : parts.join(", ");
}

function headName(result: ChangesResult): string {
  return result.head === null ? "the working tree" : result.head.name;
}

/** Every kind of noise in these files, in the order diff names them. */
function noiseKinds(files: readonly FileChange[]): string[] {
  return [...new Set(files.flatMap((f) => f.noise))];
}

export function printChangesErrors(output: Output, result: ChangesResult): void {
  for (const e of result.errors) printError(output, result, e);
}

function printError(output: Output, result: ChangesResult, e: ChangesError): void {
  const where = e.revision === null ? located(output, join(result.top, e.file), e.line, e.column) : `${e.revision}:${e.file}${e.line === null ? "" : `:${e.line}:${e.column ?? 1}`}`;
  output.err(`recctl: ${where}: ${e.message} (left out of the comparison)`);
}

// ---------------------------------------------------------------------------------------------
// Text

function text(output: Output, report: ChangesReport): void {
  const { result } = report;
  const c = output.color;
  const display = (file: string): string => output.path(join(result.top, file));
  const lines: string[] = [c.bold(`recordings changed from ${result.base.name} to ${headName(result)}`)];

  const groups = new Map<string | null, FileChange[]>();
  for (const f of result.files) groups.set(f.test_id, [...(groups.get(f.test_id) ?? []), f]);
  const STATUS = { added: c.green, removed: c.red, modified: c.yellow, rehashed: c.cyan } as const;
  for (const [testId, files] of groups) {
    const noise = files.filter((f) => !isReal(f)).length;
    const tally = `${plural(files.length, "change")}${noise > 0 ? `, ${noise} noise only` : ""}`;
    lines.push("", `${testId === null ? c.dim("(no test id)") : c.bold(testId)}  ${c.dim(tally)}`);
    // Real changes first, within a test.
    for (const f of [...files.filter(isReal), ...files.filter((x) => !isReal(x))]) {
      const status = (isReal(f) ? STATUS[f.status] : c.dim)(f.status.padEnd(8));
      let name = display(f.file);
      if (f.from !== null) name += c.dim(` ← ${dirname(f.from) === dirname(f.file) ? basename(f.from) : display(f.from)}`);
      const what = f.noise_only ? c.dim(f.noise.length > 0 ? `only noise: ${f.noise.join(", ")}` : "same content") : f.changes.join(", ");
      lines.push(`  ${status}  ${name}${what === "" ? "" : `  ${what}`}`);
    }
  }
  const real = realCount(result);
  const verdict = `${counts(result)}: ${real === 0 ? "no real change" : plural(real, "real change")}`;
  lines.push("", real === 0 ? c.green(verdict) : c.yellow(verdict));
  lines.push(c.dim(rulesLine(output, report.rules)));
  if (report.reversion !== null) lines.push(...reversionLines(output, report.reversion, result));
  output.out(lines.join("\n"));
}

function reversionLines(output: Output, reversion: Reversion, result: ChangesResult): string[] {
  const c = output.color;
  const what = plural(reversion.files.length, "noise-only recording");
  if (reversion.files.length === 0) return ["", "--revert-noise: no noise-only recording to restore"];
  const head = reversion.written
    ? `restored ${what} to ${result.base.name}:`
    : `--revert-noise would restore ${what} to ${result.base.name} (dry run; --write restores them):`;
  return ["", c.bold(head), ...reversion.files.map((f) => `  ${output.path(join(result.top, f))}`)];
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** A pull-request comment stays well under GitHub's 65,536 characters. */
const MAX_NOISE_ROWS = 200;

/** A test folder: the part of a recording's path before its `recordings/` folder. */
function testFolder(file: string): string {
  const parts = file.split("/");
  const at = parts.indexOf("recordings");
  return at <= 0 ? (at === 0 ? "." : dirname(file)) : parts.slice(0, at).join("/");
}

function cell(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function code(value: string): string {
  const fence = value.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? ` ${value} ` : value}${fence}`;
}

/** A hash in a file name, cut to its first 12 hex digits (what `recctl show` takes). */
function shortName(file: string): string {
  return basename(file).replace(/[0-9a-f]{64}/, (h) => `${h.slice(0, 12)}…`);
}

function recordingCell(f: FileChange): string {
  if (f.from === null) return code(shortName(f.file));
  const from = dirname(f.from) === dirname(f.file) ? shortName(f.from) : f.from;
  return `${code(from)} → ${code(shortName(f.file))}`;
}

/** The test, without the folder every row of the table shares. */
function testCell(f: FileChange, folder: string): string {
  if (f.test_id === null) return "—";
  const short = f.test_id.startsWith(`${folder}/`) ? f.test_id.slice(folder.length + 1) : f.test_id;
  return code(cell(short));
}

function byFolder(files: readonly FileChange[]): Map<string, FileChange[]> {
  const folders = new Map<string, FileChange[]>();
  for (const f of files) folders.set(testFolder(f.file), [...(folders.get(testFolder(f.file)) ?? []), f]);
  return new Map([...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function markdownSummary(result: ChangesResult): string {
  const real = realCount(result);
  const noise = result.files.length - real;
  const range = `${code(result.base.commit.slice(0, 7))} → ${result.head === null ? "working tree" : code(result.head.commit.slice(0, 7))}`;
  const realPart = real === 0 ? "**no real change**" : `**${plural(real, "real change")}**`;
  const noisePart = noise === 0 ? "" : `, ${noise} noise-only`;
  return `**Recordings** (${range}): ${realPart}${noisePart} — ${counts(result)}.`;
}

function markdown(output: Output, report: ChangesReport): void {
  const { result } = report;
  const lines: string[] = [markdownSummary(result)];
  const real = result.files.filter(isReal);
  for (const [folder, files] of byFolder(real)) {
    lines.push("", `#### ${code(folder)}`, "", "| recording | status | test | what changed |", "| --- | --- | --- | --- |");
    for (const f of files) lines.push(`| ${recordingCell(f)} | ${f.status} | ${testCell(f, folder)} | ${cell(f.changes.join(", ")) || "—"} |`);
  }
  const noise = result.files.filter((f) => !isReal(f));
  if (noise.length > 0) {
    const kinds = noiseKinds(noise);
    lines.push("", `<details><summary>${plural(noise.length, "noise-only re-record")}${kinds.length > 0 ? ` (${kinds.join(", ")})` : ""}</summary>`);
    let shown = 0;
    for (const [folder, files] of byFolder(noise)) {
      if (shown >= MAX_NOISE_ROWS) break;
      lines.push("", `#### ${code(folder)}`, "", "| recording | status | test | noise |", "| --- | --- | --- | --- |");
      const rows = files.slice(0, MAX_NOISE_ROWS - shown);
      for (const f of rows) lines.push(`| ${recordingCell(f)} | ${f.status} | ${testCell(f, folder)} | ${cell(f.noise.join(", ")) || "same content"} |`);
      shown += rows.length;
    }
    if (noise.length > MAX_NOISE_ROWS) lines.push("", `… and ${noise.length - MAX_NOISE_ROWS} more (\`recctl changes\` lists them all).`);
    lines.push("", "</details>");
  }
  if (report.reversion !== null) lines.push(...reversionLines(output, report.reversion, result));
  output.out(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// JSON

function json(output: Output, report: ChangesReport): void {
  const { result, reversion } = report;
  const document: Record<string, unknown> = {
    summary: result.summary,
    files: result.files.map((f) => ({
      file: output.path(join(result.top, f.file)),
      status: f.status,
      from: f.from === null ? null : output.path(join(result.top, f.from)),
      test_id: f.test_id,
      noise_only: f.noise_only,
      changes: f.changes,
    })),
  };
  Object.assign(document, rulesJson(report.rules));
  if (reversion !== null) document["reverted"] = { files: reversion.files.map((f) => output.path(join(result.top, f))), written: reversion.written };
  printJson(output, document);
}

export const changesReporters: Reporters<"changes"> = { text, markdown, json };
