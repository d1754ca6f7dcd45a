/**
 * `prune` as one call (SPEC, "Orphan reasons"): discover → read on every core → judge → plan →
 * guards → remove (only with `delete`, only when no guard fires). Returns everything found and
 * done as one result; nothing here prints.
 */
import { resolve } from "node:path";
import type { Manifest } from "../collected.js";
import type { Interrupts, ProgressListener } from "../io/interrupt.js";
import type { Discovery } from "../discover.js";
import { nameHash } from "../recording.js";
import type { RepoRoot } from "../repo-root.js";
import type { RulesInUse } from "../rules/detect.js";
import type { Workspace } from "../workspace/index.js";
import { findTwins } from "../rules/judge.js";
import { findStaleTemps, foldersOf, sweepStaleTemps, type StaleTempOutcome } from "../write.js";
import { checkGuards, type Guard } from "./guards.js";
import type { MaxDelete } from "./max-delete.js";
import { testFileExistence, testJudge, type ScannedRecording, type Unjudged } from "./judge.js";
import { findLegacyIndexes, judgeLegacy, type IndexOrphan } from "./legacy.js";
import { orphanOf, select, type Orphan } from "./plan.js";
import type { OrphanReason } from "./reasons.js";
import { removeOrphans, type RemovalOutcome, type RemovalResult } from "./remove.js";
import { judgeTwins } from "./superseded.js";
import { confirmReadable, isUnreadable, scanRecordings, type UnreadableRecording } from "./scan.js";

export { ORPHAN_REASONS, isOrphanReason, type OrphanReason } from "./reasons.js";
export { GUARD_NAMES, type Guard, type GuardName } from "./guards.js";
export { DEFAULT_MAX_DELETE, type MaxDelete } from "./max-delete.js";
export { readManifests } from "./manifest.js";
export type { Orphan } from "./plan.js";
export type { Kept, Superseded } from "./superseded.js";
export type { IndexOrphan } from "./legacy.js";
export type { RemovalOutcome, RemovalResult } from "./remove.js";
export type { Unjudged } from "./judge.js";
export type { UnreadableRecording } from "./scan.js";

export interface PruneOptions {
  /** The run's workspace: root, repository root (`--repo-root` or found), rules, discovery. */
  workspace: Workspace;
  paths: readonly string[];
  /** The union of `--collected` manifests; null when none was given. */
  manifest: Manifest | null;
  /** Only orphans with one of these reasons are listed and removed (all when empty). */
  reasons: readonly OrphanReason[];
  delete: boolean;
  allowPartial: boolean;
  maxDelete: MaxDelete;
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
  /** One outcome per orphan listed (a `kept` one: not attempted, never removed). */
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

/** Unreachable files whose request has a correctly named recording beside them (their twin). */
function twinsOf(readable: readonly ScannedRecording[]): Map<string, string> {
  return findTwins(
    readable.map((s) => ({
      file: s.file,
      name: nameHash(s.file),
      hash: s.requestHash,
      reachable: s.verdict === "unknown" ? null : s.verdict === "reachable",
    })),
  );
}

/** The removal of the removable orphans, spread back over every orphan listed (kept ones not attempted). */
function withKept(listed: readonly Orphan[], removal: RemovalResult): RemovalResult {
  const outcomes = [...removal.files];
  const files = listed.map((o): RemovalOutcome => (o.kept !== null ? { removed: false, attempted: false, message: "kept: newer than its twin or of unknown age" } : (outcomes.shift() ?? { removed: false, attempted: false, message: "not attempted" })));
  return { ...removal, files };
}

export async function prune(options: PruneOptions): Promise<PruneResult> {
  const ws = options.workspace;
  const [discovery, rules] = await Promise.all([ws.discover(options.paths), ws.rules()]);
  const repoRoot: RepoRoot = ws.repo;
  // The write gate judges by the repository holding the tree (--repo-root only says where tests resolve).
  const gateRoot = ws.recordingsBelow;
  const scopes = await findLegacyIndexes(options.paths, ws, discovery.files, gateRoot, discovery.walked);
  const [scans, legacy] = await Promise.all([scanRecordings(discovery.files, rules), judgeLegacy(scopes)]);

  const readable = scans.filter((s): s is ScannedRecording => !isUnreadable(s));
  const unreadable = scans.filter(isUnreadable);
  const exists = await testFileExistence(readable, repoRoot.dir);
  const judge = testJudge(options.manifest, exists);
  // Response dates come from the history of the work tree the recordings are searched in.
  const twins = await judgeTwins(twinsOf(readable), ws.root);
  const reasonsOf = (scan: ScannedRecording): OrphanReason[] => {
    const reasons = judge.reasons(scan);
    if (twins.get(scan.file)?.superseded) reasons.push("superseded");
    if (legacy.unindexed.has(scan.file)) reasons.push("unindexed");
    return reasons;
  };
  const orphans: Orphan[] = [];
  for (const scan of readable) {
    const reasons = reasonsOf(scan);
    if (reasons.length === 0) continue;
    const confirmed = confirmReadable(scan);
    if (isUnreadable(confirmed)) unreadable.push(confirmed);
    else orphans.push(orphanOf(scan, reasons, legacy.rowsByFile.get(scan.file) ?? null, twins.get(scan.file) ?? null));
  }
  orphans.sort((a, b) => a.file.localeCompare(b.file));
  unreadable.sort((a, b) => a.file.localeCompare(b.file));

  const selected = select({ orphans, indexOrphans: legacy.indexOrphans }, options.reasons);
  // A newer answer than its twin's is listed and never removed, whatever --reason selects.
  const removable = selected.orphans.filter((o) => o.kept === null);
  const m = options.manifest;
  const guards = checkGuards({
    scanned: scans.length,
    readable,
    exists,
    manifest: m,
    toDelete: removable,
    rowsToDelete: selected.indexOrphans.length,
    missingPaths: discovery.missing,
    allowPartial: options.allowPartial,
    maxDelete: options.maxDelete,
  });
  const refused = options.delete && guards.length > 0;
  const go = options.delete && !refused;
  const control = { repoRoot: gateRoot, interrupts: options.interrupts, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) };
  const removal = go ? withKept(selected.orphans, await removeOrphans(removable, selected.indexOrphans, ws.root, control)) : null;
  const temps = await findStaleTemps(foldersOf([...discovery.files, ...scopes.map((s) => s.indexPath)]), discovery.walked);

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
