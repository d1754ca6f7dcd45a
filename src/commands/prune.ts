/**
 * `recctl prune [paths…]`: manifests → discover → judge on every core → select by reason →
 * remove (only with --delete, only when nothing makes the list doubtful) → reporter → exit code.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CommonOptions, Outcome } from "../options.js";
import { ManifestError, mergeManifests, parseManifest, type Manifest } from "../core/collected.js";
import { discover } from "../core/discover.js";
import { describeFsError } from "../core/read.js";
import {
  findLegacyIndexes,
  findOrphans,
  isOrphanReason,
  removeOrphans,
  type OrphanReason,
  type OrphanReport,
} from "../core/orphans.js";
import { printNothingFound, printSkipped, type Output } from "../report/output.js";
import { printPruneNotices, pruneReporters, type PruneResult } from "../report/prune.js";

export interface PruneCommandOptions extends CommonOptions {
  paths: string[];
  /** Manifest files; `-` is stdin. */
  collected: string[];
  check: boolean;
  delete: boolean;
  allowPartial: boolean;
  reasons: string[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

async function readSource(source: string, output: Output): Promise<string> {
  if (source === "-") {
    if (process.stdin.isTTY) output.err("recctl: reading `pytest --collect-only -q` output from stdin (end with Ctrl-D)");
    return readStdin();
  }
  try {
    return await readFile(resolve(process.cwd(), source), "utf8");
  } catch (err) {
    throw new ManifestError(source, `cannot read: ${describeFsError(err)}`);
  }
}

/** Every `--collected` source, read once each (stdin can only be read once) and unioned. */
async function readManifests(sources: readonly string[], output: Output): Promise<Manifest> {
  const manifests: Manifest[] = [];
  for (const source of new Set(sources)) {
    manifests.push(parseManifest(await readSource(source, output), source === "-" ? "stdin" : output.path(resolve(source))));
  }
  return mergeManifests(manifests);
}

function manifestNotices(manifest: Manifest, report: OrphanReport, root: string, output: Output): string[] {
  const notices = [...manifest.notices];
  if (manifest.rootdir !== null && resolve(manifest.rootdir) !== root) {
    notices.push(`the JSON report's rootdir ${manifest.rootdir} is not --root ${output.path(root)}; node ids are relative to its rootdir`);
  }
  if (noOverlap(report)) {
    const n = report.manifestOverlap?.testFiles ?? 0;
    notices.push(
      `the manifest names none of the ${n} test files the recordings belong to; was pytest run in --root (${output.path(root)})?`,
    );
  }
  return notices;
}

/** A manifest from elsewhere (another rootdir, another repo) would make every recording look orphaned. */
function noOverlap(report: OrphanReport): boolean {
  const o = report.manifestOverlap;
  return o !== null && o.testFiles > 0 && o.inManifest === 0;
}

function whyNotRemove(opts: PruneCommandOptions, result: PruneResult, report: OrphanReport): string | null {
  if (result.missing.length > 0) return "some paths named nothing; fix the command line first";
  if (opts.allowPartial) return null;
  if (result.partial !== null) {
    return "the collection was partial (see above): fix the collection errors, or pass --allow-partial to remove the orphans listed anyway";
  }
  if (noOverlap(report) && result.orphans.some((o) => o.reasons.includes("not-collected"))) {
    return "the manifest shares no test file with the recordings (see above); pass --allow-partial to remove the orphans listed anyway";
  }
  return null;
}

export async function pruneCommand(opts: PruneCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const reasons = opts.reasons.filter(isOrphanReason);
  const unknown = opts.reasons.filter((r) => !isOrphanReason(r));
  if (unknown.length > 0) {
    output.err(`recctl: unknown --reason ${unknown.join(", ")}`);
    return "error";
  }
  if (reasons.includes("not-collected") && opts.collected.length === 0) {
    output.err("recctl: --reason not-collected needs --collected (the output of `pytest --collect-only -q`, or - for stdin)");
    return "error";
  }

  let manifest: Manifest | null = null;
  if (opts.collected.length > 0) {
    try {
      manifest = await readManifests(opts.collected, output);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      output.err(`recctl: --collected ${err.message}`);
      return "error";
    }
  }

  const found = await discover(opts.paths, opts.root);
  printSkipped(output, found.skipped);
  printNothingFound(output, found, opts.paths, opts.root);
  const legacy = await findLegacyIndexes(opts.paths, opts.root, found.files);
  const report = await findOrphans(found.files, { root: opts.root, manifest, legacy });

  const result = selectResult(report, reasons, manifest, found.missing);
  result.notices = manifest === null ? [] : manifestNotices(manifest, report, opts.root, output);
  result.deleteRequested = opts.delete;
  if (opts.delete) {
    result.refused = whyNotRemove(opts, result, report);
    if (result.refused === null) result.removal = await removeOrphans(result.orphans, result.indexOrphans);
  }

  printPruneNotices(output, result);
  (opts.json ? pruneReporters.json : pruneReporters.text)(output, result);
  return outcomeOf(opts, result);
}

function selectResult(report: OrphanReport, reasons: readonly OrphanReason[], manifest: Manifest | null, missing: string[]): PruneResult {
  const wanted = (r: OrphanReason): boolean => reasons.length === 0 || reasons.includes(r);
  const partial = manifest !== null && (manifest.erroredFiles.size > 0 || manifest.unnamedErrors);
  return {
    scanned: report.scanned,
    orphans: report.orphans.filter((o) => o.reasons.some(wanted)),
    indexOrphans: wanted("index-orphan") ? report.indexOrphans : [],
    unreadable: report.unreadable,
    indexErrors: report.indexErrors,
    missing,
    partial: partial ? { problems: manifest.problems, unjudged: report.unjudged } : null,
    notices: [],
    deleteRequested: false,
    refused: null,
    removal: null,
  };
}

/** error when anything could not be read, judged or removed; findings for orphans with --check. */
function outcomeOf(opts: PruneCommandOptions, result: PruneResult): Outcome {
  const removalFailed = result.removal !== null && [...result.removal.files, ...result.removal.rows].some((o) => !o.removed);
  if (result.missing.length > 0 || result.unreadable.length > 0 || result.indexErrors.length > 0) return "error";
  if (result.refused !== null || removalFailed) return "error";
  return opts.check && result.orphans.length + result.indexOrphans.length > 0 ? "findings" : "ok";
}
