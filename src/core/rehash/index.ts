/**
 * `rehash` (SPEC; issue "hash rules by era"): give every unreachable recording the name the
 * recorder of the era in use looks up, and the `rec-` ids it derives from that name. Planning is
 * pure data (which file goes where, and why: decide.ts); applying renames by creating the new
 * file exclusively and then removing the old one, so nothing is ever overwritten.
 */
import { existsSync, readFileSync } from "node:fs";
import { link, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { requestHash } from "../hash.js";
import { responseDates, responseDigest, type ResponseDates } from "../history/response-dates.js";
import { sameResponseData } from "../history/same-response.js";
import { runParallel } from "../parallel.js";
import { exactRequest, isObject, nameAgrees, nameHash, readRecordingSync, RecordingError, type NameHash, type Recording } from "../recording.js";
import { eraById, NEWEST_ERA, type Era } from "../rules/eras.js";
import { originOf, verdictOf, type VerdictStatus } from "../rules/verdict.js";
import { topLevelSpans } from "../spans.js";
import { interruptionOf, type Interruption, type Interrupts, type ProgressListener } from "../io/interrupt.js";
import { createAtomic } from "../write.js";
import { writeRefusalSync } from "../workspace/recordings-folder.js";
import { competitions, decide, filesToDate, type RehashEntry, type Stale } from "./decide.js";

export { describeDate, type Candidate, type RehashAction, type RehashEntry } from "./decide.js";

/** A file left as it is for a reason worth telling (legacy index layout, outside `recordings`). */
export interface RehashSkip {
  file: string;
  reason: string;
}

export interface RehashFailure {
  file: string;
  message: string;
  line: number | null;
  column: number | null;
}

export interface RehashPlan {
  era: string;
  scanned: number;
  entries: RehashEntry[];
  /** For each twin a `replace-older` removes: the digest of its response as judged (it is removed only if still so). */
  replaced: ReadonlyMap<string, string>;
  skipped: RehashSkip[];
  failures: RehashFailure[];
}

// ---------------------------------------------------------------------------------------------
// Scanning (worker threads): each file's name and its request hash under the era

interface Scan {
  file: string;
  /** Its request hash under the era; null when no rule applies. */
  hash: string | null;
  /** The one verdict (rules/verdict.ts). */
  status: VerdictStatus;
  /** Why it is stale (which era named it), or why no rule applies. */
  why: string | null;
  failure?: RehashFailure;
}

function scanFile(file: string, era: Era): Scan {
  try {
    const name = nameHash(file);
    const input = exactRequest(readRecordingSync(file));
    const verdict = verdictOf(input, name, era);
    const why = name === null ? null : verdict.status === "unreachable" ? originOf(input, name, verdict).message : verdict.note;
    return { file, hash: verdict.hash, status: verdict.status, why };
  } catch (err) {
    const failure = err instanceof RecordingError ? { file, message: err.message, line: err.line, column: err.column } : { file, message: `cannot read: ${(err as Error).message}`, line: null, column: null };
    return { file, hash: null, status: "unknown", why: null, failure };
  }
}

export interface RehashTaskOptions {
  /** The era's id (`rules/eras.ts`). */
  rules: string;
}

/** Runs in each thread for `rehash`. */
export async function prepareTask(options: RehashTaskOptions): Promise<(file: string) => Promise<Scan>> {
  const era = eraById(options.rules) ?? NEWEST_ERA;
  return async (file) => scanFile(file, era);
}

// ---------------------------------------------------------------------------------------------
// Planning

function inRecordingsFolder(file: string): boolean {
  return dirname(file).split(sep).includes("recordings");
}

/** A 2025 layout whose names an `index.sqlite` maps: renaming a file would strand its row. */
function inLegacyIndex(file: string): boolean {
  return basename(dirname(file)) === "responses" && existsSync(join(dirname(dirname(file)), "index.sqlite"));
}

/** The name the era's recorder gives this request's file; a model list keeps its digest. */
export function recorderName(name: NameHash, hash: string, era: Era): string {
  const h = era.rules.fullHashNames ? hash : hash.slice(0, 12);
  return name.style === "models" && name.digest !== undefined ? `models-${h}-${name.digest}.json` : `${h}.json`;
}

/**
 * What `rehash` would do to these files under `era`. `gitFrom` is a folder in the git work tree
 * whose history dates the responses that compete for a name (null: no history, so such
 * competitions are conflicts).
 */
export async function planRehash(files: readonly string[], era: Era, gitFrom: string | null): Promise<RehashPlan> {
  const scans = await runParallel(files, { rules: era.id }, { url: new URL(import.meta.url), prepare: prepareTask });
  const failures: RehashFailure[] = [];
  const skipped: RehashSkip[] = [];
  const reachable = new Set<string>();
  const stale: Stale[] = [];
  for (const s of scans) {
    if (s.failure !== undefined) failures.push(s.failure);
    else if (s.status === "reachable") reachable.add(s.file);
    // A kind of call the era's recorder has no rule for cannot be given a name it looks up.
    else if (s.status === "no-rule") skipped.push({ file: s.file, reason: `no hash rule for this kind of call under the rules of ${era.id} (${s.why ?? "no rule"})` });
    else if (s.status === "unreachable" && s.hash !== null) {
      const name = nameHash(s.file);
      if (name === null) continue;
      if (!inRecordingsFolder(s.file)) skipped.push({ file: s.file, reason: "not inside a recordings folder" });
      else if (inLegacyIndex(s.file)) skipped.push({ file: s.file, reason: "a 2025 index.sqlite layout (renaming would strand index rows)" });
      else stale.push({ file: s.file, target: join(dirname(s.file), recorderName(name, s.hash, era)), why: s.why ?? "" });
    }
  }
  // A holder outside the scanned files is judged on demand, by the same rules.
  const scanned = new Set(files);
  const reachableAt = (path: string): boolean => {
    if (reachable.has(path)) return true;
    if (scanned.has(path)) return false;
    return scanFile(path, era).status === "reachable";
  };
  const read = new Map<string, Recording>();
  const recording = (f: string): Recording => read.get(f) ?? (read.set(f, readRecordingSync(f)).get(f) as Recording);
  const sameResponse = (a: string, b: string): boolean => sameResponseData(recording(a).data, recording(b).data);
  const contests = competitions(stale, { reachableAt, sameResponse });
  const toDate = filesToDate(contests.values());
  const dates: ResponseDates = toDate.length === 0 || gitFrom === null ? new Map() : await responseDates(gitFrom, toDate);
  const entries = decide(stale, contests, dates);
  const replaced = new Map(entries.filter((e) => e.action === "replace-older").map((e) => [e.to, responseDigest(readFileSync(e.to))]));
  return { era: era.id, scanned: files.length, entries, replaced, skipped, failures };
}

// ---------------------------------------------------------------------------------------------
// Applying

/** The `rec-` ids the recorder wrote into the response body's objects (`__data__.id`). */
function recIds(data: unknown): Set<string> {
  const response = isObject(data) ? data["response"] : undefined;
  const body = isObject(response) ? response["body"] : undefined;
  const ids = new Set<string>();
  for (const item of Array.isArray(body) ? body : [body]) {
    const d = isObject(item) ? item["__data__"] : undefined;
    const id = isObject(d) ? d["id"] : undefined;
    if (typeof id === "string" && /^rec-[0-9a-f]{12}$/.test(id)) ids.add(id);
  }
  return ids;
}

/**
 * The file as the recorder would have written it under its new name: the `rec-` ids of its
 * response follow the name (`rec-<first 12 hex>`, SPEC "Response normalization"); nothing else
 * changes, byte for byte (the ids have one length, so the layout stays the recorder's).
 */
export function renamedText(text: string, data: unknown, to: NameHash): string {
  const span = topLevelSpans(text, ["response"]).get("response");
  const next = `rec-${to.hash.slice(0, 12)}`;
  const ids = [...recIds(data)].filter((id) => id !== next);
  if (span === undefined || ids.length === 0) return text;
  let response = text.slice(span.start, span.end);
  for (const id of ids) response = response.split(`"${id}"`).join(`"${next}"`);
  return text.slice(0, span.start) + response + text.slice(span.end);
}

export interface ApplyResult {
  done: RehashEntry[];
  failures: RehashFailure[];
  /** Set when an interrupt stopped the run: the entries not done were not started. */
  interruption: Interruption | null;
}

/** How a `--write` run is guarded: the write gate's repository, interrupts, progress. */
export interface ApplyControl {
  /** Files outside the repository's recordings folders (by real path) are refused; null: judged on the whole path. */
  repoRoot: string | null;
  interrupts: Interrupts | null;
  onProgress?: ProgressListener;
}

/** The file's text under its new name; the file may have changed since it was planned: its request must still hash to the new name. */
function textForNewName(entry: RehashEntry, era: Era): string {
  const to = nameHash(entry.to);
  const rec = readRecordingSync(entry.file);
  const { hash } = requestHash(exactRequest(rec), era);
  if (to === null || hash === null || !nameAgrees(to, hash)) throw new Error("the file changed since it was read (left untouched)");
  return renamedText(rec.text, rec.data, to);
}

async function renameOne(entry: RehashEntry, era: Era): Promise<void> {
  await createAtomic(entry.to, textForNewName(entry, era));
  await unlink(entry.file);
}

/**
 * A newer stale recording takes the name of its older, correctly named twin. The twin is moved
 * aside (`<name>.recctl-aside-<pid>`, same folder) and checked to be still the one judged older;
 * the newer file is created exclusively on the name; only then are the newer file's old name and
 * the aside twin removed. Any failure before that puts the twin back (never over another file).
 */
async function replaceOlder(entry: RehashEntry, era: Era, judged: string | undefined): Promise<void> {
  const text = textForNewName(entry, era);
  const aside = `${entry.to}.recctl-aside-${process.pid}`;
  await rename(entry.to, aside);
  try {
    if (judged === undefined || responseDigest(readFileSync(aside)) !== judged) throw new Error(`${basename(entry.to)} changed since it was judged older (left untouched)`);
    await createAtomic(entry.to, text);
  } catch (err) {
    try {
      await link(aside, entry.to);
      await unlink(aside);
    } catch {
      throw new Error(`${(err as Error).message}; the older twin could not be put back: it is ${aside}`);
    }
    throw err;
  }
  await unlink(entry.file);
  await unlink(aside);
}

/**
 * A duplicate is removed only if, read again now, it still holds its twin's request and response
 * (the twin where the plan put it): a file changed since the plan is left as it is.
 */
async function removeDuplicate(entry: RehashEntry, era: Era): Promise<void> {
  const rec = readRecordingSync(entry.file);
  const twin = readRecordingSync(entry.to);
  const { hash } = requestHash(exactRequest(rec), era);
  if (hash === null || hash !== requestHash(exactRequest(twin), era).hash || !sameResponseData(rec.data, twin.data)) {
    throw new Error("it or its twin changed since they were read (left untouched)");
  }
  await unlink(entry.file);
}

/**
 * Carries out a plan. A rename runs once its new name is free (a chain resolves in order); a
 * replacement at once (replaceOlder); a duplicate is removed once its twin is where the plan puts it (at once for a correctly named
 * twin, after the rename for a renamed one). A name still taken at the end is a failure, never an
 * overwrite. Superseded files and conflicts are left alone.
 */
export async function applyRehash(plan: RehashPlan, control: ApplyControl = { repoRoot: null, interrupts: null }): Promise<ApplyResult> {
  const era = eraById(plan.era) ?? NEWEST_ERA;
  const done: RehashEntry[] = [];
  const doneFiles = new Set<string>();
  const failed = new Set<string>();
  const failures: RehashFailure[] = [];
  const fail = (entry: RehashEntry, err: unknown): void => {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "EEXIST" ? `${basename(entry.to)} is taken (left untouched)` : (err as Error).message;
    failures.push({ file: entry.file, message: `cannot ${entry.action}: ${why}`, line: null, column: null });
    failed.add(entry.file);
  };
  const ready = (e: RehashEntry): boolean => (e.action === "rename" ? !existsSync(e.to) : e.after === null || doneFiles.has(e.after));
  let pending = plan.entries.filter((x) => x.action === "rename" || x.action === "replace-older" || x.action === "remove-duplicate");
  const total = pending.length;
  const stopped = (): ApplyResult | null =>
    control.interrupts?.requested === true ? { done, failures, interruption: interruptionOf(control.interrupts, done.length + failures.length, total) } : null;
  for (let progress = true; pending.length > 0 && progress; ) {
    progress = false;
    const waiting: RehashEntry[] = [];
    for (const e of pending) {
      // Between two files: the one in flight has finished (every file whole), the rest wait.
      const stop = stopped();
      if (stop !== null) return stop;
      if (!ready(e)) {
        // A duplicate whose twin failed to move stays, with the name it had.
        if (e.after !== null && failed.has(e.after)) fail(e, new Error(`its twin ${basename(e.after)} was not renamed`));
        else waiting.push(e);
        continue;
      }
      try {
        // Asked right before the change: a file (or its real path) outside the recordings folders is left alone.
        const refused = writeRefusalSync(e.file, control.repoRoot) ?? (e.action === "remove-duplicate" ? null : writeRefusalSync(e.to, control.repoRoot));
        if (refused !== null) throw new Error(refused);
        if (e.action === "rename") await renameOne(e, era);
        else if (e.action === "replace-older") await replaceOlder(e, era, plan.replaced.get(e.to));
        else await removeDuplicate(e, era);
        done.push(e);
        doneFiles.add(e.file);
        progress = true;
      } catch (err) {
        fail(e, err);
      }
      control.onProgress?.(done.length + failures.length, total);
      // A turn of the event loop, so a signal's handler runs between two files.
      if (control.interrupts !== null) await new Promise((resolve) => setImmediate(resolve));
    }
    pending = waiting;
  }
  for (const e of pending) fail(e, Object.assign(new Error("taken"), { code: "EEXIST" }));
  return { done, failures, interruption: null };
}
