/** Reporters for `hash`. */
import { isStreamPath } from "../core/read.js";
import type { RulesInUse } from "../core/rules/detect.js";
import type { NameOrigin } from "../core/rules/judge.js";
import type { VerdictStatus } from "../core/rules/verdict.js";
import type { RequestKind } from "../core/types.js";
import { printJson, type Output } from "./output.js";
import { rulesLine } from "./rules.js";
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
  /** The era whose rules computed `hash`. */
  rules: string;
  /** Which era's rules named the file, when the name disagrees. */
  origin: NameOrigin | null;
}

/** What `hash` hands its reporter. */
export interface HashReport {
  rows: readonly HashRow[];
  /** `--explain`: the normalized JSON that is hashed, too. */
  explain: boolean;
  /** Several refs, or a folder or glob: JSON is an array even for one row. */
  many: boolean;
  rules: RulesInUse;
}

function text(output: Output, { rows, explain, rules }: HashReport): void {
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

function json(output: Output, { rows, explain, many }: HashReport): void {
  const shaped = rows.map((r) => ({
    file: output.path(r.file),
    kind: r.kind,
    hash: r.hash,
    name_hash: r.name_hash,
    matches: r.matches,
    verdict: r.verdict,
    rules: r.rules,
    ...(r.origin === null ? {} : { named_by: r.origin.eras, why: r.origin.message }),
    ...(explain ? { normalized: r.normalized } : {}),
    ...(r.note === null ? {} : { note: r.note }),
  }));
  printJson(output, many ? shaped : (shaped[0] ?? null));
}

export const hashReporters: Reporters<"hash"> = { text, json };
