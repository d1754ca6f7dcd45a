/**
 * Orphaned recordings (SPEC, "Orphan reasons"): files no test will ever replay. Reading runs on
 * every core; judging is plain data; removal refuses anything it cannot vouch for. Nothing here
 * prints: the command hands the report to a reporter.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { lstat, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { isErrored, testFileOf, type Manifest } from "./collected.js";
import { requestHash } from "./hash.js";
import type { LegacyIndex, LegacyIndexReport } from "./legacy-index.js";
import { runParallel } from "./parallel.js";
import { parseExact } from "./pyjson.js";
import { decodeUtf8, nameAgrees, nameHash, readRecordingSync, RecordingError, type ExactRequest } from "./recording.js";
import { topLevelSpans, type Span } from "./spans.js";

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

function ioError(file: string, err: unknown): RecordingError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (err as Error).message;
  return new RecordingError(file, `cannot read: ${why}`, "io");
}

/** Enough for `test_id` and `request` in nearly every recording; the rest is the response. */
const HEAD_BYTES = 8 * 1024;
const TAIL_BYTES = 256;

interface Head {
  /** The first bytes, cut at a character boundary (a view of a shared buffer: decode at once). */
  bytes: Buffer;
  /** Whether `bytes` is the whole file. */
  whole: boolean;
  /** First and last non-blank bytes are `{` and `}`: not empty, truncated or prefixed. */
  braced: boolean;
  size: number;
  mtimeMs: number;
}

// One buffer per thread, reused: a fresh 64 KiB per file is 200 MB of garbage for 3,000 files.
const HEAD_BUFFER = Buffer.allocUnsafe(HEAD_BYTES);
const TAIL_BUFFER = Buffer.allocUnsafe(TAIL_BYTES);

function readAt(fd: number, buf: Buffer, length: number, position: number): Buffer {
  let n = 0;
  while (n < length) {
    const got = readSync(fd, buf, n, length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

const BLANK = new Set([0x20, 0x09, 0x0a, 0x0d]);

function firstNonBlank(buf: Buffer): number | undefined {
  for (let i = 0; i < buf.length; i++) if (!BLANK.has(buf[i] ?? 0)) return buf[i];
  return undefined;
}

function lastNonBlank(buf: Buffer): number | undefined {
  for (let i = buf.length - 1; i >= 0; i--) if (!BLANK.has(buf[i] ?? 0)) return buf[i];
  return undefined;
}

/** Where the last whole UTF-8 character of a cut buffer ends: a character cut in two is not an encoding error. */
function charBoundary(buf: Buffer): number {
  let lead = buf.length - 1;
  while (lead > 0 && buf.length - lead < 4 && ((buf[lead] ?? 0) & 0xc0) === 0x80) lead--;
  const b = buf[lead] ?? 0;
  const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + length > buf.length ? lead : buf.length;
}

/**
 * The head and the last bytes of a file, synchronously: thousands of small reads through the
 * async thread pool spend most of their time waiting for each other (3,000 files: ~0.4 s idle
 * of 1.1 s), and reading whole files only to skip their responses costs the rest.
 */
function readHead(file: string): Head {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    throw ioError(file, err);
  }
  try {
    const info = fstatSync(fd);
    const head = readAt(fd, HEAD_BUFFER, Math.min(info.size, HEAD_BYTES), 0);
    const whole = head.length >= info.size;
    const tail = whole ? head : readAt(fd, TAIL_BUFFER, TAIL_BYTES, Math.max(0, info.size - TAIL_BYTES));
    return {
      bytes: whole ? head : head.subarray(0, charBoundary(head)),
      whole,
      braced: firstNonBlank(head) === 0x7b && lastNonBlank(tail) === 0x7d,
      size: info.size,
      mtimeMs: info.mtimeMs,
    };
  } catch (err) {
    throw err instanceof RecordingError ? err : ioError(file, err);
  } finally {
    closeSync(fd);
  }
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw ioError(file, err);
  }
}

// The spans are found in the UTF-8 bytes: `{ } [ ] " , :` and `\` never occur inside a
// multi-byte character, so only the two values wanted are ever decoded.
const WANTED = ["test_id", "request"];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipBlank(buf: Uint8Array, i: number): number {
  let j = i;
  for (let c = buf[j]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = buf[++j]);
  return j;
}

/** Index just past the string starting at `i` (a `"`), or -1 when it does not end. */
function stringEnd(buf: Buffer, i: number): number {
  for (let from = i + 1; ; ) {
    const q = buf.indexOf(QUOTE, from);
    if (q < 0) return -1;
    let backslashes = 0;
    while (buf[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Index just past the JSON value starting at `i`, or -1 when the bytes end first. */
function valueEnd(buf: Buffer, i: number): number {
  const first = buf[i];
  if (first === QUOTE) return stringEnd(buf, i);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const c = buf[j];
      if (c === QUOTE) {
        const end = stringEnd(buf, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth === 0) return j + 1;
    }
    return -1;
  }
  let j = i;
  for (let c = buf[j]; c !== undefined && c !== 0x2c && c !== 0x7d && c !== 0x5d && c > 0x20; c = buf[++j]);
  // A scalar running to the end of the bytes may have been cut.
  return j === i || j >= buf.length ? -1 : j;
}

/**
 * Where `test_id` and `request` lie in the top-level object: a plain scan that skips strings
 * whole, several times faster than a tokenizer. Null when the bytes end first or are not the
 * plain shape expected (escaped keys, stray text); then `topLevelSpans` decides.
 */
function quickSpans(buf: Buffer): Map<string, Span> | null {
  const found = new Map<string, Span>();
  let i = skipBlank(buf, 0);
  if (buf[i] !== 0x7b) return null;
  i = skipBlank(buf, i + 1);
  if (buf[i] === 0x7d) return found;
  for (;;) {
    if (buf[i] !== QUOTE) return null;
    const keyEnd = stringEnd(buf, i);
    if (keyEnd < 0) return null;
    const key = buf.toString("latin1", i + 1, keyEnd - 1);
    if (key.includes("\\")) return null;
    i = skipBlank(buf, keyEnd);
    if (buf[i] !== 0x3a) return null;
    const start = skipBlank(buf, i + 1);
    const end = valueEnd(buf, start);
    if (end < 0) return null;
    if (WANTED.includes(key)) {
      found.set(key, { start, end });
      if (found.size === WANTED.length) return found;
    }
    i = skipBlank(buf, end);
    if (buf[i] === 0x7d) return found;
    if (buf[i] !== 0x2c) return null;
    i = skipBlank(buf, i + 1);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** One value's text; invalid UTF-8 is reported with its line and column in the file. */
function decodeSpan(file: string, buf: Buffer, span: Span): string {
  try {
    return UTF8.decode(buf.subarray(span.start, span.end));
  } catch {
    return decodeUtf8(file, buf.subarray(0, span.end)); // throws, positioned in the file
  }
}

/** `test_id` and `request` read exactly (as `exactRequest` does), from the head when it holds both. */
function readRequest(file: string, head: Head): ExactRequest {
  let bytes = head.bytes;
  let spans = quickSpans(bytes);
  if (spans === null && !head.whole) {
    bytes = readBytes(file);
    spans = quickSpans(bytes);
  }
  if (spans === null) {
    // Not the plain shape: let the tolerant tokenizer find them in the decoded text.
    const text = decodeUtf8(file, bytes);
    const found = topLevelSpans(text, WANTED);
    const at = (key: string): string | undefined => {
      const sp = found.get(key);
      return sp === undefined ? undefined : text.slice(sp.start, sp.end);
    };
    return exact(at("test_id"), at("request"));
  }
  const t = spans.get("test_id");
  const r = spans.get("request");
  return exact(t === undefined ? undefined : decodeSpan(file, bytes, t), r === undefined ? undefined : decodeSpan(file, bytes, r));
}

function exact(testId: string | undefined, request: string | undefined): ExactRequest {
  return {
    testId: testId === undefined ? undefined : parseExact(testId),
    request: request === undefined ? null : parseExact(request),
  };
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
    const { testId, request } = readRequest(file, head);
    const name = nameHash(file);
    const { hash } = requestHash({ testId, request });
    const inner = request instanceof Map ? request.get("test_id") : undefined;
    const id = typeof testId === "string" ? testId : typeof inner === "string" ? inner : null;
    return {
      file,
      nameHash: name?.hash ?? null,
      requestHash: hash,
      nameAgrees: name === null || hash === null ? null : nameAgrees(name, hash),
      testId: id === "" ? null : id,
      size: head.size,
      mtimeMs: head.mtimeMs,
    };
  } catch (err) {
    return unreadable(file, err);
  }
}

function unreadable(file: string, err: unknown): UnreadableRecording {
  if (err instanceof RecordingError) return { file, unreadable: err.message, line: err.line, column: err.column };
  const code = (err as NodeJS.ErrnoException).code;
  const message = code === "ENOENT" ? "cannot read: no such file" : `cannot read: ${(err as Error).message}`;
  return { file, unreadable: message, line: null, column: null };
}

/** A listed file must parse whole: one that cannot be read is reported, never removed. */
function confirmReadable(file: string): UnreadableRecording | null {
  try {
    readRecordingSync(file);
    return null;
  } catch (err) {
    return unreadable(file, err);
  }
}

/** Runs in each thread for `prune`. */
export async function runTask(files: string[]): Promise<Scan[]> {
  const out: Scan[] = [];
  for (const file of files) out.push(scanFile(file));
  return out;
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
    runParallel(files, undefined, { url: new URL(import.meta.url), run: runTask }),
    judgeLegacy(options.legacy),
  ]);
  const readable = scans.filter((s): s is ScannedRecording => !isUnreadable(s));
  const unreadableFiles = scans.filter(isUnreadable);
  const judge = testJudge(options.manifest, await testFileExistence(readable, options.root));
  const orphans: Orphan[] = [];
  for (const scan of readable) {
    const reasons = judge.reasons(scan);
    if (legacy.unindexed.has(scan.file)) reasons.push("unindexed");
    if (reasons.length === 0) continue;
    const broken = confirmReadable(scan.file);
    if (broken !== null) {
      unreadableFiles.push(broken);
      continue;
    }
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
