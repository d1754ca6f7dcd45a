/**
 * `recctl changes [<base> [<head>]] [paths…]`: what changed in the recordings between two git
 * revisions, a revision and the index (`--staged`), or a revision and the working tree, and
 * which changes break replay. Exit codes like `git diff`: 0 when it ran, whatever changed;
 * `--check` exits 1 when a change breaks replay (`--strict`: a noise-only modification too);
 * 2 on errors. `--revert-noise` restores the base version of every noise-only modified
 * recording (a dry run unless `--write`).
 */
import type { CommonOptions, Outcome } from "../options.js";
import { worst } from "../options.js";
import { collectChanges, failsCheck, GitError, revertNoise, type ChangesResult, type Reversion } from "../core/changes/index.js";
import type { RulesChoice } from "../core/rules/detect.js";
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
  /** `--staged`: the index against `<base>` (HEAD by default). */
  staged: boolean;
  /** `--check`: exit 1 when a change breaks replay. */
  check: boolean;
  /** `--strict` (with `--check`): a noise-only modification fails too. */
  strict: boolean;
  /** `--rules`: one era for both sides; null: the recorder of each side, else the newest. */
  rules: RulesChoice | null;
}

/** A usage error in the options, or null. */
function usageError(opts: ChangesCommandOptions): string | null {
  if (opts.write && !opts.revertNoise) return "--write goes with --revert-noise (changes itself never writes)";
  if (opts.strict && !opts.check) return "--strict goes with --check";
  return null;
}

export async function changesCommand(opts: ChangesCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const usage = usageError(opts);
  if (usage !== null) {
    output.err(`recctl: ${usage}`);
    return "error";
  }
  let result: ChangesResult;
  let reversion: Reversion | null = null;
  const interrupts = opts.revertNoise && opts.write ? watchInterrupts() : null;
  try {
    result = await collectChanges({ root: opts.root, cwd: opts.workspace.cwd, args: opts.args, staged: opts.staged, rules: opts.rules });
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
  const check = opts.check ? { strict: opts.strict } : null;
  (await reporterFor("changes", opts))(output, { result, reversion, check });
  printInterruption(output, reversion?.interruption ?? null);
  const failed = check !== null && result.files.some((f) => failsCheck(f, check.strict));
  return worst(
    reversion?.interruption != null ? "interrupted" : "ok",
    result.errors.length > 0 || (reversion?.refused.length ?? 0) > 0 ? "error" : "ok",
    failed ? "findings" : "ok",
  );
}
