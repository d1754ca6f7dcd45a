/**
 * The one verdict per recording (SPEC, "Hash rules by era"): can the recorder of the era in use
 * find this file by its request? validate, hash, show, prune, rehash, explain and changes all ask
 * here, so the same file gets the same answer through any command. Which eras named a stale file
 * is asked separately (`originOf`), only when a caller needs to say it: it hashes the request
 * again under other eras.
 */
import { requestHash, type HashInput } from "../hash.js";
import { nameAgrees, type NameHash } from "../recording.js";
import type { RequestKind } from "../types.js";
import type { Era } from "./eras.js";
import { nameOrigin, type NameOrigin } from "./judge.js";

/**
 * - `reachable`: the name is the hash of the file's own request under the era's rules;
 * - `unreachable`: the name is a hash, and not that one;
 * - `no-rule`: a known kind of call the era's recorder has no rule for (tool calls before
 *   2025-10-09, raw HTTP before 2026-02-12, file processors): never looked up, so unreachable too;
 * - `unknown`: the name is not a hash (`notes.json`) or the request has no known shape: not judged.
 */
export type VerdictStatus = "reachable" | "unreachable" | "no-rule" | "unknown";

export const VERDICT_STATUSES: readonly VerdictStatus[] = ["reachable", "unreachable", "no-rule", "unknown"];

export interface Verdict {
  status: VerdictStatus;
  kind: RequestKind;
  /** The hash the file name claims; null when the name is not a hash. */
  nameHash: string | null;
  /** The hash of its own request under the era; null when the era has no rule for its kind. */
  hash: string | null;
  /** What the recorder hashes (json.dumps with sort_keys); null with no rule. Written when read. */
  readonly normalized: string | null;
  /** Why no rule applies, when none does. */
  note: string | null;
  era: Era;
}

/** True for both kinds of unreachable: the recorder of the era never finds the file. */
export function isUnreachable(v: Pick<Verdict, "status">): boolean {
  return v.status === "unreachable" || v.status === "no-rule";
}

/** The verdict on a recording whose name is `name` (null: not a hash) and whose request is `input`. */
export function verdictOf(input: HashInput, name: NameHash | null, era: Era): Verdict {
  const result = requestHash(input, era);
  const { hash, kind } = result;
  const status: VerdictStatus = name === null || kind === "unknown" ? "unknown" : hash === null ? "no-rule" : nameAgrees(name, hash) ? "reachable" : "unreachable";
  // `normalized` stays the hash result's getter: the text is written out only when read (--explain).
  return {
    status,
    kind,
    nameHash: name?.hash ?? null,
    hash,
    get normalized(): string | null {
      return result.normalized;
    },
    note: result.note ?? null,
    era,
  };
}

/**
 * Which eras' rules give the file its name, and what that means under the era in use. Asked only
 * for unreachable files (it hashes the request under the other eras, once per distinct rule key).
 */
export function originOf(input: HashInput, name: NameHash, verdict: Verdict): NameOrigin {
  return nameOrigin(input, name, verdict.era, verdict.hash === null ? undefined : verdict.status === "reachable");
}

/** One line saying why the recorder never finds the file (validate's and show's wording). */
export function unreachableMessage(input: HashInput, name: NameHash, verdict: Verdict): string {
  if (verdict.status === "no-rule") return `cannot be replayed: ${verdict.note ?? "no hash rule"} (unreachable)`;
  const hash = verdict.hash ?? "";
  return `hashes to ${hash.slice(0, 12)}… but the file is named ${name.hash.slice(0, 12)}…: the recorder can never find it (unreachable under the rules of ${verdict.era.id}); ${originOf(input, name, verdict).message}`;
}
