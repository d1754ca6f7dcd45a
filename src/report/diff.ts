/**
 * Reporters for `diff`: a header like diff(1)'s, the request by pointer, the response by aspect
 * (texts as word diffs), and a verdict. Without colour, words are marked like `wdiff`/`git diff
 * --word-diff=plain`: `[-removed-]{+added+}`.
 */
import { isAbsolute } from "node:path";
import { isStreamPath } from "../core/read.js";
import type { RulesInUse } from "../core/rules/detect.js";
import { rulesJson, rulesLine } from "./rules.js";
import type { ChalkInstance } from "chalk";
import type { Change as TextChange } from "diff";
// The two differs only, not the whole library (patch creation and parsing): diff starts fast.
import { diffLines } from "diff/lib/diff/line.js";
import { diffWordsWithSpace } from "diff/lib/diff/word.js";
import { isVector, type Change, type Comparison, type RecordingDiff, type ResponseChange } from "../core/diff/index.js";
import type { InputFailure } from "../core/types.js";
import { failuresJson, printFailures, printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";
import { plural } from "../core/plural.js";

export interface DiffReport {
  a: string;
  b: string;
  /** Null when a side could not be found or read (see `failures`). */
  diff: RecordingDiff | null;
  failures: readonly InputFailure[];
  /** The `--ignore` pointers as given. */
  ignored: readonly string[];
  /** The hash rules the request differences were judged by; null when there were none to judge. */
  rules: RulesInUse | null;
}

/** Compact values longer than this are cut with "…". */
const VALUE_WIDTH = 120;
/** Strings longer than this, or on several lines, are shown as a text diff. */
const LONG_STRING = 80;
/** Unchanged lines kept around each change in a text diff. */
const CONTEXT_LINES = 2;
/** Unchanged characters kept either side of a change within one long line. */
const CONTEXT_CHARS = 40;
/** Lines of one text diff before the rest is summarized. */
const MAX_ROWS = 400;
/** The share of (non-blank) text two versions must have in common to be shown as one, words marked. */
const MIN_COMMON = 0.5;
/**
 * Bounds on one text diff (jsdiff's cost grows with the number of edits): beyond this many changed
 * lines or words, or this many milliseconds, texts are shown as rewritten — all removed, all added.
 */
const MAX_LINE_EDITS = 500;
const MAX_WORD_EDITS = 400;
const TEXT_DIFF_TIMEOUT = 200;

// ---------------------------------------------------------------------------------------------
// Values

/** How two vectors (embeddings) differ, in a few words rather than numbers by the thousand. */
/** git's `a/<path>` for a relative path; an absolute path or a stream (`-`, `/dev/fd/63`) as it is, not `a//dev/fd/63`. */
function sideLabel(side: "a" | "b", path: string): string {
  return isAbsolute(path) || isStreamPath(path) ? path : `${side}/${path}`;
}

function vectorChange(a: readonly number[], b: readonly number[]): string {
  if (a.length !== b.length) return `${a.length} numbers → ${b.length} numbers`;
  let differ = 0;
  let largest = 0;
  a.forEach((x, i) => {
    const delta = Math.abs(x - (b[i] ?? x));
    if (delta > 0) differ++;
    largest = Math.max(largest, delta);
  });
  return `${differ} of ${a.length} numbers differ (largest change ${largest.toPrecision(3)})`;
}

function compact(value: unknown): string {
  if (isVector(value) && value.length > 8) return `[${value.length} numbers]`;
  const text = value === undefined ? "(none)" : (JSON.stringify(value) ?? String(value));
  return text.length > VALUE_WIDTH ? `${text.slice(0, VALUE_WIDTH - 1)}…` : text;
}

function isLongText(value: unknown): value is string {
  return typeof value === "string" && (value.length > LONG_STRING || value.includes("\n"));
}

// ---------------------------------------------------------------------------------------------
// Text diffs

type RowKind = "same" | "del" | "add" | "mix" | "note";

interface Row {
  kind: RowKind;
  text: string;
}

interface Marks {
  del: (s: string) => string;
  add: (s: string) => string;
}

function marks(c: ChalkInstance): Marks {
  return c.level > 0 ? { del: (s) => c.red.inverse(s), add: (s) => c.green.inverse(s) } : { del: (s) => `[-${s}-]`, add: (s) => `{+${s}+}` };
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Unchanged text inside a line, shortened to its ends when it is long. */
function elide(text: string, first: boolean, last: boolean): string {
  if (text.includes("\n") || text.length <= 2 * CONTEXT_CHARS + 1) return text;
  const head = first ? "" : text.slice(0, CONTEXT_CHARS);
  const tail = last ? "" : text.slice(-CONTEXT_CHARS);
  return `${head}…${tail}`;
}

/** Every line of one text removed, then every line of the other added (a rewrite, or a diff that timed out). */
function fallbackRows(a: string, b: string): Row[] {
  // Each side gets half the rows a text diff may show, so a long rewrite still shows the new text.
  const rows = (text: string, kind: RowKind): Row[] => {
    const lines = text === "" ? [] : splitLines(text);
    const shown = lines.slice(0, MAX_ROWS / 2 - 1).map((line): Row => ({ kind, text: line }));
    if (lines.length > shown.length) shown.push({ kind: "note", text: `… ${lines.length - shown.length} more ${kind === "del" ? "removed" : "added"} lines` });
    return shown;
  };
  return [...rows(a, "del"), ...rows(b, "add")];
}

const visibleLength = (text: string): number => text.replace(/\s+/g, "").length;

/**
 * One run of removed and added text, merged into lines with the changed words marked — unless
 * the two have too little in common for that to read well (a rewritten paragraph): then its lines
 * are shown removed, then added.
 */
function wordRows(removed: string, added: string, m: Marks): Row[] {
  const words = diffWordsWithSpace(removed, added, { maxEditLength: MAX_WORD_EDITS, timeout: TEXT_DIFF_TIMEOUT });
  if (words === undefined) return fallbackRows(removed, added);
  const common = words.reduce((n, w) => (w.added || w.removed ? n : n + visibleLength(w.value)), 0);
  if (common < MIN_COMMON * Math.max(visibleLength(removed), visibleLength(added))) return fallbackRows(removed, added);
  const merged = words
    .map((w, i) => (w.removed ? m.del(w.value) : w.added ? m.add(w.value) : elide(w.value, i === 0, i === words.length - 1)))
    .join("");
  return splitLines(merged).map((text) => ({ kind: "mix", text }));
}

function lineRows(a: string, b: string, m: Marks): Row[] {
  const lines: TextChange[] | undefined = diffLines(a, b, { maxEditLength: MAX_LINE_EDITS, timeout: TEXT_DIFF_TIMEOUT });
  if (lines === undefined) return fallbackRows(a, b);
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const part = lines[i];
    if (part === undefined) continue;
    const next = lines[i + 1];
    if (part.removed && next?.added === true) {
      rows.push(...wordRows(part.value, next.value, m));
      i++;
    } else {
      const kind: RowKind = part.removed ? "del" : part.added ? "add" : "same";
      for (const text of splitLines(part.value)) rows.push({ kind, text });
    }
  }
  return rows;
}

/** Keeps the changed rows and a few unchanged ones around each; says how many were left out. */
function withContext(rows: readonly Row[], c: ChalkInstance): string[] {
  const keep = rows.map(() => false);
  rows.forEach((row, i) => {
    if (row.kind === "same") return;
    for (let j = Math.max(0, i - CONTEXT_LINES); j <= Math.min(rows.length - 1, i + CONTEXT_LINES); j++) keep[j] = true;
  });
  const gutter: Record<RowKind, (s: string) => string> = {
    same: (s) => c.dim(`  ${s}`),
    del: (s) => c.red(`- ${s}`),
    add: (s) => c.green(`+ ${s}`),
    mix: (s) => `~ ${s}`,
    note: (s) => c.dim(`  ${s}`),
  };
  const out: string[] = [];
  let skipped = 0;
  const flush = (): void => {
    if (skipped > 0) out.push(c.dim(`  … ${skipped} unchanged line${skipped === 1 ? "" : "s"}`));
    skipped = 0;
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    if (!keep[i]) {
      skipped++;
      continue;
    }
    flush();
    if (out.length >= MAX_ROWS) {
      out.push(c.dim(`  … ${rows.length - i} more lines (--json has both texts whole)`));
      return out;
    }
    out.push(gutter[row.kind](row.text));
  }
  flush();
  return out;
}

/** A line-by-line diff of two texts, changed words marked inside changed lines. */
export function renderTextDiff(a: string, b: string, c: ChalkInstance): string[] {
  const m = marks(c);
  if (!a.includes("\n") && !b.includes("\n")) {
    const rows = wordRows(a, b, m);
    // One line with its words marked reads best without a gutter.
    if (rows.every((r) => r.kind === "mix")) return rows.map((r) => r.text);
    return withContext(rows, c);
  }
  return withContext(lineRows(a, b, m), c);
}

// ---------------------------------------------------------------------------------------------
// Changes

const BARE_ASPECTS = new Set(["finish_reason", "role", "model", "family", "chunks"]);
const TEXT_ASPECTS = new Set(["text", "reasoning", "refusal"]);

function segments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** How a response change is named: by aspect where the answers were compared, else by pointer. */
function responseLabel(change: ResponseChange, manyChoices: boolean): string {
  const path = segments(change.pointer);
  const choice = manyChoices && change.choice !== undefined ? `choice ${change.choice} ` : "";
  switch (change.aspect) {
    case "text":
    case "reasoning":
    case "refusal":
    case "finish_reason":
    case "role":
      return `${choice}${change.aspect}`;
    case "choices":
      return `choice ${change.choice ?? path[2] ?? ""}`;
    case "tool_calls": {
      const call = change.tool_call;
      if (call === undefined) return `${choice}tool calls`;
      const rest = path.slice(5).join(".");
      return `${choice}tool call ${call.index}${call.name === "" ? "" : ` (${call.name})`}${rest === "" ? "" : ` ${rest}`}`;
    }
    case "usage":
    case "error":
    case "model":
      return path.slice(1).join(".");
    case "family":
      return "family";
    case "chunks":
      return "chunks";
    default:
      return change.pointer;
  }
}

function renderChange(change: Change, label: string, bare: boolean, asText: boolean, c: ChalkInstance): string[] {
  const value = (v: unknown): string => (bare && typeof v === "string" ? v : compact(v));
  const op = change.op === "+" ? c.green("+") : change.op === "-" ? c.red("-") : c.yellow("~");
  if (change.op === "+") return [`${op} ${label}: ${c.green(value(change.b))}`];
  if (change.op === "-") return [`${op} ${label}: ${c.red(value(change.a))}`];
  const { a, b } = change;
  if (typeof a === "string" && typeof b === "string" && (asText || isLongText(a) || isLongText(b))) {
    return [`${op} ${label}:`, ...renderTextDiff(a, b, c).map((line) => `    ${line}`)];
  }
  if (isVector(a) && isVector(b) && Math.max(a.length, b.length) > 8) return [`${op} ${label}: ${vectorChange(a, b)}`];
  return [`${op} ${label}: ${c.red(value(a))} → ${c.green(value(b))}`];
}

// ---------------------------------------------------------------------------------------------
// Report

const COMPARED: Record<Comparison, string> = {
  answers: "reassembled answers",
  bodies: "bodies, noise ignored",
  families: "not comparable",
  raw: "raw, chunk by chunk",
};

function familyNote(diff: RecordingDiff): string | null {
  const { a, b } = diff.families;
  if (a === b) return null;
  const how =
    diff.compared === "answers"
      ? "comparing reassembled answers"
      : diff.compared === "raw"
        ? "comparing the documents as stored"
        : "the responses cannot be compared beyond that";
  return `a is ${a}, b is ${b}: ${how}`;
}

function verdict(diff: RecordingDiff): string {
  const notes: string[] = [];
  if (diff.outside.length > 0) notes.push(`outside the answer: ${diff.outside.join(", ")} (see --raw)`);
  if (diff.ignored.length > 0) notes.push(`ignoring ${diff.ignored.join(", ")}`);
  const tail = notes.length === 0 ? "" : `; ${notes.join("; ")}`;
  if (diff.same) {
    if (diff.compared === "raw") return `identical${tail}`;
    const what = diff.compared === "answers" ? "same answer" : "same";
    return diff.noise.length === 0 ? `${what}; no differences${tail}` : `${what}; only noise differs (${diff.noise.join(", ")})${tail}`;
  }
  const hashed = diff.request.filter((r) => r.hash_relevant === true).length;
  const hashNote = hashed === 0 ? "" : ` (${hashed} ${hashed === 1 ? "changes" : "change"} the hash)`;
  const counts = `${plural(diff.request.length, "request difference")}${hashNote}, ${plural(diff.response.length, "response difference")}`;
  return diff.noise.length === 0 ? `${counts}${tail}` : `${counts} (noise ignored: ${diff.noise.join(", ")})${tail}`;
}

function text(output: Output, report: DiffReport): void {
  const c = output.color;
  const { diff } = report;
  printFailures(output, report.failures);
  if (diff === null) return;
  const lines: string[] = [c.bold(`--- ${sideLabel("a", output.path(report.a))}`), c.bold(`+++ ${sideLabel("b", output.path(report.b))}`)];
  const note = familyNote(diff);
  if (note !== null) lines.push(c.yellow(note));

  lines.push("", c.bold("request") + (diff.request.length === 0 ? c.dim(": no differences") : ""));
  for (const change of diff.request) {
    const label = change.hash_relevant === true ? `${change.pointer} ${c.magenta("(changes the hash)")}` : change.pointer;
    lines.push(...renderChange(change, label, false, false, c).map((l) => `  ${l}`));
  }

  const heading = `${c.bold("response")} ${c.dim(`(${COMPARED[diff.compared]})`)}`;
  lines.push("", heading + (diff.response.length === 0 ? c.dim(": no differences") : ""));
  const manyChoices = diff.response.some((r) => r.choice !== undefined && r.choice !== 0);
  for (const change of diff.response) {
    const label = responseLabel(change, manyChoices);
    const rendered = renderChange(change, label, BARE_ASPECTS.has(change.aspect), TEXT_ASPECTS.has(change.aspect), c);
    lines.push(...rendered.map((l) => `  ${l}`));
  }

  lines.push("", diff.same ? c.green(verdict(diff)) : c.yellow(verdict(diff)));
  if (report.rules !== null) lines.push(c.dim(rulesLine(output, report.rules)));
  output.out(lines.join("\n"));
}

/** With a side missing: the same members, `same` null, nothing compared, and `errors`. */
function failedJson(output: Output, report: DiffReport): void {
  printJson(output, {
    same: null,
    a: output.path(report.a),
    b: output.path(report.b),
    families: null,
    compared: null,
    request: [],
    response: [],
    noise: [],
    outside: [],
    ignored: report.ignored,
    ...rulesJson(null),
    errors: failuresJson(output, report.failures),
  });
}

function json(output: Output, report: DiffReport): void {
  const { diff } = report;
  printFailures(output, report.failures);
  if (diff === null) {
    failedJson(output, report);
    return;
  }
  printJson(output, {
    same: diff.same,
    a: output.path(report.a),
    b: output.path(report.b),
    families: diff.families,
    compared: diff.compared,
    request: diff.request,
    response: diff.response,
    noise: diff.noise,
    outside: diff.outside,
    ignored: diff.ignored,
    ...rulesJson(report.rules),
    errors: [],
  });
}

export const diffReporters: Reporters<"diff"> = { text, json };
