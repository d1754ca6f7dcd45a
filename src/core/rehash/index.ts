/**
 * `rehash` (SPEC; issue "hash rules by era"): give every unreachable recording the name the
 * recorder of the era in use looks up, and the `rec-` ids it derives from that name. Planning is
 * pure data (which file goes where, and why); applying renames by creating the new file
 * exclusively and then removing the old one, so nothing is ever overwritten.
 *
 * A new name is judged by where files will be after the run: a stale file sitting on it that
 * moves away in the same run frees it (chains), one that stays keeps it.
 */
import { existsSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { diffRecordings, diffSide } from "../diff/index.js";
import { requestHash } from "../hash.js";
import { runParallel } from "../parallel.js";
import { exactRequest, isObject, nameAgrees, nameHash, readRecordingSync, RecordingError, type NameHash } from "../recording.js";
import { eraById, NEWEST_ERA, type Era } from "../rules/eras.js";
import { originOf, verdictOf, type VerdictStatus } from "../rules/verdict.js";
import { topLevelSpans } from "../spans.js";
import { createAtomic } from "../write.js";

export type RehashAction = "rename" | "remove-duplicate" | "superseded" | "conflict";

export interface RehashEntry {
  file: string;
  /** The new name (rename), or the recording that holds it (the other actions). */
  to: string;
  action: RehashAction;
  reason: string;
  /** A duplicate of a file renamed in the same run is removed only once that rename is done. */
  after: string | null;
}

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

/** Two recordings with the same response, as `diff` judges it (volatile noise ignored). */
function sameResponseData(da: unknown, db: unknown): boolean {
  const options = { raw: false, ignore: [] };
  return diffRecordings(diffSide(da, options), diffSide(db, options), options).response.length === 0;
}

function sameResponse(a: string, b: string): boolean {
  return sameResponseData(readRecordingSync(a).data, readRecordingSync(b).data);
}

interface Stale {
  file: string;
  target: string;
  why: string;
}

type Fate = { moves: boolean; entry: RehashEntry | null };

/**
 * Decides every stale file's fate. The group of stale files that map to one name is decided
 * once: by the recording on that name when it is correctly named (duplicate / superseded), else
 * (the name is free, or its stale holder leaves) the first of the group takes it and the others
 * are duplicates of it or conflicts.
 */
function decide(stale: readonly Stale[], reachableAt: (path: string) => boolean): RehashEntry[] {
  const byFile = new Map(stale.map((s) => [s.file, s]));
  const groups = new Map<string, Stale[]>();
  for (const s of stale) groups.set(s.target, [...(groups.get(s.target) ?? []), s]);
  for (const g of groups.values()) g.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const fates = new Map<string, Fate>();
  const deciding = new Set<string>();

  const groupFates = (target: string): void => {
    const group = groups.get(target) ?? [];
    if (group.every((s) => fates.has(s.file))) return;
    for (const s of group) deciding.add(s.file);
    const set = (s: Stale, moves: boolean, entry: RehashEntry): void => void fates.set(s.file, { moves, entry });
    const holder = existsSync(target) ? target : null;
    if (holder !== null && reachableAt(holder)) {
      for (const s of group) {
        if (sameResponse(s.file, holder)) {
          set(s, true, { file: s.file, to: holder, action: "remove-duplicate", reason: `same request and response as ${basename(holder)}, which is correctly named`, after: null });
        } else {
          const reason = `${basename(holder)} is the correctly named recording of this request, with another response (re-recorded)`;
          set(s, false, { file: s.file, to: holder, action: "superseded", reason, after: null });
        }
      }
      return;
    }
    let blockedBy: string | null = null;
    if (holder !== null) {
      const own = byFile.get(holder);
      if (own === undefined) blockedBy = `${basename(holder)} holds the name and is not being renamed`;
      else if (deciding.has(holder) && !fates.has(holder)) blockedBy = `${basename(holder)} holds the name and waits for this file's (a rename cycle)`;
      else {
        groupFates(own.target);
        if (fates.get(holder)?.moves !== true) blockedBy = `${basename(holder)} holds the name and stays`;
      }
    }
    if (blockedBy !== null) {
      for (const s of group) set(s, false, { file: s.file, to: target, action: "conflict", reason: blockedBy, after: null });
      return;
    }
    const [winner, ...rest] = group;
    if (winner === undefined) return;
    set(winner, true, { file: winner.file, to: target, action: "rename", reason: winner.why, after: null });
    for (const s of rest) {
      if (sameResponse(s.file, winner.file)) {
        const reason = `same request and response as ${basename(winner.file)}, renamed to this name`;
        set(s, true, { file: s.file, to: target, action: "remove-duplicate", reason, after: winner.file });
      } else {
        set(s, false, { file: s.file, to: target, action: "conflict", reason: `${basename(winner.file)} maps to the same name with another response`, after: null });
      }
    }
  };

  for (const target of groups.keys()) groupFates(target);
  return stale.map((s) => fates.get(s.file)?.entry).filter((e): e is RehashEntry => e !== null && e !== undefined);
}

/** What `rehash` would do to these files under `era`. */
export async function planRehash(files: readonly string[], era: Era): Promise<RehashPlan> {
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
  return { era: era.id, scanned: files.length, entries: decide(stale, reachableAt), skipped, failures };
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
}

async function renameOne(entry: RehashEntry, era: Era): Promise<void> {
  const to = nameHash(entry.to);
  const rec = readRecordingSync(entry.file);
  // The file may have changed since it was planned: its request must still hash to the new name.
  const { hash } = requestHash(exactRequest(rec), era);
  if (to === null || hash === null || !nameAgrees(to, hash)) throw new Error("the file changed since it was read (left untouched)");
  const text = renamedText(rec.text, rec.data, to);
  await createAtomic(entry.to, text);
  await unlink(entry.file);
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
 * duplicate is removed once its twin is where the plan puts it (at once for a correctly named
 * twin, after the rename for a renamed one). A name still taken at the end is a failure, never an
 * overwrite. Superseded files and conflicts are left alone.
 */
export async function applyRehash(plan: RehashPlan): Promise<ApplyResult> {
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
  let pending = plan.entries.filter((x) => x.action === "rename" || x.action === "remove-duplicate");
  for (let progress = true; pending.length > 0 && progress; ) {
    progress = false;
    const waiting: RehashEntry[] = [];
    for (const e of pending) {
      if (!ready(e)) {
        // A duplicate whose twin failed to move stays, with the name it had.
        if (e.after !== null && failed.has(e.after)) fail(e, new Error(`its twin ${basename(e.after)} was not renamed`));
        else waiting.push(e);
        continue;
      }
      try {
        if (e.action === "rename") await renameOne(e, era);
        else await removeDuplicate(e, era);
        done.push(e);
        doneFiles.add(e.file);
        progress = true;
      } catch (err) {
        fail(e, err);
      }
    }
    pending = waiting;
  }
  for (const e of pending) fail(e, Object.assign(new Error("taken"), { code: "EEXIST" }));
  return { done, failures };
}
