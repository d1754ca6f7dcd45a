/**
 * `recctl migrate-types <old-prefix>=<new-prefix>… [paths…]`: rewrites response `__type__`
 * module prefixes only (never a request), every file keeping its hash. Dry run by default;
 * `--write` rewrites atomically, only inside the repository's recordings folders, and an
 * interrupt finishes the file in flight and stops (commands/rewrite.ts).
 */
import { emptyRunFails } from "../core/discover.js";
import type { CommonOptions, Outcome } from "../options.js";
import { isMigrateTypesFailure, MIGRATE_TYPES_TASK, type TypeMapping } from "../core/migrate-types.js";
import { reporterFor } from "../report/index.js";
import { runRewrite } from "./rewrite.js";

export interface MigrateTypesCommandOptions extends CommonOptions {
  /** Parsed at the edge with `parseTypeMapping` (core/migrate-types.ts); at least one. */
  mappings: TypeMapping[];
  paths: string[];
  write: boolean;
}

export async function migrateTypesCommand(opts: MigrateTypesCommandOptions): Promise<Outcome> {
  const run = await runRewrite(opts, "migrate-types", MIGRATE_TYPES_TASK, () => ({
    mappings: opts.mappings,
    write: opts.write,
    repoRoot: opts.workspace.recordingsBelow,
  }));
  if (run === null) return "error";
  const { found, results, interruption } = run;
  (await reporterFor("migrate-types", opts))(opts.output, { results, write: opts.write, interruption });
  if (interruption !== null) return "interrupted";
  return found.missing.length > 0 || emptyRunFails(found, opts.workspace.allowEmpty) || results.some(isMigrateTypesFailure) ? "error" : "ok";
}
