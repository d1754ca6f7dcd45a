/**
 * The workspace: everything a run decides once, before any command looks at a recording — the
 * current folder, `--root` and whether it was given, the repository root and how it was found,
 * the config, the hash rules in use and why, and where recordings are searched. Commands receive
 * it; no core module calls `process.cwd()`, finds the repository or chooses an era by itself.
 * (The command line and the config are read by cli.ts, which finds the repository root first:
 * the config is looked for between `--root` and it.)
 * So the same question gets the same answer from any folder (SPEC, "Paths").
 */
import type { RepoRoot } from "../repo-root.js";
import type { LoadedConfig } from "./config.js";
import { discover, type Discovery } from "../discover.js";
import { resolveRules, type RulesChoice, type RulesInUse } from "../rules/detect.js";
import { dirInRecordings } from "./recordings-folder.js";

export interface WorkspaceInput {
  /** The current folder (absolute). */
  cwd: string;
  /** `--root` as resolved against the current folder (absolute), when given on the command line. */
  root: string | null;
  /** The config's `root` (absolute, resolved against the config file's folder), when set. */
  configRoot: string | null;
  /** The repository root: `--repo-root` (or the config's), else found above the root. */
  repo: RepoRoot;
  /** The config in force (null: none found, or `--no-config`). */
  config: LoadedConfig | null;
  /** `--rules`, or the config's `rules`; null when neither. */
  rules: RulesChoice | null;
  /** Where `rules` came from. */
  rulesFrom: "option" | "config";
  /** Globs never taken as recordings (the config's `exclude`), absolute or relative to `cwd`. */
  exclude: readonly string[];
  /** `--allow-empty`: a run that finds no recording at all is not an error. */
  allowEmpty: boolean;
}

export interface Workspace {
  cwd: string;
  /** Where a command over a tree looks when given no paths: `--root`, else the config's, else the current folder. */
  root: string;
  /** `--root` was given on the command line. */
  rootGiven: boolean;
  repo: RepoRoot;
  /** The config in force, and where it came from (null: none). */
  config: LoadedConfig | null;
  /** Where a lookup by hash searches: `--root` when given, else the whole repository. */
  lookupRoot: string;
  exclude: readonly string[];
  allowEmpty: boolean;
  /** The hash rules in use (found once, on first ask). */
  rules: () => Promise<RulesInUse>;
  /** The recordings the paths name (none: every recording under `root`). */
  discover: (paths: readonly string[]) => Promise<Discovery>;
  /** Every recording a lookup by hash searches (under `lookupRoot`). */
  discoverLookup: () => Promise<Discovery>;
  /** Where "inside a recordings folder" is judged from: the repository root, or null (no repository: the whole path). */
  recordingsBelow: string | null;
  /** "Inside a recordings folder", judged relative to the repository. */
  inRecordings: (dir: string) => boolean;
}

export function resolveWorkspace(input: WorkspaceInput): Workspace {
  const root = input.root ?? input.configRoot ?? input.cwd;
  const { repo } = input;
  let rules: Promise<RulesInUse> | null = null;
  // With no repository found, "inside a recordings folder" is judged on the whole path.
  const judgeBelow = repo.source === "root" ? null : repo.dir;
  const ws: Workspace = {
    cwd: input.cwd,
    root,
    rootGiven: input.root !== null,
    repo,
    config: input.config,
    lookupRoot: input.root ?? repo.dir,
    exclude: input.exclude,
    allowEmpty: input.allowEmpty,
    rules: () => (rules ??= resolveRules(input.rules, repo.dir, input.rulesFrom)),
    discover: (paths) => discover(paths, { root, cwd: input.cwd, repoRoot: judgeBelow, exclude: input.exclude }),
    discoverLookup: () => discover([], { root: input.root ?? repo.dir, cwd: input.cwd, repoRoot: judgeBelow, exclude: input.exclude }),
    recordingsBelow: judgeBelow,
    inRecordings: (dir) => dirInRecordings(dir, judgeBelow),
  };
  return ws;
}
