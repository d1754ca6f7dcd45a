/**
 * Reporters for `normalize`: per changed file its path and changes (repeated changes of one key
 * across a stream's chunks collapsed to one line), a summary line; or the SPEC JSON.
 *
 * JSON: `{summary:{files, changed, written, errors}, files:[…], interrupted}` where `files` lists only the
 * files that would change (or did, with --write), carry a note, or could not be processed:
 * `{file, changes:[{pointer, from, to}], reformat, written, notes}` — every change in full, one
 * entry per chunk, so a script needs no knowledge of the collapsing — or
 * `{file, error, rule, line, column}`; `interrupted` is null, or `{signal, done, total}` when
 * SIGINT/SIGTERM stopped a --write (the summary then counts the files done).
 */
import { isNormalizeFailure, wouldChange, type Change, type NormalizeFailure, type NormalizeOutcome, type NormalizeResult } from "../core/normalize.js";
import type { Interruption } from "../core/io/interrupt.js";
import { failuresJson, printJson, type Output } from "./output.js";
import { printInterruption } from "./write.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

export type NormalizeMode = "dry-run" | "check" | "write";

/** What `normalize` hands its reporter. */
export interface NormalizeReport {
  /** One per file processed: all of them, or those finished before an interrupt. */
  results: readonly NormalizeResult[];
  mode: NormalizeMode;
  interruption: Interruption | null;
}

export interface NormalizeSummary {
  files: number;
  changed: number;
  written: number;
  errors: number;
}

export function summarize(results: readonly NormalizeResult[]): NormalizeSummary {
  const outcomes = results.filter((r): r is NormalizeOutcome => !isNormalizeFailure(r));
  return {
    files: results.length,
    changed: outcomes.filter(wouldChange).length,
    written: outcomes.filter((r) => r.written).length,
    errors: results.length - outcomes.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const CHUNK_INDEX = /^\/response\/body\/\d+\//;

function show(value: unknown, width = 48): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

/** "id in 42 chunks" for the same key changed in many chunks; the full pointer otherwise. */
export function collapseChanges(changes: readonly Change[]): { label: string; from: string; to: string }[] {
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const key = `${change.pointer.replace(CHUNK_INDEX, "/response/body/*/")}\u0000${JSON.stringify(change.to)}`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as Change;
    if (group.length === 1) return { label: first.pointer, from: show(first.from), to: show(first.to) };
    const key = first.pointer.slice(first.pointer.lastIndexOf("/") + 1);
    const distinct = [...new Set(group.map((c) => JSON.stringify(c.from)))];
    const last = group[group.length - 1] as Change;
    const from = distinct.length === 1 ? show(first.from) : `${show(first.from, 32)} … ${show(last.from, 32)} (${distinct.length} values)`;
    return { label: `${key} in ${group.length} chunks`, from, to: show(first.to) };
  });
}

function describeFailure(output: Output, f: NormalizeFailure): string {
  const loc = f.line === null ? "" : `:${f.line}:${f.column ?? 1}`;
  const untouched = /left (untouched|alone)/.test(f.error) ? "" : " (left untouched)";
  return `recctl: ${output.path(f.file)}${loc}: ${f.error}${untouched}`;
}

function text(output: Output, { results, mode, interruption }: NormalizeReport): void {
  const c = output.color;
  for (const r of results) {
    if (isNormalizeFailure(r)) {
      output.err(describeFailure(output, r));
      continue;
    }
    for (const note of r.notes) output.err(`recctl: ${output.path(r.file)}: ${note}`);
    if (!wouldChange(r)) continue;
    output.out(`${c.bold(output.path(r.file))}${r.written ? c.dim(" (written)") : ""}`);
    for (const line of collapseChanges(r.changes)) output.out(`  ${c.dim(`${line.label}:`)} ${c.red(line.from)} → ${c.green(line.to)}`);
    if (r.reformat) output.out(`  ${c.dim("formatting:")} ${c.red("not the recorder's")} → ${c.green("json.dump(indent=2) + newline")}`);
  }
  // Stopped part-way: how far it got, and no summary that reads like a finished run.
  if (interruption !== null) return printInterruption(output, interruption);
  const s = summarize(results);
  const failed = s.errors > 0 ? c.red(`; ${plural(s.errors, "file")} could not be processed (left untouched)`) : "";
  // A success mark only where the run succeeds (no file unreadable, something found).
  const tick = s.errors === 0 && s.files > 0 ? `${c.green("✔")} ` : "";
  if (s.changed === 0) {
    output.out(`${tick}${s.files - s.errors} of ${plural(s.files, "file")} already normalized${failed}`);
  } else if (mode === "write") {
    output.out(`${c.green("✔")} normalized ${s.written} of ${plural(s.files, "file")}${failed}`);
  } else {
    const mark = mode === "check" ? c.red("✖") : c.yellow("•");
    output.out(`${mark} ${s.changed} of ${plural(s.files, "file")} would change; run with --write${failed}`);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

function json(output: Output, { results, interruption }: NormalizeReport): void {
  const files = results
    .filter((r): r is NormalizeOutcome => !isNormalizeFailure(r) && (wouldChange(r) || r.notes.length > 0))
    .map((r) => ({ file: output.path(r.file), changes: r.changes, reformat: r.reformat, written: r.written, notes: r.notes }));
  const errors = failuresJson(output, results.filter(isNormalizeFailure));
  printJson(output, { summary: summarize(results), files, errors, interrupted: interruption });
  for (const r of results) if (isNormalizeFailure(r)) output.err(describeFailure(output, r));
  printInterruption(output, interruption);
}

export const normalizeReporters: Reporters<"normalize"> = { text, json };
