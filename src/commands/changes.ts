/**
 * `recctl changes [<base> [<head>]] [paths…]`: what really changed in the recordings between two
 * git revisions, or a revision and the working tree. Exit 0 when nothing but noise changed, 1
 * when something real did, 2 on errors. `--revert-noise` restores the base version of every
 * noise-only modified recording (a dry run unless `--write`).
 */
import type { CommonOptions, Outcome } from "../options.js";
import { worst } from "../options.js";
import { collectChanges, GitError, isReal, revertNoise, type ChangesResult, type Reversion } from "../core/changes/index.js";
import { hasherOf, type RulesChoice } from "../core/rules/detect.js";
import { printChangesErrors } from "../report/changes.js";
import { reporterFor, type FormatName } from "../report/index.js";

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
  const rules = await opts.workspace.rules();
  const hasher = hasherOf(rules);
  try {
    result = collectChanges({ root: opts.root, cwd: opts.workspace.cwd, args: opts.args, hasher });
    if (opts.revertNoise) {
      // A file that could not be read might be noise too: restoring the others is still right.
      reversion = revertNoise(result, opts.write);
    }
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    output.err(`recctl: ${err.message}`);
    return "error";
  }
  printChangesErrors(output, result);
  (await reporterFor("changes", opts))(output, { result, reversion, rules });
  return worst(result.errors.length > 0 ? "error" : "ok", result.files.some(isReal) ? "findings" : "ok");
}
