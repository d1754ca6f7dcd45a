/**
 * Every command's options, declared once: the flag and its help, its parser and choices, its
 * default, and its config key (the long flag's name in kebab case, SPEC "Configuration"). cli.ts
 * builds commander's options from these, `settle` merges command line > config > default, and
 * the action's types come from the same declaration (`ValuesOf`). A boolean also gets its
 * `--no-…` form, so a flag can undo the config.
 */
import { DEFAULT_MAX_DELETE, type MaxDelete } from "../core/prune/max-delete.js";
import { ORPHAN_REASONS, type OrphanReason } from "../core/prune/reasons.js";
import type { RulesChoice } from "../core/rules/detect.js";
import { WARNING_RULES, type WarningRule } from "../core/types.js";
import { FORMATS, type FormatName } from "../report/index.js";
import { collectArg, maxDeleteArg, positiveIntArg, repeatableChoiceArg, rulesArg } from "./parsers.js";

export interface OptionDecl<K extends string = string, T = unknown> {
  /** The long flag's name (kebab case): the config key too. */
  key: K;
  /** The value's placeholder in the help (`<dir>`); none for a boolean. */
  arg?: string;
  description: string;
  default: T;
  /** A boolean flag: `--key` and `--no-key`. */
  boolean?: boolean;
  choices?: readonly string[];
  /** From the command line's string (and the previous value, for repeatable options). */
  parse?(value: string, previous: T): T; // a method: bivariant, so every declaration fits OptionDecl
  /** An environment variable that sets it (below the command line, above the config). */
  env?: string;
  /** Asked for on the command line only (an action such as --write): never read from a config. */
  cliOnly?: boolean;
}

function opt<const K extends string, T>(decl: OptionDecl<K, T>): OptionDecl<K, T> {
  return decl;
}

/** The typed values a command's action receives, by config key. */
export type ValuesOf<D extends readonly OptionDecl[]> = { [E in D[number] as E["key"]]: E["default"] };

const rules = opt({
  key: "rules",
  arg: "<date|current>",
  description: "hash as the recorder in force on this date did (default: the repository's own recorder, else each file by its layout)",
  default: null as RulesChoice | null,
  parse: (v: string) => rulesArg(v),
});

const flag = <const K extends string>(key: K, description: string, cliOnly = true): OptionDecl<K, boolean> => opt({ key, description, default: false, boolean: true, cliOnly });

const text = <const K extends string>(key: K, arg: string, description: string, cliOnly = false): OptionDecl<K, string | null> =>
  opt({ key, arg, description, default: null as string | null, parse: (v: string) => v, cliOnly });

export const OPTIONS = {
  validate: [
    opt({ key: "format", arg: "<format>", description: "output format", default: "text" as FormatName<"validate">, choices: FORMATS.validate, parse: (v: string) => v as FormatName<"validate"> }),
    flag("strict", "warnings (unreachable, rec- ids, formatting, …) fail too", false),
    text("schema", "<file>", "validate against this JSON Schema instead of the bundled one"),
    opt({ key: "ignore", arg: "<rule>", description: "neither check nor report this warning rule (repeatable)", default: [] as WarningRule[], choices: WARNING_RULES, parse: repeatableChoiceArg(WARNING_RULES) as (v: string, p: WarningRule[]) => WarningRule[] }),
    opt({ key: "cache", description: "neither read nor write the result cache", default: true, boolean: true }),
    opt({ key: "cache-dir", arg: "<dir>", description: "where the result cache lives (default: .recctl_cache in --root)", default: null as string | null, parse: (v: string) => v, env: "RECCTL_CACHE_DIR" }),
    rules,
  ],
  hash: [flag("explain", "print the normalized JSON that is hashed"), rules],
  list: [
    opt({ key: "group-by", arg: "<key>", description: "group rows by", default: "test" as "test" | "model" | "endpoint" | "none", choices: ["test", "model", "endpoint", "none"], parse: (v: string) => v as "test" | "model" | "endpoint" | "none" }),
    text("test", "<text>", "only recordings whose test_id contains this", true),
    text("model", "<text>", "only recordings whose model contains this", true),
    text("endpoint", "<text>", "only recordings whose endpoint contains this", true),
  ],
  show: [flag("raw", "print the file as stored"), rules],
  reassemble: [],
  diff: [
    flag("raw", "compare everything, chunk by chunk (no noise filtering)"),
    opt({ key: "ignore", arg: "<pointer>", description: "also ignore this JSON pointer (repeatable)", default: [] as string[], parse: collectArg }),
    rules,
  ],
  prune: [
    opt({ key: "collected", arg: "<file>", description: "pytest --collect-only -q output or pytest-json-report JSON ('-' for stdin); repeatable", default: [] as string[], parse: collectArg }),
    flag("check", "exit 1 when any orphan is found (CI)"),
    flag("delete", "remove the orphans listed"),
    text("repo-root", "<dir>", "where test paths in test_id resolve (default: the git top level or Python project above --root)"),
    opt({ key: "max-delete", arg: "<count|N%>", description: "refuse --delete when it would remove more recordings than this (default: 25%)", default: DEFAULT_MAX_DELETE as MaxDelete, parse: (v: string) => maxDeleteArg(v) }),
    flag("allow-partial", "let --delete proceed although the collection had errors or the manifest does not fit", false),
    opt({ key: "reason", arg: "<reason>", description: "only orphans with this reason (repeatable)", default: [] as OrphanReason[], choices: ORPHAN_REASONS, parse: repeatableChoiceArg(ORPHAN_REASONS) as (v: string, p: OrphanReason[]) => OrphanReason[] }),
    rules,
  ],
  normalize: [flag("write", "rewrite changed files atomically, in the recorder's formatting"), flag("check", "exit 1 when any file would change (CI)")],
  changes: [
    opt({ key: "format", arg: "<format>", description: "output format", default: "text" as FormatName<"changes">, choices: FORMATS.changes, parse: (v: string) => v as FormatName<"changes"> }),
    flag("staged", "compare the index (what the next commit holds) with <base> (default HEAD)"),
    flag("check", "exit 1 when a change breaks replay (a recording reachable at <base>, unreachable at <head>)"),
    flag("strict", "with --check: a noise-only modification fails too", false),
    flag("revert-noise", "restore the base version of every noise-only modified recording (dry run unless --write)"),
    flag("write", "with --revert-noise: restore them (index and working tree)"),
    rules,
  ],
  explain: [
    text("request", "<file>", "the missed request: a recording (e.g. the exception recording record-if-missing stored) or a bare request object", true),
    opt({ key: "candidates", arg: "<n>", description: "how many candidates to show per miss", default: 3, parse: (v: string) => positiveIntArg(v) }),
    rules,
  ],
  rehash: [flag("write", "rename (never overwriting) and remove duplicates"), rules],
  "migrate-types": [flag("write", "rewrite the files atomically (every request hash checked unchanged first)")],
  completion: [],
  redact: [flag("write", "rewrite the files atomically (every request hash checked unchanged first)"), flag("secrets", "replace credential-shaped strings (rule secret) too, not only infrastructure ids")],
  config: [],
} as const satisfies Record<string, readonly OptionDecl<string, unknown>[]>;

export type CommandWithOptions = keyof typeof OPTIONS;
export type CommandValues<C extends CommandWithOptions> = ValuesOf<(typeof OPTIONS)[C]>;

/** Options every command shares (on the program): `--root`, `--allow-empty` and the config's own. */
export const GLOBAL_CONFIG_KEYS = ["root", "allow-empty", "exclude", "repo-root", "rules"] as const;
