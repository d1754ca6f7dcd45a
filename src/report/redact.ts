/**
 * Reporters for `redact`: each value replaced (`file:line:col pointer kind value → placeholder`,
 * a secret shown by its first four characters only), the files refused, a summary line; or JSON:
 * `{summary:{files, changed, replacements, written, refused, errors}, files:[{file, written,
 * replacements:[{pointer, line, column, rule, kind, value, placeholder}]}], errors:[{file, error,
 * rule, line, column, pointers}], interrupted}` (a refused file names the pointers that block it).
 */
import { isRedactFailure, type RedactFailure, type RedactOutcome, type RedactResult } from "../core/redact.js";
import type { Interruption } from "../core/io/interrupt.js";
import { located, printJson, type Output } from "./output.js";
import { printInterruption } from "./write.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

/** What `redact` hands its reporter. */
export interface RedactReport {
  results: readonly RedactResult[];
  write: boolean;
  secrets: boolean;
  /** Set when an interrupt stopped a `--write` run (the files after it were not looked at). */
  interruption: Interruption | null;
}

export interface RedactSummary {
  files: number;
  changed: number;
  replacements: number;
  written: number;
  refused: number;
  errors: number;
}

const outcomes = (results: readonly RedactResult[]): RedactOutcome[] => results.filter((r): r is RedactOutcome => !isRedactFailure(r));

export function summarize(results: readonly RedactResult[]): RedactSummary {
  const ok = outcomes(results);
  const failed = results.filter(isRedactFailure);
  const refused = failed.filter((f) => f.pointers.length > 0).length;
  return {
    files: results.length,
    changed: ok.filter((r) => r.replacements.length > 0).length,
    replacements: ok.reduce((n, r) => n + r.replacements.length, 0),
    written: ok.filter((r) => r.written).length,
    refused,
    errors: failed.length - refused,
  };
}

function describeFailure(output: Output, f: RedactFailure): string {
  return `recctl: ${located(output, f.file, f.line, f.column)}: ${f.error}${f.error.includes("nothing written") || f.error.includes("left untouched") ? "" : " (left untouched)"}`;
}

function text(output: Output, { results, write, secrets, interruption }: RedactReport): void {
  const c = output.color;
  for (const r of results) {
    if (isRedactFailure(r)) {
      output.err(describeFailure(output, r));
      continue;
    }
    for (const x of r.replacements) {
      output.out(`${located(output, r.file, x.line, x.column)}: ${x.pointer} ${x.kind} ${c.red(x.rule === "secret" ? x.value : JSON.stringify(x.value))} → ${c.green(x.placeholder)}${r.written ? c.dim(" (written)") : ""}`);
    }
  }
  if (interruption !== null) return printInterruption(output, interruption);
  const s = summarize(results);
  const problems = [s.refused > 0 ? `${plural(s.refused, "file")} refused (a value takes part in the request hash)` : "", s.errors > 0 ? `${plural(s.errors, "file")} could not be processed` : ""].filter((p) => p !== "");
  const failed = problems.length > 0 ? c.red(`; ${problems.join("; ")} (left untouched)`) : "";
  const tick = (ok: boolean): string => (ok && s.errors === 0 && s.refused === 0 && s.files > 0 ? `${c.green("✔")} ` : "");
  const what = secrets ? "infrastructure id or secret" : "infrastructure id";
  if (s.replacements === 0) output.out(`${tick(true)}no ${what} to redact in ${plural(s.files, "file")}${failed}${secrets ? "" : " (--secrets: credentials too)"}`);
  else if (write) output.out(`${tick(s.written === s.changed)}replaced ${plural(s.replacements, "value")} in ${s.written} of ${plural(s.files, "file")}; every request hash unchanged${failed}`);
  else output.out(`${c.yellow("•")} would replace ${plural(s.replacements, "value")} in ${s.changed} of ${plural(s.files, "file")}; run with --write${failed}`);
}

function json(output: Output, { results, interruption }: RedactReport): void {
  const outcomesWithChanges = outcomes(results).filter((r) => r.replacements.length > 0);
  const failures = results.filter(isRedactFailure);
  printJson(output, {
    summary: summarize(results),
    files: outcomesWithChanges.map((r) => ({ file: output.path(r.file), written: r.written, replacements: r.replacements })),
    errors: failures.map((f) => ({ file: output.path(f.file), error: f.error, rule: f.rule, line: f.line, column: f.column, pointers: f.pointers })),
    interrupted: interruption,
  });
  for (const f of failures) output.err(describeFailure(output, f));
}

export const redactReporters: Reporters<"redact"> = { text, json };
