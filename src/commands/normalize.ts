/**
 * `recctl normalize [paths…]`: the recorder's response normalization applied to stored files.
 * Dry run by default; `--write` rewrites atomically (commands/rewrite.ts: the write gate,
 * interrupts); `--check` exits 1 when anything would change (with `--write` too: fixed, and still
 * reported as a finding, for CI that fixes and fails).
 */
import { emptyRunFails } from "../core/discover.js";
import type { CommonOptions, Outcome } from "../options.js";
import { isNormalizeFailure, NORMALIZE_TASK, wouldChange } from "../core/normalize.js";
import { reporterFor } from "../report/index.js";
import type { NormalizeMode } from "../report/normalize.js";
import { runRewrite } from "./rewrite.js";

export interface NormalizeCommandOptions extends CommonOptions {
  paths: string[];
  write: boolean;
  check: boolean;
}

export async function normalizeCommand(opts: NormalizeCommandOptions): Promise<Outcome> {
  const run = await runRewrite(opts, "normalize", NORMALIZE_TASK, () => ({ write: opts.write, repoRoot: opts.workspace.recordingsBelow }));
  if (run === null) return "error";
  const { found, results, interruption } = run;
  const mode: NormalizeMode = opts.write ? "write" : opts.check ? "check" : "dry-run";
  (await reporterFor("normalize", opts))(opts.output, { results, mode, interruption });
  if (interruption !== null) return "interrupted";
  if (found.missing.length > 0 || emptyRunFails(found, opts.workspace.allowEmpty) || results.some(isNormalizeFailure)) return "error";
  const changed = results.some((r) => !isNormalizeFailure(r) && wouldChange(r));
  return opts.check && changed ? "findings" : "ok";
}
