/**
 * Reporters by name, in one place (knip's `reporters/index.ts`): a command hands its result, one
 * object, to the reporter of the format asked for — `json` when `--json` was given, else the
 * command's `--format`, else `text`. Adding a format is one function in the command's reporter
 * file and its name here. A command's reporters load when that command runs (list's table library,
 * diff's differ), so `recctl validate one.json` (pre-commit) loads only validate's.
 */
import type { PruneResult } from "../core/prune/index.js";
import type { ChangesReport } from "./changes.js";
import type { ConfigReport } from "./config.js";
import type { DiffReport } from "./diff.js";
import type { ExplainReport } from "./explain.js";
import type { HashReport } from "./hash.js";
import type { ListReport } from "./list.js";
import type { MigrateTypesReport } from "./migrate-types.js";
import type { RedactReport } from "./redact.js";
import type { NormalizeReport } from "./normalize.js";
import type { Output } from "./output.js";
import type { ReassembleReport } from "./reassemble.js";
import type { RehashReport } from "./rehash.js";
import type { ShowReport } from "./show.js";
import type { ValidateReport } from "./validate.js";

/** Turns a command's result into what the user reads (stdout) and notices (stderr). */
export type Reporter<T> = (output: Output, result: T) => void;

/** What each command hands its reporter. */
interface Results {
  validate: ValidateReport;
  hash: HashReport;
  list: ListReport;
  show: ShowReport;
  reassemble: ReassembleReport;
  diff: DiffReport;
  prune: PruneResult;
  normalize: NormalizeReport;
  changes: ChangesReport;
  explain: ExplainReport;
  rehash: RehashReport;
  config: ConfigReport;
  "migrate-types": MigrateTypesReport;
  redact: RedactReport;
}

export type CommandName = keyof Results;
export type ResultOf<C extends CommandName> = Results[C];

/** The formats each command prints (the order of `--format`'s choices). */
export const FORMATS = {
  validate: ["text", "json", "github", "sarif"],
  hash: ["text", "json"],
  list: ["text", "json"],
  show: ["text", "json"],
  reassemble: ["text", "json"],
  diff: ["text", "json"],
  prune: ["text", "json"],
  normalize: ["text", "json"],
  changes: ["text", "markdown", "json"],
  explain: ["text", "json"],
  rehash: ["text", "json"],
  config: ["text", "json"],
  "migrate-types": ["text", "json"],
  redact: ["text", "json"],
} as const satisfies { readonly [C in CommandName]: readonly string[] };

/** Every command has `text` and `json`; some have more. */
export type FormatName<C extends CommandName> = "text" | "json" | (typeof FORMATS)[C][number];

export type Reporters<C extends CommandName> = { readonly [F in FormatName<C>]: Reporter<Results[C]> };

const LOADERS: { readonly [C in CommandName]: () => Promise<Reporters<C>> } = {
  validate: async () => (await import("./validate.js")).validateReporters,
  hash: async () => (await import("./hash.js")).hashReporters,
  list: async () => (await import("./list.js")).listReporters,
  show: async () => (await import("./show.js")).showReporters,
  reassemble: async () => (await import("./reassemble.js")).reassembleReporters,
  diff: async () => (await import("./diff.js")).diffReporters,
  prune: async () => (await import("./prune.js")).pruneReporters,
  normalize: async () => (await import("./normalize.js")).normalizeReporters,
  changes: async () => (await import("./changes.js")).changesReporters,
  explain: async () => (await import("./explain.js")).explainReporters,
  rehash: async () => (await import("./rehash.js")).rehashReporters,
  config: async () => (await import("./config.js")).configReporters,
  "migrate-types": async () => (await import("./migrate-types.js")).migrateTypesReporters,
  redact: async () => (await import("./redact.js")).redactReporters,
};

/** The format a run asked for: `--json` wins over `--format`; without either, text. */
export function formatOf<C extends CommandName>(opts: { json: boolean; format?: FormatName<C> }): FormatName<C> {
  return opts.json ? "json" : (opts.format ?? "text");
}

/** The reporter of `command` for the format the run asked for (see `formatOf`). */
export async function reporterFor<C extends CommandName>(command: C, opts: { json: boolean; format?: FormatName<C> }): Promise<Reporter<Results[C]>> {
  const reporters: Reporters<C> = await LOADERS[command]();
  return reporters[formatOf(opts)];
}
