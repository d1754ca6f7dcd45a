/**
 * Reporters for `rehash`: one line per file that would move, go or stay, a summary, the rules in
 * use; or the SPEC JSON `{summary:{scanned, renamed, duplicates, superseded, conflicts,
 * unchanged, rules}, files:[{file, to, action, reason}]}` (with `--write`, `written` too).
 */
import { basename } from "node:path";
import type { ApplyResult, RehashAction, RehashPlan } from "../core/rehash/index.js";
import type { RulesInUse } from "../core/rules/detect.js";
import { printJson, type Output } from "./output.js";
import { rulesLine, rulesReason } from "./rules.js";
import type { Reporters } from "./index.js";

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
  duplicates: number;
  superseded: number;
  conflicts: number;
  unchanged: number;
  /** Unreachable files left alone (no hash rule in the era, a legacy index, outside `recordings`). */
  skipped: number;
  rules: string;
}

function count(plan: RehashPlan, action: RehashAction): number {
  return plan.entries.filter((e) => e.action === action).length;
}

export function summarize(plan: RehashPlan): RehashSummary {
  return {
    scanned: plan.scanned,
    renamed: count(plan, "rename"),
    duplicates: count(plan, "remove-duplicate"),
    superseded: count(plan, "superseded"),
    conflicts: count(plan, "conflict"),
    unchanged: plan.scanned - plan.entries.length - plan.skipped.length - plan.failures.length,
    skipped: plan.skipped.length,
    rules: plan.era,
  };
}

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

function text(output: Output, { plan, rules, applied }: RehashReport): void {
  const c = output.color;
  const done = new Set(applied?.done.map((e) => e.file) ?? []);
  const colour: Record<RehashAction, (s: string) => string> = { rename: c.green, "remove-duplicate": c.cyan, superseded: c.yellow, conflict: c.red };
  for (const e of plan.entries) {
    const status = applied === null || (e.action !== "rename" && e.action !== "remove-duplicate") ? "" : done.has(e.file) ? c.dim(" (done)") : c.red(" (failed)");
    const to = e.action === "rename" ? ` → ${basename(e.to)}` : "";
    output.out(`  ${output.path(e.file)}${to}  ${colour[e.action](e.action)}${status}`);
    output.out(c.dim(`      ${e.reason}`));
  }
  const s = summarize(plan);
  const parts = [
    `${s.renamed} to rename`,
    plural(s.duplicates, "duplicate"),
    `${s.superseded} superseded`,
    plural(s.conflicts, "conflict"),
    `${s.unchanged} unchanged`,
    ...(s.skipped > 0 ? [`${s.skipped} left alone`] : []),
  ];
  const tail = applied !== null ? `; renamed ${applied.done.filter((e) => e.action === "rename").length}, removed ${applied.done.filter((e) => e.action === "remove-duplicate").length}` : s.renamed + s.duplicates > 0 ? "; dry run — rerun with --write to apply" : "";
  output.out(`${plural(s.scanned, "recording")} scanned: ${parts.join(", ")}${tail}`);
  output.out(c.dim(rulesLine(output, rules)));
}

function json(output: Output, { plan, rules, applied }: RehashReport): void {
  const done = new Set(applied?.done.map((e) => e.file) ?? []);
  printJson(output, {
    summary: { ...summarize(plan), rules_source: rules.source, rules_reason: rulesReason(output, rules), written: applied !== null },
    files: plan.entries.map((e) => ({
      file: output.path(e.file),
      to: output.path(e.to),
      action: e.action,
      reason: e.reason,
      ...(applied === null ? {} : { done: done.has(e.file) }),
    })),
  });
}

export const rehashReporters: Reporters<"rehash"> = { text, json };
