/**
 * Which era's rules produced a recording's name (SPEC, "Hash rules by era"), and the twins
 * prune's `superseded` is judged on. The verdict itself (reachable or not) is rules/verdict.ts.
 */
import { dirname } from "node:path";
import { requestHash, ruleKeys, type HashInput } from "../hash.js";
import { nameAgrees, type NameHash } from "../recording.js";
import { ERAS, lastDay, nextEra, type Era } from "./eras.js";

/** Which eras name a file as it is named, and what that means under the era in use. */
export interface NameOrigin {
  /** Ids of the eras whose rules give the file's name (oldest first); empty when none does. */
  eras: string[];
  /** The run of eras the message speaks of: its first era and its last day (null: still in force). */
  from: string | null;
  to: string | null;
  /** The era whose change stranded the file (the first after `from … to`), when it is older. */
  changedBy: string | null;
  message: string;
}

/** The eras whose hash of this request agrees with the file name. */
export function erasNaming(input: HashInput, name: NameHash, known?: { era: Era; named: boolean }): Era[] {
  // Eras whose rules hash this request alike are hashed once (a long request costs milliseconds);
  // `known` is an era the caller has hashed already.
  const keys = ruleKeys(input, ERAS);
  const agrees = new Map<string, boolean>();
  if (known !== undefined) agrees.set(keys[ERAS.indexOf(known.era)] ?? known.era.id, known.named);
  return ERAS.filter((era, i) => {
    const key = keys[i] ?? era.id;
    let named = agrees.get(key);
    if (named === undefined) {
      const { hash } = requestHash(input, era);
      named = hash !== null && nameAgrees(name, hash);
      agrees.set(key, named);
    }
    return named;
  });
}

/** Runs of consecutive eras, oldest first. */
function runs(eras: readonly Era[]): Era[][] {
  const out: Era[][] = [];
  for (const era of eras) {
    const last = out[out.length - 1];
    const prev = last?.[last.length - 1];
    if (last !== undefined && prev !== undefined && nextEra(prev) === era) last.push(era);
    else out.push([era]);
  }
  return out;
}

/**
 * Why a file is (un)reachable under `inUse`: the eras that name it. The run told of is the
 * newest one older than the era in use (the change after it stranded the file), else the oldest
 * newer one (a file recorded by a newer recorder than the repository's).
 */
export function nameOrigin(input: HashInput, name: NameHash, inUse: Era, inUseNames?: boolean): NameOrigin {
  const naming = erasNaming(input, name, inUseNames === undefined ? undefined : { era: inUse, named: inUseNames });
  const eras = naming.map((e) => e.id);
  if (naming.includes(inUse)) return { eras, from: inUse.id, to: lastDay(inUse), changedBy: null, message: `named under the rules in use (${inUse.id})` };
  const all = runs(naming);
  const index = ERAS.indexOf(inUse);
  const older = all.filter((r) => ERAS.indexOf(r[r.length - 1] as Era) < index).pop();
  const run = older ?? all.find((r) => ERAS.indexOf(r[0] as Era) > index);
  if (run === undefined) {
    return { eras, from: null, to: null, changedBy: null, message: "no known era's rules give this name (was the request edited after recording?)" };
  }
  const first = run[0] as Era;
  const last = run[run.length - 1] as Era;
  const to = lastDay(last);
  const span = to === null ? `named under the rules in force since ${first.id}` : `named under the rules of ${first.id} … ${to}`;
  if (older !== undefined) {
    const changed = nextEra(last) as Era;
    return { eras, from: first.id, to, changedBy: changed.id, message: `${span}; ${changed.change} (${changed.id}) changed its hash` };
  }
  return { eras, from: first.id, to, changedBy: null, message: `${span}, newer than the rules in use (${inUse.id})` };
}

/** What finding twins needs of each judged file. */
export interface JudgedFile {
  file: string;
  name: NameHash | null;
  hash: string | null;
  reachable: boolean | null;
}

/**
 * Unreachable files with a correctly named recording of the same request (the same hash under
 * the era in use) in the same folder, where the recorder looks: each file → that twin. Whether
 * the twin supersedes it (SPEC, orphan reasons) depends on their responses (prune/superseded.ts).
 */
export function findTwins(files: readonly JudgedFile[]): Map<string, string> {
  const reachable = new Map<string, string>();
  for (const f of files) if (f.reachable === true && f.hash !== null) reachable.set(`${dirname(f.file)}\u0000${f.hash}`, f.file);
  const out = new Map<string, string>();
  for (const f of files) {
    if (f.reachable !== false || f.hash === null) continue;
    const twin = reachable.get(`${dirname(f.file)}\u0000${f.hash}`);
    if (twin !== undefined) out.set(f.file, twin);
  }
  return out;
}
