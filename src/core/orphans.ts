/**
 * Orphaned recordings (SPEC, "Orphan reasons"): files no test will ever replay. Reading runs on
 * every core; judging is plain data; removal refuses anything it cannot vouch for. Nothing here
 * prints: the command hands the report to a reporter.
 */
import { lstat, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { isErrored, testFileOf, type Manifest } from "./collected.js";
import { requestHash } from "./hash.js";
import type { LegacyIndex, LegacyIndexReport } from "./legacy-index.js";
import { runParallel } from "./parallel.js";
import { readHead, readRequest } from "./request-head.js";
import { exactRequest, isObject, nameAgrees, nameHash, readRecordingSync, RecordingError, type ExactRequest } from "./recording.js";

/** In the order a recording's reasons are listed. */
export const ORPHAN_REASONS = ["unreachable", "test-file-missing", "not-collected", "unindexed", "index-orphan"] as const;
export type OrphanReason = (typeof ORPHAN_REASONS)[number];

export function isOrphanReason(s: string): s is OrphanReason {
  return (ORPHAN_REASONS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// Reading (worker threads)

/** What judging needs from one readable file. */
export interface ScannedRecording {
  file: string;
  /** The hash the file name claims; null when the name is not a hash (`notes.json`). */
  nameHash: string | null;
  /** The hash of its own request; null when no hashing rule applies. */
  requestHash: string | null;
  nameAgrees: boolean | null;
  testId: string | null;
  size: number;
  mtimeMs: number;
}

/** A file that could not be read or parsed: never judged, never removed. */
export interface UnreadableRecording {
  file: string;
  unreadable: string;
  line: number | null;
  column: number | null;
}

export type Scan = ScannedRecording | UnreadableRecording;

function isUnreadable(s: Scan): s is UnreadableRecording {
  return "unreadable" in s;
}

/**
 * Judging needs only `test_id` and `request`; parsing the whole (much larger) response is left
 * to the few files that turn out to be orphans (`confirmReadable`), unless the file is plainly
 * not one whole object.
 */
function scanFile(file: string): Scan {
  try {
    // Size and mtime as read: removal refuses a file that changed since.
    const head = readHead(file);
    if (!head.braced) readRecordingSync(file); // throws the positioned syntax error
    return judged(file, readRequest(file, head), head);
  } catch (err) {
    return unreadable(file, err);
  }
}

/** What judging needs of a file, from its exact `test_id` and `request`. */
function judged(file: string, exact: ExactRequest, seen: { size: number; mtimeMs: number }): ScannedRecording {
  const { testId, request } = exact;
  const name = nameHash(file);
  const { hash } = requestHash(exact);
  const inner = request instanceof Map ? request.get("test_id") : isObject(request) ? request["test_id"] : undefined;
  const id = typeof testId === "string" ? testId : typeof inner === "string" ? inner : null;
  return {
    file,
    nameHash: name?.hash ?? null,
    requestHash: hash,
    nameAgrees: name === null || hash === null ? null : nameAgrees(name, hash),
    testId: id === "" ? null : id,
    size: seen.size,
    mtimeMs: seen.mtimeMs,
  };
}

function unreadable(file: string, err: unknown): UnreadableRecording {
  if (err instanceof RecordingError) return { file, unreadable: err.message, line: err.line, column: err.column };
  const code = (err as NodeJS.ErrnoException).code;
  const message = code === "ENOENT" ? "cannot read: no such file" : `cannot read: ${(err as Error).message}`;
  return { file, unreadable: message, line: null, column: null };
}

/** A listed file must parse whole: one that cannot be read is reported, never removed. */
/**
 * An orphan candidate read again, whole, before it is listed: unreadable, or judged anew from
 * the whole file (the head alone cannot show a `test_id` or `request` key repeated further on,
 * whose last occurrence is the one the recorder reads).
 */
function confirm(scan: ScannedRecording): Scan {
  try {
    return judged(scan.file, exactRequest(readRecordingSync(scan.file)), scan);
  } catch (err) {
    return unreadable(scan.file, err);
  }
}

/** Runs in each thread for `prune`. */
export async function prepareTask(): Promise<(file: string) => Promise<Scan>> {
  return async (file) => scanFile(file);
}

// ---------------------------------------------------------------------------------------------
// The legacy layout

/** An `index.sqlite` to check; rows are judged only when its folder was searched as a whole. */
export interface LegacyScope {
  indexPath: string;
  rowsInScope: boolean;
}

const IGNORE = ["**/node_modules/**", "**/.git/**"];

function inRecordingsFolder(file: string): boolean {
  return dirname(file).split(sep).includes("recordings");
}

async function globIndexes(cwd: string): Promise<string[]> {
  // Loaded here, not at the top: worker threads import this module only to read files.
  const { default: fg } = await import("fast-glob");
  const pattern = cwd.split(sep).includes("recordings") ? "**/index.sqlite" : "**/recordings/**/index.sqlite";
  const found = await fg(pattern, { cwd, absolute: true, onlyFiles: true, ignore: IGNORE, suppressErrors: true });
  return found.filter(inRecordingsFolder);
}

/**
 * The legacy indexes under the searched paths (as `discover` reads them: none means `--root`),
 * and those beside any `responses/` folder a searched file lies in.
 */
export async function findLegacyIndexes(paths: readonly string[], root: string, files: readonly string[]): Promise<LegacyScope[]> {
  const scopes = new Map<string, boolean>();
  const searched = paths.length === 0 ? [root] : paths.map((p) => (isAbsolute(p) ? p : resolve(process.cwd(), p)));
  for (const p of searched) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) for (const i of await globIndexes(p)) scopes.set(i, true);
    else if (info?.isFile() && basename(p) === "index.sqlite" && inRecordingsFolder(p)) scopes.set(p, true);
  }
  const besides = new Set<string>();
  for (const f of files) if (basename(dirname(f)) === "responses") besides.add(join(dirname(dirname(f)), "index.sqlite"));
  for (const i of besides) {
    if (scopes.has(i) || !inRecordingsFolder(i)) continue;
    if ((await stat(i).catch(() => undefined))?.isFile()) scopes.set(i, false);
  }
  return [...scopes].sort(([a], [b]) => a.localeCompare(b)).map(([indexPath, rowsInScope]) => ({ indexPath, rowsInScope }));
}

// ---------------------------------------------------------------------------------------------
// Judging

export interface Orphan {
  file: string;
  /** The hash the name claims (the file's identity), else the request's. */
  hash: string | null;
  requestHash: string | null;
  test_id: string | null;
  reasons: OrphanReason[];
  /** Size and mtime when read: removal refuses a file that changed since. */
  seen: { size: number; mtimeMs: number };
  /** The legacy index rows that name this file; they are removed with it. */
  indexRows: { indexPath: string; rowHashes: string[] } | null;
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

/** A recording whose test file pytest could not collect: `not-collected` was not judged. */
export interface Unjudged {
  file: string;
  testFile: string;
}

export interface OrphanReport {
  scanned: number;
  orphans: Orphan[];
  indexOrphans: IndexOrphan[];
  unreadable: UnreadableRecording[];
  indexErrors: { indexPath: string; message: string }[];
  unjudged: Unjudged[];
  /** Test files named by recordings that exist, and how many the manifest has ids from. */
  manifestOverlap: { testFiles: number; inManifest: number } | null;
}

export interface JudgeOptions {
  root: string;
  /** The union of `--collected` manifests; null when none was given. */
  manifest: Manifest | null;
  legacy: readonly LegacyScope[];
}

type Existence = "present" | "missing" | "unknown";

async function existence(file: string): Promise<Existence> {
  try {
    await stat(file);
    return "present";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Only a file that is certainly absent makes an orphan; EACCES and the like are not judged.
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "unknown";
  }
}

async function testFileExistence(scans: readonly ScannedRecording[], root: string): Promise<Map<string, Existence>> {
  const files = new Set<string>();
  for (const s of scans) if (s.testId !== null) files.add(testFileOf(s.testId));
  const out = new Map<string, Existence>();
  await Promise.all([...files].map(async (f) => out.set(f, f === "" ? "unknown" : await existence(resolve(root, f)))));
  return out;
}

function sortReasons(reasons: Iterable<OrphanReason>): OrphanReason[] {
  return [...new Set(reasons)].sort((a, b) => ORPHAN_REASONS.indexOf(a) - ORPHAN_REASONS.indexOf(b));
}

interface TestJudge {
  reasons: (scan: ScannedRecording) => OrphanReason[];
  unjudged: Unjudged[];
  overlap: { testFiles: number; inManifest: number } | null;
}

function testJudge(manifest: Manifest | null, exists: Map<string, Existence>): TestJudge {
  const unjudged: Unjudged[] = [];
  const manifestFiles = new Set<string>();
  if (manifest !== null) for (const id of manifest.ids) manifestFiles.add(testFileOf(id));
  const present = [...exists].filter(([, e]) => e === "present").map(([f]) => f);
  const overlap = manifest === null ? null : { testFiles: present.length, inManifest: present.filter((f) => manifestFiles.has(f)).length };

  const reasons = (scan: ScannedRecording): OrphanReason[] => {
    const out: OrphanReason[] = [];
    if (scan.nameAgrees === false) out.push("unreachable");
    // Shared recordings (no test_id, e.g. model lists) are never orphans by a test reason (SPEC).
    if (scan.testId === null) return out;
    const testFile = testFileOf(scan.testId);
    if (exists.get(testFile) === "missing") out.push("test-file-missing");
    if (manifest === null) return out;
    // A file pytest failed to collect says nothing about which of its tests exist.
    const errored = isErrored(manifest, testFile) || (manifest.unnamedErrors && !manifestFiles.has(testFile));
    if (errored && exists.get(testFile) !== "missing") unjudged.push({ file: scan.file, testFile });
    else if (!manifest.ids.has(scan.testId)) out.push("not-collected");
    return out;
  };
  return { reasons, unjudged, overlap };
}

function orphanOf(scan: ScannedRecording, reasons: OrphanReason[]): Orphan {
  return {
    file: scan.file,
    hash: scan.nameHash ?? scan.requestHash,
    requestHash: scan.requestHash,
    test_id: scan.testId,
    reasons,
    seen: { size: scan.size, mtimeMs: scan.mtimeMs },
    indexRows: null,
  };
}

interface LegacyFindings {
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

async function judgeLegacy(scopes: readonly LegacyScope[]): Promise<LegacyFindings> {
  const found: LegacyFindings = { indexOrphans: [], unindexed: new Set(), rowsByFile: new Map(), errors: [] };
  if (scopes.length === 0) return found;
  // sql.js is loaded only when a legacy index exists.
  const legacy = await import("./legacy-index.js");
  for (const { indexPath, rowsInScope } of scopes) {
    try {
      const report = await legacy.checkLegacyIndex(indexPath);
      const index = await legacy.readLegacyIndex(indexPath);
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

/** Reads every file (on every core) and judges it; legacy indexes are checked alongside. */
export async function findOrphans(files: readonly string[], options: JudgeOptions): Promise<OrphanReport> {
  const [scans, legacy] = await Promise.all([
    runParallel(files, undefined, { url: new URL(import.meta.url), prepare: prepareTask }),
    judgeLegacy(options.legacy),
  ]);
  const readable = scans.filter((s): s is ScannedRecording => !isUnreadable(s));
  const unreadableFiles = scans.filter(isUnreadable);
  const judge = testJudge(options.manifest, await testFileExistence(readable, options.root));
  const orphans: Orphan[] = [];
  const reasonsOf = (scan: ScannedRecording): OrphanReason[] => {
    const reasons = judge.reasons(scan);
    if (legacy.unindexed.has(scan.file)) reasons.push("unindexed");
    return reasons;
  };
  for (const candidate of readable) {
    if (reasonsOf(candidate).length === 0) continue;
    const scan = confirm(candidate);
    if (isUnreadable(scan)) {
      unreadableFiles.push(scan);
      continue;
    }
    const reasons = reasonsOf(scan);
    if (reasons.length === 0) continue;
    const orphan = orphanOf(scan, sortReasons(reasons));
    orphan.indexRows = legacy.rowsByFile.get(scan.file) ?? null;
    orphans.push(orphan);
  }
  return {
    scanned: scans.length,
    orphans: orphans.sort((a, b) => a.file.localeCompare(b.file)),
    indexOrphans: legacy.indexOrphans,
    unreadable: unreadableFiles.sort((a, b) => a.file.localeCompare(b.file)),
    indexErrors: legacy.errors,
    unjudged: judge.unjudged,
    manifestOverlap: judge.overlap,
  };
}

// ---------------------------------------------------------------------------------------------
// Removal

export interface RemovalOutcome {
  removed: boolean;
  /** Why it was not removed. */
  message: string | null;
}

export interface RemovalResult {
  /** One per orphan given, in order. */
  files: RemovalOutcome[];
  /** One per index orphan given, in order. */
  rows: RemovalOutcome[];
  /** Rows removed in all, including those that named a removed file. */
  rowsDeleted: number;
}

const REMOVED: RemovalOutcome = { removed: true, message: null };

function notRemoved(message: string): RemovalOutcome {
  return { removed: false, message };
}

/** Why a listed file must not be removed, or null when it may. */
async function refusal(orphan: Orphan): Promise<string | null> {
  if (!inRecordingsFolder(orphan.file)) return "not inside a recordings folder";
  if (!orphan.file.endsWith(".json")) return "not a .json file";
  const info = await lstat(orphan.file).catch((err: unknown) => err as Error);
  if (info instanceof Error) return `cannot stat: ${info.message}`;
  if (!info.isFile()) return info.isSymbolicLink() ? "is a symbolic link" : "not a regular file";
  if (info.size !== orphan.seen.size || info.mtimeMs !== orphan.seen.mtimeMs) return "changed since it was read";
  return null;
}

function errnoMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EACCES" || e.code === "EPERM") return `permission denied (${e.code})`;
  return e.message;
}

interface IndexBatch {
  files: number[];
  rows: number[];
  rowHashes: string[];
}

/**
 * Removes exactly the given orphans: each file passes `refusal` first; files named by a legacy
 * index go together with their rows, and index orphans' rows are deleted, one transaction per
 * index. A failure is recorded and the rest go on.
 */
export async function removeOrphans(orphans: readonly Orphan[], indexOrphans: readonly IndexOrphan[]): Promise<RemovalResult> {
  const result: RemovalResult = {
    files: orphans.map(() => notRemoved("not attempted")),
    rows: indexOrphans.map(() => notRemoved("not attempted")),
    rowsDeleted: 0,
  };
  const batches = new Map<string, IndexBatch>();
  const batch = (indexPath: string): IndexBatch => {
    const b = batches.get(indexPath) ?? { files: [], rows: [], rowHashes: [] };
    batches.set(indexPath, b);
    return b;
  };

  for (const [i, orphan] of orphans.entries()) {
    const why = await refusal(orphan);
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
        result.files[i] = notRemoved(errnoMessage(err));
      }
    }
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
  const legacy = await import("./legacy-index.js");
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
