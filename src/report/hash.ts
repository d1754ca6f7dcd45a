/** Reporters for `hash`. */
import { isStreamPath } from "../core/read.js";
import type { RulesInUse } from "../core/rules/detect.js";
import type { NameOrigin } from "../core/rules/judge.js";
import type { VerdictStatus } from "../core/rules/verdict.js";
import type { InputFailure, RequestKind } from "../core/types.js";
import type { Skipped } from "../core/discover.js";
import { failuresJson, printFailures, printJson, printSkipped, type Output } from "./output.js";
import { rulesJson, rulesLine } from "./rules.js";
import type { Reporters } from "./index.js";

export interface HashRow {
  file: string;
  kind: RequestKind;
  hash: string | null;
  name_hash: string | null;
  matches: boolean;
  verdict: VerdictStatus;
  normalized: string | null;
  note: string | null;
  /** The era whose rules computed `hash` (by layout, the era of the folder the file lives in). */
  era: string;
  /** Which era's rules named the file, when the name disagrees. */
  origin: NameOrigin | null;
}

/** What `hash` hands its reporter. */
export interface HashReport {
  rows: readonly HashRow[];
  /** Refs that named nothing, files that could not be read. */
  failures: readonly InputFailure[];
  /** Found and left alone (FIFOs, sockets). */
  skipped: readonly Skipped[];
  /** `--explain`: the normalized JSON that is hashed, too. */
  explain: boolean;
  rules: RulesInUse;
}

/** What could not be hashed, on stderr (whatever the format). */
function notices(output: Output, { failures, skipped }: HashReport): void {
  printFailures(output, failures);
  printSkipped(output, skipped);
}

function text(output: Output, report: HashReport): void {
  const { rows, explain, rules } = report;
  notices(output, report);
  const c = output.color;
  for (const r of rows) {
    const verdict =
      r.name_hash === null
        ? c.dim(isStreamPath(r.file) ? "(read from a stream: no file name to check)" : "(file name is not a hash)")
        : r.matches
          ? c.green("✔ name agrees")
          : c.red(`✖ name says ${r.name_hash}${r.hash === null ? "" : " — unreachable"}`);
    output.out(`${r.hash ?? c.dim("(no hash rule)".padEnd(64))}  ${output.path(r.file)}  ${c.dim(r.kind)}  ${verdict}`);
    if (r.origin !== null) output.out(c.dim(`  ${r.origin.message}`));
    if (r.note !== null) output.out(c.dim(`  ${r.note}`));
    if (explain && r.normalized !== null) output.out(`${r.normalized}\n`);
  }
  if (rows.length > 0) output.out(c.dim(rulesLine(output, rules)));
}

/** `{rules, rules_source, hashes:[…], errors:[…]}`: the same shape for one ref, several, or none that could be read. */
function json(output: Output, report: HashReport): void {
  const { rows, explain, rules } = report;
  notices(output, report);
  const hashes = rows.map((r) => ({
    file: output.path(r.file),
    kind: r.kind,
    hash: r.hash,
    name_hash: r.name_hash,
    matches: r.matches,
    verdict: r.verdict,
    era: r.era,
    named_by: r.origin?.eras ?? null,
    why: r.origin?.message ?? null,
    note: r.note,
    normalized: explain ? r.normalized : null,
  }));
  printJson(output, { ...rulesJson(rules), hashes, errors: failuresJson(output, report.failures) });
}

export const hashReporters: Reporters<"hash"> = { text, json };
