/**
 * Reporters for `rehash`: one line per file that would move, go or stay (and, where different
 * responses competed for a name, each one's date and the winner), a summary, the rules in use;
 * or the SPEC JSON `{rules, rules_source, summary:{scanned, renamed, replaced, duplicates,
 * superseded, conflicts, unchanged, skipped, written}, files:[{file, to, action, reason,
 * candidates:[{file, date, commit, source}], winner, done}], errors:[…]}` (`done` null on a dry run).
 */
import { basename } from "node:path";
import { describeDate, type ApplyResult, type RehashAction, type RehashEntry, type RehashPlan } from "../core/rehash/index.js";
import type { RulesInUse } from "../core/rules/detect.js";
import { failuresJson, printJson, type Output } from "./output.js";
import { rulesJson, rulesLine } from "./rules.js";
import { printInterruption } from "./write.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

/** What `rehash` hands its reporter. */
export interface RehashReport {
  plan: RehashPlan;
  rules: RulesInUse;
  /** With --write: what was done; null on a dry run. */
  applied: ApplyResult | null;
}

export interface RehashSummary {
  scanned: number;
  renamed: number;
  /** Newer stale recordings that take the name of their older, correctly named twin. */
  replaced: number;
  duplicates: number;
  superseded: number;
  conflicts: number;
  unchanged: number;
  /** Unreachable files left alone (no hash rule in the era, a legacy index, outside `recordings`). */
  skipped: number;
}

function count(plan: RehashPlan, action: RehashAction): number {
  return plan.entries.filter((e) => e.action === action).length;
}

export function summarize(plan: RehashPlan): RehashSummary {
  return {
    scanned: plan.scanned,
    renamed: count(plan, "rename"),
    replaced: count(plan, "replace-older"),
    duplicates: count(plan, "remove-duplicate"),
    superseded: count(plan, "superseded"),
    conflicts: count(plan, "conflict"),
    unchanged: plan.scanned - plan.entries.length - plan.skipped.length - plan.failures.length,
    skipped: plan.skipped.length,
  };
}

function text(output: Output, { plan, rules, applied }: RehashReport): void {
  const c = output.color;
  const done = new Set(applied?.done.map((e) => e.file) ?? []);
  const failed = new Set(applied?.failures.map((f) => f.file) ?? []);
  const colour: Record<RehashAction, (s: string) => string> = { rename: c.green, "replace-older": c.green, "remove-duplicate": c.cyan, superseded: c.yellow, conflict: c.red };
  const acts = (e: RehashEntry): boolean => e.action === "rename" || e.action === "replace-older" || e.action === "remove-duplicate";
  const told = new Set<string>();
  for (const e of plan.entries) {
    const status = applied === null || !acts(e) ? "" : done.has(e.file) ? c.dim(" (done)") : failed.has(e.file) ? c.red(" (failed)") : c.dim(" (not started)");
    const to = e.action === "rename" || e.action === "replace-older" ? ` → ${basename(e.to)}` : "";
    output.out(`  ${output.path(e.file)}${to}  ${colour[e.action](e.action)}${status}`);
    output.out(c.dim(`      ${e.reason}`));
    // The competition for a name, once per name: every response's date, and which one wins.
    if (e.candidates.length > 0 && !told.has(e.to)) {
      told.add(e.to);
      for (const k of e.candidates) {
        const mark = k.file === e.winner ? c.green("newest, wins") : e.winner === null ? "" : "older";
        output.out(c.dim(`      · ${basename(k.file)}  ${describeDate(k.date)}`) + (mark === "" ? "" : `  ${mark}`));
      }
    }
  }
  // Stopped part-way: how far it got, and no summary that reads like a finished run.
  if (applied !== null && applied.interruption !== null) return printInterruption(output, applied.interruption);
  const s = summarize(plan);
  const parts = [
    `${s.renamed} to rename`,
    ...(s.replaced > 0 ? [`${s.replaced} to replace an older twin`] : []),
    plural(s.duplicates, "duplicate"),
    `${s.superseded} superseded`,
    plural(s.conflicts, "conflict"),
    `${s.unchanged} unchanged`,
    ...(s.skipped > 0 ? [`${s.skipped} left alone`] : []),
  ];
  const did = (a: RehashAction): number => applied?.done.filter((e) => e.action === a).length ?? 0;
  const replacedTail = s.replaced > 0 ? `, replaced ${did("replace-older")}` : "";
  const tail = applied !== null ? `; renamed ${did("rename")}${replacedTail}, removed ${did("remove-duplicate")}` : s.renamed + s.replaced + s.duplicates > 0 ? "; dry run — rerun with --write to apply" : "";
  output.out(`${plural(s.scanned, "recording")} scanned: ${parts.join(", ")}${tail}`);
  output.out(c.dim(rulesLine(output, rules)));
}

function json(output: Output, { plan, rules, applied }: RehashReport): void {
  const done = new Set(applied?.done.map((e) => e.file) ?? []);
  printJson(output, {
    ...rulesJson(rules),
    summary: { ...summarize(plan), written: applied !== null },
    files: plan.entries.map((e) => ({
      file: output.path(e.file),
      to: output.path(e.to),
      action: e.action,
      reason: e.reason,
      candidates: e.candidates.map((k) => ({ file: output.path(k.file), date: k.date?.date ?? null, commit: k.date?.commit ?? null, source: k.date?.source ?? null })),
      winner: e.winner === null ? null : output.path(e.winner),
      done: applied === null ? null : done.has(e.file),
    })),
    interrupted: applied?.interruption ?? null,
    errors: failuresJson(output, [...plan.failures, ...(applied?.failures ?? [])]),
  });
}

export const rehashReporters: Reporters<"rehash"> = { text, json };
