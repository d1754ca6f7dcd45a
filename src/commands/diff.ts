/** `recctl diff <a> <b>`: what changed between two recordings; exit 0 same, 1 different, 2 error. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { CommonOptions, Outcome } from "../options.js";
import { diffRecordings, diffSide, IgnoreError, markHashRelevant, parseIgnore, type DiffOptions } from "../core/diff/index.js";
import { hasherOf, type RulesChoice, type RulesInUse } from "../core/rules/detect.js";
import { isStreamPath } from "../core/read.js";
import type { Workspace } from "../core/workspace/index.js";
import { exactRequest, isObject, readRecording, RecordingError, type Recording } from "../core/recording.js";
import { reporterFor } from "../report/index.js";
import { printFileError, printRefError, type Output } from "../report/output.js";

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

/** A recording's parsed document, or null after saying on stderr why there is none. */
async function load(ref: string, ws: Workspace, output: Output): Promise<{ file: string; data: unknown; rec: Recording } | null> {
  let file: string;
  try {
    file = await locate(ref, ws);
  } catch (err) {
    const { RefError } = await import("../core/resolve.js");
    if (!(err instanceof RefError)) throw err;
    printRefError(output, err);
    return null;
  }
  try {
    const rec = await readRecording(file);
    if (!isObject(rec.data)) {
      output.err(`recctl: ${output.path(file)}: not a recording (expected a JSON object)`);
      return null;
    }
    return { file, data: rec.data, rec };
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    printFileError(output, err);
    return null;
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
  const stdin = (ref: string): boolean => ref === "-" || ref === "/dev/stdin";
  if (stdin(opts.a) && stdin(opts.b)) {
    output.err("recctl: diff: both sides read standard input, which holds one recording; give one side as a file (or use <(…) for each)");
    return "error";
  }
  const [a, b] = await Promise.all([load(opts.a, opts.workspace, output), load(opts.b, opts.workspace, output)]);
  if (a === null || b === null) return "error";
  const diff = diffRecordings(diffSide(a.data, options), diffSide(b.data, options), options);
  // Each request difference says whether it changes the hash under the rules in use.
  let rules: RulesInUse | null = null;
  if (diff.request.length > 0) {
    rules = await opts.workspace.rules();
    const hasher = hasherOf(rules);
    markHashRelevant(diff.request, exactRequest(a.rec), exactRequest(b.rec), (input) => hasher(input, a.file));
  }
  (await reporterFor("diff", opts))(output, { a: a.file, b: b.file, diff, rules });
  return diff.same ? "ok" : "findings";
}
