/**
 * `recctl redact [paths…]`: replaces infrastructure ids (and with `--secrets` credentials) by
 * stable placeholders wherever the request hash stays unchanged; refuses a file, naming the
 * pointers, where a value takes part in the hash. Dry run by default; `--write` rewrites
 * atomically, only inside the repository's recordings folders, and an interrupt finishes the file
 * in flight and stops (commands/rewrite.ts).
 */
import { emptyRunFails } from "../core/discover.js";
import type { CommonOptions, Outcome } from "../options.js";
import { allowListFrom } from "../core/guard/secrets-config.js";
import { isRedactFailure, REDACT_TASK } from "../core/redact.js";
import { rulesTask } from "../core/rules/detect.js";
import { reporterFor } from "../report/index.js";
import { runRewrite } from "./rewrite.js";

export interface RedactCommandOptions extends CommonOptions {
  paths: string[];
  write: boolean;
  /** Replace `secret` findings too, not only `infra-id` ones. */
  secrets: boolean;
}

export async function redactCommand(opts: RedactCommandOptions): Promise<Outcome> {
  const { workspace } = opts;
  const run = await runRewrite(opts, "redact", REDACT_TASK, async () => ({
    secrets: opts.secrets,
    write: opts.write,
    repoRoot: workspace.recordingsBelow,
    ...rulesTask(await workspace.rules()),
    allowList: allowListFrom(workspace.config?.values["secrets"]),
  }));
  if (run === null) return "error";
  const { found, results, interruption } = run;
  (await reporterFor("redact", opts))(opts.output, { results, write: opts.write, secrets: opts.secrets, interruption });
  if (interruption !== null) return "interrupted";
  return found.missing.length > 0 || emptyRunFails(found, workspace.allowEmpty) || results.some(isRedactFailure) ? "error" : "ok";
}
