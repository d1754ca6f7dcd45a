/**
 * `recctl explain [files…]`: reads pytest output, a server.log or pasted text (stdin when no file
 * or `-`), and explains every replay miss in it. Exit 0 when every miss was explained, 1 when
 * some had no candidate, 2 on usage errors or input with no miss in it.
 */
import { resolve } from "node:path";
import type { CommonOptions, Outcome } from "../options.js";
import { type RulesChoice } from "../core/rules/detect.js";
import { hasherOf, type RequestHasher } from "../core/hash.js";
import { buildIndex, explainMiss, findMisses, givenRequest, type CapturedRequest, type ExplainedMiss, type Miss } from "../core/explain/index.js";
import { ReadError, readText, STDIN } from "../core/read.js";
import { RecordingError } from "../core/recording.js";
import type { FileFailure } from "../core/types.js";
import { reporterFor } from "../report/index.js";
import { printFileError, type Output } from "../report/output.js";

export interface ExplainCommandOptions extends CommonOptions {
  files: string[];
  /** `--request <file>`: the missed request, as a recording or a bare request object. */
  request: string | null;
  /** How many candidates to show per miss. */
  candidates: number;
  /** `--rules`: the hash rules that say which differences change the hash; null: the repository's recorder, else the newest. */
  rules: RulesChoice | null;
}

/** Each input's misses; unreadable inputs are reported and make the run an error. */
async function readInputs(files: readonly string[], output: Output, cwd: string): Promise<{ misses: Miss[]; failures: FileFailure[] }> {
  const misses: Miss[] = [];
  const failures: FileFailure[] = [];
  for (const f of files.length === 0 ? ["-"] : files) {
    let text: string;
    if (f === "-" && process.stdin.isTTY) output.err("recctl: reading the log from standard input (paste it, then Ctrl-D)");
    try {
      text = readText(f === "-" ? STDIN : resolve(cwd, f));
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      failures.push({ file: f === "-" ? "-" : resolve(cwd, f), error: err.message, rule: "io", line: null, column: null });
      continue;
    }
    misses.push(...findMisses(text, f === "-" ? "<stdin>" : output.path(f)));
  }
  return { misses, failures };
}

/** Which miss `--request` belongs to: the only one, else the one whose hash its request has. */
function assignRequest(file: string, misses: readonly Miss[], hasher: RequestHasher): Map<Miss, CapturedRequest> | string {
  const assigned = new Map<Miss, CapturedRequest>();
  for (const miss of misses) {
    const given = givenRequest(file, miss.test_id);
    const hash = hasher(given.exact).hash;
    if (misses.length === 1 || (hash !== null && miss.hash !== null && hash.startsWith(miss.hash))) {
      assigned.set(miss, given);
      return assigned;
    }
  }
  return `--request ${file}: its request hash matches none of the ${misses.length} misses; explain one miss at a time`;
}

export async function explainCommand(opts: ExplainCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const rules = await opts.workspace.rules();
  const hasher = hasherOf(rules);
  const { misses, failures } = await readInputs(opts.files, output, opts.workspace.cwd);
  const failed = failures.length > 0;
  if (misses.length === 0) {
    const where = opts.files.length === 0 ? "standard input" : opts.files.join(" ");
    if (!failed) output.err(`recctl: no replay miss found in ${where} (looked for the recorder's "Recording not found for …" messages)`);
    (await reporterFor("explain", opts))(output, { misses: [], failures, rules });
    return "error";
  }
  let given = new Map<Miss, CapturedRequest>();
  if (opts.request !== null) {
    try {
      const assigned = assignRequest(opts.request, misses, hasher);
      if (typeof assigned === "string") {
        output.err(`recctl: ${assigned}`);
        return "error";
      }
      given = assigned;
    } catch (err) {
      if (!(err instanceof RecordingError) && !(err instanceof Error && err.name === "PyJsonParseError")) throw err;
      if (err instanceof RecordingError) printFileError(output, err, " (--request)");
      else output.err(`recctl: --request ${opts.request}: ${err.message}`);
      return "error";
    }
  }
  const index = buildIndex((await opts.workspace.discoverLookup()).files);
  if (index.unreadable.length > 0) output.err(`recctl: ${index.unreadable.length} recording(s) under ${output.path(opts.workspace.lookupRoot)} could not be read and were left out`);
  const explained: ExplainedMiss[] = misses.map((miss) =>
    explainMiss(miss, index, given.get(miss) ?? null, { limit: opts.candidates, hasher, rules: rules.era.rules, era: rules.era, show: (f) => output.path(f) }),
  );
  (await reporterFor("explain", opts))(output, { misses: explained, failures, rules });
  if (failed) return "error";
  return explained.some((m) => m.candidates.length === 0 && m.verdict.kind !== "recorded") ? "findings" : "ok";
}
