/** `recctl validate [paths…]`: discover → validate on every core → reporter → exit code. */
import type { CommonOptions, Outcome } from "../options.js";
import { discover } from "../core/discover.js";
import { printDiscovery } from "../report/output.js";
import { startWorkers } from "../core/parallel.js";
import type { WarningRule } from "../core/types.js";
import type { ValidateFormat } from "../report/validate.js";
import { resolveRules, type RulesChoice } from "../core/rules/detect.js";

/** The validation task's module (core/validate.js); workers import it by this URL. */
const VALIDATE_TASK = new URL("../core/validate.js", import.meta.url);

export interface ValidateCommandOptions extends CommonOptions {
  paths: string[];
  format: ValidateFormat;
  strict: boolean;
  schema: string | null;
  ignore: WarningRule[];
  /** `--rules`; null: the repository's recorder, else the newest. */
  rules?: RulesChoice | null;
}

export async function validateCommand(opts: ValidateCommandOptions): Promise<Outcome> {
  const { output } = opts;
  // A whole tree (no paths, or a directory/glob) will want every core: start the workers now,
  // so they load while the files are found. A few named files (pre-commit) never start one.
  // (Started before this thread loads the validation modules itself.)
  const pool = opts.paths.length === 0 || opts.paths.some((p) => !p.endsWith(".json")) ? startWorkers(VALIDATE_TASK) : undefined;
  const [{ validateMany }, { validateReporters }, found, rules] = await Promise.all([
    import("../core/validate.js"),
    import("../report/validate.js"),
    discover(opts.paths, opts.root),
    resolveRules(opts.rules ?? null, opts.root),
  ]);
  printDiscovery(output, found, opts.paths, opts.root);
  const reports = await validateMany(found.files, { schemaFile: opts.schema, ignore: opts.ignore, rules: rules.era.id }, pool);
  // The era matters to the summary only when the name hash was checked.
  validateReporters[opts.format](output, reports, opts.strict, opts.ignore.includes("name-hash") ? null : rules);
  const ioFailed = reports.some((r) => r.errors.some((e) => e.rule === "io"));
  if (found.missing.length > 0 || ioFailed) return "error";
  const failed = reports.some((r) => !r.valid || (opts.strict && r.warnings.length > 0));
  return failed ? "findings" : "ok";
}
