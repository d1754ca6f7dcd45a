/** `recctl validate [paths…]`: discover → validate on every core (through the cache) → reporter → exit code. */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CommonOptions, Outcome } from "../options.js";
import { emptyRunFails, isGlob } from "../core/discover.js";
import { printDiscovery } from "../report/output.js";
import { printNotices } from "../report/validate.js";
import { startWorkers } from "../core/parallel.js";
import { isStreamPath } from "../core/read.js";
import { DEFAULT_CACHE_DIR, ResultCache } from "../core/cache/store.js";
import { CACHED_TASK, cacheSalt } from "../core/cache/validate.js";
import type { WarningRule } from "../core/types.js";
import { reporterFor, type FormatName } from "../report/index.js";
import { rulesTask, type RulesChoice } from "../core/rules/detect.js";
import { suggestEra, SUGGEST_ABOVE } from "../core/rules/suggest.js";
import { printEraSuggestion } from "../report/rules.js";
import { allowListFrom } from "../core/guard/secrets-config.js";
import { findPythonEnvironment, pythonNotices, type PythonSettings } from "../core/guard/pymodules.js";
import { configValue, type LoadedConfig } from "../core/workspace/config.js";

/** The validation task's module (core/validate.js); workers import it by this URL. */
const VALIDATE_TASK = new URL("../core/validate.js", import.meta.url);

export interface ValidateCommandOptions extends CommonOptions {
  paths: string[];
  /** `--format`; `--json` (in CommonOptions) wins over it. */
  format: FormatName<"validate">;
  strict: boolean;
  schema: string | null;
  ignore: WarningRule[];
  /** `--rules`; null: the repository's recorder, else the newest. */
  rules?: RulesChoice | null;
  /** `--no-cache` makes it false. */
  cache: boolean;
  /** `--cache-dir` / RECCTL_CACHE_DIR; default `.recctl_cache` in the root. */
  cacheDir: string | null;
  /** RECCTL_CACHE_STATS: say on stderr how the cache was used. */
  cacheStats: boolean;
  /** `$VIRTUAL_ENV`, where `stale-type` looks for third-party modules first (then `.venv`, `venv`). */
  virtualEnv?: string | null;
}

/**
 * The cache serves whole-tree runs: no paths, or a directory or glob among them. A few files
 * named one by one (pre-commit) are checked directly: loading and rewriting the tree's cache
 * would cost more than it saves.
 */
function wantsCache(opts: ValidateCommandOptions): boolean {
  if (!opts.cache) return false;
  return opts.paths.length === 0 || opts.paths.some((p) => isGlob(p) || statSync(resolve(p), { throwIfNoEntry: false })?.isDirectory() === true);
}

/** `[tool.recctl.stale-type]`: `packages` and `venv` (a path the config loader made absolute). */
function pythonSettings(config: LoadedConfig | null): PythonSettings {
  if (config === null) return {};
  const packages = configValue(config, "stale-type", "packages")?.value;
  const venv = configValue(config, "stale-type", "venv")?.value;
  return { packages: Array.isArray(packages) ? (packages as string[]) : null, venv: typeof venv === "string" ? venv : null };
}

export async function validateCommand(opts: ValidateCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const rules = await opts.workspace.rules();
  // stale-type reads the repository's Python sources (from its top level); without any, it costs nothing.
  const python = opts.ignore.includes("stale-type") ? null : findPythonEnvironment(opts.workspace.repo.dir, opts.virtualEnv, pythonSettings(opts.workspace.config));
  const secrets = allowListFrom(opts.workspace.config?.values["secrets"]);
  const taskOptions = { schemaFile: opts.schema, ignore: opts.ignore, ...rulesTask(rules), python, secrets };
  const salt = wantsCache(opts) ? cacheSalt(taskOptions, taskOptions.layout ? "layout" : rules.era.id) : null;
  const cache = salt === null ? null : ResultCache.open(resolve(opts.cacheDir ?? join(opts.root, DEFAULT_CACHE_DIR)), opts.root, salt);
  // A whole tree will want every core: start the workers now, so they load while the files are
  // found — unless a warm cache will answer most files on this thread. A few named files
  // (pre-commit) never start one. (Started before this thread loads the validation modules.)
  const whole = opts.paths.length === 0 || opts.paths.some((p) => !p.endsWith(".json") && !isStreamPath(p));
  const pool = whole && cache?.warm !== true ? startWorkers(cache === null ? VALIDATE_TASK : CACHED_TASK) : undefined;
  const [report, found] = await Promise.all([reporterFor("validate", opts), opts.workspace.discover(opts.paths)]);
  printDiscovery(output, found, opts.paths, opts.root, opts.workspace.allowEmpty);
  if (found.files.length > 0) printNotices(output, pythonNotices(python));
  let reports;
  if (cache === null) {
    const { validateMany } = await import("../core/validate.js");
    reports = await validateMany(found.files, taskOptions, pool);
  } else {
    const { validateCached } = await import("../core/cache/validate.js");
    reports = await validateCached(found.files, taskOptions, cache, pool);
    const problem = found.files.length > 0 ? cache.save(opts.paths.length === 0) : null;
    if (problem !== null) output.err(`recctl: ${problem}`);
  }
  // The era matters to the summary only when the name hash was checked.
  report(output, { reports, strict: opts.strict, rules: opts.ignore.includes("name-hash") ? null : rules, repoRoot: opts.workspace.repo.dir });
  if (opts.cacheStats) (await import("../report/validate.js")).printCacheStats(output, cache);
  // Most of a tree unreachable: the era in use is likely the wrong one; say which names the most.
  const stale = reports.filter((r) => r.warnings.some((w) => w.rule === "name-hash")).map((r) => r.file);
  if (rules.source !== "option" && reports.length > 1 && stale.length > reports.length * SUGGEST_ABOVE) {
    const suggestion = suggestEra(stale, rules.eraFor(stale[0] ?? ""));
    if (suggestion !== null) printEraSuggestion(output, { stale: stale.length, judged: reports.length, inUse: rules, suggestion });
  }
  const ioFailed = reports.some((r) => r.errors.some((e) => e.rule === "io"));
  if (found.missing.length > 0 || ioFailed || emptyRunFails(found, opts.workspace.allowEmpty)) return "error";
  const failed = reports.some((r) => !r.valid || (opts.strict && r.warnings.length > 0));
  return failed ? "findings" : "ok";
}
