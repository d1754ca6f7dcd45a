/** `recctl list [paths…]`: a table of recordings grouped by test, model or endpoint. */
import { emptyRunFails } from "../core/discover.js";
import type { CommonOptions, Outcome } from "../options.js";
import { runParallel } from "../core/parallel.js";
import { isFailure, prepareTask, type RecordingSummary } from "../core/summary.js";
import { reporterFor } from "../report/index.js";
import type { GroupBy } from "../report/list.js";
import { printDiscovery } from "../report/output.js";
import type { FileFailure } from "../core/types.js";

export interface ListFilters {
  test: string | null;
  model: string | null;
  endpoint: string | null;
}

export interface ListCommandOptions extends CommonOptions {
  paths: string[];
  groupBy: GroupBy;
  filters: ListFilters;
}

function keep(row: RecordingSummary, f: ListFilters): boolean {
  const has = (value: string | null, needle: string | null): boolean => needle === null || (value ?? "").includes(needle);
  return has(row.test_id, f.test) && has(row.model, f.model) && has(row.endpoint, f.endpoint);
}

export async function listCommand(opts: ListCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const found = await opts.workspace.discover(opts.paths);
  printDiscovery(output, found, opts.paths, opts.root, opts.workspace.allowEmpty);
  const results = await runParallel(found.files, undefined, { url: new URL("../core/summary.js", import.meta.url), prepare: prepareTask });
  const rows: RecordingSummary[] = [];
  const failures: FileFailure[] = [];
  const notRecordings: string[] = [];
  for (const r of results) {
    if (isFailure(r)) failures.push(r);
    // Found by the pattern, but no request and response: validate reports it; list leaves it out.
    else if (!r.recording) notRecordings.push(r.file);
    else if (keep(r, opts.filters)) rows.push(r);
  }
  const filteredOut = found.files.length - failures.length - notRecordings.length - rows.length;
  (await reporterFor("list", opts))(output, { rows, failures, groupBy: opts.groupBy, scanned: found.files.length, notRecordings, filteredOut });
  const failed = found.missing.length > 0 || emptyRunFails(found, opts.workspace.allowEmpty) || failures.length > 0;
  return failed ? "error" : "ok";
}
