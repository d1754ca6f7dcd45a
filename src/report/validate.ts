/** Reporters for `validate`: text (coloured, file:line:col), json (SPEC shape), github annotations. */
import type { ResultCache } from "../core/cache/store.js";
import type { FileReport, Finding } from "../core/validate.js";
import { printJson, type Output } from "./output.js";
import type { RulesInUse } from "../core/rules/detect.js";
import { rulesJson, rulesLine } from "./rules.js";
import { printSarif } from "./sarif.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

/** What `validate` hands its reporter. */
export interface ValidateReport {
  reports: readonly FileReport[];
  /** `--strict`: warnings fail too. */
  strict: boolean;
  /** The era in use, when the name hash was checked (else null: not shown). */
  rules: RulesInUse | null;
  /** The repository root (SARIF gives paths relative to it). */
  repoRoot: string;
}

export interface ValidateSummary {
  files: number;
  valid: number;
  invalid: number;
  warnings: number;
}

export function summarize(reports: readonly FileReport[]): ValidateSummary {
  const invalid = reports.filter((r) => !r.valid).length;
  return {
    files: reports.length,
    valid: reports.length - invalid,
    invalid,
    warnings: reports.reduce((n, r) => n + r.warnings.length, 0),
  };
}

function where(output: Output, file: string, f: Finding): string {
  const loc = f.line === null ? "" : `:${f.line}:${f.column ?? 1}`;
  return `${output.path(file)}${loc}`;
}

/** "/response/is_streaming must be boolean": the pointer leads, except for whole-file findings. */
export function describe(f: Finding): string {
  return f.pointer === "" && (f.rule === "json" || f.rule === "utf8" || f.rule === "io" || f.rule === "format") ? f.message : `${f.pointer || "/"} ${f.message}`;
}

function text(output: Output, { reports, strict, rules }: ValidateReport): void {
  const c = output.color;
  for (const r of reports) {
    for (const f of r.errors) output.out(`${c.bold(where(output, r.file, f))}: ${c.red("error")} ${describe(f)} ${c.dim(`(${f.rule})`)}`);
    for (const f of r.warnings) {
      const label = strict ? c.red("warning") : c.yellow("warning");
      output.out(`${c.bold(where(output, r.file, f))}: ${label} ${describe(f)} ${c.dim(`(${f.rule})`)}`);
    }
  }
  const s = summarize(reports);
  // Nothing was validated: stderr has already said why (no recordings found, or a missing path).
  if (s.files === 0) return;
  const warn = s.warnings > 0 ? `, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}${strict ? " (--strict: failing)" : ""}` : "";
  if (s.invalid > 0) output.out(c.red(`✖ ${s.invalid} of ${s.files} file${s.files === 1 ? "" : "s"} invalid${warn}`));
  else output.out((strict && s.warnings > 0 ? c.red : c.green)(`${strict && s.warnings > 0 ? "✖" : "✔"} ${s.files} file${s.files === 1 ? "" : "s"} valid${warn}`));
  if (rules !== null) output.out(c.dim(rulesLine(output, rules)));
}

/** GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function github(output: Output, { reports, strict }: ValidateReport): void {
  const emit = (level: string, file: string, f: Finding): void => {
    const props = [`file=${escapeProperty(output.path(file))}`];
    if (f.line !== null) props.push(`line=${f.line}`, `col=${f.column ?? 1}`);
    props.push(`title=${escapeProperty(`recctl ${f.rule}`)}`);
    output.out(`::${level} ${props.join(",")}::${escapeData(describe(f))}`);
  };
  for (const r of reports) {
    for (const f of r.errors) emit("error", r.file, f);
    for (const f of r.warnings) emit(strict ? "error" : "warning", r.file, f);
  }
  printCount(output, reports);
}

/** `{rules, rules_source, summary, files}`; `rules` null under `--ignore name-hash` (no hash judged). */
function json(output: Output, { reports, rules }: ValidateReport): void {
  printJson(output, {
    ...rulesJson(rules),
    summary: summarize(reports),
    files: reports.map((r) => ({ ...r, file: output.path(r.file) })),
  });
}

/** Formats whose stdout is a machine's (github, sarif) give the count on stderr. */
function printCount(output: Output, reports: readonly FileReport[]): void {
  const s = summarize(reports);
  output.err(`recctl validate: ${plural(s.files, "file")}, ${s.invalid} invalid, ${plural(s.warnings, "warning")}`);
}

/** SARIF 2.1.0 (report/sarif.ts) on stdout; the count on stderr, as for github. */
function sarif(output: Output, { reports, strict, repoRoot }: ValidateReport): void {
  printSarif(output, { files: reports, strict, repoRoot }, describe);
  printCount(output, reports);
}

export const validateReporters: Reporters<"validate"> = { text, json, github, sarif };

/** How the run used the result cache, on stderr (RECCTL_CACHE_STATS=1): for tests and tuning. */
export function printCacheStats(output: Output, cache: ResultCache | null): void {
  if (cache === null) {
    output.err("recctl: cache: off");
    return;
  }
  const s = cache.stats;
  const discarded = s.discarded === null ? "" : `; the cache file was ${s.discarded}, so it was not used`;
  output.err(
    `recctl: cache ${output.path(cache.file)}: ${s.byStat + s.byContent} hits (${s.byStat} by stat, ${s.byContent} by content), ${s.misses} misses, ${s.uncached} uncached; ${s.written ? "written" : "not written"}${discarded}`,
  );
}

/** Notices about what a run could not check (e.g. stale-type without a virtualenv), once each, on stderr. */
export function printNotices(output: Output, notices: readonly string[]): void {
  for (const notice of notices) output.err(`recctl: ${notice}`);
}
