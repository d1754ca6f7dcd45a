/**
 * Removal: exactly the orphans given, each checked again first (inside a recordings folder, a
 * regular `.json` file, unchanged since it was read); files named by a legacy index go together
 * with their rows. A failure is recorded and the rest go on.
 */
import { lstat, realpath, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import { eachUntilInterrupted, type Interrupts, type Interruption, type ProgressListener } from "../io/interrupt.js";
import { describeFsError } from "../read.js";
import { writeRefusal } from "../workspace/recordings-folder.js";
import type { IndexOrphan } from "./legacy.js";
import type { Orphan } from "./plan.js";

export interface RemovalOutcome {
  removed: boolean;
  /** Why it was not removed. */
  message: string | null;
  /** False for one an interrupt stopped the run before (neither removed nor failed). */
  attempted: boolean;
}

export interface RemovalResult {
  /** One per orphan given, in order. */
  files: RemovalOutcome[];
  /** One per index orphan given, in order. */
  rows: RemovalOutcome[];
  /** Rows removed in all, including those that named a removed file. */
  rowsDeleted: number;
  /** Null when every removal was attempted. */
  interruption: Interruption | null;
}

/** How removal is watched: the repository root the write gate judges by, interrupts, progress. */
export interface RemovalControl {
  repoRoot: string | null;
  interrupts: Interrupts | null;
  onProgress?: ProgressListener;
}

const REMOVED: RemovalOutcome = { removed: true, message: null, attempted: true };
const NOT_ATTEMPTED: RemovalOutcome = { removed: false, message: "interrupted before its turn", attempted: false };

function notRemoved(message: string): RemovalOutcome {
  return { removed: false, message, attempted: true };
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Why a listed file must not be removed, or null when it may. */
async function refusal(orphan: Orphan, root: string, repoRoot: string | null): Promise<string | null> {
  const gate = await writeRefusal(orphan.file, repoRoot);
  if (gate !== null) return gate;
  if (!orphan.file.endsWith(".json")) return "not a .json file";
  const info = await lstat(orphan.file).catch((err: unknown) => err as Error);
  if (info instanceof Error) return `cannot stat: ${describeFsError(info)}`;
  if (!info.isFile()) return info.isSymbolicLink() ? "is a symbolic link" : "not a regular file";
  if (info.size !== orphan.seen.size || info.mtimeMs !== orphan.seen.mtimeMs) return "changed since it was read";
  // A file found through a symlinked folder below the root lives in another tree: never removed
  // from here. (Links above the root, or in the root itself, are the user's own way in.)
  const base = isInside(root, orphan.file) ? root : dirname(orphan.file);
  const [real, realBase] = await Promise.all([realpath(orphan.file).catch(() => null), realpath(base).catch(() => null)]);
  if (real === null || realBase === null || real !== join(realBase, relative(base, orphan.file))) return "reached through a symbolic link to another folder";
  return null;
}

interface IndexBatch {
  files: number[];
  rows: number[];
  rowHashes: string[];
}

/**
 * Removes exactly the given orphans: each file passes `refusal` first; files named by a legacy
 * index go together with their rows, and index orphans' rows are deleted, one transaction per
 * index. A failure is recorded and the rest go on. An interrupt stops the run between files
 * (the index batches, each one transaction, are then not started).
 */
export async function removeOrphans(orphans: readonly Orphan[], indexOrphans: readonly IndexOrphan[], root: string, control: RemovalControl): Promise<RemovalResult> {
  const result: RemovalResult = {
    files: orphans.map(() => NOT_ATTEMPTED),
    rows: indexOrphans.map(() => NOT_ATTEMPTED),
    rowsDeleted: 0,
    interruption: null,
  };
  const batches = new Map<string, IndexBatch>();
  const batch = (indexPath: string): IndexBatch => {
    const b = batches.get(indexPath) ?? { files: [], rows: [], rowHashes: [] };
    batches.set(indexPath, b);
    return b;
  };

  const run = await eachUntilInterrupted(
    orphans,
    control.interrupts,
    async (orphan, i) => {
      const why = await refusal(orphan, root, control.repoRoot);
      if (why !== null) result.files[i] = notRemoved(why);
      else if (orphan.indexRows !== null) {
        const b = batch(orphan.indexRows.indexPath);
        b.files.push(i);
        b.rowHashes.push(...orphan.indexRows.rowHashes);
      } else {
        try {
          await unlink(orphan.file);
          result.files[i] = REMOVED;
        } catch (err) {
          result.files[i] = notRemoved(describeFsError(err));
        }
      }
    },
    control.onProgress,
  );
  if (run.interruption !== null) {
    // Files waiting for their index's batch were not removed either.
    for (const b of batches.values()) for (const i of b.files) result.files[i] = NOT_ATTEMPTED;
    const done = result.files.filter((o) => o.attempted).length;
    return { ...result, interruption: { ...run.interruption, done, total: orphans.length + indexOrphans.length } };
  }
  for (const [i, row] of indexOrphans.entries()) {
    if (row.sharedHash) result.rows[i] = notRemoved("another row with this request_hash names an existing file");
    else {
      const b = batch(row.indexPath);
      b.rows.push(i);
      b.rowHashes.push(row.request_hash);
    }
  }

  if (batches.size === 0) return result;
  const legacy = await import("../legacy-index.js");
  for (const [indexPath, b] of batches) {
    try {
      const files = b.files.map((i) => orphans[i]?.file ?? "");
      const done = await legacy.deleteLegacyEntries(indexPath, { rowHashes: b.rowHashes, files });
      result.rowsDeleted += done.deletedRows;
      const failed = new Map(done.failed.map((f) => [f.file, f.message]));
      for (const i of b.files) {
        const message = failed.get(orphans[i]?.file ?? "");
        result.files[i] = message === undefined ? REMOVED : notRemoved(message);
      }
      for (const i of b.rows) result.rows[i] = REMOVED;
    } catch (err) {
      // The index could not be changed: nothing of this batch was deleted.
      const message = err instanceof Error ? err.message : String(err);
      for (const i of b.files) result.files[i] = notRemoved(message);
      for (const i of b.rows) result.rows[i] = notRemoved(message);
    }
  }
  return result;
}
