/**
 * Reporters for `changes`: text with what breaks replay first, then the changes grouped by test
 * id with counts; markdown for a pull-request comment (a one-line summary, a table of what breaks
 * replay, a table per test folder with the real changes, the noise-only re-records folded in
 * `<details>`); and the SPEC JSON `{summary:{added, removed, modified, noise_only, rehashed,
 * breaks_replay, re_recorded, removed_duplicate}, files:[{file, status, change, from, test_id,
 * noise_only, changes, before, after, hash_changes, request_changes, duplicate_of}]}` (plus
 * `reverted` with --revert-noise, `check` with --check).
 */
import type { RulesInUse } from "../core/rules/detect.js";
import { describeEra } from "../core/rules/eras.js";
import { rulesJson, rulesLine, rulesReason } from "./rules.js";
import { basename, dirname, join } from "node:path";
import { failsCheck, isReal, type ChangesError, type ChangesResult, type FileChange, type Reversion } from "../core/changes/index.js";
import { located, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

export interface ChangesReport {
  result: ChangesResult;
  /** With --revert-noise: what was (or would be) restored. */
  reversion: Reversion | null;
  /** With --check: whether noise-only modifications fail too. */
  check: { strict: boolean } | null;
}

function realCount(result: ChangesResult): number {
  return result.files.filter(isReal).length;
}

/** `1 breaks replay, 1 added, 1 removed, 3 modified (2 noise only), 1 rehashed`, leaving out the zeros. */
function counts(files: readonly FileChange[]): string {
  const n = (status: FileChange["status"]): number => files.filter((f) => f.status === status).length;
  const modified = n("modified");
  const noise = files.filter((f) => f.status === "modified" && f.noise_only).length;
  const parts: string[] = [];
  if (n("breaks-replay") > 0) parts.push(`${n("breaks-replay")} breaks replay`);
  if (n("added") > 0) parts.push(`${n("added")} added`);
  if (n("removed") > 0) parts.push(`${n("removed")} removed`);
  if (modified > 0) parts.push(`${modified} modified${noise === 0 ? "" : noise === modified ? " (noise only)" : ` (${noise} noise only)`}`);
  if (n("re-recorded") > 0) parts.push(`${n("re-recorded")} re-recorded`);
  if (n("rehashed") > 0) parts.push(`${n("rehashed")} rehashed`);
  if (n("removed-duplicate") > 0) parts.push(plural(n("removed-duplicate"), "removed duplicate"));
  return parts.length === 0 ? "no recording changed" : parts.join(", ");
}

function headName(result: ChangesResult): string {
  return result.head !== null ? result.head.name : result.staged ? "the index" : "the working tree";
}

/** Every kind of noise in these files, in the order diff names them. */
function noiseKinds(files: readonly FileChange[]): string[] {
  return [...new Set(files.flatMap((f) => f.noise))];
}

/** The request pointers whose difference changed the hash. */
function hashChanges(f: FileChange): string[] {
  return f.request.filter((r) => r.hash_relevant).map((r) => r.pointer);
}

/** Why a recording breaks replay, in a phrase. */
function breakReason(f: FileChange, result: ChangesResult): string {
  const pointers = hashChanges(f);
  if (pointers.length > 0) return `${f.change}; the hash changed by ${pointers.join(", ")}`;
  if (f.change === "unchanged" || f.request.length === 0) {
    const { base, head } = result.rules;
    return base.era === head.era ? `${f.change}; renamed off its hash` : `${f.change}; the hash rules changed (${base.era.id} → ${head.era.id})`;
  }
  return f.change;
}

/** The rules each side was judged by: one line when both sides agree. */
function rulesText(output: Output, result: ChangesResult): string {
  const { base, head } = result.rules;
  if (base.era === head.era) return rulesLine(output, head);
  const side = (rules: RulesInUse, name: string): string => `${describeEra(rules.era)} at ${name} (${rulesReason(output, rules)})`;
  return `hash rules of ${side(base, result.base.name)}; of ${side(head, headName(result))}`;
}

export function printChangesErrors(output: Output, result: ChangesResult): void {
  for (const e of result.errors) printError(output, result, e);
}

function printError(output: Output, result: ChangesResult, e: ChangesError): void {
  const where = e.revision === null ? located(output, join(result.top, e.file), e.line, e.column) : `${e.revision}:${e.file}${e.line === null ? "" : `:${e.line}:${e.column ?? 1}`}`;
  output.err(`recctl: ${where}: ${e.error} (left out of the comparison)`);
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * What really differs, by aspect; a re-recorded pair names its request differences, each marked
 * when it changes the hash (as `diff` marks it).
 */
function realChanges(f: FileChange): string {
  if (f.status !== "re-recorded" || f.request.length === 0) return f.changes.join(", ");
  const request = `request: ${f.request.map((r) => `${r.pointer}${r.hash_relevant ? " (changes the hash)" : ""}`).join(", ")}`;
  return [request, ...f.changes.filter((c) => c !== "request")].join("; ");
}

function text(output: Output, report: ChangesReport): void {
  const { result } = report;
  const c = output.color;
  const display = (file: string): string => output.path(join(result.top, file));
  const STATUS: Record<FileChange["status"], (s: string) => string> = {
    "breaks-replay": (s) => c.bold(c.red(s)),
    added: c.green,
    removed: c.red,
    modified: c.yellow,
    "re-recorded": c.magenta,
    rehashed: c.cyan,
    "removed-duplicate": c.dim,
  };
  const row = (f: FileChange, width: number, what: string): string => {
    const status = (isReal(f) ? STATUS[f.status] : c.dim)(f.status.padEnd(width));
    let name = display(f.file);
    if (f.from !== null) name += c.dim(` ← ${dirname(f.from) === dirname(f.file) ? basename(f.from) : display(f.from)}`);
    return `  ${status}  ${name}${what === "" ? "" : `  ${what}`}`;
  };
  const width = (files: readonly FileChange[]): number => Math.max(8, ...files.map((f) => f.status.length));
  const lines: string[] = [c.bold(`recordings changed from ${result.base.name} to ${headName(result)}`)];

  const broken = result.files.filter((f) => f.status === "breaks-replay");
  if (broken.length > 0) {
    const head = `${plural(broken.length, "recording")} reachable at ${result.base.name} ${broken.length === 1 ? "is" : "are"} unreachable at ${headName(result)}: replay misses ${broken.length === 1 ? "it" : "them"}`;
    lines.push("", c.bold(c.red(`breaks replay: ${head}`)));
    for (const f of broken) lines.push(row(f, width(broken), breakReason(f, result)));
  }

  const groups = new Map<string | null, FileChange[]>();
  for (const f of result.files) if (f.status !== "breaks-replay") groups.set(f.test_id, [...(groups.get(f.test_id) ?? []), f]);
  for (const [testId, files] of groups) {
    lines.push("", `${testId === null ? c.dim("(no test id)") : c.bold(testId)}  ${c.dim(counts(files))}`);
    // Real changes first, within a test.
    for (const f of [...files.filter(isReal), ...files.filter((x) => !isReal(x))]) {
      let what: string;
      if (f.status === "removed-duplicate") what = c.dim(`same request and response as ${f.duplicate_of === null ? "?" : basename(f.duplicate_of)}`);
      else if (f.noise_only) what = c.dim(f.noise.length > 0 ? `only noise: ${f.noise.join(", ")}` : "same content");
      else what = realChanges(f);
      lines.push(row(f, width(files), what));
    }
  }
  const real = realCount(result);
  const verdict = `${counts(result.files)}: ${real === 0 ? "no real change" : plural(real, "real change")}`;
  lines.push("", broken.length > 0 ? c.red(verdict) : real === 0 ? c.green(verdict) : c.yellow(verdict));
  lines.push(c.dim(rulesText(output, result)));
  if (report.check !== null) lines.push(checkLine(report.check, result));
  if (report.reversion !== null) lines.push(...reversionLines(output, report.reversion, result));
  output.out(lines.join("\n"));
}

/** What `--check` decided, and why. */
function checkLine(check: { strict: boolean }, result: ChangesResult): string {
  const broken = result.files.filter((f) => f.status === "breaks-replay").length;
  const noise = check.strict ? result.files.filter((f) => failsCheck(f, true) && f.status !== "breaks-replay").length : 0;
  const why = [broken > 0 ? `${plural(broken, "recording")} ${broken === 1 ? "breaks" : "break"} replay` : "", noise > 0 ? `${plural(noise, "noise-only modification")} (--strict)` : ""].filter(Boolean);
  return why.length === 0 ? `--check passed: no change breaks replay${check.strict ? " and none is noise only" : ""}` : `--check failed: ${why.join(", ")}`;
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
  const broken = result.summary.breaks_replay;
  const range = `${code(result.base.commit.slice(0, 7))} → ${result.head !== null ? code(result.head.commit.slice(0, 7)) : result.staged ? "index" : "working tree"}`;
  const brokenPart = broken === 0 ? "" : `**${broken} ${broken === 1 ? "breaks" : "break"} replay**, `;
  const realPart = real === 0 ? "**no real change**" : `**${plural(real, "real change")}**`;
  const noisePart = noise === 0 ? "" : `, ${noise} noise-only`;
  return `**Recordings** (${range}): ${brokenPart}${realPart}${noisePart} — ${counts(result.files)}.`;
}

function markdown(output: Output, report: ChangesReport): void {
  const { result } = report;
  const lines: string[] = [markdownSummary(result)];
  const broken = result.files.filter((f) => f.status === "breaks-replay");
  if (broken.length > 0) {
    lines.push("", `### Breaks replay`, "", `Reachable at ${code(result.base.name)}, unreachable at ${result.head === null ? headName(result) : code(result.head.name)}: the tests that replay these miss.`);
    lines.push("", "| recording | change | test | why |", "| --- | --- | --- | --- |");
    for (const f of broken) lines.push(`| ${code(f.file)} | ${f.change} | ${f.test_id === null ? "—" : code(cell(f.test_id))} | ${cell(breakReason(f, result))} |`);
  }
  const real = result.files.filter((f) => isReal(f) && f.status !== "breaks-replay");
  for (const [folder, files] of byFolder(real)) {
    lines.push("", `#### ${code(folder)}`, "", "| recording | status | test | what changed |", "| --- | --- | --- | --- |");
    for (const f of files) {
      const what = realChanges(f);
      lines.push(`| ${recordingCell(f)} | ${f.status} | ${testCell(f, folder)} | ${cell(what) || "—"} |`);
    }
  }
  const noise = result.files.filter((f) => !isReal(f) && f.status !== "breaks-replay");
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
  if (report.check !== null) lines.push("", checkLine(report.check, result));
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
      change: f.change,
      before: f.before,
      after: f.after,
      hash_changes: hashChanges(f),
      request_changes: f.request,
      duplicate_of: f.duplicate_of === null ? null : output.path(join(result.top, f.duplicate_of)),
    })),
  };
  // Recordings of a revision are named `<revision>:<path>` as git does; the working tree's by their path.
  document["errors"] = result.errors.map((e) => ({
    file: e.revision === null ? output.path(join(result.top, e.file)) : `${e.revision}:${e.file}`,
    error: e.error,
    rule: e.rule,
    line: e.line,
    column: e.column,
  }));
  const { base, head } = result.rules;
  Object.assign(document, rulesJson(head), { base_rules: base.era.id, base_rules_source: base.source });
  // Present whatever the options (null when not asked): the shape never depends on them.
  document["check"] = report.check === null ? null : { strict: report.check.strict, failed: result.files.some((f) => failsCheck(f, report.check?.strict ?? false)) };
  document["reverted"] = reversion === null ? null : { files: reversion.files.map((f) => output.path(join(result.top, f))), written: reversion.written };
  printJson(output, document);
}

export const changesReporters: Reporters<"changes"> = { text, markdown, json };
