/**
 * The one way recctl writes a file: through a temporary file beside it (same file system, so the
 * final rename is atomic), flushed before it takes the target's place. A reader sees the old file
 * or the new one, never half of one. The temporary file is named `<target>.recctl-tmp-<pid>-<rand>`
 * and removed on every failure; one left behind by a killed run is found by `findStaleTemps`.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { access, constants, link, open, readdir, realpath, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { describeFsError } from "./read.js";

export class WriteError extends Error {
  /** What went wrong, without the file: `permission denied`, `already exists`. */
  readonly reason: string;
  /** The system error code (`EEXIST`, `EACCES`…), when there was one. */
  readonly code: string | null;

  constructor(
    readonly file: string,
    verb: "cannot write" | "cannot create",
    cause: unknown,
  ) {
    const reason = describeFsError(cause);
    super(`${verb}: ${reason} (left untouched)`, { cause });
    this.name = "WriteError";
    this.reason = reason;
    this.code = (cause as NodeJS.ErrnoException).code ?? null;
  }
}


const TEMP_MARK = ".recctl-tmp-";
/** `<name>.recctl-tmp-<pid>-<hex>`: the pid tells whether the run that wrote it is still alive. */
const TEMP_NAME = /\.recctl-tmp-(\d+)(?:-[0-9a-f]+)?$/;

function tempBeside(target: string): string {
  return join(dirname(target), `${basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString("hex")}`);
}

// ---------------------------------------------------------------------------------------------
// Temporary files in flight: known while they exist, so an interrupt can remove them

const inFlight = new Set<string>();

/**
 * Removes, synchronously, the temporary files this thread is writing right now (for an
 * interrupt that cannot wait for the writes to finish). Returns how many were removed.
 */
export function removeTempsInFlight(): number {
  let removed = 0;
  for (const temp of inFlight) {
    try {
      unlinkSync(temp);
      removed += 1;
    } catch {
      // Already gone (renamed into place or removed by its writer).
    }
    inFlight.delete(temp);
  }
  return removed;
}

/** The temporary files this thread is writing right now (tests). */
export function tempsInFlight(): string[] {
  return [...inFlight];
}

/**
 * The file-system steps of a write, replaceable by a test to make one of them fail or to see
 * their order (the writer's promise: the data is written and synced before the rename).
 */
export interface WriteSteps {
  write(handle: FileHandle, data: string | Uint8Array): Promise<void>;
  sync(handle: FileHandle): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const FS_STEPS: WriteSteps = {
  write: (handle, data) => handle.writeFile(data),
  sync: (handle) => handle.sync(),
  rename,
};

/**
 * Writes `data` to a new temporary file beside `target` with exactly `mode` (set after opening,
 * so the umask does not narrow it), flushed to disk. Returns its path; on failure it is gone.
 */
async function writeTemp(target: string, data: string | Uint8Array, mode: number | null, steps: WriteSteps): Promise<string> {
  const temp = tempBeside(target);
  inFlight.add(temp);
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await steps.write(handle, data);
      if (mode !== null) await handle.chmod(mode);
      await steps.sync(handle);
    } finally {
      await handle.close();
    }
    return temp;
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    inFlight.delete(temp);
    throw err;
  }
}

/**
 * Replaces `file` with `data` atomically, keeping its mode exactly (a 664 file stays 664 whatever
 * the umask). Symlinks are followed (the link stays a link). A file we may not write is refused
 * rather than replaced behind its owner's back. On failure the original is untouched.
 */
export async function writeAtomic(file: string, data: string | Uint8Array, steps: WriteSteps = FS_STEPS): Promise<void> {
  let target: string;
  let mode: number;
  try {
    target = await realpath(file);
    await access(target, constants.W_OK);
    mode = (await stat(target)).mode & 0o7777;
  } catch (err) {
    throw new WriteError(file, "cannot write", err);
  }
  let temp: string | null = null;
  try {
    temp = await writeTemp(target, data, mode, steps);
    await steps.rename(temp, target);
  } catch (err) {
    if (temp !== null) await unlink(temp).catch(() => undefined);
    throw new WriteError(file, "cannot write", err);
  } finally {
    if (temp !== null) inFlight.delete(temp);
  }
}

/**
 * Creates `file` with `data` atomically, failing (code EEXIST) when it already exists: the new
 * content is written and flushed under a temporary name, then hard-linked to `file`, which the
 * file system refuses when the name is taken. Nothing is ever overwritten. `mode` defaults to
 * what a new file gets (0o666 less the umask).
 */
export async function createAtomic(file: string, data: string | Uint8Array, mode: number | null = null): Promise<void> {
  let temp: string | null = null;
  try {
    temp = await writeTemp(file, data, mode ?? 0o666 & ~process.umask(), FS_STEPS);
    await link(temp, file);
  } catch (err) {
    throw new WriteError(file, "cannot create", err);
  } finally {
    if (temp !== null) {
      await unlink(temp).catch(() => undefined);
      inFlight.delete(temp);
    }
  }
}

/**
 * Puts `data` at `file` synchronously, whether or not it exists (for recctl's own files, such
 * as the result cache, not for recordings): written and synced under a temporary name, then
 * renamed into place. On failure the temporary file is removed and the error thrown as is.
 */
export function putAtomicSync(file: string, data: string | Uint8Array): void {
  const temp = tempBeside(file);
  inFlight.add(temp);
  try {
    const fd = openSync(temp, "wx", 0o666);
    try {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already renamed.
    }
    throw err;
  } finally {
    inFlight.delete(temp);
  }
}

// ---------------------------------------------------------------------------------------------
// Temporary files left behind

/** A temporary file of ours found beside the files in scope. */
export interface StaleTemp {
  file: string;
  /** The run that wrote it; null when the name does not say. */
  pid: number | null;
  /** That run is still going: the file may be in use, so it is left alone. */
  inUse: boolean;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Temporary files (`*.recctl-tmp-*`) in the given folders, sorted by path. A folder discovery
 * already read in full (`walked`) is not read again: its temporary files are the ones it saw.
 */
export async function findStaleTemps(dirs: Iterable<string>, walked?: { folders: ReadonlySet<string>; temps: readonly string[] }): Promise<StaleTemp[]> {
  const found: StaleTemp[] = [];
  const stale = (file: string): StaleTemp => {
    const m = TEMP_NAME.exec(basename(file));
    const pid = m?.[1] === undefined ? null : Number(m[1]);
    return { file, pid, inUse: pid !== null && isRunning(pid) };
  };
  const wanted = new Set(dirs);
  for (const file of walked?.temps ?? []) if (wanted.has(dirname(file))) found.push(stale(file));
  for (const dir of wanted) {
    if (walked?.folders.has(dir) === true) continue;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isFile() && e.name.includes(TEMP_MARK)) found.push(stale(join(dir, e.name)));
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

export interface StaleTempOutcome extends StaleTemp {
  removed: boolean;
  /** Why it was not removed (in use, or the error); null when removed or not attempted. */
  message: string | null;
}

/** Removes the temporary files whose run has ended; `remove: false` (a dry run) only reports them. */
export async function sweepStaleTemps(temps: readonly StaleTemp[], remove: boolean): Promise<StaleTempOutcome[]> {
  const out: StaleTempOutcome[] = [];
  for (const t of temps) {
    if (!remove) out.push({ ...t, removed: false, message: null });
    else if (t.inUse) out.push({ ...t, removed: false, message: `in use by running process ${t.pid ?? "?"}` });
    else {
      try {
        await unlink(t.file);
        out.push({ ...t, removed: true, message: null });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        out.push({ ...t, removed: code === "ENOENT", message: code === "ENOENT" ? null : describeFsError(err) });
      }
    }
  }
  return out;
}

/** The folders of the given files (where their temporary files would be). */
export function foldersOf(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const f of files) dirs.add(dirname(f));
  return dirs;
}
