/**
 * `diff` (SPEC): what differs between two recordings. The request is compared by JSON pointer;
 * the response on what matters — the reassembled answer — with the recorder's volatile noise set
 * aside, so two recordings of the same answer are the same. `raw` compares every field of every
 * chunk. Pure: no I/O, no printing.
 */
import { isObject } from "../recording.js";
import { detectFamily, NoAnswerError, reassemble } from "../reassemble/index.js";
import type { Reassembled, ResponseFamily } from "../types.js";
import { isIgnored, parseIgnore, toPointer, withoutIgnored, type IgnorePattern } from "./pointers.js";
import { CHUNK_BOUNDARIES, CHUNK_TEXT_KEYS, EMPTY_MAPPING, LABEL_ORDER, NOISE_BY_KEY, type NoiseField } from "./noise.js";

export { IgnoreError, parseIgnore, toPointer, withoutIgnored, type IgnorePattern } from "./pointers.js";
export { CHUNK_BOUNDARIES, EMPTY_MAPPING, NOISE_FIELDS, type NoiseField } from "./noise.js";
export { compareHashed, compareTrees, currentRules, hashed, markHashRelevant, type HashComparison, type Hashed, type RequestHasher } from "./hash-relevant.js";

type JsonObject = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Results

export type Op = "+" | "-" | "~";

/** One difference at a JSON pointer; `a` is absent for "+", `b` for "-". */
export interface Change {
  op: Op;
  pointer: string;
  a?: unknown;
  b?: unknown;
  /** Request changes only: whether the difference changes the request hash (see hash-relevant.ts). */
  hash_relevant?: boolean;
}

export type ResponseAspect =
  | "text"
  | "reasoning"
  | "refusal"
  | "tool_calls"
  | "finish_reason"
  | "role"
  | "choices"
  | "usage"
  | "error"
  | "model"
  | "family"
  | "body"
  | "mapping"
  | "chunks"
  | "raw";

export interface ResponseChange extends Change {
  aspect: ResponseAspect;
  /** The choice's `index`, for changes inside one choice. */
  choice?: number;
  /** The tool call (its position in the choice, and its name) for `tool_calls` changes. */
  tool_call?: { index: number; name: string };
}

/**
 * How the responses were compared: their reassembled answers, their bodies field by field (families
 * without an answer), not at all (one has an answer and the other none, or two answerless families
 * differ), or everything as stored (`raw`).
 */
export type Comparison = "answers" | "bodies" | "families" | "raw";

export interface RecordingDiff {
  same: boolean;
  families: { a: ResponseFamily; b: ResponseFamily };
  compared: Comparison;
  request: Change[];
  response: ResponseChange[];
  /** Kinds of noise that differ and were ignored (never with `raw`). */
  noise: string[];
  /** Response fields outside the answer that differ, ignored when the answers are compared. */
  outside: string[];
  /** The `--ignore` pointers as given. */
  ignored: string[];
}

/** One side of a diff: the parsed document, its response family and its answer (null if none). */
export interface DiffSide {
  data: unknown;
  family: ResponseFamily;
  answer: Reassembled | null;
}

export interface DiffOptions {
  raw: boolean;
  ignore: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// The structural walk

interface Walker {
  /** Whether the member `path` (its last segment) of parents `pa`/`pb` is left out. */
  skip(path: readonly string[], pa: unknown, pb: unknown): boolean;
  emit(op: Op, path: readonly string[], a: unknown, b: unknown): void;
}

const hasOwn = (o: JsonObject, key: string): boolean => Object.hasOwn(o, key);

/** An array of numbers only (an embedding, token ids): compared as one value, not 1,536 changes. */
export function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === "number");
}

/** `===`, except that NaN (which Python's json reads) equals NaN. */
function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

function sameVector(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]));
}

/** Compares arrays element by element (by index), vectors whole, and objects key by key. */
function walk(a: unknown, b: unknown, path: string[], w: Walker): void {
  if (same(a, b)) return;
  if (isVector(a) && isVector(b)) {
    if (!sameVector(a, b)) w.emit("~", path, a, b);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      path.push(String(i));
      if (!w.skip(path, a, b)) {
        if (i >= a.length) w.emit("+", path, undefined, b[i]);
        else if (i >= b.length) w.emit("-", path, a[i], undefined);
        else walk(a[i], b[i], path, w);
      }
      path.pop();
    }
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      path.push(key);
      if (!w.skip(path, a, b)) {
        if (hasOwn(b, key)) walk(a[key], b[key], path, w);
        else w.emit("-", path, a[key], undefined);
      }
      path.pop();
    }
    for (const key of Object.keys(b)) {
      if (hasOwn(a, key)) continue;
      path.push(key);
      if (!w.skip(path, a, b)) w.emit("+", path, undefined, b[key]);
      path.pop();
    }
    return;
  }
  w.emit("~", path, a, b);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (same(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  let equal = true;
  walk(a, b, [], {
    skip: () => !equal,
    emit: () => {
      equal = false;
    },
  });
  return equal;
}

function change(op: Op, path: readonly string[], a: unknown, b: unknown): Change {
  const c: Change = { op, pointer: toPointer(path) };
  if (op !== "+") c.a = a;
  if (op !== "-") c.b = b;
  return c;
}

/** Every difference between two values, pointers starting at `prefix`. */
function structural(a: unknown, b: unknown, prefix: readonly string[], skip: Walker["skip"]): Change[] {
  const out: Change[] = [];
  walk(a, b, [...prefix], { skip, emit: (op, path, x, y) => out.push(change(op, path, x, y)) });
  return out;
}

function userSkip(patterns: readonly IgnorePattern[]): Walker["skip"] {
  return patterns.length === 0 ? () => false : (path) => isIgnored(patterns, path);
}

// ---------------------------------------------------------------------------------------------
// The request

/** Everything but the response: `test_id`, `request`, and whatever else a file carries. */
function requestView(data: unknown): JsonObject {
  const view: JsonObject = {};
  if (!isObject(data)) return view;
  for (const [key, value] of Object.entries(data)) {
    if (key !== "response" && key !== "id_normalization_mapping") view[key] = value;
  }
  return view;
}

/** The request differences alone (`test_id`, `request`, …), by pointer: what `explain` compares. */
export function diffRequests(a: unknown, b: unknown): Change[] {
  return structural(requestView(a), requestView(b), [], () => false);
}

// ---------------------------------------------------------------------------------------------
// The response, on what matters

/** The noise field a member is, unless either parent object makes it data. */
function noiseField(path: readonly string[], pa: unknown, pb: unknown): NoiseField | null {
  const key = path[path.length - 1];
  const field = key === undefined ? undefined : NOISE_BY_KEY.get(key);
  if (field === undefined || !isObject(pa) || !isObject(pb)) return null;
  if (field.except !== undefined && (field.except(pa) || field.except(pb))) return null;
  return field;
}

/** A skip rule that leaves noise out, noting the label of each noise field whose values differ. */
function noiseSkip(patterns: readonly IgnorePattern[], labels: Set<string>): Walker["skip"] {
  return (path, pa, pb) => {
    if (patterns.length > 0 && isIgnored(patterns, path)) return true;
    const field = noiseField(path, pa, pb);
    if (field === null) return false;
    const key = path[path.length - 1] ?? "";
    const a = (pa as JsonObject)[key];
    const b = (pb as JsonObject)[key];
    if (!deepEqual(a, b)) labels.add(field.label);
    return true;
  };
}

/** `id_normalization_mapping`: none is `{}`; its values are original ids (noise), its keys are not. */
function compareMappings(a: unknown, b: unknown, patterns: readonly IgnorePattern[], labels: Set<string>): ResponseChange[] {
  const key = "id_normalization_mapping";
  const ma = isObject(a) ? a[key] : undefined;
  const mb = isObject(b) ? b[key] : undefined;
  if ((ma === undefined) !== (mb === undefined) && !isIgnored(patterns, [key])) {
    const present = ma ?? mb;
    if (isObject(present) && Object.keys(present).length === 0) labels.add(EMPTY_MAPPING);
  }
  const skip: Walker["skip"] = (path, pa, pb) => {
    if (isIgnored(patterns, path)) return true;
    if (path.length !== 2 || !isObject(pa) || !isObject(pb)) return false;
    const k = path[1] ?? "";
    if (hasOwn(pa, k) && hasOwn(pb, k)) {
      if (!deepEqual(pa[k], pb[k])) labels.add("ids");
      return true;
    }
    return false;
  };
  return structural(ma ?? {}, mb ?? {}, [key], skip).map((c) => ({ aspect: "mapping", ...c }));
}

/** The `data: {…}` payload of a raw SSE line, parsed; undefined when it is not one. */
function ssePayload(value: unknown): unknown {
  if (typeof value !== "string" || !value.startsWith("data:")) return undefined;
  try {
    return JSON.parse(value.slice(5)) as unknown;
  } catch {
    return undefined;
  }
}

/** The last object key of a path (array indexes skipped): what a difference is named by. */
function fieldName(path: readonly string[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i] ?? "";
    if (!/^\d+$/.test(segment)) return segment;
  }
  return "";
}

/**
 * Names what two responses differ in besides their answers: noise fields (noted by the skip
 * rule), and — when the answers agree, so that every other difference is beside the answer — the
 * cut of a stream into chunks and the names of the fields outside the answer.
 */
function classifyOutside(
  a: unknown,
  b: unknown,
  patterns: readonly IgnorePattern[],
  sameAnswer: boolean,
  labels: Set<string>,
  outside: Set<string>,
): void {
  const skip = noiseSkip(patterns, labels);
  /** Raw SSE lines (`data: {…}`) are compared as the JSON they carry, so their ids count as ids. */
  const visit = (x: unknown, y: unknown, path: string[], named: (path: readonly string[]) => void): void => {
    const emit: Walker["emit"] = (op, at, va, vb) => {
      const pa = op === "~" ? ssePayload(va) : undefined;
      const pb = op === "~" ? ssePayload(vb) : undefined;
      if (pa !== undefined && pb !== undefined) visit(pa, pb, [...at, "data"], named);
      else named(at);
    };
    walk(x, y, path, { skip, emit });
  };
  const outsideField = (path: readonly string[]): void => {
    if (sameAnswer) outside.add(fieldName(path));
  };
  const bodyA = isObject(a) ? a["body"] : undefined;
  const bodyB = isObject(b) ? b["body"] : undefined;
  if (!Array.isArray(bodyA) || !Array.isArray(bodyB) || !isObject(a) || !isObject(b)) {
    visit(a, b, ["response"], outsideField);
    return;
  }
  visit({ ...a, body: null }, { ...b, body: null }, ["response"], outsideField);
  if (bodyA.length === bodyB.length) {
    visit(bodyA, bodyB, ["response", "body"], (path) => {
      const name = fieldName(path);
      if (!sameAnswer) return;
      if (CHUNK_TEXT_KEYS.has(name) || name === "body") labels.add(CHUNK_BOUNDARIES);
      else outside.add(name);
    });
    return;
  }
  // Once the cut differs, chunk i of one stream and chunk i of the other hold different pieces:
  // only the first and the last chunks (ids, model, finish reason, usage) are compared, for noise.
  if (sameAnswer) labels.add(CHUNK_BOUNDARIES);
  const ends: [number, number][] = [
    [0, 0],
    [bodyA.length - 1, bodyB.length - 1],
  ];
  for (const [i, j] of ends) {
    if (i >= 0 && j >= 0) visit(bodyA[i], bodyB[j], ["response", "body", String(i)], () => undefined);
  }
}

/** Usage by key; a key reported as null carries nothing, as if it were not reported. */
function usageView(usage: Record<string, unknown> | null): JsonObject | null {
  if (usage === null) return null;
  return Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== null));
}

/** A reassembled answer as compared: tool calls by name and arguments (ids, indexes and types left out). */
function answerView(answer: Reassembled): JsonObject {
  return {
    choices: answer.choices.map((c) => ({
      content: c.content,
      reasoning: c.reasoning,
      refusal: c.refusal ?? "",
      tool_calls: c.tool_calls.map((t) => ({ name: t.name, arguments: t.arguments as unknown })),
      finish_reason: c.finish_reason,
      role: c.role,
    })),
    usage: usageView(answer.usage),
    error: answer.error,
    model: answer.model,
  };
}

function parseJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof text !== "string") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Tool arguments are compared as parsed JSON when both sides parse (key order, spacing aside). */
function parseArgumentPairs(a: JsonObject, b: JsonObject): void {
  const calls = (view: JsonObject, i: number): JsonObject[] => {
    const choices = view["choices"] as JsonObject[];
    return (choices[i]?.["tool_calls"] as JsonObject[] | undefined) ?? [];
  };
  const choices = Math.max((a["choices"] as unknown[]).length, (b["choices"] as unknown[]).length);
  for (let i = 0; i < choices; i++) {
    const ca = calls(a, i);
    const cb = calls(b, i);
    for (let j = 0; j < Math.max(ca.length, cb.length); j++) {
      const ta = ca[j];
      const tb = cb[j];
      const pa = parseJson(ta?.["arguments"]);
      const pb = parseJson(tb?.["arguments"]);
      const paired = ta !== undefined && tb !== undefined;
      if (ta !== undefined && pa.ok && (!paired || pb.ok)) ta["arguments"] = pa.value;
      if (tb !== undefined && pb.ok && (!paired || pa.ok)) tb["arguments"] = pb.value;
    }
  }
}

const CHOICE_ASPECTS: Record<string, ResponseAspect> = {
  content: "text",
  reasoning: "reasoning",
  refusal: "refusal",
  tool_calls: "tool_calls",
  finish_reason: "finish_reason",
  role: "role",
};

/** A change between answer views, with its aspect and the choice and tool call it is in. */
function answerChange(c: Change, path: readonly string[], a: Reassembled, b: Reassembled): ResponseChange {
  const [, top, i, member, j] = path;
  if (top !== "choices") return { aspect: (top ?? "model") as ResponseAspect, ...c };
  const position = Number(i);
  const choice = a.choices[position] ?? b.choices[position];
  const located: ResponseChange = { aspect: member === undefined ? "choices" : (CHOICE_ASPECTS[member] ?? "choices"), ...c };
  if (choice !== undefined) located.choice = choice.index;
  if (member === "tool_calls" && j !== undefined) {
    const call = a.choices[position]?.tool_calls[Number(j)] ?? b.choices[position]?.tool_calls[Number(j)];
    located.tool_call = { index: Number(j), name: call?.name ?? "" };
  }
  return located;
}

function compareAnswers(a: Reassembled, b: Reassembled, patterns: readonly IgnorePattern[]): ResponseChange[] {
  const va = answerView(a);
  const vb = answerView(b);
  parseArgumentPairs(va, vb);
  const out: ResponseChange[] = [];
  const skip = userSkip(patterns);
  walk(va, vb, ["answer"], { skip, emit: (op, path, x, y) => out.push(answerChange(change(op, path, x, y), path, a, b)) });
  return out;
}

function responseOf(data: unknown): unknown {
  return isObject(data) ? data["response"] : undefined;
}

/** `raw`: every field of every chunk, the number of chunks first when it differs. */
function compareRaw(a: unknown, b: unknown, patterns: readonly IgnorePattern[]): ResponseChange[] {
  const pick = (d: unknown): JsonObject => {
    const view: JsonObject = {};
    if (!isObject(d)) return view;
    if (hasOwn(d, "response")) view["response"] = d["response"];
    if (hasOwn(d, "id_normalization_mapping")) view["id_normalization_mapping"] = d["id_normalization_mapping"];
    return view;
  };
  const out: ResponseChange[] = [];
  const ra = responseOf(a);
  const rb = responseOf(b);
  const ca = isObject(ra) ? ra["body"] : undefined;
  const cb = isObject(rb) ? rb["body"] : undefined;
  if (Array.isArray(ca) && Array.isArray(cb) && ca.length !== cb.length && !isIgnored(patterns, ["response", "body"])) {
    out.push({ aspect: "chunks", op: "~", pointer: "/response/body", a: ca.length, b: cb.length });
  }
  for (const c of structural(pick(a), pick(b), [], userSkip(patterns))) out.push({ aspect: "raw", ...c });
  return out;
}

function sortLabels(labels: Set<string>): string[] {
  return [...labels].sort((x, y) => LABEL_ORDER.indexOf(x) - LABEL_ORDER.indexOf(y));
}

/**
 * What differs between two recordings. Request: every field by pointer. Response: the answers
 * aspect by aspect when both have one; the bodies field by field, noise left out, when neither
 * has (embeddings, model lists, tool results); with `raw`, everything.
 * @throws IgnoreError for an `--ignore` value that is not a JSON pointer.
 */
export function diffRecordings(a: DiffSide, b: DiffSide, options: DiffOptions): RecordingDiff {
  const patterns = parseIgnore(options.ignore);
  const request = structural(requestView(a.data), requestView(b.data), [], userSkip(patterns));
  const labels = new Set<string>();
  const outside = new Set<string>();
  let compared: Comparison;
  let response: ResponseChange[];
  if (options.raw) {
    compared = "raw";
    response = compareRaw(a.data, b.data, patterns);
  } else {
    const ra = responseOf(a.data);
    const rb = responseOf(b.data);
    if (a.answer !== null && b.answer !== null) {
      compared = "answers";
      response = compareAnswers(a.answer, b.answer, patterns);
      classifyOutside(ra, rb, patterns, response.length === 0, labels, outside);
    } else if (a.answer === null && b.answer === null && a.family === b.family) {
      compared = "bodies";
      response = structural(ra, rb, ["response"], noiseSkip(patterns, labels)).map((c) => ({ aspect: "body", ...c }));
    } else {
      compared = "families";
      response = isIgnored(patterns, ["response"]) ? [] : [{ aspect: "family", op: "~", pointer: "/response", a: a.family, b: b.family }];
    }
    response.push(...compareMappings(a.data, b.data, patterns, labels));
  }
  return {
    same: request.length === 0 && response.length === 0,
    families: { a: a.family, b: b.family },
    compared,
    request,
    response,
    noise: sortLabels(labels),
    outside: [...outside].sort(),
    ignored: [...options.ignore],
  };
}

/**
 * One side of a diff from a parsed recording: its family, and its answer reassembled from the
 * response with the `--ignore`d parts under `/response` removed first (so ignoring the chunks'
 * `usage` leaves both answers without usage). No answer with `raw`, which compares the documents
 * as stored.
 * @throws IgnoreError for an `--ignore` value that is not a JSON pointer.
 */
export function diffSide(data: unknown, options: DiffOptions): DiffSide {
  const response = responseOf(data);
  const family = detectFamily(response, isObject(data) ? data["request"] : undefined);
  if (options.raw) return { data, family, answer: null };
  const below = parseIgnore(options.ignore)
    .filter((p) => p[0] === "response" || p[0] === "*")
    .map((p) => p.slice(1));
  if (below.some((p) => p.length === 0)) return { data, family, answer: null };
  try {
    return { data, family, answer: reassemble(withoutIgnored(response, below), family) };
  } catch (err) {
    if (err instanceof NoAnswerError) return { data, family, answer: null };
    throw err;
  }
}
