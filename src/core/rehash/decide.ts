/**
 * Deciding each stale file's fate (SPEC: `rehash` conflicts; issue 17). The stale files that map
 * to one name — and the correctly named recording already on it, when there is one — compete:
 * recordings with the same response (as `diff` judges it) are one answer, and removing a copy
 * loses nothing; among different answers the newest wins (history/response-dates.ts, the one
 * comparison), a correctly named holder winning ties ("at least as new"). Without history, or on
 * a tie between stale files, nothing is renamed and the conflict is reported.
 *
 * A new name is judged by where files will be after the run: a stale file sitting on it that
 * moves away in the same run frees it (chains), one that stays keeps it.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { compareResponseDates, type ResponseDate, type ResponseDates } from "../history/response-dates.js";

export type RehashAction = "rename" | "replace-older" | "remove-duplicate" | "superseded" | "conflict";

/** A recording competing for a name, with when its response was recorded (null: no history). */
export interface Candidate {
  file: string;
  date: ResponseDate | null;
}

export interface RehashEntry {
  file: string;
  /** The new name (rename, replace-older), or the recording that holds it (the other actions). */
  to: string;
  action: RehashAction;
  reason: string;
  /** A duplicate of a file renamed in the same run is removed only once that rename is done. */
  after: string | null;
  /** The recordings with different responses that competed for the name; empty when none did. */
  candidates: Candidate[];
  /** Whose response keeps the name; null when nothing competed or none could be chosen. */
  winner: string | null;
}

export interface Stale {
  file: string;
  target: string;
  why: string;
}

/** What deciding needs to know about the files (each asked once per file, cached by the caller). */
export interface Judge {
  /** Is the file on this path correctly named under the era? */
  reachableAt: (path: string) => boolean;
  /** Same response, as `diff` judges it. */
  sameResponse: (a: string, b: string) => boolean;
}

/** The files competing for one name, in classes of one response each. */
export interface Competition {
  target: string;
  /** The correctly named recording on the name, or null. */
  holder: string | null;
  classes: string[][];
}

/** Splits the competitors for each name into classes of one response; the holder's class first. */
export function competitions(stale: readonly Stale[], judge: Judge): Map<string, Competition> {
  const groups = groupByTarget(stale);
  const out = new Map<string, Competition>();
  for (const [target, group] of groups) {
    const holder = existsSync(target) && judge.reachableAt(target) ? target : null;
    const classes: string[][] = [];
    for (const file of [...(holder === null ? [] : [holder]), ...group.map((s) => s.file)]) {
      const same = classes.find((c) => judge.sameResponse(c[0] as string, file));
      if (same !== undefined) same.push(file);
      else classes.push([file]);
    }
    out.set(target, { target, holder, classes });
  }
  return out;
}

function groupByTarget(stale: readonly Stale[]): Map<string, Stale[]> {
  const groups = new Map<string, Stale[]>();
  for (const s of stale) groups.set(s.target, [...(groups.get(s.target) ?? []), s]);
  for (const g of groups.values()) g.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return groups;
}

/** The files whose response dates a decision needs: those of names where different responses compete. */
export function filesToDate(all: Iterable<Competition>): string[] {
  return [...all].filter((c) => c.classes.length > 1).flatMap((c) => c.classes.flat());
}

type Newest = { kind: "newest"; index: number } | { kind: "tie"; indices: number[] } | { kind: "unknown" };

/** The newest of a class's dates (a copy recorded again later makes the answer that new). */
function classDate(files: readonly string[], dates: ResponseDates): ResponseDate | null {
  let best: ResponseDate | null = null;
  for (const f of files) {
    const d = dates.get(f) ?? null;
    if (d === null) return null;
    if (best === null || compareResponseDates(d, best) === "newer") best = d;
  }
  return best;
}

/** Which class holds the newest response, by the one comparison. */
function newestClass(classes: readonly string[][], dates: ResponseDates): Newest {
  const ds = classes.map((c) => classDate(c, dates));
  if (ds.some((d) => d === null)) return { kind: "unknown" };
  let best = 0;
  for (let i = 1; i < ds.length; i++) if (compareResponseDates(ds[i] ?? null, ds[best] ?? null) === "newer") best = i;
  const tied = ds.map((d, i) => (compareResponseDates(d, ds[best] ?? null) === "same-date" ? i : -1)).filter((i) => i >= 0);
  return tied.length > 1 ? { kind: "tie", indices: tied } : { kind: "newest", index: best };
}

/** `2026-01-05T10:00:00Z (commit 1a2b3c4)` or `uncommitted (file changed 2026-…)`. */
export function describeDate(d: ResponseDate | null): string {
  if (d === null) return "no history";
  return d.source === "working-tree" ? `uncommitted (file changed ${d.date})` : `${d.date} (commit ${(d.commit ?? "").slice(0, 7)})`;
}

type Fate = { moves: boolean; entry: RehashEntry | null };

/** Decides every stale file's fate; `dates` holds at least `filesToDate(competitions)`. */
export function decide(stale: readonly Stale[], contests: ReadonlyMap<string, Competition>, dates: ResponseDates): RehashEntry[] {
  const byFile = new Map(stale.map((s) => [s.file, s]));
  const staleFiles = new Set(stale.map((s) => s.file));
  const fates = new Map<string, Fate>();
  const deciding = new Set<string>();
  const candidatesOf = (c: Competition): Candidate[] => (c.classes.length > 1 ? c.classes.flat().map((file) => ({ file, date: dates.get(file) ?? null })) : []);
  const dateOf = (f: string): string => describeDate(dates.get(f) ?? null);

  const groupFates = (target: string): void => {
    const contest = contests.get(target);
    if (contest === undefined) return;
    const members = contest.classes.flat().filter((f) => staleFiles.has(f));
    if (members.every((f) => fates.has(f))) return;
    for (const f of members) deciding.add(f);
    const candidates = candidatesOf(contest);
    const set = (file: string, moves: boolean, e: Omit<RehashEntry, "file" | "candidates">): void =>
      void fates.set(file, { moves, entry: { file, ...e, candidates } });
    const holder = contest.holder;

    if (holder !== null) {
      const newest = contest.classes.length > 1 ? newestClass(contest.classes, dates) : ({ kind: "newest", index: 0 } as const);
      // The holder's class is the first; a tie that includes it goes to it ("at least as new").
      const holderWins = (newest.kind === "newest" && newest.index === 0) || (newest.kind === "tie" && newest.indices.includes(0));
      const [own = [], ...others] = contest.classes;
      // Copies of the holder's answer lose nothing, unless a newer answer replaces the holder.
      if (holderWins || newest.kind !== "newest") {
        for (const f of own.filter((x) => x !== holder)) {
          set(f, true, { to: holder, action: "remove-duplicate", reason: `same request and response as ${basename(holder)}, which is correctly named`, after: null, winner: holderWins ? holder : null });
        }
      }
      if (holderWins) {
        for (const f of others.flat()) {
          const reason = `${basename(holder)} is the correctly named recording of this request, with another response recorded as late or later (${dateOf(holder)}; this one ${dateOf(f)})`;
          set(f, false, { to: holder, action: "superseded", reason, after: null, winner: holder });
        }
        return;
      }
      if (newest.kind !== "newest") {
        const why = newest.kind === "unknown" ? "no git history tells which response is newer" : "their responses were recorded at the same time (a tie)";
        for (const f of others.flat()) set(f, false, { to: holder, action: "conflict", reason: `${basename(holder)} holds the name with another response, and ${why}`, after: null, winner: null });
        return;
      }
      const winning = contest.classes[newest.index] ?? [];
      const winner = winning[0] as string;
      const reason = `its response (${dateOf(winner)}) is newer than that of ${basename(holder)} (${dateOf(holder)}), the correctly named recording it replaces`;
      set(winner, true, { to: target, action: "replace-older", reason, after: null, winner });
      losers(contest, winner, target, set, dateOf);
      return;
    }

    let blockedBy: string | null = null;
    if (existsSync(target)) {
      const own = byFile.get(target);
      if (own === undefined) blockedBy = `${basename(target)} holds the name and is not being renamed`;
      else if (deciding.has(target) && !fates.has(target)) blockedBy = `${basename(target)} holds the name and waits for this file's (a rename cycle)`;
      else {
        groupFates(own.target);
        if (fates.get(target)?.moves !== true) blockedBy = `${basename(target)} holds the name and stays`;
      }
    }
    if (blockedBy !== null) {
      for (const f of members) set(f, false, { to: target, action: "conflict", reason: blockedBy, after: null, winner: null });
      return;
    }
    const newest = contest.classes.length > 1 ? newestClass(contest.classes, dates) : ({ kind: "newest", index: 0 } as const);
    if (newest.kind !== "newest") {
      const why = newest.kind === "unknown" ? "no git history tells which response is newer" : "their responses were recorded at the same time (a tie)";
      for (const f of members) {
        const rivals = members.filter((m) => m !== f && !contest.classes.some((c) => c.includes(f) && c.includes(m)));
        set(f, false, { to: target, action: "conflict", reason: `${rivals.map((r) => basename(r)).join(", ")} map${rivals.length === 1 ? "s" : ""} to the same name with another response, and ${why}`, after: null, winner: null });
      }
      return;
    }
    const winner = (contest.classes[newest.index] ?? [])[0] as string;
    const reason = contest.classes.length > 1 ? `${byFile.get(winner)?.why ?? ""}; its response (${dateOf(winner)}) is the newest of those competing for the name` : (byFile.get(winner)?.why ?? "");
    set(winner, true, { to: target, action: "rename", reason, after: null, winner: contest.classes.length > 1 ? winner : null });
    losers(contest, winner, target, set, dateOf);
  };

  for (const target of contests.keys()) groupFates(target);
  return stale.map((s) => fates.get(s.file)?.entry).filter((e): e is RehashEntry => e !== null && e !== undefined);
}

/** Once `winner` takes the name: copies of its answer go after it; older answers stay, superseded by it. */
function losers(
  contest: Competition,
  winner: string,
  target: string,
  set: (file: string, moves: boolean, e: Omit<RehashEntry, "file" | "candidates">) => void,
  dateOf: (f: string) => string,
): void {
  const multi = contest.classes.length > 1;
  for (const cls of contest.classes) {
    for (const f of cls) {
      if (f === winner || f === contest.holder) continue;
      if (cls.includes(winner)) {
        const reason = `same request and response as ${basename(winner)}, renamed to this name`;
        set(f, true, { to: target, action: "remove-duplicate", reason, after: winner, winner: multi ? winner : null });
      } else {
        const reason = `${basename(winner)} takes this name with a newer response (${dateOf(winner)}; this one ${dateOf(f)})`;
        set(f, false, { to: target, action: "superseded", reason, after: null, winner });
      }
    }
  }
}
