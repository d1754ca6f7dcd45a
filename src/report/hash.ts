/** Reporters for `hash`. */
import type { RequestKind } from "../core/types.js";
import { printJson, type Output } from "./output.js";

export interface HashRow {
  file: string;
  kind: RequestKind;
  hash: string | null;
  name_hash: string | null;
  matches: boolean;
  normalized: string | null;
  note: string | null;
}

function text(output: Output, rows: readonly HashRow[], explain: boolean): void {
  const c = output.color;
  for (const r of rows) {
    const verdict =
      r.name_hash === null
        ? c.dim("(file name is not a hash)")
        : r.matches
          ? c.green("✔ name agrees")
          : c.red(`✖ name says ${r.name_hash}${r.hash === null ? "" : " — unreachable"}`);
    output.out(`${r.hash ?? c.dim("(no hash rule)".padEnd(64))}  ${output.path(r.file)}  ${c.dim(r.kind)}  ${verdict}`);
    if (r.note !== null) output.out(c.dim(`  ${r.note}`));
    if (explain && r.normalized !== null) output.out(`${r.normalized}\n`);
  }
}

function json(output: Output, rows: readonly HashRow[], explain: boolean, many: boolean): void {
  const shaped = rows.map((r) => ({
    file: output.path(r.file),
    kind: r.kind,
    hash: r.hash,
    name_hash: r.name_hash,
    matches: r.matches,
    ...(explain ? { normalized: r.normalized } : {}),
    ...(r.note === null ? {} : { note: r.note }),
  }));
  printJson(output, many ? shaped : (shaped[0] ?? null));
}

export const hashReporters = { text, json } as const;
