/**
 * The 2025 legacy layout (SPEC: `recordings/responses/<sha256[:12]>.json + index.sqlite`):
 * reading its index, finding where index and responses disagree (`index-orphan`, `unindexed`),
 * and removing those entries for `prune --delete`.
 *
 * sql.js works on an in-memory copy of the database: a change is written back as a whole new
 * file (temp file in the same folder + rename), so a reader never sees a half-written index.
 */
import * as fs from "node:fs/promises";
import { createRequire } from "node:module";
import * as path from "node:path";
import initSqlJs from "sql.js";
import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import { describeFsError } from "./read.js";
import { writeAtomic, WriteError } from "./write.js";

/** One row of the recorder's `recordings` table; columns the table lacks read as null. */
export interface LegacyIndexRow {
  request_hash: string;
  response_file: string | null;
  endpoint: string | null;
  model: string | null;
  timestamp: string | null;
  is_streaming: boolean | null;
}

export interface LegacyIndex {
  /** Absolute path of the `index.sqlite` file. */
  indexPath: string;
  /** The folder holding `index.sqlite` (and its `responses/`). */
  dir: string;
  rows: LegacyIndexRow[];
}

/** A row whose response file does not exist: the recorder finds the row, then fails to load it. */
export interface IndexOrphan {
  request_hash: string;
  response_file: string | null;
  /** Where the response file was expected (absolute); null when the row names none. */
  missingFile: string | null;
  reason: "index-orphan";
}

/** A `responses/*.json` file that no row names: the recorder can never find it. */
export interface UnindexedResponse {
  /** Absolute path. */
  file: string;
  /** The file name without `.json` (the first 12 hex digits of the request hash). */
  hash: string;
  reason: "unindexed";
}

export interface LegacyIndexReport {
  indexPath: string;
  dir: string;
  responsesDir: string;
  rows: number;
  indexOrphans: IndexOrphan[];
  unindexed: UnindexedResponse[];
}

export interface LegacyDeletion {
  rowHashes: string[];
  files: string[];
}

export interface LegacyDeletionFailure {
  file: string;
  message: string;
}

export interface LegacyDeletionResult {
  deletedRows: number;
  /** Absolute paths of the files removed. */
  deletedFiles: string[];
  failed: LegacyDeletionFailure[];
}

export type LegacyIndexProblem =
  | "unreadable"
  | "not-sqlite"
  | "no-recordings-table"
  | "pending-journal"
  | "write-failed";

/** An index that cannot be read or written; `message` starts with the file's path. */
export class LegacyIndexError extends Error {
  override readonly name = "LegacyIndexError";
  readonly file: string;
  readonly problem: LegacyIndexProblem;

  constructor(file: string, problem: LegacyIndexProblem, detail: string, options?: { cause: unknown }) {
    super(`${file}: ${detail}`, options);
    this.file = file;
    this.problem = problem;
  }
}

const TABLE = "recordings";
const COLUMNS = ["request_hash", "response_file", "endpoint", "model", "timestamp", "is_streaming"] as const;
const REQUIRED_COLUMNS: readonly string[] = ["request_hash", "response_file"];
const SQLITE_HEADER = "SQLite format 3\0";

export async function readLegacyIndex(indexPath: string): Promise<LegacyIndex> {
  const file = path.resolve(indexPath);
  const db = await openIndex(file);
  try {
    return { indexPath: file, dir: path.dirname(file), rows: selectRows(db, file) };
  } finally {
    db.close();
  }
}

/**
 * Where a row's response lives. The recorder stores a bare `<hash12>.json` and looks it up in
 * `<dir>/responses/`; a stored path is taken as written: absolute as is, `responses/…` relative
 * to the index's folder, anything else relative to `responses/`.
 */
export function legacyResponsePath(dir: string, responseFile: string): string {
  const stored = responseFile.replaceAll("\\", "/");
  if (path.isAbsolute(stored)) return path.normalize(stored);
  const relative = stored.replace(/^(\.\/)+/, "");
  if (relative.startsWith("responses/")) return path.resolve(dir, relative);
  return path.resolve(dir, "responses", relative);
}

export async function checkLegacyIndex(indexPath: string): Promise<LegacyIndexReport> {
  return checkReadIndex(await readLegacyIndex(indexPath));
}

/** `checkLegacyIndex` on an index already read (prune reads each index once). */
export async function checkReadIndex(index: LegacyIndex): Promise<LegacyIndexReport> {
  const responsesDir = path.join(index.dir, "responses");

  const named = new Set<string>();
  const indexOrphans: IndexOrphan[] = [];
  for (const row of index.rows) {
    const expected = row.response_file ? legacyResponsePath(index.dir, row.response_file) : null;
    if (expected !== null) named.add(expected);
    if (expected === null || !(await isPresent(expected))) {
      indexOrphans.push({
        request_hash: row.request_hash,
        response_file: row.response_file,
        missingFile: expected,
        reason: "index-orphan",
      });
    }
  }

  const unindexed: UnindexedResponse[] = [];
  for (const name of await listResponseFiles(responsesDir, index.indexPath)) {
    const file = path.join(responsesDir, name);
    if (!named.has(file)) unindexed.push({ file, hash: name.slice(0, -".json".length), reason: "unindexed" });
  }

  return {
    indexPath: index.indexPath,
    dir: index.dir,
    responsesDir,
    rows: index.rows.length,
    indexOrphans,
    unindexed,
  };
}

/**
 * Removes the given rows (one transaction, then the index is replaced atomically) and then the
 * given files. A file is removed only when it is a `*.json` directly in this index's
 * `responses/` folder inside a `recordings` folder; any other, or one that cannot be removed,
 * is listed in `failed` and the rest go on. Throws `LegacyIndexError` only when the index
 * cannot be read or written back, and then nothing has been deleted.
 */
export async function deleteLegacyEntries(
  indexPath: string,
  deletion: LegacyDeletion,
): Promise<LegacyDeletionResult> {
  const file = path.resolve(indexPath);
  const rowHashes = [...new Set(deletion.rowHashes)];
  const deletedRows = rowHashes.length > 0 ? await deleteRows(file, rowHashes) : 0;

  const responsesDir = path.join(path.dirname(file), "responses");
  const deletedFiles: string[] = [];
  const failed: LegacyDeletionFailure[] = [];
  for (const target of new Set(deletion.files.map((f) => path.resolve(f)))) {
    try {
      await assertRemovable(target, responsesDir);
      await fs.unlink(target);
      deletedFiles.push(target);
    } catch (error) {
      failed.push({ file: target, message: errorMessage(error) });
    }
  }
  return { deletedRows, deletedFiles, failed };
}

// --- sql.js --------------------------------------------------------------------------------

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({ locateFile: (name) => path.join(sqlJsDistDir(), name) }).catch((error: unknown) => {
    sqlJs = undefined;
    throw error;
  });
  return sqlJs;
}

function sqlJsDistDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm.wasm"));
}

async function openIndex(file: string): Promise<Database> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new LegacyIndexError(file, "unreadable", `cannot read the index: ${describeFsError(error)}`, { cause: error });
  }
  if (bytes.length === 0) throw new LegacyIndexError(file, "not-sqlite", "is empty, not a SQLite database");
  if (new TextDecoder("latin1").decode(bytes.subarray(0, SQLITE_HEADER.length)) !== SQLITE_HEADER) {
    throw new LegacyIndexError(file, "not-sqlite", "is not a SQLite database (no SQLite header)");
  }
  await assertNoPendingJournal(file);

  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    assertRecordingsTable(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A non-empty `-wal` or `-journal` beside the index holds changes (or an interrupted write)
 * that only SQLite itself can apply; the bytes of the main file alone are not the index.
 */
async function assertNoPendingJournal(file: string): Promise<void> {
  for (const suffix of ["-wal", "-journal"]) {
    const sidecar = `${file}${suffix}`;
    const size = await fs.stat(sidecar).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) {
      throw new LegacyIndexError(
        file,
        "pending-journal",
        `has a pending ${path.basename(sidecar)}; open the index once with sqlite3 so it is applied, then retry`,
      );
    }
  }
}

function assertRecordingsTable(db: Database, file: string): void {
  let columns: Set<string>;
  try {
    columns = tableColumns(db);
  } catch (error) {
    throw new LegacyIndexError(file, "not-sqlite", `is not a readable SQLite database: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  if (columns.size === 0) {
    throw new LegacyIndexError(file, "no-recordings-table", `has no "${TABLE}" table; not a recorder index`);
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new LegacyIndexError(
      file,
      "no-recordings-table",
      `table "${TABLE}" lacks column ${missing.map((c) => `"${c}"`).join(", ")}; not a recorder index`,
    );
  }
}

function tableColumns(db: Database): Set<string> {
  const info = db.exec(`PRAGMA table_info(${TABLE})`)[0];
  return new Set((info?.values ?? []).map((column) => String(column[1])));
}

function selectRows(db: Database, file: string): LegacyIndexRow[] {
  const present = tableColumns(db);
  const list = COLUMNS.map((c) => (present.has(c) ? `"${c}"` : `NULL AS "${c}"`)).join(", ");
  const rows: LegacyIndexRow[] = [];
  try {
    const statement = db.prepare(`SELECT ${list} FROM ${TABLE} ORDER BY rowid`);
    try {
      while (statement.step()) {
        const [hash, responseFile, endpoint, model, timestamp, streaming] = statement.get();
        rows.push({
          request_hash: asText(hash) ?? "",
          response_file: asText(responseFile),
          endpoint: asText(endpoint),
          model: asText(model),
          timestamp: asText(timestamp),
          is_streaming: asBoolean(streaming),
        });
      }
    } finally {
      statement.free();
    }
  } catch (error) {
    throw new LegacyIndexError(file, "not-sqlite", `cannot read table "${TABLE}": ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return rows;
}

async function deleteRows(file: string, rowHashes: string[]): Promise<number> {
  const db = await openIndex(file);
  try {
    let deleted = 0;
    db.exec("BEGIN");
    try {
      const statement = db.prepare(`DELETE FROM ${TABLE} WHERE request_hash = ?`);
      try {
        for (const hash of rowHashes) {
          statement.run([hash]);
          deleted += db.getRowsModified();
        }
      } finally {
        statement.free();
      }
      db.exec("COMMIT");
    } catch (error) {
      rollback(db);
      throw new LegacyIndexError(file, "write-failed", `rows not deleted: ${errorMessage(error)}`, { cause: error });
    }
    if (deleted > 0) await writeAtomically(file, db.export());
    return deleted;
  } finally {
    db.close();
  }
}

/** `RAISE(ROLLBACK)` in a trigger ends the transaction itself; then there is nothing to undo. */
function rollback(db: Database): void {
  try {
    db.exec("ROLLBACK");
  } catch {
    // no transaction is active any more
  }
}

// --- files ---------------------------------------------------------------------------------

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeAtomic(file, bytes);
  } catch (error) {
    const why = error instanceof WriteError ? error.reason : errorMessage(error);
    throw new LegacyIndexError(file, "write-failed", `cannot write the index back: ${why}`, {
      cause: error,
    });
  }
}

async function isPresent(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch (error) {
    // Only a file that is certainly absent makes an orphan; an unreadable one (EACCES, …) is
    // not judged, so its row is never deleted on a guess.
    return !(isErrnoException(error) && (error.code === "ENOENT" || error.code === "ENOTDIR"));
  }
}

async function listResponseFiles(responsesDir: string, indexPath: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(responsesDir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if (isErrnoException(error) && error.code === "ENOENT") return [];
    throw new LegacyIndexError(indexPath, "unreadable", `cannot list ${responsesDir}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

async function assertRemovable(target: string, responsesDir: string): Promise<void> {
  if (path.dirname(target) !== responsesDir || !target.endsWith(".json")) {
    throw new Error(`not removed: not a *.json file in ${responsesDir}`);
  }
  if (!target.split(path.sep).includes("recordings")) {
    throw new Error("not removed: not inside a recordings folder");
  }
  const stat = await fs.lstat(target);
  if (!stat.isFile() && !stat.isSymbolicLink()) throw new Error("not removed: not a regular file");
}

// --- values --------------------------------------------------------------------------------

function asText(value: SqlValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return new TextDecoder().decode(value);
}

/** SQLite has no boolean: Python's sqlite3 stores True/False as 1/0. */
function asBoolean(value: SqlValue | undefined): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value !== 0;
  const text = asText(value)?.trim().toLowerCase();
  return text === "1" || text === "true";
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
