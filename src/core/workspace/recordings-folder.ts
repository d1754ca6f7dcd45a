/**
 * "This path is inside a recordings folder", decided once, on path components relative to the
 * repository root (SPEC, "Paths"): a checkout kept under `~/recordings/` is not a recordings
 * folder, and `my-recordings/` is not one either. Discovery uses it to read a directory's files;
 * every command that writes, renames or deletes uses `writableRecording`, which also resolves
 * symlinks, so nothing outside the repository's recordings folders is ever touched.
 */
import { realpathSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, sep } from "node:path";

export const RECORDINGS_FOLDER = "recordings";

/**
 * `path` (absolute) relative to `repoRoot`, or null when it lies outside it. With no repository
 * (null: no git top level nor Python project above), every component of the path counts.
 */
function below(path: string, repoRoot: string | null): string[] | null {
  if (repoRoot === null) return path.split(sep);
  const rel = relative(repoRoot, path);
  if (rel === "") return [];
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep);
}

/** True when the directory `dir` (absolute) is, or lies inside, a `recordings` folder of the repository. */
export function dirInRecordings(dir: string, repoRoot: string | null): boolean {
  return below(dir, repoRoot)?.includes(RECORDINGS_FOLDER) === true;
}

/** True when the file `file` (absolute) lies inside a `recordings` folder of the repository. */
export function fileInRecordings(file: string, repoRoot: string | null): boolean {
  return dirInRecordings(dirname(file), repoRoot);
}

/** Why a file may not be written, renamed or deleted; null when it may. */
export type WriteRefusal = string | null;

function refusal(file: string, real: string, repoRoot: string | null, realRoot: string | null): WriteRefusal {
  if (!fileInRecordings(file, repoRoot)) return "not inside a recordings folder of the repository";
  if (!fileInRecordings(real, realRoot)) return `a symlink to ${real}, outside the repository's recordings folders (left alone)`;
  return null;
}

/**
 * The one gate of every write (normalize, rehash, prune, changes --revert-noise, redact,
 * migrate-types): the file as named and its real path (symlinks resolved, the folders above it
 * too) must both lie inside a recordings folder of the repository.
 */
export async function writeRefusal(file: string, repoRoot: string | null): Promise<WriteRefusal> {
  const [real, realRoot] = await Promise.all([realpath(file).catch(() => file), repoRoot === null ? null : realpath(repoRoot).catch(() => repoRoot)]);
  return refusal(file, real, repoRoot, realRoot);
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** `writeRefusal` for synchronous callers. */
export function writeRefusalSync(file: string, repoRoot: string | null): WriteRefusal {
  return refusal(file, realOrSelf(file), repoRoot, repoRoot === null ? null : realOrSelf(repoRoot));
}
