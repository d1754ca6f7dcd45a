/**
 * The guards before any deletion (SPEC, "Orphan reasons"): situations in which the list of
 * orphans is more likely a mistake of the input than the truth — a wrong repository root, a
 * manifest that does not fit, too much at once. `--delete` refuses when one fires; a dry run
 * shows the same warning, so a person sees it before scheduling the job.
 */
import { isErrored, splitTestId, testFileOf, type Manifest } from "../collected.js";
import type { Existence, ScannedRecording } from "./judge.js";
import { deletionLimit, formatMaxDelete, type MaxDelete } from "./max-delete.js";
import type { Orphan } from "./plan.js";
import { plural } from "../plural.js";

export const GUARD_NAMES = [
  "missing-paths",
  "partial-collection",
  "no-test-file-resolves",
  "manifest-function-level",
  "manifest-no-test-file",
  "max-delete",
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

export interface Guard {
  guard: GuardName;
  /** What looks wrong, with the numbers. */
  problem: string;
  /** How to proceed. */
  remedy: string;
}

export interface GuardInput {
  /** Recordings in scope (every file searched, readable or not). */
  scanned: number;
  readable: readonly ScannedRecording[];
  exists: ReadonlyMap<string, Existence>;
  manifest: Manifest | null;
  /** The orphans `--delete` would remove (after `--reason`). */
  toDelete: readonly Orphan[];
  /** Legacy index rows `--delete` would remove. */
  rowsToDelete: number;
  missingPaths: readonly string[];
  allowPartial: boolean;
  maxDelete: MaxDelete;
}

function noTestFileResolves(input: GuardInput): Guard | null {
  if (!input.toDelete.some((o) => o.reasons.includes("test-file-missing"))) return null;
  const named = [...input.exists].filter(([f]) => f !== "");
  if (named.length === 0 || named.some(([, e]) => e === "present")) return null;
  const example = named[0]?.[0] ?? "";
  const which = named.length === 1 ? `the one test file the recordings name (${example}) does not exist` : `none of the ${named.length} test files the recordings name (e.g. ${example}) exists`;
  return {
    guard: "no-test-file-resolves",
    problem: `${which} under the repository root, so every recording looks test-file-missing`,
    remedy: "run from inside the repository the recordings belong to, or pass --repo-root <dir> (the folder their test_id paths start from)",
  };
}

function isPartial(m: Manifest): boolean {
  return m.erroredFiles.size > 0 || m.unnamedErrors;
}

/** Function-level ids (`path::test`) for recordings whose ids carry parameters (`path::test[p]`). */
function functionLevel(input: GuardInput, manifest: Manifest): Guard | null {
  let full = 0;
  let base = 0;
  let example: string | null = null;
  for (const s of input.readable) {
    if (s.testId === null || isErrored(manifest, testFileOf(s.testId))) continue;
    const { base: fn, params } = splitTestId(s.testId);
    if (params === "") continue;
    if (manifest.ids.has(s.testId)) full++;
    else if (manifest.ids.has(fn)) {
      base++;
      example ??= fn;
    }
  }
  if (full > 0 || base === 0) return null;
  return {
    guard: "manifest-function-level",
    problem: `the manifest lists test functions without their parameters (e.g. ${example ?? ""}) while ${plural(base, "recording")} carry them in their test_id, and none of the parametrized test_ids is in it`,
    remedy: "make the manifest with `pytest --collect-only -q` (it prints one node id per parameter set), or pass --allow-partial if those tests really lost their parameters",
  };
}

/** A manifest from elsewhere (another rootdir, another repo) would make every recording look orphaned. */
function namesNoTestFile(input: GuardInput, manifest: Manifest): Guard | null {
  const inManifest = new Set([...manifest.ids].map(testFileOf));
  const named = [...input.exists].filter(([f]) => f !== "");
  const present = named.filter(([, e]) => e === "present");
  const files = (present.length > 0 ? present : named).map(([f]) => f);
  if (files.length === 0 || files.some((f) => inManifest.has(f))) return null;
  return {
    guard: "manifest-no-test-file",
    problem: `the manifest names none of the ${plural(files.length, "test file")} the recordings belong to (was pytest run in the repository root?)`,
    remedy: "make the manifest with `pytest --collect-only -q` in the repository root, or pass --allow-partial to remove the orphans listed anyway",
  };
}

function tooMany(input: GuardInput): Guard | null {
  const n = input.toDelete.length;
  if (n <= deletionLimit(input.maxDelete, input.scanned)) return null;
  const share = input.scanned === 0 ? 100 : Math.ceil((n * 100) / input.scanned);
  return {
    guard: "max-delete",
    problem: `removing ${n} of the ${plural(input.scanned, "recording")} in scope (${share}%) is more than --max-delete ${formatMaxDelete(input.maxDelete)} allows`,
    remedy: `check the list (a dry run prints it); if it is right, rerun with --max-delete ${share}% (or --max-delete ${n}), or narrow it with --reason or paths`,
  };
}

/** The guards that fire; none when there is nothing to remove. */
export function checkGuards(input: GuardInput): Guard[] {
  if (input.toDelete.length + input.rowsToDelete === 0) return [];
  const fired: (Guard | null)[] = [];
  if (input.missingPaths.length > 0) {
    fired.push({ guard: "missing-paths", problem: "some paths named nothing", remedy: "fix the command line first" });
  }
  const m = input.manifest;
  const judgedNotCollected = m !== null && input.toDelete.some((o) => o.reasons.includes("not-collected"));
  if (m !== null && isPartial(m) && !input.allowPartial) {
    fired.push({
      guard: "partial-collection",
      problem: "the collection was partial (pytest reported collection errors, see above)",
      remedy: "fix the collection errors, or pass --allow-partial to remove the orphans listed anyway",
    });
  }
  fired.push(noTestFileResolves(input));
  if (judgedNotCollected && !input.allowPartial) fired.push(functionLevel(input, m), namesNoTestFile(input, m));
  fired.push(tooMany(input));
  return fired.filter((g): g is Guard => g !== null);
}
