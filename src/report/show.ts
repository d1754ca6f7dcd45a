/** Reporters for `show`: a readable summary for a person debugging a replay miss, or JSON. */
import { isStreamPath } from "../core/read.js";
import type { Inspection } from "../core/inspect.js";
import { renderAnswer } from "./answer.js";
import { printJson, type Output } from "./output.js";
import type { RulesInUse } from "../core/rules/detect.js";
import { rulesJson, rulesLine } from "./rules.js";
import type { Reporters } from "./index.js";

/** What `show` hands its reporter. */
export interface ShowReport {
  inspection: Inspection;
  rules: RulesInUse;
}

function oneLine(text: string, width = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function text(output: Output, { inspection: s, rules }: ShowReport): void {
  const c = output.color;
  const label = (name: string): string => c.bold(name.padEnd(9));
  output.out(`${label("file")} ${output.path(s.file)}`);
  const verdict =
    s.hash === null
      ? c.yellow("no hash rule for this request kind (cannot be replayed)")
      : s.name_hash === null
        ? c.dim(isStreamPath(s.file) ? "(read from a stream: no file name to check)" : "(file name is not a hash)")
        : s.matches
          ? c.green("✔ matches the file name")
          : c.red(`✖ file name says ${s.name_hash} — unreachable: the recorder looks for ${s.hash.slice(0, 12)}…`);
  output.out(`${label("hash")} ${s.hash ?? "-"} ${verdict}`);
  if (s.why !== null) output.out(`${label("")} ${c.yellow(s.why)}`);
  output.out(`${label("rules")} ${rulesLine(output, rules).replace(/^hash rules of /, "")}`);
  output.out(`${label("test")} ${s.test_id ?? c.dim("(none: shared recording)")}`);
  const r = s.request;
  output.out(`${label("request")} ${s.kind} ${r.method ?? ""} ${r.url ?? r.endpoint ?? ""}`.trimEnd());
  if (r.call !== null) output.out(`${label("call")} ${r.call.provider ?? "?"}.${r.call.name ?? "?"}(${oneLine(JSON.stringify(r.call.arguments))})`);
  if (r.model !== null) output.out(`${label("model")} ${r.model}`);
  // NaN and the infinities as Python writes them (JSON.stringify would print null).
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v)}`);
  if (params.length > 0) output.out(`${label("params")} ${params.join(" ")}`);
  if (r.messages.length > 0) {
    output.out(`${label("messages")} ${r.messages.length}`);
    for (const m of r.messages) output.out(`  ${c.cyan(m.role.padEnd(10))} ${oneLine(m.content)}`);
  }
  if (r.tools.length > 0) output.out(`${label("tools")} ${r.tools.join(", ")}`);
  const p = s.response;
  const shape = p.streaming ? `streamed, ${p.chunks} chunk${p.chunks === 1 ? "" : "s"}` : "not streamed";
  output.out(`${label("response")} ${p.family}, ${shape}${p.status === null ? "" : `, HTTP ${p.status}`}`);
  if (p.finish_reason !== null) output.out(`${label("finish")} ${p.finish_reason}`);
  if (p.usage !== null) output.out(`${label("usage")} ${JSON.stringify(p.usage)}`);
  if (p.models !== null) {
    // A model list's answer is its models: every id (a list of a few dozen), one per line.
    output.out(`${label("models")} ${p.models.length}`);
    for (const id of p.models) output.out(`  ${id}`);
  }
  if (p.answer !== null) {
    output.out(c.bold("── answer ──"));
    for (const line of renderAnswer(output, p.answer)) output.out(line);
  } else if (p.error !== null) {
    output.out(c.red(`${label("error")} ${p.error}`));
  }
}

function json(output: Output, { inspection: s, rules }: ShowReport): void {
  printJson(output, { ...s, ...rulesJson(rules), file: output.path(s.file) });
}

/** "No recording matches <hash>", and where to look next — one line. */
export function printMissHint(output: Output, message: string): void {
  output.err(`recctl: ${message}; from a replay miss? recctl explain reads the test output or server.log (pytest … 2>&1 | recctl explain) and lists the nearest recordings`);
}

export const showReporters: Reporters<"show"> = { text, json };
