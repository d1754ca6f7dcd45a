/**
 * `validate` over many files with the result cache: a file whose size and times match what was
 * recorded is answered without being read; any other regular file is read and keyed by content
 * on every core, and validated only when no stored result has its key. Everything else (a
 * FIFO, standard input, a path that vanished) takes the usual path and is never cached.
 */
import { VERSION } from "../../version.js";
import { readFileSync, statSync, type Stats } from "node:fs";
import { runParallel, type WorkerPool } from "../parallel.js";
import type { FileReport, ValidateTaskOptions } from "../validate.js";
import { pythonSourcesDigest } from "../guard/pymodules.js";
import { codeDigest, ResultCache, type CachedResult, type CacheSalt } from "./store.js";
import type { CachedTaskOptions, KeyedReport } from "./task.js";

/** The cached task's module; workers import it by this URL. */
export const CACHED_TASK = new URL("./task.js", import.meta.url);

/** The built checking code: every module under dist/core, and the precompiled schema. */
const CORE_DIR = new URL("../", import.meta.url);
const SCHEMA_VALIDATOR = new URL("../../schema-validator.js", import.meta.url);

/**
 * What decides a file's result besides the file: recctl's version and built code, the schema's
 * text, the `--ignore` set, the hash rules, the Python sources `stale-type` reads, the secrets allow-list. Null when the schema cannot be read (validation
 * reports that itself).
 */
export function cacheSalt(options: ValidateTaskOptions, rules: string): CacheSalt | null {
  try {
    // The bundled schema is compiled into the precompiled validator, which the code digest covers.
    const schema = options.schemaFile === null ? "(bundled)" : readFileSync(options.schemaFile, "utf8");
    const code = codeDigest(CORE_DIR.pathname, [SCHEMA_VALIDATOR.pathname]);
    const salt: CacheSalt = { version: VERSION, code, schema, ignore: options.ignore, rules };
    if (options.python != null && !options.ignore.includes("stale-type")) salt.python = pythonSourcesDigest(options.python);
    if (options.secrets !== undefined && (options.secrets.allow.length > 0 || options.secrets.allowInfra.length > 0)) salt.secrets = JSON.stringify(options.secrets);
    return salt;
  } catch {
    return null;
  }
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

const withFile = (file: string, r: CachedResult): FileReport => ({ file, valid: r.valid, errors: r.errors, warnings: r.warnings });

export async function validateCached(files: readonly string[], options: ValidateTaskOptions, cache: ResultCache, pool?: WorkerPool): Promise<FileReport[]> {
  const reports = new Array<FileReport>(files.length);
  // Times are taken before any byte is read: a file changed after this is seen as changed.
  const infos: (Stats | undefined)[] = files.map(statOf);
  const keyed: number[] = [];
  const plain: number[] = [];
  files.forEach((file, i) => {
    const info = infos[i];
    if (info === undefined || !info.isFile()) return void plain.push(i);
    const hit = cache.byStat(file, info);
    if (hit === undefined) keyed.push(i);
    else reports[i] = withFile(file, hit);
  });
  if (keyed.length > 0) {
    const { prepareTask } = await import("./task.js");
    const taskOptions: CachedTaskOptions = { ...options, known: cache.knownKeys() };
    const results = await runParallel<CachedTaskOptions, KeyedReport>(
      keyed.map((i) => files[i] ?? ""),
      taskOptions,
      { url: CACHED_TASK, prepare: prepareTask },
      pool,
    );
    results.forEach(({ key, report }, j) => {
      const i = keyed[j] ?? 0;
      const file = files[i] ?? "";
      const info = infos[i] as Stats;
      if (key === null) {
        cache.stats.uncached++;
        reports[i] = report as FileReport;
      } else if (report === null) {
        const hit = cache.byContent(file, info, key);
        if (hit === undefined) throw new Error(`result cache: no result under ${key} for ${file}`);
        reports[i] = withFile(file, hit);
      } else {
        cache.record(file, info, key, report);
        reports[i] = report;
      }
    });
  } else {
    pool?.release();
  }
  if (plain.length > 0) {
    const { validateMany } = await import("../validate.js");
    const done = await validateMany(plain.map((i) => files[i] ?? ""), options);
    plain.forEach((i, j) => (reports[i] = done[j] as FileReport));
    cache.stats.uncached += plain.length;
  }
  return reports;
}
