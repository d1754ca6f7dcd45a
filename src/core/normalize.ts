/**
 * Response normalization (SPEC "Response normalization"): the recorder's `_normalize_response`,
 * applied to files already on disk, so that re-recording makes no git noise.
 *
 * Two paths, one answer. Most files in a normalized repository need nothing, and proving that
 * must be cheap: the rules are checked on the `JSON.parse` value and the formatting with
 * `JSON.stringify` (see `proveFormatted` in format.ts). Anything that would change, or that the cheap proof
 * cannot decide, goes through the exact `PyValue` parse, which is also what a rewrite prints.
 */
import { isRecorderFormatted, proveFormatted, type FormatProof } from "./format.js";
import { recorderFormat } from "./pydumps.js";
import { parseExact, type PyDict, type PyValue } from "./pyjson.js";
import { isObject, readRecordingSync, type NameHash, type Recording } from "./recording.js";
import { isFileFailure, type FileFailure } from "./types.js";
import { rewriteFailure, writeInside } from "./rewrite.js";

// ---------------------------------------------------------------------------------------------
// The rules

/** What the recorder writes into a field. `rec-id` needs the hash the file is named after. */
export type RuleValue = { kind: "rec-id" } | { kind: "int"; value: 0 } | { kind: "string"; value: string };

export interface ResponseRule {
  /** The `__data__` key the rule rewrites (only where the key is present). */
  key: string;
  value: RuleValue;
  /** `data.get("object") != "model"`: a model object's id is the model's name, kept as is. */
  exceptModels: boolean;
  /** `data[k] is not None`: the durations stay null where the provider sent null. */
  exceptNull: boolean;
}

export const EPOCH_TIMESTAMP = "1970-01-01T00:00:00.000000Z";

const ZERO: RuleValue = { kind: "int", value: 0 };

/** The recorder's `_normalize_response`, in its order (api_recorder.py). */
export const RESPONSE_RULES: readonly ResponseRule[] = [
  { key: "id", value: { kind: "rec-id" }, exceptModels: true, exceptNull: false },
  { key: "created", value: ZERO, exceptModels: true, exceptNull: false },
  { key: "created_at", value: { kind: "string", value: EPOCH_TIMESTAMP }, exceptModels: false, exceptNull: false },
  { key: "total_duration", value: ZERO, exceptModels: false, exceptNull: true },
  { key: "load_duration", value: ZERO, exceptModels: false, exceptNull: true },
  { key: "prompt_eval_duration", value: ZERO, exceptModels: false, exceptNull: true },
  { key: "eval_duration", value: ZERO, exceptModels: false, exceptNull: true },
];

/** `rec-<first 12 hex of the request hash>`, the hash being the one in the file name. */
export function recIdFor(name: NameHash | null): string | null {
  return name === null ? null : `rec-${name.hash.slice(0, 12)}`;
}

export const NOT_HASH_NAMED = "not hash-named: ids left alone";

// ---------------------------------------------------------------------------------------------
// Results

export interface Change {
  pointer: string;
  /** The value as stored (JSON; integers as numbers). */
  from: unknown;
  to: unknown;
}

export interface Assessment {
  file: string;
  changes: Change[];
  /** The file is not in the recorder's formatting (json.dump indent=2 + newline). */
  reformat: boolean;
  notes: string[];
}

export interface NormalizationPlan extends Assessment {
  /** The file as the recorder would write it; equal to the input when nothing changes. */
  text: string;
}

export function wouldChange(a: Assessment): boolean {
  return a.changes.length > 0 || a.reformat;
}

// ---------------------------------------------------------------------------------------------
// Applying the rules to one `__data__` object, native or exact

/** A `__data__` object seen through the two value models. */
interface DataAccess<V> {
  has(key: string): boolean;
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

interface ValueModel<V> {
  /** The value a rule writes, in this model. */
  target(value: RuleValue, recId: string): V;
  /** Whether the stored value already is the target (`0` must be an int, not `0.0`). */
  same(stored: V | undefined, target: V): boolean;
  isNull(stored: V | undefined): boolean;
  toJson(v: V | undefined): unknown;
}

const NATIVE: ValueModel<unknown> = {
  target: (value, recId) => (value.kind === "rec-id" ? recId : value.value),
  // A native 0 may have been `0.0` in the text; callers rule that out (see nativeSuffices).
  same: (stored, target) => stored === target,
  isNull: (stored) => stored === null,
  toJson: (v) => v,
};

const EXACT: ValueModel<PyValue> = {
  target: (value, recId) => (value.kind === "rec-id" ? recId : value.kind === "int" ? BigInt(value.value) : value.value),
  same: (stored, target) => stored === target,
  isNull: (stored) => stored === null,
  toJson: (v) => (v === undefined ? null : toJsonValue(v)),
};

function toJsonValue(v: PyValue): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toJsonValue(x)]));
  return v;
}

interface ObjectResult {
  changes: Change[];
  /** An `id` was there to normalize but the file name carries no hash. */
  idLeftAlone: boolean;
}

function normalizeObject<V>(data: DataAccess<V>, model: ValueModel<V>, recId: string | null, pointer: string, apply: boolean): ObjectResult {
  const changes: Change[] = [];
  let idLeftAlone = false;
  const isModel = data.get("object") === "model";
  for (const rule of RESPONSE_RULES) {
    if (!data.has(rule.key)) continue;
    if (rule.exceptModels && isModel) continue;
    const stored = data.get(rule.key);
    if (rule.exceptNull && model.isNull(stored)) continue;
    if (rule.value.kind === "rec-id" && recId === null) {
      idLeftAlone = true;
      continue;
    }
    const target = model.target(rule.value, recId ?? "");
    if (model.same(stored, target)) continue;
    changes.push({ pointer: `${pointer}/${rule.key}`, from: model.toJson(stored), to: model.toJson(target) });
    if (apply) data.set(rule.key, target);
  }
  return { changes, idLeftAlone };
}

/** Every `__data__` of a serialized pydantic object in the body: the body itself or each chunk. */
function* dataObjects<T>(body: unknown, asDict: (v: unknown) => T | null, field: (o: T, key: string) => unknown): Generator<[T, string]> {
  const items = Array.isArray(body) ? body.map((item, i) => [item, `/response/body/${i}`] as const) : [[body, "/response/body"] as const];
  for (const [item, pointer] of items) {
    const obj = asDict(item);
    if (obj === null || field(obj, "__type__") === undefined) continue;
    const data = asDict(field(obj, "__data__"));
    if (data !== null) yield [data, `${pointer}/__data__`];
  }
}

const nativeDict = (v: unknown): Record<string, unknown> | null => (isObject(v) ? v : null);
const nativeField = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const exactDict = (v: unknown): PyDict | null => (v instanceof Map ? (v as PyDict) : null);
const exactField = (o: PyDict, key: string): unknown => o.get(key);

interface RulesResult {
  changes: Change[];
  notes: string[];
}

function notesFor(idLeftAlone: boolean): string[] {
  return idLeftAlone ? [NOT_HASH_NAMED] : [];
}

/** The rules on the JSON.parse value; nothing is modified. */
function nativeRules(data: unknown, recId: string | null): RulesResult {
  const response = isObject(data) ? nativeField(data, "response") : undefined;
  const body = isObject(response) ? nativeField(response, "body") : undefined;
  const changes: Change[] = [];
  let idLeftAlone = false;
  for (const [obj, pointer] of dataObjects(body, nativeDict, nativeField)) {
    const access: DataAccess<unknown> = { has: (k) => Object.hasOwn(obj, k), get: (k) => nativeField(obj, k), set: () => undefined };
    const r = normalizeObject(access, NATIVE, recId, pointer, false);
    changes.push(...r.changes);
    idLeftAlone ||= r.idLeftAlone;
  }
  return { changes, notes: notesFor(idLeftAlone) };
}

/** Every `rec-` id is this one when responses are compared: the id follows the file's name. */
const ANY_REC_ID = "rec-";

/**
 * The response as the recorder's normalization leaves it, whatever the file is named (ids all one
 * placeholder): two versions of a recording whose normalized responses are equal hold the same
 * answer, however a normalize run, a rename or a reformatting wrote them. A deep copy of
 * `data.response` (undefined when there is none); `data` is not modified.
 */
export function normalizedResponse(data: unknown): unknown {
  const original = isObject(data) ? nativeField(data, "response") : undefined;
  return original === undefined ? undefined : normalizeResponseInPlace(structuredClone(original));
}

/** `normalizedResponse` for a response value the caller owns (just parsed): rewritten in place, no copy. */
export function normalizeResponseInPlace(response: unknown): unknown {
  const body = isObject(response) ? nativeField(response, "body") : undefined;
  for (const [obj, pointer] of dataObjects(body, nativeDict, nativeField)) {
    const access: DataAccess<unknown> = { has: (k) => Object.hasOwn(obj, k), get: (k) => nativeField(obj, k), set: (k, v) => void (obj[k] = v) };
    normalizeObject(access, NATIVE, ANY_REC_ID, pointer, true);
  }
  return response;
}

/** The rules on the exact value, applied in place (Map.set keeps the key's position, as dict does). */
export function applyRules(value: PyValue, recId: string | null): RulesResult {
  const response = value instanceof Map ? value.get("response") : undefined;
  const body = response instanceof Map ? response.get("body") : undefined;
  const changes: Change[] = [];
  let idLeftAlone = false;
  for (const [obj, pointer] of dataObjects(body, exactDict, exactField)) {
    const access: DataAccess<PyValue> = { has: (k) => obj.has(k), get: (k) => obj.get(k), set: (k, v) => obj.set(k, v) };
    const r = normalizeObject(access, EXACT, recId, pointer, true);
    changes.push(...r.changes);
    idLeftAlone ||= r.idLeftAlone;
  }
  return { changes, notes: notesFor(idLeftAlone) };
}

/**
 * `JSON.parse` reads `0.0` as 0, which the native check would take for the int 0 the recorder
 * writes. In a proven-formatted file a line whose number JS spells alike holds JS's `0`, an int;
 * so only the respelled lines of the int-zero rules' keys can hide a float zero.
 */
const INT_ZERO_KEYS = RESPONSE_RULES.filter((r) => r.value.kind === "int").map((r) => JSON.stringify(r.key));

/** True when the cheap path decides: formatted, and the native rule check is exact. */
function nativeSuffices(proof: FormatProof): boolean {
  return proof.formatted === true && !INT_ZERO_KEYS.some((k) => proof.respelled.has(k));
}

// ---------------------------------------------------------------------------------------------
// Assess (what would change) and plan (the new text)

/**
 * What `normalize` would change in a file, cheaply when it can: the exact parse is paid only
 * when the formatting cannot be proven from the JSON.parse value or a float zero might hide in
 * a rule's field.
 */
export function assessNormalization(rec: Recording): Assessment {
  const recId = recIdFor(rec.name);
  const proof = proveFormatted(rec.text, rec.data, rec.ascii);
  if (nativeSuffices(proof)) {
    const { changes, notes } = nativeRules(rec.data, recId);
    return { file: rec.file, changes, reformat: false, notes };
  }
  const { changes, notes, reformat } = exactPlan(rec, proof.formatted, recId);
  return { file: rec.file, changes, reformat, notes };
}

function exactPlan(rec: Recording, formatted: boolean | undefined, recId: string | null): RulesResult & { reformat: boolean; value: PyValue } {
  const value = parseExact(rec.text);
  const reformat = !(formatted ?? isRecorderFormatted(rec.text, rec.data, () => value, rec.ascii));
  return { ...applyRules(value, recId), reformat, value };
}

/** The assessment plus the file as the recorder would write it. */
export function planNormalization(rec: Recording): NormalizationPlan {
  const recId = recIdFor(rec.name);
  const proof = proveFormatted(rec.text, rec.data, rec.ascii);
  if (nativeSuffices(proof)) {
    const quick = nativeRules(rec.data, recId);
    if (quick.changes.length === 0) return { file: rec.file, changes: [], reformat: false, notes: quick.notes, text: rec.text };
  }
  const { changes, notes, reformat, value } = exactPlan(rec, proof.formatted, recId);
  const text = changes.length === 0 && !reformat ? rec.text : recorderFormat(value);
  return { file: rec.file, changes, reformat, notes, text };
}

// ---------------------------------------------------------------------------------------------
// Many files, on every core

export interface NormalizeTaskOptions {
  write: boolean;
  /** With `write`: the repository root the write gate judges by (recordings-folder.ts). */
  repoRoot: string | null;
}

export interface NormalizeOutcome extends Assessment {
  written: boolean;
}

/** A file normalize could not read or write (the one failure type). */
export type NormalizeFailure = FileFailure;

export type NormalizeResult = NormalizeOutcome | NormalizeFailure;

export function isNormalizeFailure(r: NormalizeResult): r is NormalizeFailure {
  return isFileFailure(r);
}

async function normalizeFile(file: string, options: NormalizeTaskOptions): Promise<NormalizeResult> {
  try {
    const rec = readRecordingSync(file);
    if (!options.write) return { ...assessNormalization(rec), written: false };
    const { text, ...assessment } = planNormalization(rec);
    if (text === rec.text) return { ...assessment, written: false };
    const refused = await writeInside(file, text, options.repoRoot);
    return refused === null ? { ...assessment, written: true } : { file, error: refused, rule: "io", line: null, column: null };
  } catch (err) {
    return rewriteFailure(file, err);
  }
}

/** Runs in each thread: assesses (or rewrites) the files it takes. */
export async function prepareTask(options: NormalizeTaskOptions): Promise<(file: string) => Promise<NormalizeResult>> {
  return (file) => normalizeFile(file, options);
}

/** The task worker threads run (commands/rewrite.ts spreads it over the files). */
export const NORMALIZE_TASK = { url: new URL(import.meta.url), prepare: prepareTask };
