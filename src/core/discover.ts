/**
 * Which files a command works on (SPEC, "Paths"). No paths means every `**\/recordings/**\/*.json`
 * under the root; a directory means the recordings in it (its `**\/recordings/**\/*.json`, or
 * every `*.json` when it is itself inside a `recordings` folder); a file named explicitly is always
 * taken; globs are expanded; `-` and `/dev/fd/N` are streams, read as they are.
 *
 * Symlinks are followed, but every directory is entered once and every file counted once, by its
 * real path (a symlink loop never multiplies files). Files that are not regular files (FIFOs,
 * sockets, devices) are never opened: they are skipped with a notice. `node_modules`, `.git` and
 * dot folders are not searched.
 */
import { readdirSync, type Dirent, type Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { isStreamPath } from "./read.js";
import { findRepoRoot } from "./repo-root.js";
import { dirInRecordings, RECORDINGS_FOLDER } from "./workspace/recordings-folder.js";

export const DEFAULT_PATTERN = "**/recordings/**/*.json";
const RECORDINGS = RECORDINGS_FOLDER;
const IGNORE = ["**/node_modules/**", "**/.git/**"];

/** A path that was found but not taken, and why (`not a regular file (FIFO)`). */
export interface Skipped {
  path: string;
  reason: string;
}

export interface Discovery {
  files: string[];
  /** Paths that named nothing: they are reported and make the command exit 2. */
  missing: string[];
  /** Paths found and left alone (never opened); each is a notice on stderr. */
  skipped: Skipped[];
  /**
   * What the walk saw besides recordings, so no folder is read twice: the folders it read in full,
   * and the temporary files of atomic writes (`*.recctl-tmp-*`) in recordings folders among them.
   */
  walked?: WalkedFolders;
}

export interface WalkedFolders {
  folders: Set<string>;
  temps: string[];
  /** The 2025 layout's `index.sqlite` files in recordings folders (prune's legacy scopes). */
  indexes: string[];
}

/** The 2025 layout's index of a recordings folder. */
export const LEGACY_INDEX = "index.sqlite";

/** What kind of file a non-regular entry is, for the notice. */
function fileType(info: Stats | Dirent): string {
  if (info.isFIFO()) return "FIFO";
  if (info.isSocket()) return "socket";
  if (info.isCharacterDevice()) return "character device";
  if (info.isBlockDevice()) return "block device";
  return "special file";
}

export function notRegular(info: Stats | Dirent): string {
  return `not a regular file (${fileType(info)}), not opened`;
}

/** Where a discovery runs: the folders it needs, decided once by the workspace. */
export interface DiscoverScope {
  /** Searched when no paths are given. */
  root: string;
  /** Relative paths and globs resolve against it. */
  cwd: string;
  /** "Inside a recordings folder" is judged below it (null: no repository; the whole path counts). */
  repoRoot: string | null;
  /** Globs never taken as recordings (relative ones match paths relative to `cwd`). */
  exclude?: readonly string[];
}

/**
 * True when a directory is itself inside a `recordings` folder, judged below the repository root
 * (a checkout kept under `~/recordings/` is not a recordings folder). A directory outside the
 * repository is judged below its own.
 */
async function insideRecordings(dir: string, repoRoot: string | null): Promise<boolean> {
  const rel = repoRoot === null ? "" : relative(repoRoot, dir);
  if (repoRoot === null || rel === "" || !(rel.startsWith("..") || isAbsolute(rel))) return dirInRecordings(dir, repoRoot);
  const top = await findRepoRoot(dir);
  return dirInRecordings(dir, top.source === "root" ? null : top.dir);
}

/** One file found: the path as reached, and the real path it is counted by. */
interface Found {
  path: string;
  real: string;
  /** Reached through a symbolic link (the direct path wins when both lead to one file). */
  viaLink: boolean;
}

/** What a walk collects; `seen` holds the real path of every directory entered. */
interface Walk {
  found: Found[];
  skipped: Skipped[];
  seen: Set<string>;
  /** Symbolic links met on the way, followed once every direct path is walked. */
  links: { path: string; name: string; inRecordings: boolean }[];
  /** Which `.json` names to take (all by default): `show` looks for a hash prefix. */
  accept: (name: string) => boolean;
  walked: WalkedFolders;
}

function newWalk(accept: (name: string) => boolean = () => true): Walk {
  return { found: [], skipped: [], seen: new Set(), links: [], accept, walked: { folders: new Set(), temps: [], indexes: [] } };
}

/** An atomic write's temporary file (core/write.ts names them `<target>.recctl-tmp-<pid>-<hex>`). */
const TEMP_MARK = ".recctl-tmp-";

function searched(name: string): boolean {
  return !name.startsWith(".") && name !== "node_modules";
}

/**
 * Every `*.json` under `dir` that lies in a `recordings` folder (all of them when `inRecordings`).
 * `real` is the directory's real path: a subfolder's is its parent's plus its name, so only the
 * start and each symlink cost a `realpath`. A directory already entered (by its real path) is not
 * entered again. Folders are read synchronously: for hundreds of small folders that is about
 * twice as fast as promises through the thread pool (446 folders of the real-data tree: 16–20 ms
 * against 28–35 ms), and every caller sorts what the walk found.
 */
function walk(dir: string, real: string, inRecordings: boolean, w: Walk, viaLink: boolean): void {
  if (w.seen.has(real)) return;
  w.seen.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  w.walked.folders.add(dir);
  // Paths are built only for what is kept or entered: a lookup by hash prefix (show, explain)
  // passes over thousands of names it does not want.
  const sep = dir.endsWith("/") ? "" : "/";
  const realSep = real.endsWith("/") ? "" : "/";
  for (const entry of entries) {
    const name = entry.name;
    if (!searched(name)) continue;
    if (entry.isDirectory()) {
      walk(dir + sep + name, real + realSep + name, inRecordings || name === RECORDINGS, w, viaLink);
    } else if (entry.isSymbolicLink()) {
      w.links.push({ path: dir + sep + name, name, inRecordings });
    } else if (!inRecordings || !name.endsWith(".json") || !w.accept(name)) {
      if (inRecordings && name.includes(TEMP_MARK) && entry.isFile()) w.walked.temps.push(dir + sep + name);
      else if (inRecordings && name === LEGACY_INDEX && entry.isFile()) w.walked.indexes.push(dir + sep + name);
      continue;
    } else if (entry.isFile()) {
      w.found.push({ path: dir + sep + name, real: real + realSep + name, viaLink });
    } else {
      w.skipped.push({ path: dir + sep + name, reason: notRegular(entry) });
    }
  }
}

/**
 * Walks `dir`, then the symbolic links met, round after round: a folder reachable both directly
 * and through a link is entered by its direct path, so that is the path reported.
 */
async function walkAll(dir: string, inRecordings: boolean, w: Walk): Promise<void> {
  const real = await realpath(dir).catch(() => undefined);
  if (real !== undefined) walk(dir, real, inRecordings, w, false);
  while (w.links.length > 0) {
    const round = w.links.splice(0);
    await Promise.all(round.map((link) => followLink(link.path, link.name, link.inRecordings, w)));
  }
}

async function followLink(path: string, name: string, inRecordings: boolean, w: Walk): Promise<void> {
  const info = await stat(path).catch(() => undefined); // a dangling link names nothing
  if (info === undefined) return;
  if (info.isDirectory()) {
    const real = await realpath(path).catch(() => undefined);
    if (real !== undefined) walk(path, real, inRecordings || name === RECORDINGS, w, true);
    return;
  }
  if (inRecordings && name === LEGACY_INDEX && info.isFile()) w.walked.indexes.push(path);
  if (!name.endsWith(".json") || !inRecordings || !w.accept(name)) return;
  if (!info.isFile()) {
    w.skipped.push({ path, reason: notRegular(info) });
    return;
  }
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) w.found.push({ path, real, viaLink: true });
}

/** The recordings under a directory, by the rule above: its own `recordings` folders, or all. */
export async function walkRecordings(dir: string, repoRoot: string | null, accept?: (name: string) => boolean): Promise<{ files: string[]; skipped: Skipped[]; walked: WalkedFolders }> {
  const w = newWalk(accept);
  await walkAll(dir, await insideRecordings(dir, repoRoot), w);
  return { files: unique(w.found), skipped: w.skipped, walked: w.walked };
}

/** One path per real file (the direct one before a symlink's), sorted. */
function unique(found: readonly Found[]): string[] {
  const ordered = [...found].sort((a, b) => Number(a.viaLink) - Number(b.viaLink) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byReal = new Map<string, string>();
  for (const f of ordered) if (!byReal.has(f.real)) byReal.set(f.real, f.path);
  return [...byReal.values()].sort();
}

/** fast-glob is loaded on first use: validating a few named files (pre-commit) never needs it. */
async function glob(pattern: string, cwd: string): Promise<string[]> {
  const { default: fg } = await import("fast-glob");
  return fg(pattern, { cwd, absolute: true, onlyFiles: true, ignore: IGNORE, dot: false, suppressErrors: true });
}

export function isGlob(p: string): boolean {
  return /[*?[\]{}!]/.test(p);
}

/** Drops the files an `exclude` glob matches (picomatch, the matcher fast-glob uses). */
async function excluded(files: string[], scope: DiscoverScope): Promise<string[]> {
  if (scope.exclude === undefined || scope.exclude.length === 0) return files;
  const { default: picomatch } = await import("picomatch");
  const abs = scope.exclude.filter((g) => isAbsolute(g));
  const rel = scope.exclude.filter((g) => !isAbsolute(g));
  const matchAbs = abs.length > 0 ? picomatch(abs, { dot: true }) : null;
  const matchRel = rel.length > 0 ? picomatch(rel, { dot: true }) : null;
  return files.filter((f) => isStreamPath(f) || !((matchAbs?.(f) ?? false) || (matchRel?.(relative(scope.cwd, f)) ?? false)));
}

/**
 * A run that found no recording at all, no path missing (SPEC: exit 2 unless `--allow-empty`):
 * a CI job pointed at the wrong folder must not stay green.
 */
export function foundNothing(found: Discovery): boolean {
  return found.files.length === 0 && found.missing.length === 0 && found.skipped.length === 0;
}

/** True when the run must fail because it found nothing (see `foundNothing`). */
export function emptyRunFails(found: Discovery, allowEmpty: boolean): boolean {
  return !allowEmpty && foundNothing(found);
}

export async function discover(paths: readonly string[], scope: DiscoverScope): Promise<Discovery> {
  if (paths.length === 0) {
    const walked = await walkRecordings(scope.root, scope.repoRoot);
    return { files: await excluded(walked.files, scope), skipped: walked.skipped, missing: [], walked: walked.walked };
  }
  const w = newWalk();
  const streams: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    if (isStreamPath(p)) {
      streams.push(p);
      continue;
    }
    const abs = isAbsolute(p) ? p : resolve(scope.cwd, p);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) {
      await walkAll(abs, await insideRecordings(abs, scope.repoRoot), w);
    } else if (info?.isFile()) {
      w.found.push({ path: abs, real: await realpath(abs).catch(() => abs), viaLink: false });
    } else if (info !== undefined) {
      w.skipped.push({ path: abs, reason: notRegular(info) });
    } else if (isGlob(p)) {
      const matched = await glob(p, scope.cwd);
      if (matched.length === 0) missing.push(p);
      const reals = await Promise.all(matched.map((f) => realpath(f).catch(() => f)));
      matched.forEach((path, i) => w.found.push({ path, real: reals[i] ?? path, viaLink: false }));
    } else {
      missing.push(p);
    }
  }
  return { files: await excluded([...new Set(streams), ...unique(w.found)], scope), missing, skipped: w.skipped, walked: w.walked };
}
