/** `recctl list [paths…]`: a table of recordings grouped by test, model or endpoint. */
import { emptyRunFails } from "../core/discover.js";
import type { CommonOptions, Outcome } from "../options.js";
import { runParallel } from "../core/parallel.js";
import { isFailure, prepareTask, type RecordingSummary } from "../core/summary.js";
import { reporterFor } from "../report/index.js";
import type { GroupBy } from "../report/list.js";
import { printDiscovery, printFileError } from "../report/output.js";

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
  let failed = found.missing.length > 0 || emptyRunFails(found, opts.workspace.allowEmpty);
  let unreadable = 0;
  const notRecordings: string[] = [];
  for (const r of results) {
    if (isFailure(r)) {
      printFileError(output, { file: r.file, message: r.error, line: r.line, column: r.column }, " (skipped)");
      unreadable++;
      failed = true;
    } else if (!r.recording) {
      // Found by the pattern, but no request and response: validate reports it; list leaves it out.
      notRecordings.push(r.file);
    } else if (keep(r, opts.filters)) {
      rows.push(r);
    }
  }
  const counts = { scanned: found.files.length, unreadable, notRecordings, filteredOut: found.files.length - unreadable - notRecordings.length - rows.length };
  (await reporterFor("list", opts))(output, { rows, groupBy: opts.groupBy, ...counts });
  return failed ? "error" : "ok";
}
