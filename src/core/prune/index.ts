/**
 * `prune` as one call (SPEC, "Orphan reasons"): discover → read on every core → judge → plan →
 * guards → remove (only with `delete`, only when no guard fires). Returns everything found and
 * done as one result; nothing here prints.
 */
import { resolve } from "node:path";
import type { Manifest } from "../collected.js";
import type { Interrupts, ProgressListener } from "../io/interrupt.js";
import { discover, type Discovery } from "../discover.js";
import { nameHash } from "../recording.js";
import { findRepoRoot, type RepoRoot } from "../repo-root.js";
import { resolveRules, type RulesChoice, type RulesInUse } from "../rules/detect.js";
import { findSuperseded } from "../rules/judge.js";
import { findStaleTemps, foldersOf, sweepStaleTemps, type StaleTempOutcome } from "../write.js";
import { checkGuards, type Guard } from "./guards.js";
import type { MaxDelete } from "./max-delete.js";
import { testFileExistence, testJudge, type ScannedRecording, type Unjudged } from "./judge.js";
import { findLegacyIndexes, judgeLegacy, type IndexOrphan } from "./legacy.js";
import { orphanOf, select, type Orphan } from "./plan.js";
import type { OrphanReason } from "./reasons.js";
import { removeOrphans, type RemovalResult } from "./remove.js";
import { confirmReadable, isUnreadable, scanRecordings, type UnreadableRecording } from "./scan.js";

export { ORPHAN_REASONS, isOrphanReason, type OrphanReason } from "./reasons.js";
export { GUARD_NAMES, type Guard, type GuardName } from "./guards.js";
export { DEFAULT_MAX_DELETE, type MaxDelete } from "./max-delete.js";
export { readManifests } from "./manifest.js";
export type { Orphan } from "./plan.js";
export type { IndexOrphan } from "./legacy.js";
export type { RemovalOutcome, RemovalResult } from "./remove.js";
export type { Unjudged } from "./judge.js";
export type { UnreadableRecording } from "./scan.js";

export interface PruneOptions {
  /** Where recordings are searched (absolute). */
  root: string;
  /** `--repo-root` (absolute): where test paths resolve; null to find it from `root`. */
  repoRoot: string | null;
  paths: readonly string[];
  /** The union of `--collected` manifests; null when none was given. */
  manifest: Manifest | null;
  /** Only orphans with one of these reasons are listed and removed (all when empty). */
  reasons: readonly OrphanReason[];
  delete: boolean;
  allowPartial: boolean;
  maxDelete: MaxDelete;
  /** `--rules`; null: the era of the repository's own recorder, else the newest. */
  rules: RulesChoice | null;
  /** With `delete`: stops the removal between files (io/interrupt.ts); null: not watched. */
  interrupts: Interrupts | null;
  onProgress?: ProgressListener;
}

/** Everything `prune` found and did. */
export interface PruneResult {
  discovery: Discovery;
  /** Recordings in scope: every file searched. */
  scanned: number;
  /** Where the test paths in `test_id` were resolved, and how that folder was found. */
  repoRoot: RepoRoot;
  /** The hash rules `unreachable` and `superseded` were judged by. */
  rules: RulesInUse;
  /** The orphans listed (after `reasons`), sorted by file. */
  orphans: Orphan[];
  indexOrphans: IndexOrphan[];
  unreadable: UnreadableRecording[];
  indexErrors: { indexPath: string; message: string }[];
  /** Collection errors: what pytest said, and the recordings not judged because of them. */
  partial: { problems: string[]; unjudged: Unjudged[] } | null;
  notices: string[];
  /** The guards that fire for this list: `delete` refuses when there is any. */
  guards: Guard[];
  deleteRequested: boolean;
  /** `delete` was asked for and a guard refused it: nothing was removed. */
  refused: boolean;
  removal: RemovalResult | null;
  /** Temporary files left by an interrupted run: removed with `delete`, else reported. */
  staleTemps: StaleTempOutcome[];
}

function manifestNotices(manifest: Manifest | null, repoRoot: RepoRoot): string[] {
  if (manifest === null) return [];
  const notices = [...manifest.notices];
  if (manifest.rootdir !== null && resolve(manifest.rootdir) !== repoRoot.dir) {
    notices.push(`the JSON report's rootdir ${manifest.rootdir} is not the repository root ${repoRoot.dir}; node ids are relative to its rootdir`);
  }
  return notices;
}

/** Unreachable files whose request has a correctly named recording beside them: deleting them loses nothing. */
function supersededOf(readable: readonly ScannedRecording[]): Map<string, string> {
  return findSuperseded(
    readable.map((s) => ({
      file: s.file,
      name: nameHash(s.file),
      hash: s.requestHash,
      reachable: s.verdict === "unknown" ? null : s.verdict === "reachable",
    })),
  );
}

export async function prune(options: PruneOptions): Promise<PruneResult> {
  const discovery = await discover(options.paths, options.root);
  const repoRoot: RepoRoot = options.repoRoot === null ? await findRepoRoot(options.root) : { dir: options.repoRoot, source: "option" };
  const rules = await resolveRules(options.rules, options.root, repoRoot.dir);
  // The write gate judges by the repository holding the tree (--repo-root only says where tests resolve).
  const gateRoot = options.repoRoot === null ? repoRoot.dir : (await findRepoRoot(options.root)).dir;
  const scopes = await findLegacyIndexes(options.paths, options.root, discovery.files, gateRoot);
  const [scans, legacy] = await Promise.all([scanRecordings(discovery.files, rules.era), judgeLegacy(scopes)]);

  const readable = scans.filter((s): s is ScannedRecording => !isUnreadable(s));
  const unreadable = scans.filter(isUnreadable);
  const exists = await testFileExistence(readable, repoRoot.dir);
  const judge = testJudge(options.manifest, exists);
  const superseded = supersededOf(readable);
  const reasonsOf = (scan: ScannedRecording): OrphanReason[] => {
    const reasons = judge.reasons(scan);
    if (superseded.has(scan.file)) reasons.push("superseded");
    if (legacy.unindexed.has(scan.file)) reasons.push("unindexed");
    return reasons;
  };
  const orphans: Orphan[] = [];
  for (const scan of readable) {
    const reasons = reasonsOf(scan);
    if (reasons.length === 0) continue;
    const confirmed = confirmReadable(scan);
    if (isUnreadable(confirmed)) unreadable.push(confirmed);
    else orphans.push(orphanOf(scan, reasons, legacy.rowsByFile.get(scan.file) ?? null, superseded.get(scan.file) ?? null));
  }
  orphans.sort((a, b) => a.file.localeCompare(b.file));
  unreadable.sort((a, b) => a.file.localeCompare(b.file));

  const selected = select({ orphans, indexOrphans: legacy.indexOrphans }, options.reasons);
  const m = options.manifest;
  const guards = checkGuards({
    scanned: scans.length,
    readable,
    exists,
    manifest: m,
    toDelete: selected.orphans,
    rowsToDelete: selected.indexOrphans.length,
    missingPaths: discovery.missing,
    allowPartial: options.allowPartial,
    maxDelete: options.maxDelete,
  });
  const refused = options.delete && guards.length > 0;
  const go = options.delete && !refused;
  const control = { repoRoot: gateRoot, interrupts: options.interrupts, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) };
  const removal = go ? await removeOrphans(selected.orphans, selected.indexOrphans, options.root, control) : null;
  const temps = await findStaleTemps(foldersOf([...discovery.files, ...scopes.map((s) => s.indexPath)]));

  return {
    discovery,
    scanned: scans.length,
    repoRoot,
    rules,
    ...selected,
    unreadable,
    indexErrors: legacy.errors,
    partial: m !== null && (m.erroredFiles.size > 0 || m.unnamedErrors) ? { problems: m.problems, unjudged: judge.unjudged } : null,
    notices: manifestNotices(m, repoRoot),
    guards,
    deleteRequested: options.delete,
    refused,
    removal,
    staleTemps: await sweepStaleTemps(temps, go),
  };
}
