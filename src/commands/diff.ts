/** `recctl diff <a> <b>`: what changed between two recordings; exit 0 same, 1 different, 2 error. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { CommonOptions, Outcome } from "../options.js";
import { diffRecordings, diffSide, IgnoreError, markHashRelevant, parseIgnore, type DiffOptions } from "../core/diff/index.js";
import { type RulesChoice, type RulesInUse } from "../core/rules/detect.js";
import { hasherOf } from "../core/hash.js";
import { isStdin, isStreamPath } from "../core/read.js";
import type { Workspace } from "../core/workspace/index.js";
import { exactRequest, failureOf, isObject, readRecording, RecordingError, type Recording } from "../core/recording.js";
import type { InputFailure } from "../core/types.js";
import { reporterFor } from "../report/index.js";

export interface DiffCommandOptions extends CommonOptions {
  a: string;
  b: string;
  raw: boolean;
  ignore: string[];
  /** `--rules`: the hash rules `hash_relevant` is judged by; null: the repository's recorder, else the newest. */
  rules: RulesChoice | null;
}

/**
 * The file a ref names. A path to a file is taken as is without loading the resolver (and the
 * glob library it brings): `diff a.json b.json` is the common case and should start fast.
 */
async function locate(ref: string, ws: Workspace): Promise<string> {
  if (isStreamPath(ref)) return ref;
  const asPath = resolve(ws.cwd, ref);
  if ((await stat(asPath).catch(() => undefined))?.isFile() === true) return asPath;
  const { resolveRef } = await import("../core/resolve.js");
  return resolveRef(ref, ws);
}

/** A recording's parsed document, or why there is none (returned, printed by the reporter). */
async function load(ref: string, ws: Workspace): Promise<{ file: string; data: unknown; rec: Recording } | InputFailure> {
  let file: string;
  try {
    file = await locate(ref, ws);
  } catch (err) {
    const { RefError, refFailureOf } = await import("../core/resolve.js");
    if (!(err instanceof RefError)) throw err;
    return refFailureOf(err);
  }
  try {
    const rec = await readRecording(file);
    if (!isObject(rec.data)) return { file, error: "not a recording (expected a JSON object)", rule: "schema", line: null, column: null };
    return { file, data: rec.data, rec };
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    return failureOf(file, err);
  }
}

export async function diffCommand(opts: DiffCommandOptions): Promise<Outcome> {
  const { output } = opts;
  const options: DiffOptions = { raw: opts.raw, ignore: opts.ignore };
  try {
    parseIgnore(options.ignore);
  } catch (err) {
    if (!(err instanceof IgnoreError)) throw err;
    output.err(`recctl: ${err.message}`);
    return "error";
  }
  // Standard input holds one document: `diff - -` would compare it with itself.
  if (isStdin(opts.a) && isStdin(opts.b)) {
    output.err("recctl: diff: both sides read standard input, which holds one recording; give one side as a file (or use <(…) for each)");
    return "error";
  }
  const [a, b] = await Promise.all([load(opts.a, opts.workspace), load(opts.b, opts.workspace)]);
  if ("error" in a || "error" in b) {
    const failures = [a, b].filter((side): side is InputFailure => "error" in side);
    (await reporterFor("diff", opts))(output, { a: "file" in a ? a.file : opts.a, b: "file" in b ? b.file : opts.b, diff: null, failures, ignored: opts.ignore, rules: null });
    return "error";
  }
  const diff = diffRecordings(diffSide(a.data, options), diffSide(b.data, options), options);
  // Each request difference says whether it changes the hash under the rules in use.
  let rules: RulesInUse | null = null;
  if (diff.request.length > 0) {
    rules = await opts.workspace.rules();
    const hasher = hasherOf(rules);
    markHashRelevant(diff.request, exactRequest(a.rec), exactRequest(b.rec), (input) => hasher(input, a.file));
  }
  (await reporterFor("diff", opts))(output, { a: a.file, b: b.file, diff, failures: [], ignored: opts.ignore, rules });
  return diff.same ? "ok" : "findings";
}
