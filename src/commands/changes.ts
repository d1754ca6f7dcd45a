/**
 * `recctl changes [<base> [<head>]] [paths…]`: what really changed in the recordings between two
 * git revisions, or a revision and the working tree. Exit 0 when nothing but noise changed, 1
 * when something real did, 2 on errors. `--revert-noise` restores the base version of every
 * noise-only modified recording (a dry run unless `--write`).
 */
import type { CommonOptions, Outcome } from "../options.js";
import { worst } from "../options.js";
import { collectChanges, GitError, isReal, revertNoise, type ChangesResult, type Reversion } from "../core/changes/index.js";
import { hasherFor, type RulesChoice } from "../core/rules/detect.js";
import { printChangesErrors } from "../report/changes.js";
import { reporterFor, type FormatName } from "../report/index.js";
import { printInterruption, printRefusal } from "../report/write.js";
import { watchInterrupts } from "../core/io/interrupt.js";

export interface ChangesCommandOptions extends CommonOptions {
  /** `[<base> [<head>]] [paths…]` as given. */
  args: string[];
  /** `--format`; `--json` (in CommonOptions) wins over it. */
  format: FormatName<"changes">;
  revertNoise: boolean;
  write: boolean;
  /** `--rules`: the hash rules that pair a removed file with its rehashed twin; null: the repository's recorder, else the newest. */
  rules: RulesChoice | null;
}

export async function changesCommand(opts: ChangesCommandOptions): Promise<Outcome> {
  const { output } = opts;
  if (opts.write && !opts.revertNoise) {
    output.err("recctl: --write goes with --revert-noise (changes itself never writes)");
    return "error";
  }
  let result: ChangesResult;
  let reversion: Reversion | null = null;
  const { hasher, rules } = await hasherFor(opts.rules, opts.root);
  const interrupts = opts.revertNoise && opts.write ? watchInterrupts() : null;
  try {
    result = collectChanges({ root: opts.root, cwd: process.cwd(), args: opts.args, hasher });
    if (opts.revertNoise) {
      // A file that could not be read might be noise too: restoring the others is still right.
      reversion = await revertNoise(result, opts.write, interrupts);
    }
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    output.err(`recctl: ${err.message}`);
    return "error";
  } finally {
    interrupts?.dispose();
  }
  printChangesErrors(output, result);
  for (const r of reversion?.refused ?? []) printRefusal(output, r.file, r.reason);
  (await reporterFor("changes", opts))(output, { result, reversion, rules });
  printInterruption(output, reversion?.interruption ?? null);
  return worst(
    reversion?.interruption != null ? "interrupted" : "ok",
    result.errors.length > 0 || (reversion?.refused.length ?? 0) > 0 ? "error" : "ok",
    result.files.some(isReal) ? "findings" : "ok",
  );
}
