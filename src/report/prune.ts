/** Reporters for `prune`: notices and guards on stderr, then text grouped by test or the SPEC's JSON. */
import { rulesJson, rulesLine } from "./rules.js";
import { splitTestId } from "../core/collected.js";
import { basename } from "node:path";
import { describeDate } from "../core/rehash/index.js";
import { ORPHAN_REASONS, type Guard, type Kept, type IndexOrphan, type Orphan, type OrphanReason, type PruneResult, type RemovalOutcome } from "../core/prune/index.js";
import type { RepoRootSource } from "../core/repo-root.js";
import { failuresJson, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";
import { printStaleTemps } from "./write.js";
import { plural } from "../core/plural.js";

export function reasonCounts(result: PruneResult): Record<OrphanReason, number> {
  const counts = Object.fromEntries(ORPHAN_REASONS.map((r) => [r, 0])) as Record<OrphanReason, number>;
  for (const o of result.orphans) for (const r of o.reasons) counts[r]++;
  counts["index-orphan"] += result.indexOrphans.length;
  return counts;
}

function removedCount(result: PruneResult): number {
  const r = result.removal;
  if (r === null) return 0;
  return r.files.filter((o) => o.removed).length + r.rows.filter((o) => o.removed).length;
}

/** Files and rows that removal tried and failed on (a kept orphan is not tried). */
export function failures(result: PruneResult): number {
  const r = result.removal;
  if (r === null) return 0;
  return r.files.filter((o, i) => !o.removed && o.attempted && result.orphans[i]?.kept === null).length + r.rows.filter((o) => !o.removed && o.attempted).length;
}

/** What to do with a stale recording `--delete` keeps. */
export function keptRemedy(output: Output, file: string, kept: Kept): string {
  const [f, twin] = [output.path(file), output.path(kept.twin)];
  const dates = `${describeDate(kept.date)} vs ${describeDate(kept.twinDate)}`;
  return kept.why === "newer-than-twin"
    ? `its response is newer than that of its correctly named twin ${basename(twin)} (${dates}): \`recctl rehash --write ${f}\` puts it in place`
    : `its correctly named twin ${basename(twin)} holds another response and no git history tells which is newer: compare them (\`recctl diff ${f} ${twin}\`) and remove the older one by hand`;
}

function keptCount(result: PruneResult): number {
  return result.orphans.filter((o) => o.kept !== null).length;
}

/** What looks wrong and how to proceed, as one paragraph; null when no guard fires. */
export function guardParagraph(guards: readonly Guard[]): string | null {
  if (guards.length === 0) return null;
  return `${guards.map((g) => g.problem).join("; ")}. To proceed: ${guards.map((g) => g.remedy).join("; ")}.`;
}

const FOUND_BY: Record<RepoRootSource, string> = {
  git: "the git work tree's top level",
  "python-project": "the Python project folder",
  root: "--root: no git work tree or Python project above it",
  option: "--repo-root",
};

// ---------------------------------------------------------------------------------------------
// stderr

/** What the user must know whatever the format: unreadable files, collection errors, refusals. */
export function printPruneNotices(output: Output, result: PruneResult): void {
  const c = output.color;
  for (const u of result.unreadable) {
    const loc = u.line === null ? "" : `:${u.line}:${u.column ?? 1}`;
    output.err(`recctl: ${output.path(u.file)}${loc}: ${u.error} (not judged, never removed)`);
  }
  for (const e of result.indexErrors) output.err(`recctl: legacy index ${e.message} (not judged)`);
  for (const n of result.notices) output.err(`recctl: ${c.yellow("note")}: ${n}`);
  if (result.partial !== null) {
    output.err(`recctl: ${c.yellow("partial collection")}: pytest reported collection errors:`);
    for (const p of result.partial.problems) output.err(`  ${p}`);
    const byFile = new Map<string, number>();
    for (const u of result.partial.unjudged) byFile.set(u.testFile, (byFile.get(u.testFile) ?? 0) + 1);
    for (const [file, n] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
      output.err(`  ${file}: ${plural(n, "recording")} not judged not-collected (its tests are unknown)`);
    }
  }
  printStaleTemps(output, result.staleTemps, "--delete");
  const paragraph = guardParagraph(result.guards);
  if (paragraph !== null) {
    if (result.refused) output.err(`recctl: ${c.red("nothing removed")}: ${paragraph}`);
    else if (!result.deleteRequested) output.err(`recctl: ${c.yellow("warning")}: --delete would refuse: ${paragraph}`);
  }
  const failed = (target: string, o: RemovalOutcome | undefined): void => {
    if (o !== undefined && !o.removed && o.attempted) output.err(`recctl: ${c.red("not removed")}: ${target}: ${o.message ?? "unknown error"}`);
  };
  result.orphans.forEach((o, i) => o.kept === null && failed(output.path(o.file), result.removal?.files[i]));
  result.indexOrphans.forEach((r, i) => failed(`${output.path(r.indexPath)} row ${r.request_hash}`, result.removal?.rows[i]));
}

// ---------------------------------------------------------------------------------------------
// text

const NO_TEST = "(recordings without a test_id)";

function status(output: Output, outcome: RemovalOutcome | undefined, orphan?: Orphan): string {
  if (outcome === undefined) return "";
  const c = output.color;
  if (orphan?.kept) return `  ${c.cyan("kept")}`;
  return outcome.removed ? `  ${c.green("removed")}` : `  ${c.red(`not removed: ${outcome.message ?? "unknown error"}`)}`;
}

function printOrphans(output: Output, result: PruneResult): void {
  const c = output.color;
  const groups = new Map<string, { orphan: Orphan; index: number; params: string }[]>();
  result.orphans.forEach((orphan, index) => {
    const { base, params } = orphan.test_id === null ? { base: NO_TEST, params: "" } : splitTestId(orphan.test_id);
    const list = groups.get(base) ?? [];
    list.push({ orphan, index, params });
    groups.set(base, list);
  });
  const keys = [...groups.keys()].sort((a, b) => (a === NO_TEST ? 1 : b === NO_TEST ? -1 : a.localeCompare(b)));
  for (const key of keys) {
    output.out(c.bold(key));
    for (const { orphan, index, params } of groups.get(key) ?? []) {
      const p = params === "" ? "" : `  ${c.dim(params)}`;
      output.out(`  ${output.path(orphan.file)}${p}  ${c.yellow(orphan.reasons.join(", "))}${status(output, result.removal?.files[index], orphan)}`);
      const s = orphan.superseded;
      if (s !== null && !s.responsesDiffer) output.out(c.dim(`    same request and response as ${output.path(s.by)}: a duplicate, deleting it loses nothing`));
      if (s !== null && s.responsesDiffer) output.out(c.dim(`    same request as ${output.path(s.by)}, whose response differs and is at least as new: deleting it drops this older answer`));
      if (orphan.kept !== null) output.out(c.cyan(`    never removed by --delete: ${keptRemedy(output, orphan.file, orphan.kept)}`));
    }
  }
  const byIndex = new Map<string, { row: IndexOrphan; index: number }[]>();
  result.indexOrphans.forEach((row, index) => byIndex.set(row.indexPath, [...(byIndex.get(row.indexPath) ?? []), { row, index }]));
  for (const [indexPath, rows] of byIndex) {
    output.out(c.bold(`legacy index ${output.path(indexPath)}`));
    for (const { row, index } of rows) {
      const missing = row.missingFile === null ? "names no response file" : `→ ${output.path(row.missingFile)} (missing)`;
      output.out(`  row ${row.request_hash.slice(0, 12)}… ${missing}  ${c.yellow("index-orphan")}${status(output, result.removal?.rows[index])}`);
    }
  }
}

function summaryLine(output: Output, result: PruneResult): string {
  const c = output.color;
  const found = result.orphans.length + result.indexOrphans.length;
  const of = `of ${plural(result.scanned, "recording")}`;
  // A success mark only where the run succeeds: nothing scanned is not a clean tree.
  if (found === 0) return result.scanned === 0 ? `no orphans: no recordings scanned` : c.green(`✔ no orphans among ${plural(result.scanned, "recording")}`);
  const counts = reasonCounts(result);
  const parts = ORPHAN_REASONS.filter((r) => counts[r] > 0).map((r) => `${counts[r]} ${r}`);
  const head = `${plural(found, "orphan")} ${of} (${parts.join(", ")})`;
  const keptNote = keptCount(result) > 0 ? ` (${keptCount(result)} of them kept: newer than their twin, or of unknown age)` : "";
  if (!result.deleteRequested) return `${head}; dry run — rerun with --delete to remove them${keptNote}`;
  if (result.refused) return c.red(`${head}; nothing removed`);
  const failed = failures(result);
  const kept = keptCount(result);
  const keptTail = kept > 0 ? `, kept ${kept} (never removed: see above)` : "";
  const done = `removed ${removedCount(result)}${failed > 0 ? `, ${failed} could not be removed` : ""}${keptTail}`;
  return failed > 0 ? c.red(`${head}; ${done}`) : `${head}; ${c.green(done)}`;
}

function text(output: Output, result: PruneResult): void {
  const c = output.color;
  printOrphans(output, result);
  if (result.orphans.length + result.indexOrphans.length > 0) output.out("");
  output.out(summaryLine(output, result));
  output.out(c.dim(`test paths resolved against ${output.path(result.repoRoot.dir)} (${FOUND_BY[result.repoRoot.source]})`));
  output.out(c.dim(rulesLine(output, result.rules)));
}

// ---------------------------------------------------------------------------------------------
// json

function json(output: Output, result: PruneResult): void {
  // `error` is null unless a removal was tried and failed: every row has the same members.
  const outcome = (o: RemovalOutcome | undefined): { deleted: boolean; error: string | null } =>
    o === undefined || o.removed ? { deleted: o?.removed ?? false, error: null } : { deleted: false, error: o.message ?? "unknown error" };
  printJson(output, {
    ...rulesJson(result.rules),
    summary: {
      scanned: result.scanned,
      orphans: result.orphans.length + result.indexOrphans.length,
      deleted: removedCount(result),
      dry_run: !result.deleteRequested,
      by_reason: reasonCounts(result),
      unreadable: result.unreadable.length,
      failed: failures(result),
    },
    orphans: result.orphans.map((o, i) => ({
      file: output.path(o.file),
      hash: o.hash,
      request_hash: o.requestHash,
      test_id: o.test_id,
      reasons: o.reasons,
      superseded_by: o.superseded === null ? null : output.path(o.superseded.by),
      responses_differ: o.superseded === null ? null : o.superseded.responsesDiffer,
      ...(o.kept === null
        ? { kept: null }
        : {
            kept: {
              twin: output.path(o.kept.twin),
              why: o.kept.why,
              date: o.kept.date?.date ?? null,
              commit: o.kept.date?.commit ?? null,
              twin_date: o.kept.twinDate?.date ?? null,
              twin_commit: o.kept.twinDate?.commit ?? null,
              remedy: keptRemedy(output, o.file, o.kept),
            },
          }),
      // A kept orphan is never tried: not a failure.
      ...(o.kept === null ? outcome(result.removal?.files[i]) : { deleted: false, error: null }),
    })),
    index_orphans: result.indexOrphans.map((r, i) => ({
      index: output.path(r.indexPath),
      request_hash: r.request_hash,
      response_file: r.response_file,
      reasons: ["index-orphan"],
      ...outcome(result.removal?.rows[i]),
    })),
    errors: failuresJson(output, result.unreadable),
    partial:
      result.partial === null
        ? null
        : { problems: result.partial.problems, not_judged: result.partial.unjudged.map((u) => ({ file: output.path(u.file), test_file: u.testFile })) },
    repo_root: { dir: result.repoRoot.dir, found_by: result.repoRoot.source },
    guards: result.guards.map((g) => ({ guard: g.guard, problem: g.problem, remedy: g.remedy })),
    refused: result.refused ? guardParagraph(result.guards) : null,
    stale_temp_files: result.staleTemps.map((t) => ({ file: output.path(t.file), pid: t.pid, removed: t.removed, error: t.message })),
  });
}

export const pruneReporters: Reporters<"prune"> = { text, json };
