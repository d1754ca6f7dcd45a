/**
 * The 2025 legacy layout for `prune`: which `index.sqlite` files are in scope, their rows that
 * name no existing file (`index-orphan`), the response files no row names (`unindexed`), and
 * which rows go with a removed file. sql.js is loaded only when an index exists.
 */
import { stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import type { WalkedFolders } from "../discover.js";
import type { LegacyIndex, LegacyIndexReport } from "../legacy-index.js";
import type { Workspace } from "../workspace/index.js";
import { dirInRecordings, fileInRecordings } from "../workspace/recordings-folder.js";

/** An `index.sqlite` to check; rows are judged only when its folder was searched as a whole. */
export interface LegacyScope {
  indexPath: string;
  rowsInScope: boolean;
}

const IGNORE = ["**/node_modules/**", "**/.git/**"];

async function globIndexes(cwd: string, repoRoot: string | null): Promise<string[]> {
  // Loaded here, not at the top: worker threads import this module only to read files.
  const { default: fg } = await import("fast-glob");
  const pattern = dirInRecordings(cwd, repoRoot) ? "**/index.sqlite" : "**/recordings/**/index.sqlite";
  const found = await fg(pattern, { cwd, absolute: true, onlyFiles: true, ignore: IGNORE, suppressErrors: true });
  return found.filter((f) => fileInRecordings(f, repoRoot));
}

/**
 * The legacy indexes under the searched paths (as `discover` reads them: none means `--root`),
 * and those beside any `responses/` folder a searched file lies in.
 */
export async function findLegacyIndexes(
  paths: readonly string[],
  ws: Pick<Workspace, "root" | "cwd">,
  files: readonly string[],
  repoRoot: string | null,
  walked?: Pick<WalkedFolders, "folders" | "indexes">,
): Promise<LegacyScope[]> {
  const scopes = new Map<string, boolean>();
  const searched = paths.length === 0 ? [ws.root] : paths.map((p) => (isAbsolute(p) ? p : resolve(ws.cwd, p)));
  // A folder discovery walked is not walked again: its indexes are the ones the walk saw.
  const seen = (dir: string): string[] => (walked?.indexes ?? []).filter((i) => i.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`) && fileInRecordings(i, repoRoot));
  for (const p of searched) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) for (const i of walked?.folders.has(p) === true ? seen(p) : await globIndexes(p, repoRoot)) scopes.set(i, true);
    else if (info?.isFile() && basename(p) === "index.sqlite" && fileInRecordings(p, repoRoot)) scopes.set(p, true);
  }
  const besides = new Set<string>();
  for (const f of files) if (basename(dirname(f)) === "responses") besides.add(join(dirname(dirname(f)), "index.sqlite"));
  for (const i of besides) {
    if (scopes.has(i) || !fileInRecordings(i, repoRoot)) continue;
    if ((await stat(i).catch(() => undefined))?.isFile()) scopes.set(i, false);
  }
  return [...scopes].sort(([a], [b]) => a.localeCompare(b)).map(([indexPath, rowsInScope]) => ({ indexPath, rowsInScope }));
}

/** A legacy index row whose response file does not exist. */
export interface IndexOrphan {
  indexPath: string;
  request_hash: string;
  response_file: string | null;
  missingFile: string | null;
  /** Another row with the same request_hash names a file that exists: deleting by hash would take it too. */
  sharedHash: boolean;
}

export interface LegacyFindings {
  indexOrphans: IndexOrphan[];
  /** Searched files no index row names. */
  unindexed: Set<string>;
  /** Which rows name each response file, by index. */
  rowsByFile: Map<string, { indexPath: string; rowHashes: string[] }>;
  errors: { indexPath: string; message: string }[];
}

/**
 * Rows are deleted by request_hash, which takes every row with that hash: a hash may go only
 * when all its rows are meant to go (they name the removed file, or a file that is missing).
 */
function rowsToDelete(index: LegacyIndex, report: LegacyIndexReport, responsePath: (dir: string, file: string) => string): {
  byFile: Map<string, string[]>;
  orphanHashes: Set<string>;
} {
  // A row's file, or null when the row names none or a missing one (an index orphan).
  const missing = new Set(report.indexOrphans.map((o) => o.missingFile));
  const filesByHash = new Map<string, Set<string | null>>();
  for (const row of index.rows) {
    const file = row.response_file ? responsePath(index.dir, row.response_file) : null;
    const set = filesByHash.get(row.request_hash) ?? new Set();
    set.add(file === null || missing.has(file) ? null : file);
    filesByHash.set(row.request_hash, set);
  }
  const byFile = new Map<string, string[]>();
  const orphanHashes = new Set<string>();
  for (const [hash, files] of filesByHash) {
    const [only] = files;
    if (files.size !== 1 || only === undefined) continue;
    if (only === null) orphanHashes.add(hash);
    // Rows go with a file only where the index's own removal takes that file too.
    else if (dirname(only) === report.responsesDir) byFile.set(only, [...(byFile.get(only) ?? []), hash]);
  }
  return { byFile, orphanHashes };
}

export async function judgeLegacy(scopes: readonly LegacyScope[]): Promise<LegacyFindings> {
  const found: LegacyFindings = { indexOrphans: [], unindexed: new Set(), rowsByFile: new Map(), errors: [] };
  if (scopes.length === 0) return found;
  // sql.js is loaded only when a legacy index exists.
  const legacy = await import("../legacy-index.js");
  for (const { indexPath, rowsInScope } of scopes) {
    try {
      // Opened once: the rows serve both the check and what a deletion would take along.
      const index = await legacy.readLegacyIndex(indexPath);
      const report = await legacy.checkReadIndex(index);
      const deletable = rowsToDelete(index, report, legacy.legacyResponsePath);
      for (const [file, rowHashes] of deletable.byFile) found.rowsByFile.set(file, { indexPath: report.indexPath, rowHashes });
      for (const u of report.unindexed) found.unindexed.add(u.file);
      if (!rowsInScope) continue;
      for (const o of report.indexOrphans) {
        found.indexOrphans.push({
          indexPath: report.indexPath,
          request_hash: o.request_hash,
          response_file: o.response_file,
          missingFile: o.missingFile,
          sharedHash: !deletable.orphanHashes.has(o.request_hash),
        });
      }
    } catch (err) {
      found.errors.push({ indexPath, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return found;
}

