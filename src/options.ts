/**
 * The contract between the layers: the options every command shares (normalized once, at the
 * edge) and the outcome a command returns. Only `cli.ts` turns an outcome into an exit code.
 */
import type { Workspace } from "./core/workspace/index.js";
import type { Output } from "./report/output.js";

/** Options every command shares, normalized once (SPEC: --root, --json, --no-color). */
export interface CommonOptions {
  /** The workspace's root (`--root`, else the config's, else the current folder); absolute, an existing directory. */
  root: string;
  /** Resolved once per run: repository root, config, rules, discovery (core/workspace). */
  workspace: Workspace;
  json: boolean;
  output: Output;
}

/**
 * What a command's run came to (SPEC, exit codes): `ok` success or nothing found, `findings`
 * (invalid files, differences, orphans with --check…), `error` usage or I/O errors,
 * `interrupted` a run that writes stopped by SIGINT/SIGTERM, every file whole (SPEC, "Interrupts").
 */
export type Outcome = "ok" | "findings" | "error" | "interrupted";

/** 130: what a shell reports for a command ended by SIGINT (128 + 2). */
export const EXIT_CODES: Readonly<Record<Outcome, number>> = { ok: 0, findings: 1, error: 2, interrupted: 130 };

/** The worse of several outcomes: an interrupt outranks an error, an error findings, findings ok. */
export function worst(...outcomes: Outcome[]): Outcome {
  for (const o of ["interrupted", "error", "findings"] as const) if (outcomes.includes(o)) return o;
  return "ok";
}
