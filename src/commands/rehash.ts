/**
 * `recctl rehash [paths…]`: unreachable recordings renamed to what the repository's recorder
 * looks up. Dry run by default; `--write` renames (never overwriting) and removes duplicates,
 * only inside the repository's recordings folders; an interrupt finishes the file in flight,
 * says how far it got and exits 130.
 */
import { refusesStream } from "./streams.js";
import { emptyRunFails } from "../core/discover.js";
import type { CommonOptions, Outcome } from "../options.js";
import { watchInterrupts } from "../core/io/interrupt.js";
import { applyRehash, planRehash, type ApplyResult } from "../core/rehash/index.js";
import type { RulesChoice } from "../core/rules/detect.js";
import { printDiscovery, printFileError } from "../report/output.js";
import { reporterFor } from "../report/index.js";
import { progressPrinter } from "../report/write.js";

export interface RehashCommandOptions extends CommonOptions {
  paths: string[];
  write: boolean;
  /** `--rules`; null: the repository's recorder, else the newest. */
  rules: RulesChoice | null;
}

export async function rehashCommand(opts: RehashCommandOptions): Promise<Outcome> {
  const { output } = opts;
  if (refusesStream(output, opts.paths, `rehash renames files in a tree; a stream (standard input, /dev/fd) has no name to change (\`recctl hash -\` says what it should be called)`)) return "error";
  const [found, rules] = await Promise.all([opts.workspace.discover(opts.paths), opts.workspace.rules()]);
  printDiscovery(output, found, opts.paths, opts.root, opts.workspace.allowEmpty);
  // Responses competing for a name are dated by the history of the work tree --root is in.
  const plan = await planRehash(found.files, rules.era, opts.root);
  for (const f of plan.failures) printFileError(output, f, " (left alone)");
  // One line per reason: a 2025 tree holds hundreds of index-layout files.
  const reasons = new Map<string, string[]>();
  for (const s of plan.skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.file]);
  for (const [reason, files] of reasons) {
    const first = output.path(files[0] ?? "");
    output.err(`recctl: ${files.length === 1 ? first : `${files.length} unreachable files (${first}, …)`} left alone: ${reason}`);
  }
  let applied: ApplyResult | null = null;
  if (opts.write) {
    const interrupts = watchInterrupts();
    try {
      applied = await applyRehash(plan, { repoRoot: opts.workspace.recordingsBelow, interrupts, onProgress: progressPrinter(output, "rehash") });
    } finally {
      interrupts.dispose();
    }
  }
  for (const f of applied?.failures ?? []) printFileError(output, f);
  (await reporterFor("rehash", opts))(output, { plan, rules, applied });
  if (applied?.interruption != null) return "interrupted";
  if (found.missing.length > 0 || emptyRunFails(found, opts.workspace.allowEmpty) || plan.failures.length > 0 || (applied?.failures.length ?? 0) > 0) return "error";
  return plan.entries.some((e) => e.action === "conflict") ? "findings" : "ok";
}
