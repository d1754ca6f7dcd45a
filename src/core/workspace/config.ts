/**
 * The repository config (SPEC, Configuration): found by walking up from --root to the repository
 * root, read with smol-toml, checked against schemas/config.schema.json, and merged under the
 * command line (an option wins over the config, the config over the default).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import type { TomlDate as TomlDateClass } from "smol-toml";
import { describeFsError } from "../read.js";
import { parseMaxDelete } from "../prune/max-delete.js";
import { parseRulesChoice, RulesChoiceError } from "../rules/detect.js";
import { keyLines, lineOf, pointerOf } from "./config-lines.js";
import {
  along,
  closestKey,
  expectation,
  inheritedFrom,
  knownKeys,
  loadConfigSchema,
  refChain,
  schemaAt,
  type ConfigSchema,
  type SchemaNode,
} from "./config-schema.js";

/** Within one folder, the first of these that holds a config is the config (ruff's order). */
export const CONFIG_FILE_NAMES = [".recctl.toml", "recctl.toml", "pyproject.toml"] as const;

/** `pyproject`: the `[tool.recctl]` table of a pyproject.toml; `recctl`: a whole recctl.toml. */
export type ConfigKind = "pyproject" | "recctl";

export interface ConfigFileRef {
  /** Absolute. */
  file: string;
  kind: ConfigKind;
}

/** One problem in a config file; `line` is null when the file could not be read at all. */
export interface ConfigProblem {
  line: number | null;
  /** The key as written from the recctl table down (`validate.strick`, `secrets.allow[0]`); null for syntax errors. */
  key: string | null;
  /** What is wrong, without the place: `unknown key 'strick' in [tool.recctl.validate]; did you mean 'strict'?` */
  text: string;
  /** The whole line: `<file>:<line>: <text>` (the file absolute; reporters show it relative). */
  message: string;
  /** The known key closest to an unknown one. */
  suggestion: string | null;
}

/** A config that cannot be used: a usage error (exit 2). `message` holds one line per problem. */
export class ConfigError extends Error {
  readonly line: number | null;
  readonly key: string | null;
  readonly suggestion: string | null;
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => p.message).join("\n"));
    this.name = "ConfigError";
    this.line = problems[0]?.line ?? null;
    this.key = problems[0]?.key ?? null;
    this.suggestion = problems[0]?.suggestion ?? null;
  }
}

export interface LoadedConfig {
  /** Absolute. */
  file: string;
  kind: ConfigKind;
  /** The recctl table: TOML dates as `YYYY-MM-DD` strings, paths and globs absolute. */
  values: Readonly<Record<string, unknown>>;
  /** Line of each key by JSON pointer within the recctl table (`/validate/strict`). */
  lines: ReadonlyMap<string, number>;
  schema: ConfigSchema;
}

/** A value the config gives, and where. */
export interface ConfigSetting {
  value: unknown;
  file: string;
  line: number | null;
  /** Where it was set: `max-delete`, `prune.max-delete`. */
  key: string;
}

const PYPROJECT_TABLE = ["tool", "recctl"] as const;

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function kindOf(file: string): ConfigKind {
  return basename(file) === "pyproject.toml" ? "pyproject" : "recctl";
}

/**
 * The TOML parser, loaded on first use: most runs find no config (or a pyproject.toml without
 * recctl in it) and never parse TOML, so start-up does not pay for it.
 */
const toml = async (): Promise<typeof import("smol-toml")> => import("smol-toml");

/** A pyproject.toml that holds `[tool.recctl]` (or, not parsing, seems to: its error is then shown). */
async function pyprojectHasTable(file: string): Promise<boolean> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return false;
  }
  if (!text.includes("recctl")) return false;
  const { parse } = await toml();
  try {
    const doc = parse(text);
    return isTable(doc["tool"]) && isTable(doc["tool"]["recctl"]);
  } catch {
    return /^\s*\[\[?\s*["']?tool["']?\s*\.\s*["']?recctl\b/m.test(text);
  }
}

function isWithin(dir: string, top: string): boolean {
  const rel = relative(top, dir);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The config for a run over `startDir`: the first folder from `startDir` up to `repoRoot` (both
 * included) holding `.recctl.toml`, `recctl.toml` or a pyproject.toml with `[tool.recctl]`, in
 * that order within a folder. A `startDir` outside `repoRoot` looks in `startDir` only. Both absolute.
 */
export async function findConfigFile(startDir: string, repoRoot: string): Promise<ConfigFileRef | null> {
  const top = isWithin(startDir, repoRoot) ? resolve(repoRoot) : resolve(startDir);
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = join(dir, name);
      if (name === "pyproject.toml" ? await pyprojectHasTable(file) : existsSync(file)) return { file, kind: kindOf(file) };
    }
    if (dir === top || dirname(dir) === dir) return null;
  }
}

/** How a table is named in messages: `[tool.recctl.validate]`, or `[validate]` in a recctl.toml. */
function tableName(kind: ConfigKind, table: readonly string[]): string {
  const path = kind === "pyproject" ? [...PYPROJECT_TABLE, ...table] : [...table];
  return path.length === 0 ? "the top level" : `[${path.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join(".")}]`;
}

/** `validate.strick`, `secrets.allow[0]`. */
function keyName(segments: readonly string[]): string {
  return segments.reduce((name, s) => (/^\d+$/.test(s) ? `${name}[${s}]` : name === "" ? s : `${name}.${s}`), "");
}

/** A value as TOML writes it, cut short: `true`, `"yaml"`, `{ files = "x" }`. */
function shown(value: unknown): string {
  const toml = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(toml).join(", ")}]`
      : isTable(v)
        ? `{ ${Object.entries(v).map(([k, x]) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)} = ${toml(x)}`).join(", ")} }`
        : (JSON.stringify(v) ?? String(v));
  const text = toml(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function segmentsOf(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function valueAt(values: unknown, segments: readonly string[]): unknown {
  let v = values;
  for (const s of segments) v = isTable(v) || Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** TOML dates and times as the strings they were written as (`rules = 2025-09-01`). */
function withDatesAsStrings(value: unknown, TomlDate: typeof TomlDateClass): unknown {
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => withDatesAsStrings(v, TomlDate));
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDatesAsStrings(v, TomlDate)]));
  return value;
}

interface Located {
  file: string;
  kind: ConfigKind;
  lines: ReadonlyMap<string, number>;
  /** The recctl table's own path in the document. */
  prefix: readonly string[];
}

function problem(file: string, line: number | null, key: string | null, text: string, suggestion: string | null = null): ConfigProblem {
  return { line, key, text, message: `${file}${line === null ? "" : `:${line}`}: ${text}`, suggestion };
}

function problemAt(at: Located, segments: readonly string[], text: string, suggestion: string | null = null): ConfigProblem {
  return problem(at.file, lineOf(at.lines, pointerOf([...at.prefix, ...segments])), keyName(segments), text, suggestion);
}

function unknownKey(at: Located, root: SchemaNode, table: readonly string[], key: string): ConfigProblem {
  const where = at.kind === "recctl" && table.length === 0 ? "at the top level" : `in ${tableName(at.kind, table)}`;
  // A key known in other tables: say where it belongs rather than guess a spelling.
  const homes = [[], ...Object.keys(root.properties ?? {}).map((t) => [t])].filter(
    (t) => knownKeys(root, t).includes(key) && pointerOf(t) !== pointerOf(table),
  );
  if (homes.length > 0) {
    const list = homes.map((t) => tableName(at.kind, t)).join(" or ");
    return problemAt(at, [...table, key], `key '${key}' does not belong ${where}; it is read from ${list}`, key);
  }
  const suggestion = closestKey(key, knownKeys(root, table));
  const hint = suggestion === null ? `; known keys: ${knownKeys(root, table).join(", ")}` : `; did you mean '${suggestion}'?`;
  return problemAt(at, [...table, key], `unknown key '${key}' ${where}${hint}`, suggestion);
}

/** `'max-delete'` at the top level, `'format' in [tool.recctl.validate]` in a table. */
function named(at: Located, root: SchemaNode, segments: readonly string[]): string {
  const first = segments[0] ?? "";
  const inTable = segments.length > 1 && along(root, root.properties?.[first] ?? {}, "type") === "object";
  return inTable ? `'${keyName(segments.slice(1))}' in ${tableName(at.kind, [first])}` : `'${keyName(segments)}'`;
}

function wrongValue(at: Located, root: SchemaNode, segments: readonly string[], value: unknown, detail?: string): ConfigProblem {
  const node = schemaAt(root, segments);
  const expected = detail ?? (node === undefined ? "a valid value" : expectation(root, node));
  return problemAt(at, segments, `${named(at, root, segments)} must be ${expected}, got ${shown(value)}`);
}

/** ajv's errors as one problem per key, in the order of the file. */
function schemaProblems(at: Located, schema: ConfigSchema, values: unknown): ConfigProblem[] {
  const { root } = schema;
  const problems = new Map<string, ConfigProblem>();
  const wrappers = new Set(["anyOf", "oneOf"]);
  // The summary of a failed anyOf/oneOf names the value; the branches' own errors are its details.
  const errors = [...schema.errors()].sort((a, b) => Number(wrappers.has(b.keyword)) - Number(wrappers.has(a.keyword)));
  for (const e of errors) {
    const segments = segmentsOf(e.instancePath);
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: unknown }).additionalProperty);
      const pointer = pointerOf([...segments, key]);
      if (!problems.has(pointer)) problems.set(pointer, unknownKey(at, root, segments, key));
      continue;
    }
    const pointer = pointerOf(segments);
    // One problem per value: the first error about it or about any value around it.
    if ([...problems.keys()].some((p) => p === pointer || pointer.startsWith(`${p}/`))) continue;
    const detail = e.keyword === "uniqueItems" ? "a list without repeats" : undefined;
    problems.set(pointer, wrongValue(at, root, segments, valueAt(values, segments), detail));
  }
  return [...problems.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** The checks a JSON Schema cannot make: the era a date names exists; a percentage is at most 100. */
function semanticProblems(at: Located, schema: ConfigSchema, values: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  walk(schema.root, schema.root, values, [], (node, value, segments) => {
    const chain = refChain(schema.root, node);
    const def = chain.map((n) => n.$ref).find((r) => r?.startsWith("#/definitions/"));
    if (def === "#/definitions/rules" && typeof value === "string") {
      try {
        parseRulesChoice(value);
      } catch (err) {
        if (!(err instanceof RulesChoiceError)) throw err;
        problems.push(problemAt(at, segments, `${named(at, schema.root, segments)}: ${err.message}`));
      }
    }
    if (def === "#/definitions/maxDelete" && parseMaxDelete(String(value)) === null) {
      problems.push(wrongValue(at, schema.root, segments, value));
    }
    return value;
  });
  return problems;
}

/** Calls `visit` on every value with its schema node (keys and array items), replacing it with the result. */
function walk(
  root: SchemaNode,
  node: SchemaNode,
  value: unknown,
  segments: readonly string[],
  visit: (node: SchemaNode, value: unknown, segments: readonly string[]) => unknown,
): unknown {
  const props = along(root, node, "properties");
  const items = along(root, node, "items");
  let v = value;
  if (props !== undefined && isTable(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const sub = props[k];
      out[k] = sub === undefined ? child : walk(root, sub, child, [...segments, k], visit);
    }
    v = out;
  } else if (items !== undefined && Array.isArray(v)) {
    v = v.map((child, i) => walk(root, items, child, [...segments, String(i)], visit));
  }
  return segments.length === 0 ? v : visit(node, v, segments);
}

/** Paths (`#/definitions/path`) resolve against the config's folder, and so do globs; `-` (stdin) stays. */
function resolvePaths(schema: ConfigSchema, values: Record<string, unknown>, dir: string): Record<string, unknown> {
  const globBase = dir.split(sep).join(posix.sep).replace(/[()[\]{}*?!+@]/g, "\\$&");
  return walk(schema.root, schema.root, values, [], (node, value) => {
    if (typeof value !== "string" || value === "-") return value;
    const refs = refChain(schema.root, node).map((n) => n.$ref);
    if (refs.includes("#/definitions/path")) return resolve(dir, value);
    if (refs.includes("#/definitions/glob")) return posix.isAbsolute(value) ? value : posix.join(globBase, value);
    return value;
  }) as Record<string, unknown>;
}

/** Reads, checks and resolves a config file (a found one, or `--config F`: an absolute path). */
export async function loadConfig(source: ConfigFileRef | string): Promise<LoadedConfig> {
  const ref = typeof source === "string" ? { file: resolve(source), kind: kindOf(source) } : source;
  const { file, kind } = ref;
  const fail = (line: number | null, text: string): ConfigError => new ConfigError(file, [problem(file, line, null, text)]);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw fail(null, `cannot read config: ${describeFsError(err)}`);
  }
  const { parse, TomlDate, TomlError } = await toml();
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const why = err.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid TOML";
    throw fail(err.line, `invalid TOML (column ${err.column}): ${why}`);
  }
  const prefix = kind === "pyproject" ? PYPROJECT_TABLE : [];
  const table = valueAt(doc, prefix);
  if (!isTable(table)) throw fail(null, `no [tool.recctl] table`);
  const values = withDatesAsStrings(table, TomlDate) as Record<string, unknown>;
  const schema = await loadConfigSchema();
  const lines = keyLines(text);
  const at: Located = { file, kind, lines, prefix };
  const problems = schema.validate(values) ? semanticProblems(at, schema, values) : schemaProblems(at, schema, values);
  if (problems.length > 0) throw new ConfigError(file, problems);
  // Line numbers relative to the recctl table, whatever file it sits in.
  const own = pointerOf(prefix);
  const tableLines = new Map([...lines].filter(([p]) => p.startsWith(`${own}/`)).map(([p, line]) => [p.slice(own.length), line]));
  return { file, kind, values: resolvePaths(schema, values, dirname(file)), lines: tableLines, schema };
}

/**
 * What the config says for `key` when `command` runs: its own table's value, else the value of
 * the table its schema inherits the key from (the top level for shared keys; diff's for changes'
 * `ignore`). Undefined when the config does not set it, or the key means something else there.
 */
export function configValue(config: LoadedConfig, command: string, key: string): ConfigSetting | undefined {
  const seen = new Set<string>();
  const hasTable = config.schema.root.properties?.[command] !== undefined;
  for (let table: string[] | null = hasTable ? [command] : []; table !== null; ) {
    const path = [...table, key];
    const p = pointerOf(path);
    if (seen.has(p)) return undefined;
    seen.add(p);
    const value = valueAt(config.values, path);
    if (value !== undefined) return { value, file: config.file, line: config.lines.get(p) ?? null, key: path.join(".") };
    if (table.length === 0) return undefined;
    table = inheritedFrom(config.schema.root, table[0] ?? "", key);
  }
  return undefined;
}

/**
 * Config values in the form `--rules` and `--max-delete` parse to. The loader has already checked
 * them, so these do not fail.
 */
export const CONFIG_PARSERS: Readonly<Record<string, (value: unknown) => unknown>> = {
  rules: (value) => parseRulesChoice(String(value)),
  "max-delete": (value) => parseMaxDelete(String(value)),
};

/** A flag as the command line left it: `given` when typed (or, `"env"`, set by its environment variable). */
export interface FlagValue {
  value: unknown;
  given: boolean | "env";
}

export type SettingSource = { kind: "option" } | { kind: "env" } | { kind: "config"; file: string; line: number | null; key: string } | { kind: "default" };

export interface ResolvedSetting {
  value: unknown;
  source: SettingSource;
}

/**
 * Each setting of a run: the option given on the command line (or its environment variable),
 * else the config (`configValue`), else the default. Keys are the config's (kebab case, the
 * long option names); `null` config: none found, or `--no-config`. A repeatable option given
 * replaces the config's list, it does not add to it. `parsers` turn a config value into the form
 * the option's own parser gives (e.g. `CONFIG_PARSERS`), so every source yields one type.
 */
export function resolveSettings(
  config: LoadedConfig | null,
  command: string,
  flags: Readonly<Record<string, FlagValue>>,
  defaults: Readonly<Record<string, unknown>>,
  parsers: Readonly<Record<string, (value: unknown) => unknown>> = {},
): Record<string, ResolvedSetting> {
  const out: Record<string, ResolvedSetting> = {};
  for (const key of new Set([...Object.keys(flags), ...Object.keys(defaults)])) {
    const flag = flags[key];
    if (flag !== undefined && flag.given !== false) {
      out[key] = { value: flag.value, source: { kind: flag.given === "env" ? "env" : "option" } };
      continue;
    }
    const set = config === null ? undefined : configValue(config, command, key);
    const parser = parsers[key];
    if (set !== undefined) out[key] = { value: parser === undefined ? set.value : parser(set.value), source: { kind: "config", file: set.file, line: set.line, key: set.key } };
    else out[key] = { value: key in defaults ? defaults[key] : (flag?.value ?? null), source: { kind: "default" } };
  }
  return out;
}

/** Whether `key` of `table` (`[]`: the top level) holds paths, which `recctl config` shows relative. */
export function holdsPaths(schema: ConfigSchema, table: readonly string[], key: string): boolean {
  const node = schemaAt(schema.root, [...table, key]);
  if (node === undefined) return false;
  const refs = refChain(schema.root, node).map((n) => n.$ref);
  return refs.includes("#/definitions/path") || refs.includes("#/definitions/paths");
}

/** The keys `command` reads from a config (its table's), or every top-level key when it has no table. */
export async function settingKeys(command: string | null): Promise<string[]> {
  const { root } = await loadConfigSchema();
  if (command !== null && command in (root.properties ?? {})) return knownKeys(root, [command]);
  // The top level's own settings (not the command tables).
  return knownKeys(root, []).filter((k) => along(root, root.properties?.[k] ?? {}, "type") !== "object");
}
