/**
 * `changes` (SPEC): which recordings were added, removed, modified — with or without a real
 * difference — or rehashed (the same call under a new name) between two git revisions, or a
 * revision and the working tree. Real differences are told from noise by `diff`'s pair
 * comparison. No printing; git runs as a subprocess (./git.ts).
 */
import { NoAnswerError } from "../reassemble/adapter.js";
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { diffRecordings, diffSide, type DiffOptions, type RecordingDiff } from "../diff/index.js";
import { requestHash, type RequestHasher } from "../hash.js";
import { eachUntilInterrupted, type Interruption, type Interrupts } from "../io/interrupt.js";
import { describeFsError } from "../read.js";
import { writeRefusalSync } from "../workspace/recordings-folder.js";
import { exactRequest, isObject, recordingFromBytes, RecordingError, type Recording } from "../recording.js";
import { changedPaths, GitError, readBlobs, resolveCommits, restoreFromRevision, workTreeTop, type BlobRef } from "./git.js";
import { answers, selected, selectPaths } from "./select.js";

export { GitError } from "./git.js";

export type ChangeStatus = "added" | "removed" | "modified" | "rehashed";

export interface FileChange {
  /** Relative to the work tree's top level, `/`-separated; for `rehashed`, the new name. */
  file: string;
  status: ChangeStatus;
  /** The old name of a rehashed recording; null otherwise. */
  from: string | null;
  test_id: string | null;
  /** Only noise differs (modified and rehashed files); added and removed files are real changes. */
  noise_only: boolean;
  /** What really differs, by aspect (`request`, `text`, `tool_calls`, `finish_reason`, `usage`…). */
  changes: string[];
  /** The kinds of noise that differ (diff's labels: ids, created, chunk boundaries…). */
  noise: string[];
}

/** A recording of one side that could not be read as JSON: left out of the comparison. */
export interface ChangesError {
  file: string;
  /** The revision it was read at, as given; null for the working tree. */
  revision: string | null;
  message: string;
  line: number | null;
  column: number | null;
}

export interface Revision {
  /** As given (or `HEAD`). */
  name: string;
  commit: string;
}

export interface ChangesSummary {
  added: number;
  removed: number;
  /** Modified recordings, noise-only ones included. */
  modified: number;
  /** Modified recordings in which only noise differs. */
  noise_only: number;
  rehashed: number;
}

export interface ChangesResult {
  top: string;
  base: Revision;
  /** null: the working tree. */
  head: Revision | null;
  files: FileChange[];
  errors: ChangesError[];
  summary: ChangesSummary;
}

/** The request hash a rehash is judged by; the hash rules of an era come in through it. */
export type { RequestHasher };

export interface ChangesOptions {
  /** --root, absolute: where git is asked and what the default selection is under. */
  root: string;
  /** Where relative paths given on the command line resolve. */
  cwd: string;
  /** `[<base> [<head>]] [paths…]` as given. */
  args: readonly string[];
  hasher?: RequestHasher;
}

const DIFF: DiffOptions = { raw: false, ignore: [] };

/** A real change: anything added or removed, and a modified or rehashed file with more than noise. */
export function isReal(change: FileChange): boolean {
  return !change.noise_only;
}

// ---------------------------------------------------------------------------------------------
// Arguments

interface Split {
  base: Revision;
  head: Revision | null;
  paths: string[];
}

/**
 * Leading arguments that name a commit (and no path in the working tree) are the revisions, at
 * most two; the rest are paths.
 */
function splitArguments(top: string, args: readonly string[], cwd: string): Split {
  // The first two arguments and HEAD, resolved in one git call.
  const candidates = args.slice(0, 2);
  const commits = resolveCommits(top, [...candidates, "HEAD"]);
  const revisions: Revision[] = [];
  for (const [i, arg] of candidates.entries()) {
    const commit = commits[i] ?? null;
    if (commit === null || exists(resolve(cwd, arg))) break;
    revisions.push({ name: arg, commit });
  }
  let base = revisions[0];
  if (base === undefined) {
    const commit = commits[candidates.length] ?? null;
    if (commit === null) throw new GitError("unknown revision HEAD: the repository has no commit to compare with");
    base = { name: "HEAD", commit };
  }
  return { base, head: revisions[1] ?? null, paths: args.slice(revisions.length) };
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading each side

interface Side {
  recordings: Map<string, Recording>;
  bytes: Map<string, Buffer>;
}

function parseSide(contents: Map<string, Buffer>, revision: string | null, errors: ChangesError[]): Side {
  const recordings = new Map<string, Recording>();
  for (const [path, bytes] of contents) {
    try {
      recordings.set(path, recordingFromBytes(path, bytes));
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
      errors.push({ file: path, revision, message: err.message, line: err.line, column: err.column });
    }
  }
  return { recordings, bytes: contents };
}

function readWorkTree(top: string, paths: readonly string[], errors: ChangesError[]): Map<string, Buffer> {
  const contents = new Map<string, Buffer>();
  for (const path of paths) {
    try {
      contents.set(path, readFileSync(join(top, path)));
    } catch (err) {
      errors.push({ file: path, revision: null, message: `cannot read: ${describeFsError(err)}`, line: null, column: null });
    }
  }
  return contents;
}

/** Both sides' contents: the revisions' through one `git cat-file --batch`, the working tree's from disk. */
function readSides(top: string, base: Revision, head: Revision | null, older: readonly string[], newer: readonly string[], errors: ChangesError[]): [Map<string, Buffer>, Map<string, Buffer>] {
  const refs: BlobRef[] = older.map((path) => ({ revision: base.commit, path }));
  if (head !== null) refs.push(...newer.map((path) => ({ revision: head.commit, path })));
  const blobs = readBlobs(top, refs);
  const a = new Map<string, Buffer>();
  const b = new Map<string, Buffer>();
  refs.forEach((ref, i) => {
    const bytes = blobs[i];
    if (bytes !== undefined) (i < older.length ? a : b).set(ref.path, bytes);
  });
  return [a, head === null ? readWorkTree(top, newer, errors) : b];
}

// ---------------------------------------------------------------------------------------------
// Comparing

function testIdOf(rec: Recording | undefined): string | null {
  const data = rec?.data;
  if (!isObject(data)) return null;
  if (typeof data["test_id"] === "string") return data["test_id"];
  const request = data["request"];
  return isObject(request) && typeof request["test_id"] === "string" ? request["test_id"] : null;
}

/** How the aspects of a real change are listed: the request first, then the answer, then the rest. */
const ASPECT_ORDER = [
  "test_id",
  "request",
  "text",
  "reasoning",
  "refusal",
  "tool_calls",
  "finish_reason",
  "role",
  "choices",
  "usage",
  "error",
  "model",
  "family",
  "body",
  "id_normalization_mapping",
  "chunks",
  "raw",
];

function aspects(diff: RecordingDiff): string[] {
  const found = new Set<string>();
  for (const c of diff.request) found.add(c.pointer === "/test_id" ? "test_id" : "request");
  for (const c of diff.response) found.add(c.aspect === "mapping" ? "id_normalization_mapping" : c.aspect);
  return [...found].sort((a, b) => ASPECT_ORDER.indexOf(a) - ASPECT_ORDER.indexOf(b));
}

function compare(file: string, a: Recording, b: Recording, status: "modified" | "rehashed", from: string | null): FileChange {
  const diff = diffRecordings(diffSide(a.data, DIFF), diffSide(b.data, DIFF), DIFF);
  return { file, status, from, test_id: testIdOf(b) ?? testIdOf(a), noise_only: diff.same, changes: aspects(diff), noise: diff.noise };
}

/** A pair compared, or null after noting why it could not be (a response no adapter can read). */
function compareOrNote(file: string, a: Recording, b: Recording, status: "modified" | "rehashed", from: string | null, head: string | null, errors: ChangesError[]): FileChange | null {
  try {
    return compare(file, a, b, status, from);
  } catch (err) {
    if (!(err instanceof NoAnswerError)) throw err;
    // Named where the newer side was read: the working tree, or the head revision.
    errors.push({ file, revision: head, message: `cannot compare: ${err.message}`, line: null, column: null });
    return null;
  }
}

function hashOf(rec: Recording, hasher: RequestHasher): string | null {
  try {
    return hasher(exactRequest(rec)).hash;
  } catch {
    return null;
  }
}

/**
 * Pairs each removed recording with an added one of the same request hash (the recorder's
 * normalization applied): the same call under a new name. Pairs are made in name order.
 */
function pairRehashed(removed: Map<string, Recording>, added: Map<string, Recording>, hasher: RequestHasher): [string, string][] {
  const byHash = new Map<string, string[]>();
  for (const path of [...added.keys()].sort()) {
    const rec = added.get(path);
    const hash = rec === undefined ? null : hashOf(rec, hasher);
    if (hash !== null) byHash.set(hash, [...(byHash.get(hash) ?? []), path]);
  }
  const pairs: [string, string][] = [];
  for (const path of [...removed.keys()].sort()) {
    const rec = removed.get(path);
    const hash = rec === undefined ? null : hashOf(rec, hasher);
    const candidates = hash === null ? undefined : byHash.get(hash);
    const to = candidates?.shift();
    if (to !== undefined) pairs.push([path, to]);
  }
  return pairs;
}

function byTestThenFile(a: FileChange, b: FileChange): number {
  if (a.test_id !== b.test_id) {
    if (a.test_id === null) return 1;
    if (b.test_id === null) return -1;
    return a.test_id < b.test_id ? -1 : 1;
  }
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

function summarize(files: readonly FileChange[]): ChangesSummary {
  const count = (status: ChangeStatus): number => files.filter((f) => f.status === status).length;
  return {
    added: count("added"),
    removed: count("removed"),
    modified: count("modified"),
    noise_only: files.filter((f) => f.status === "modified" && f.noise_only).length,
    rehashed: count("rehashed"),
  };
}

/**
 * What changed in the recordings between two revisions, or a revision and the working tree.
 * @throws GitError when --root is not in a git work tree, a revision is unknown, or git fails.
 */
export function collectChanges(options: ChangesOptions): ChangesResult {
  const hasher = options.hasher ?? requestHash;
  const top = workTreeTop(options.root);
  const { base, head, paths } = splitArguments(top, options.args, options.cwd);
  const selection = selectPaths(top, options.root, paths, options.cwd);
  const changed = changedPaths(top, base.commit, head?.commit ?? null, selection.pathspecs).filter((c) => selected(selection, c.path));
  for (const absent of selection.absent) {
    if (!changed.some((c) => answers(absent.path, c.path))) throw new GitError(`${absent.given}: unknown revision or path not in the working tree`);
  }

  const older = changed.filter((c) => c.status !== "A").map((c) => c.path);
  const newer = changed.filter((c) => c.status !== "D").map((c) => c.path);
  const errors: ChangesError[] = [];
  const [baseBytes, headBytes] = readSides(top, base, head, older, newer, errors);
  const a = parseSide(baseBytes, base.name, errors);
  const b = parseSide(headBytes, head?.name ?? null, errors);

  const files: FileChange[] = [];
  const removed = new Map<string, Recording>();
  const added = new Map<string, Recording>();
  for (const { status, path } of changed) {
    const before = a.recordings.get(path);
    const after = b.recordings.get(path);
    if (status === "D" && before !== undefined) removed.set(path, before);
    else if (status === "A" && after !== undefined) added.set(path, after);
    else if (status === "M" && before !== undefined && after !== undefined) {
      // A file git lists although its bytes are the same (a stale index entry) has not changed.
      if (a.bytes.get(path)?.equals(b.bytes.get(path) ?? Buffer.alloc(0)) === true) continue;
      const change = compareOrNote(path, before, after, "modified", null, head?.name ?? null, errors);
      if (change !== null) files.push(change);
    }
  }
  for (const [from, to] of pairRehashed(removed, added, hasher)) {
    const before = removed.get(from);
    const after = added.get(to);
    if (before === undefined || after === undefined) continue;
    const change = compareOrNote(to, before, after, "rehashed", from, head?.name ?? null, errors);
    if (change !== null) files.push(change);
    removed.delete(from);
    added.delete(to);
  }
  const single = (status: "added" | "removed", rec: Recording, file: string): FileChange => ({
    file,
    status,
    from: null,
    test_id: testIdOf(rec),
    noise_only: false,
    changes: [],
    noise: [],
  });
  for (const [file, rec] of added) files.push(single("added", rec, file));
  for (const [file, rec] of removed) files.push(single("removed", rec, file));
  files.sort(byTestThenFile);
  return { top, base, head, files, errors, summary: summarize(files) };
}

// ---------------------------------------------------------------------------------------------
// --revert-noise

export interface Reversion {
  /** The modified recordings in which only noise differs: restored, or to be. */
  files: string[];
  written: boolean;
  /** Files the write gate refused (absolute path, why): left alone, never restored. */
  refused: { file: string; reason: string }[];
  /** Null unless SIGINT/SIGTERM stopped the restore between batches (counts are files). */
  interruption: Interruption | null;
}

/** Files per `git restore`: an interrupt is honoured between batches, each one whole. */
const RESTORE_BATCH = 200;

/**
 * Restores the base version of every noise-only modified recording, in the index and the working
 * tree, and nothing else; with `write` false, only says which files that would be. Every file
 * passes the write gate first (a refused one is listed and left alone).
 */
export async function revertNoise(result: ChangesResult, write: boolean, interrupts: Interrupts | null = null): Promise<Reversion> {
  if (result.head !== null) throw new GitError("--revert-noise works on the working tree: leave out <head>");
  const noise = result.files.filter((f) => f.status === "modified" && f.noise_only).map((f) => f.file);
  if (!write) return { files: noise, written: false, refused: [], interruption: null };
  const refused: Reversion["refused"] = [];
  const files: string[] = [];
  for (const f of noise) {
    const reason = writeRefusalSync(join(result.top, f), result.top);
    if (reason === null) files.push(f);
    else refused.push({ file: join(result.top, f), reason });
  }
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += RESTORE_BATCH) batches.push(files.slice(i, i + RESTORE_BATCH));
  const run = await eachUntilInterrupted(batches, interrupts, async (batch) => restoreFromRevision(result.top, result.base.commit, batch));
  const done = batches.slice(0, run.results.length).flat();
  const interruption = run.interruption === null ? null : { ...run.interruption, done: done.length, total: files.length };
  return { files: interruption === null ? files : done, written: done.length > 0, refused, interruption };
}
