/**
 * `recctl prune [paths…]`: reads the options, reads the manifests, calls the core (which finds,
 * judges, guards and removes), hands the result to a reporter, and says what it came to.
 */
import { refusesStream } from "./streams.js";
import type { CommonOptions, Outcome } from "../options.js";
import { emptyRunFails } from "../core/discover.js";
import { ManifestError, type Manifest } from "../core/collected.js";
import { prune, readManifests, type MaxDelete, type OrphanReason, type PruneResult } from "../core/prune/index.js";
import { printDiscovery } from "../report/output.js";
import { reporterFor } from "../report/index.js";
import { failures, printPruneNotices } from "../report/prune.js";
import { printInterruption, progressPrinter } from "../report/write.js";
import { watchInterrupts } from "../core/io/interrupt.js";

export interface PruneCommandOptions extends CommonOptions {
  paths: string[];
  /** Manifest files; `-` is stdin. */
  collected: string[];
  check: boolean;
  delete: boolean;
  allowPartial: boolean;
  reasons: OrphanReason[];
  maxDelete: MaxDelete;
}

export async function pruneCommand(opts: PruneCommandOptions): Promise<Outcome> {
  const { output } = opts;
  if (refusesStream(output, opts.paths, `prune judges and removes files in a tree; a stream (standard input, /dev/fd) has no file to remove`)) return "error";
  if (opts.reasons.includes("not-collected") && opts.collected.length === 0) {
    output.err("recctl: --reason not-collected needs --collected (the output of `pytest --collect-only -q`, or - for stdin)");
    return "error";
  }
  let manifest: Manifest | null = null;
  if (opts.collected.length > 0) {
    if (opts.collected.includes("-") && process.stdin.isTTY) output.err("recctl: reading `pytest --collect-only -q` output from stdin (end with Ctrl-D)");
    try {
      manifest = readManifests(opts.collected, opts.workspace.cwd);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      output.err(`recctl: --collected ${err.message}`);
      return "error";
    }
  }

  const interrupts = opts.delete ? watchInterrupts() : null;
  let result: PruneResult;
  try {
    result = await prune({
      workspace: opts.workspace,
      paths: opts.paths,
      manifest,
      reasons: opts.reasons,
      delete: opts.delete,
      allowPartial: opts.allowPartial,
      maxDelete: opts.maxDelete,
      interrupts,
      onProgress: progressPrinter(output, "prune", "orphans"),
    });
  } finally {
    interrupts?.dispose();
  }
  printDiscovery(output, result.discovery, opts.paths, opts.root, opts.workspace.allowEmpty);
  printPruneNotices(output, result);
  (await reporterFor("prune", opts))(output, result);
  printInterruption(output, result.removal?.interruption ?? null);
  return outcomeOf(opts, result);
}

/** error when anything could not be read, judged or removed, or a guard refused; findings for orphans with --check. */
function outcomeOf(opts: PruneCommandOptions, result: PruneResult): Outcome {
  if (result.removal?.interruption != null) return "interrupted";
  // A kept orphan (newer than its twin) is not a failure: it is never tried.
  const removalFailed = failures(result) > 0;
  if (result.discovery.missing.length > 0 || emptyRunFails(result.discovery, opts.workspace.allowEmpty) || result.unreadable.length > 0 || result.indexErrors.length > 0) return "error";
  if (result.refused || removalFailed) return "error";
  return opts.check && result.orphans.length + result.indexOrphans.length > 0 ? "findings" : "ok";
}
