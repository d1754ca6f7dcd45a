/**
 * `changes` (SPEC): which recordings were added, removed, modified — with or without a real
 * difference — rehashed (the same call under a new name) or re-recorded (a removed and an added
 * recording of one test and endpoint) between two git revisions, a revision and the index
 * (`--staged`), or a revision and the working tree; and which of them break replay: reachable at
 * the base, unreachable at the head, each side judged by the one verdict (rules/verdict.ts) under
 * the era of its own recorder. Real differences are told from noise by `diff`'s pair comparison.
 * No printing; git runs as a subprocess (./git.ts).
 */
import { NoAnswerError } from "../reassemble/adapter.js";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { compareHashed, diffRecordings, diffSide, type DiffOptions, type RecordingDiff } from "../diff/index.js";
import { factsOf } from "../explain/candidates.js";
import { eachUntilInterrupted, type Interruption, type Interrupts } from "../io/interrupt.js";
import { writeRefusalSync } from "../workspace/recordings-folder.js";
import { describeFsError } from "../read.js";
import { exactRequest, failureOf, isObject, nameHash, recordingFromBytes, RecordingError, type Recording } from "../recording.js";
import type { FileFailure } from "../types.js";
import { recorderName } from "../rehash/index.js";
import { type RulesChoice, type RulesInUse } from "../rules/detect.js";
import { hasherOf, type RequestHasher } from "../hash.js";
import { isUnreachable, verdictOf, type VerdictStatus } from "../rules/verdict.js";
import { changedPaths, emptyTree, filesAt, GitError, INDEX, readBlobs, resolveCommits, restoreFromRevision, workTreeTop, type BlobRef, type Head } from "./git.js";
import { rulesAt } from "./rules.js";
import { answers, selected, selectPaths } from "./select.js";

export { GitError } from "./git.js";

/**
 * What a recording's change means, `breaks-replay` first: reachable at the base and not at the
 * head, whatever was done to the file. `removed-duplicate`: a removed recording whose request
 * and response a recording at the head still holds (what `rehash --write` removes): not a real
 * change.
 */
export type ChangeStatus = "breaks-replay" | "added" | "removed" | "modified" | "re-recorded" | "rehashed" | "removed-duplicate";

export const CHANGE_STATUSES: readonly ChangeStatus[] = ["breaks-replay", "added", "removed", "modified", "re-recorded", "rehashed", "removed-duplicate"];

/** What was done to the file itself (for `breaks-replay`, what broke it; `unchanged`: the hash rules did). */
export type ChangeKind = Exclude<ChangeStatus, "breaks-replay"> | "unchanged";

/** A request difference, and whether it changes the hash under the head's rules. */
export interface RequestChange {
  pointer: string;
  hash_relevant: boolean;
}

export interface FileChange {
  /** Relative to the work tree's top level, `/`-separated; for a pair, the new name. */
  file: string;
  status: ChangeStatus;
  change: ChangeKind;
  /** The old name of a rehashed or re-recorded recording; null otherwise. */
  from: string | null;
  test_id: string | null;
  /** Only noise differs (modified, rehashed, re-recorded; a removed duplicate); added and removed files are real changes. */
  noise_only: boolean;
  /** What really differs, by aspect (`request`, `text`, `tool_calls`, `finish_reason`, `usage`…). */
  changes: string[];
  /** The kinds of noise that differ (diff's labels: ids, created, chunk boundaries…). */
  noise: string[];
  /** The verdict at the base (of `from` for a pair) and at the head; null where that side has no file. */
  before: VerdictStatus | null;
  after: VerdictStatus | null;
  /** The request differences of a modified or paired recording. */
  request: RequestChange[];
  /** For `removed-duplicate`: the recording at the head with the same request and response. */
  duplicate_of: string | null;
}

/** A recording of one side that could not be read as JSON: left out of the comparison (the one failure type, and the revision). */
export interface ChangesError extends FileFailure {
  /** The revision it was read at, as given (`:` for the index); null for the working tree. */
  revision: string | null;
}

export interface Revision {
  /** As given (or `HEAD`). */
  name: string;
  commit: string;
}

export interface ChangesSummary {
  added: number;
  removed: number;
  /** Modified recordings, noise-only ones included (a modification that breaks replay counts as breaks_replay). */
  modified: number;
  /** Modified recordings in which only noise differs. */
  noise_only: number;
  rehashed: number;
  breaks_replay: number;
  re_recorded: number;
  removed_duplicate: number;
}

export interface ChangesResult {
  top: string;
  base: Revision;
  /** null: the working tree or the index (see `staged`). */
  head: Revision | null;
  staged: boolean;
  /** The rules each side was judged by (the same era on both sides unless their recorders differ). */
  rules: { base: RulesInUse; head: RulesInUse };
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
  /** `[<base> [<head>]] [paths…]` as given (`[<base>] [paths…]` with `staged`). */
  args: readonly string[];
  /** `--staged`: the index against the base (HEAD by default). */
  staged?: boolean;
  /** `--rules`: one era for both sides; null: each side's own recorder. */
  rules?: RulesChoice | null;
}

const DIFF: DiffOptions = { raw: false, ignore: [] };

/** A real change: anything but noise (a removed duplicate holds nothing the head lacks); breaking replay always is. */
export function isReal(change: FileChange): boolean {
  return change.status === "breaks-replay" || !change.noise_only;
}

/** Whether `--check` fails on this file: it breaks replay, or (with `strict`) it is a noise-only modification. */
export function failsCheck(change: FileChange, strict: boolean): boolean {
  return change.status === "breaks-replay" || (strict && change.status === "modified" && change.noise_only);
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
 * most two (one with `--staged`); the rest are paths.
 */
function splitArguments(top: string, args: readonly string[], cwd: string, staged: boolean): Split {
  // The first arguments and HEAD, resolved in one git call.
  const candidates = args.slice(0, staged ? 1 : 2);
  const commits = resolveCommits(top, [...candidates, "HEAD"]);
  const revisions: Revision[] = [];
  for (const [i, arg] of candidates.entries()) {
    const commit = commits[i] ?? null;
    if (commit === null || exists(resolve(cwd, arg))) break;
    revisions.push({ name: arg, commit });
  }
  let base = revisions[0];
  if (base === undefined) {
    // No commit yet (the first commit of a repository): everything is compared with nothing.
    const commit = commits[candidates.length] ?? emptyTree(top);
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
      errors.push({ ...failureOf(path, err), revision });
    }
  }
  return { recordings, bytes: contents };
}

function readWorkTree(top: string, paths: readonly string[], errors: ChangesError[] | null): Map<string, Buffer> {
  const contents = new Map<string, Buffer>();
  for (const path of paths) {
    try {
      contents.set(path, readFileSync(join(top, path)));
    } catch (err) {
      errors?.push({ file: path, revision: null, error: `cannot read: ${describeFsError(err)}`, rule: "io", line: null, column: null });
    }
  }
  return contents;
}

/** Contents at one revision (INDEX: the index), through one `git cat-file --batch`. */
function readAt(top: string, revision: string, paths: readonly string[]): Map<string, Buffer> {
  const blobs = readBlobs(top, paths.map((path): BlobRef => ({ revision, path })));
  const out = new Map<string, Buffer>();
  paths.forEach((path, i) => {
    const bytes = blobs[i];
    if (bytes !== undefined) out.set(path, bytes);
  });
  return out;
}

/** Contents at the head: a commit's or the index's through git, the working tree's from disk (`errors` null: a missing file is no error). */
function readHead(top: string, head: Head, paths: readonly string[], errors: ChangesError[] | null): Map<string, Buffer> {
  if (head.kind === "worktree") return readWorkTree(top, paths, errors);
  return readAt(top, head.kind === "commit" ? head.commit : INDEX, paths);
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

/** The eras the two sides are judged by, and the head's hasher (what a rename is measured against). */
interface Eras {
  base: RulesInUse;
  head: RulesInUse;
  hasher: RequestHasher;
}

/** The one verdict on a recording at one side; a request that cannot be read is not judged. */
function judge(rec: Recording, file: string, rules: RulesInUse): VerdictStatus {
  try {
    return verdictOf(exactRequest(rec), nameHash(file), rules.eraFor(file)).status;
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    return "unknown";
  }
}

type PairKind = "modified" | "rehashed" | "re-recorded" | "removed-duplicate";

function compare(file: string, a: Recording, b: Recording, change: PairKind, from: string | null, eras: Eras): FileChange {
  const diff = diffRecordings(diffSide(a.data, DIFF), diffSide(b.data, DIFF), DIFF);
  const hash = diff.request.length === 0 ? null : compareHashed(exactRequest(a), exactRequest(b), eras.hasher);
  return {
    file: change === "removed-duplicate" ? (from ?? file) : file,
    status: change,
    change,
    from: change === "removed-duplicate" ? null : from,
    test_id: testIdOf(b) ?? testIdOf(a),
    noise_only: diff.same,
    changes: aspects(diff),
    noise: diff.noise,
    before: judge(a, from ?? file, eras.base),
    after: change === "removed-duplicate" ? null : judge(b, file, eras.head),
    request: diff.request.map((c) => ({ pointer: c.pointer, hash_relevant: hash?.relevant(c.pointer) ?? false })),
    duplicate_of: change === "removed-duplicate" ? file : null,
  };
}

/** A pair compared, or null after noting why it could not be (a response no adapter can read). */
function compareOrNote(file: string, a: Recording, b: Recording, change: PairKind, from: string | null, eras: Eras, head: string | null, errors: ChangesError[]): FileChange | null {
  try {
    return compare(file, a, b, change, from, eras);
  } catch (err) {
    if (!(err instanceof NoAnswerError)) throw err;
    // Named where the newer side was read: the working tree, the index or the head revision.
    errors.push({ file, revision: head, error: `cannot compare: ${err.message}`, rule: "stream-shape", line: null, column: null });
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
 * Pairs each removed recording with an added one whose key is the same, in name order; a
 * recording with no key (null) is paired with none.
 */
function pairBy(removed: Map<string, Recording>, added: Map<string, Recording>, key: (rec: Recording) => string | null): [string, string][] {
  const byKey = new Map<string, string[]>();
  for (const path of [...added.keys()].sort()) {
    const k = key(added.get(path) as Recording);
    if (k !== null) byKey.set(k, [...(byKey.get(k) ?? []), path]);
  }
  const pairs: [string, string][] = [];
  for (const path of [...removed.keys()].sort()) {
    const k = key(removed.get(path) as Recording);
    const to = k === null ? undefined : byKey.get(k)?.shift();
    if (to !== undefined) pairs.push([path, to]);
  }
  return pairs;
}

/** One test's call to one endpoint: what a re-record of a changed request keeps. */
function testAndEndpoint(rec: Recording): string | null {
  try {
    const facts = factsOf(exactRequest(rec));
    if (facts.test_id === null || facts.endpoint === null) return null;
    return `${facts.kind}\u0000${facts.test_id}\u0000${facts.endpoint}`;
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    return null;
  }
}

/**
 * For each removed recording left unpaired: the name the head's recorder gives its request, in
 * its own folder — where `rehash` would have put it (and removed it as a duplicate of what is there).
 */
function twinNames(removed: Map<string, Recording>, eras: Eras): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, rec] of removed) {
    const name = nameHash(path);
    const hash = hashOf(rec, eras.hasher);
    if (name === null || hash === null) continue;
    const twin = `${dirname(path)}/${recorderName(name, hash, eras.head.eraFor(path))}`;
    if (twin !== path) out.set(path, twin);
  }
  return out;
}

/** Status order: breaks-replay first, then the real changes, then the rest; within one, by test then file. */
function byStatusTestThenFile(a: FileChange, b: FileChange): number {
  const broken = Number(b.status === "breaks-replay") - Number(a.status === "breaks-replay");
  if (broken !== 0) return broken;
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
    breaks_replay: count("breaks-replay"),
    re_recorded: count("re-recorded"),
    removed_duplicate: count("removed-duplicate"),
  };
}

/** Reachable at the base and never found at the head: the test that replays it misses. */
function breaksReplay(f: FileChange): boolean {
  return f.before === "reachable" && f.after !== null && isUnreachable({ status: f.after });
}

/**
 * Recordings no one changed, judged again when the two sides' eras differ: a change of the hash
 * rules strands files nobody touched. Read from the base (the same bytes at the head).
 */
function strandedByRules(top: string, base: Revision, pathspecs: readonly string[], isSelected: (path: string) => boolean, changed: ReadonlySet<string>, eras: Eras): FileChange[] {
  const paths = filesAt(top, base.commit, pathspecs).filter((p) => isSelected(p) && !changed.has(p));
  const out: FileChange[] = [];
  for (const [path, bytes] of readAt(top, base.commit, paths)) {
    let rec: Recording;
    try {
      rec = recordingFromBytes(path, bytes);
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
      continue;
    }
    const before = judge(rec, path, eras.base);
    const after = judge(rec, path, eras.head);
    if (before !== "reachable" || !isUnreachable({ status: after })) continue;
    out.push({ file: path, status: "breaks-replay", change: "unchanged", from: null, test_id: testIdOf(rec), noise_only: true, changes: [], noise: [], before, after, request: [], duplicate_of: null });
  }
  return out;
}

/**
 * What changed in the recordings between two revisions, a revision and the index, or a revision
 * and the working tree, and which changes break replay.
 * @throws GitError when --root is not in a git work tree, a revision is unknown, or git fails.
 */
export async function collectChanges(options: ChangesOptions): Promise<ChangesResult> {
  const staged = options.staged === true;
  const top = workTreeTop(options.root);
  const { base, head, paths } = splitArguments(top, options.args, options.cwd, staged);
  const headSide: Head = head !== null ? { kind: "commit", commit: head.commit } : staged ? { kind: "index" } : { kind: "worktree" };
  const headName = head?.name ?? (staged ? ":" : null);
  const selection = selectPaths(top, options.root, paths, options.cwd);
  const isSelected = (path: string): boolean => selected(selection, path);
  const changed = changedPaths(top, base.commit, headSide, selection.pathspecs).filter((c) => isSelected(c.path));
  for (const absent of selection.absent) {
    if (!changed.some((c) => answers(absent.path, c.path))) throw new GitError(`${absent.given}: unknown revision or path not in the working tree`);
  }
  const choice = options.rules ?? null;
  const rules = { base: await rulesAt(top, { kind: "commit", commit: base.commit }, choice), head: await rulesAt(top, headSide, choice) };
  const eras: Eras = { base: rules.base, head: rules.head, hasher: hasherOf(rules.head) };

  const older = changed.filter((c) => c.status !== "A").map((c) => c.path);
  const newer = changed.filter((c) => c.status !== "D").map((c) => c.path);
  const errors: ChangesError[] = [];
  const a = parseSide(readAt(top, base.commit, older), base.name, errors);
  const b = parseSide(readHead(top, headSide, newer, errors), headName, errors);

  const files: FileChange[] = [];
  const removed = new Map<string, Recording>();
  const added = new Map<string, Recording>();
  const note = (file: string, x: Recording, y: Recording, change: PairKind, from: string | null): void => {
    const c = compareOrNote(file, x, y, change, from, eras, headName, errors);
    if (c !== null) files.push(c);
  };
  for (const { status, path } of changed) {
    const before = a.recordings.get(path);
    const after = b.recordings.get(path);
    if (status === "D" && before !== undefined) removed.set(path, before);
    else if (status === "A" && after !== undefined) added.set(path, after);
    else if (status === "M" && before !== undefined && after !== undefined) {
      // A file git lists although its bytes are the same (a stale index entry) has not changed.
      if (a.bytes.get(path)?.equals(b.bytes.get(path) ?? Buffer.alloc(0)) === true) continue;
      note(path, before, after, "modified", null);
    }
  }
  const take = (pairs: [string, string][], change: "rehashed" | "re-recorded"): void => {
    for (const [from, to] of pairs) {
      note(to, removed.get(from) as Recording, added.get(to) as Recording, change, from);
      removed.delete(from);
      added.delete(to);
    }
  };
  // The same request under a new name first, then a new request of the same test and endpoint.
  take(pairBy(removed, added, (rec) => hashOf(rec, eras.hasher)), "rehashed");
  take(pairBy(removed, added, testAndEndpoint), "re-recorded");

  // A removed recording whose request and response the head still holds under its recorder's name.
  const twins = twinNames(removed, eras);
  const twinBytes = readHead(top, headSide, [...new Set(twins.values())].filter((t) => !removed.has(t)), null);
  for (const [from, twin] of twins) {
    const bytes = twinBytes.get(twin);
    const rec = removed.get(from) as Recording;
    let held: Recording;
    try {
      if (bytes === undefined) continue;
      held = recordingFromBytes(twin, bytes);
      const c = compare(twin, rec, held, "removed-duplicate", from, eras);
      if (!c.noise_only) continue;
      files.push(c);
      removed.delete(from);
    } catch (err) {
      if (!(err instanceof RecordingError) && !(err instanceof NoAnswerError)) throw err;
    }
  }

  const single = (status: "added" | "removed", rec: Recording, file: string): FileChange => ({
    file,
    status,
    change: status,
    from: null,
    test_id: testIdOf(rec),
    noise_only: false,
    changes: [],
    noise: [],
    before: status === "removed" ? judge(rec, file, eras.base) : null,
    after: status === "added" ? judge(rec, file, eras.head) : null,
    request: [],
    duplicate_of: null,
  });
  for (const [file, rec] of added) files.push(single("added", rec, file));
  for (const [file, rec] of removed) files.push(single("removed", rec, file));
  for (const f of files) if (breaksReplay(f)) f.status = "breaks-replay";
  if (eras.base.era !== eras.head.era || eras.base.source !== eras.head.source) files.push(...strandedByRules(top, base, selection.pathspecs, isSelected, new Set(changed.map((c) => c.path)), eras));
  files.sort(byStatusTestThenFile);
  return { top, base, head, staged, rules, files, errors, summary: summarize(files) };
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
  if (result.head !== null || result.staged) throw new GitError(`--revert-noise works on the working tree: leave out ${result.staged ? "--staged" : "<head>"}`);
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
