/**
 * Reporters for `migrate-types`: per file the number of `__type__` values rewritten, the count
 * per module moved, a summary line; or JSON:
 * `{summary:{files, changed, types, written, errors}, prefixes:[{from, to, count}], files:[{file, count, written}]}`
 * (`files` lists the files that would change, or did; a file that could not be processed is
 * `{file, error, rule, line, column}`).
 */
import { isMigrateTypesFailure, type MigrateTypesFailure, type MigrateTypesOutcome, type MigrateTypesResult } from "../core/migrate-types.js";
import type { Interruption } from "../core/io/interrupt.js";
import { failuresJson, located, printJson, type Output } from "./output.js";
import { printInterruption } from "./write.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

/** What `migrate-types` hands its reporter. */
export interface MigrateTypesReport {
  results: readonly MigrateTypesResult[];
  write: boolean;
  /** Set when an interrupt stopped a `--write` run (the files after it were not looked at). */
  interruption: Interruption | null;
}

export interface MigrateTypesSummary {
  files: number;
  changed: number;
  types: number;
  written: number;
  errors: number;
}

const outcomes = (results: readonly MigrateTypesResult[]): MigrateTypesOutcome[] => results.filter((r): r is MigrateTypesOutcome => !isMigrateTypesFailure(r));

export function summarize(results: readonly MigrateTypesResult[]): MigrateTypesSummary {
  const ok = outcomes(results);
  return {
    files: results.length,
    changed: ok.filter((r) => r.rewrites.length > 0).length,
    types: ok.reduce((n, r) => n + r.rewrites.length, 0),
    written: ok.filter((r) => r.written).length,
    errors: results.length - ok.length,
  };
}

const moduleOf = (type: string): string => type.slice(0, Math.max(0, type.lastIndexOf(".")));

/** Rewrites counted per module moved (`a.old.m` → `a.new.m`); a class renamed in place counts under its full names. */
export function prefixCounts(results: readonly MigrateTypesResult[]): { from: string; to: string; count: number }[] {
  const counts = new Map<string, { from: string; to: string; count: number }>();
  for (const r of outcomes(results)) {
    for (const w of r.rewrites) {
      const [from, to] = moduleOf(w.from) === moduleOf(w.to) ? [w.from, w.to] : [moduleOf(w.from), moduleOf(w.to)];
      const key = `${from}\u0000${to}`;
      const entry = counts.get(key) ?? { from, to, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

function describeFailure(output: Output, f: MigrateTypesFailure): string {
  return `recctl: ${located(output, f.file, f.line, f.column)}: ${f.error}${f.error.includes("left untouched") ? "" : " (left untouched)"}`;
}

function text(output: Output, { results, write, interruption }: MigrateTypesReport): void {
  const c = output.color;
  for (const r of results) {
    if (isMigrateTypesFailure(r)) output.err(describeFailure(output, r));
    else if (r.rewrites.length > 0) output.out(`${c.bold(output.path(r.file))}: ${plural(r.rewrites.length, "__type__ value")}${r.written ? c.dim(" (written)") : ""}`);
  }
  for (const p of prefixCounts(results)) output.out(`  ${c.red(p.from)} → ${c.green(p.to)}: ${p.count}`);
  if (interruption !== null) return printInterruption(output, interruption);
  const s = summarize(results);
  const failed = s.errors > 0 ? c.red(`; ${plural(s.errors, "file")} could not be processed (left untouched)`) : "";
  // A success mark only where the run succeeds (no file unreadable, something found).
  const tick = (ok: boolean): string => (ok && s.errors === 0 && s.files > 0 ? `${c.green("✔")} ` : "");
  if (s.types === 0) output.out(`${tick(true)}no __type__ value to migrate in ${plural(s.files, "file")}${failed}`);
  else if (write) output.out(`${tick(s.written === s.changed)}rewrote ${plural(s.types, "__type__ value")} in ${s.written} of ${plural(s.files, "file")}; every request hash unchanged${failed}`);
  else output.out(`${c.yellow("•")} would rewrite ${plural(s.types, "__type__ value")} in ${s.changed} of ${plural(s.files, "file")}; run with --write${failed}`);
}

function json(output: Output, { results, interruption }: MigrateTypesReport): void {
  const files = outcomes(results)
    .filter((r) => r.rewrites.length > 0)
    .map((r) => ({ file: output.path(r.file), count: r.rewrites.length, written: r.written }));
  const errors = failuresJson(output, results.filter(isMigrateTypesFailure));
  printJson(output, { summary: summarize(results), prefixes: prefixCounts(results), files, errors, interrupted: interruption });
  for (const r of results) if (isMigrateTypesFailure(r)) output.err(describeFailure(output, r));
}

export const migrateTypesReporters: Reporters<"migrate-types"> = { text, json };
