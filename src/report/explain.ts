/**
 * Reporters for `explain`: for a person, each miss with its verdict, what to do, and the nearest
 * recordings with the differences that change the hash first; or the JSON document of the SPEC.
 */
import type { RulesInUse } from "../core/rules/detect.js";
import { rulesJson, rulesLine } from "./rules.js";
import { TIER_LABELS, type Candidate, type Difference, type ExplainedMiss } from "../core/explain/index.js";
import type { FileFailure } from "../core/types.js";
import { failuresJson, printFailures, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";

/** What `explain` hands its reporter. */
export interface ExplainReport {
  misses: readonly ExplainedMiss[];
  /** Inputs (logs) that could not be read. */
  failures: readonly FileFailure[];
  /** The hash rules the differences were judged by. */
  rules: RulesInUse;
}

const VALUE_WIDTH = 100;
const CONTEXT = 30;
/** Differences that do not change the hash are named, not shown, beyond this many. */
const QUIET_NAMED = 4;

const VERDICT_TITLES: Record<ExplainedMiss["verdict"]["kind"], string> = {
  recorded: "recorded since",
  unreachable: "unreachable recording",
  "request-edited": "request edited after recording",
  flaky: "flaky request",
  "content-change": "the request changed",
  "model-change": "another model or provider",
  "endpoint-change": "another endpoint",
  "renamed-test": "renamed test",
  "request-unknown": "the request changed (which field: unknown)",
  "new-test": "new test",
};

function compact(value: unknown): string {
  const text = value === null || value === undefined ? "(none)" : (JSON.stringify(value) ?? String(value));
  return text.length > VALUE_WIDTH ? `${text.slice(0, VALUE_WIDTH - 1)}…` : text;
}

/** Two long strings shown around where they first differ. */
function around(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const cut = (s: string): string => {
    const start = Math.max(0, i - CONTEXT);
    const end = Math.min(s.length, i + CONTEXT);
    return `${start > 0 ? "…" : ""}${s.slice(start, end)}${end < s.length ? "…" : ""}`;
  };
  return [JSON.stringify(cut(a)), JSON.stringify(cut(b))];
}

function renderDifference(d: Difference, output: Output): string {
  const c = output.color;
  const mark = d.hash_relevant ? c.magenta(" (changes the hash)") : "";
  if (d.a === null) return `${c.green("+")} ${d.pointer}${mark}: ${c.green(compact(d.b))}`;
  if (d.b === null) return `${c.red("-")} ${d.pointer}${mark}: ${c.red(compact(d.a))}`;
  if (d.pointer === "/test_id" || d.pointer === "/request/test_id") {
    return `${c.yellow("~")} ${d.pointer}${mark}:\n       ${c.red(`- ${String(d.a)}`)}\n       ${c.green(`+ ${String(d.b)}`)}`;
  }
  const [a, b] =
    typeof d.a === "string" && typeof d.b === "string" && Math.max(d.a.length, d.b.length) > VALUE_WIDTH / 2 ? around(d.a, d.b) : [compact(d.a), compact(d.b)];
  return `${c.yellow("~")} ${d.pointer}${mark}: ${c.red(a)} → ${c.green(b)}`;
}

function matchLabel(miss: ExplainedMiss, cand: Candidate): string {
  if (cand.exact) return "the same request, under a stale name";
  return cand.tier === 2 && miss.test_id === null ? "same endpoint and model" : TIER_LABELS[cand.tier];
}

function renderCandidate(miss: ExplainedMiss, cand: Candidate, n: number, output: Output): string[] {
  const c = output.color;
  const lines = [`  ${n}. ${output.path(cand.file)}  ${c.dim(`(${matchLabel(miss, cand)})`)}`];
  if (cand.test_id !== null && cand.test_id !== miss.test_id) lines.push(`     ${c.dim("test")} ${cand.test_id}`);
  const hashed = cand.differences.filter((d) => d.hash_relevant);
  const quiet = cand.differences.filter((d) => !d.hash_relevant);
  for (const d of hashed) lines.push(`     ${renderDifference(d, output)}`);
  if (quiet.length > 0) {
    const names = quiet.slice(0, QUIET_NAMED).map((d) => d.pointer);
    const more = quiet.length > QUIET_NAMED ? `, … ${quiet.length - QUIET_NAMED} more` : "";
    const what = `${quiet.length} difference${quiet.length === 1 ? "" : "s"} that do${quiet.length === 1 ? "es" : ""} not change the hash`;
    lines.push(`     ${c.dim(`${what}: ${names.join(", ")}${more}`)}`);
  }
  if (cand.differences.length === 0) lines.push(`     ${c.dim("no difference in what the message tells")}`);
  return lines;
}

function describeCall(miss: ExplainedMiss): string {
  if (miss.kind === "tool" || miss.kind === "file-processor") return `${miss.kind} ${miss.provider ?? "?"}.${miss.tool_name ?? "?"}`;
  const where = miss.url ?? miss.endpoint ?? "";
  return `${miss.kind} ${miss.method ?? ""} ${where}`.replace(/\s+/g, " ").trim();
}

const REQUEST_FROM: Record<string, string> = {
  "exception-recording": "captured (exception recording)",
  "request-option": "given with --request",
  message: "read from the message",
};

function renderMiss(miss: ExplainedMiss, n: number, total: number, output: Output): string[] {
  const c = output.color;
  const label = (name: string): string => c.bold(name.padEnd(9));
  const lines = [c.bold(`replay miss ${n} of ${total}: ${describeCall(miss)}`)];
  lines.push(`${label("at")} ${miss.source}:${miss.line}`);
  if (miss.hash !== null) lines.push(`${label("hash")} ${miss.hash}${miss.hash.length < 64 ? c.dim(" (cut in the log)") : ""}`);
  lines.push(`${label("test")} ${miss.test_id ?? c.dim("(unknown: not in the input)")}`);
  if (miss.model !== null) lines.push(`${label("model")} ${miss.model}`);
  if (miss.request !== null) lines.push(`${label("request")} ${REQUEST_FROM[miss.request.from] ?? miss.request.from}${miss.request.file === null ? "" : `: ${output.path(miss.request.file)}`}`);
  const colour = miss.candidates.length === 0 ? c.red : c.yellow;
  lines.push(`${label("verdict")} ${colour(VERDICT_TITLES[miss.verdict.kind])}: ${miss.verdict.reason}`);
  lines.push(`${label("do")} ${miss.verdict.action}`);
  if (miss.request?.from === "exception-recording" && miss.request.file !== null) {
    lines.push(`${label("")} ${c.dim(`then delete ${output.path(miss.request.file)}: replay raises its recorded error instead of missing`)}`);
  }
  if (miss.candidates.length > 0) {
    const shown = miss.candidates.length < miss.total_candidates ? `${miss.candidates.length} of ${miss.total_candidates}` : `${miss.total_candidates}`;
    lines.push(`${c.bold("candidates")} ${c.dim(`(${shown}, nearest first)`)}`);
    miss.candidates.forEach((cand, i) => lines.push(...renderCandidate(miss, cand, i + 1, output)));
  }
  return lines;
}

function text(output: Output, { misses, failures, rules }: ExplainReport): void {
  printFailures(output, failures);
  if (misses.length === 0) return;
  const blocks = misses.map((m, i) => renderMiss(m, i + 1, misses.length, output).join("\n"));
  const unexplained = misses.filter((m) => m.candidates.length === 0 && m.verdict.kind !== "recorded").length;
  const summary = `${misses.length} replay miss${misses.length === 1 ? "" : "es"}${unexplained === 0 ? "" : `, ${unexplained} without any candidate`}`;
  output.out([...blocks, `${summary}\n${output.color.dim(rulesLine(output, rules))}`].join("\n\n"));
}

function json(output: Output, { misses, failures, rules }: ExplainReport): void {
  printFailures(output, failures);
  printJson(output, {
    ...rulesJson(rules),
    misses: misses.map((m) => ({
      kind: m.kind,
      hash: m.hash,
      model: m.model,
      url: m.url,
      endpoint: m.endpoint,
      test_id: m.test_id,
      request: m.request === null ? null : { file: m.request.file === null ? null : output.path(m.request.file), from: m.request.from },
      verdict: m.verdict,
      candidates: m.candidates.map((cand) => ({
        file: output.path(cand.file),
        test_id: cand.test_id,
        match: matchLabel(m, cand),
        differences: cand.differences,
      })),
      total_candidates: m.total_candidates,
      source: m.source,
      line: m.line,
    })),
    errors: failuresJson(output, failures),
  });
}

export const explainReporters: Reporters<"explain"> = { text, json };
