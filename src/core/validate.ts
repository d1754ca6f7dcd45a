/**
 * `validate`'s core: JSON syntax, the bundled JSON Schema, and the semantic checks of SPEC
 * (stream flag vs body shape, chunk types, name hash vs request hash, `rec-` ids, test_id shape,
 * recorder formatting). Findings are data; nothing here prints or exits.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { runParallel, type WorkerPool } from "./parallel.js";
import { isRecorderFormatted } from "./format.js";
import { parseExact } from "./pyjson.js";
import { readText, ReadError } from "./read.js";
import {
  exactRequest,
  isObject,
  pointerPosition,
  readRecording,
  recordingFromBytes,
  RecordingError,
  type Recording,
} from "./recording.js";
import type { Rule, WarningRule } from "./types.js";
import { NEWEST_ERA, type Era } from "./rules/eras.js";
import { rulesFromTask } from "./rules/detect.js";
import { isUnreachable, unreachableMessage, verdictOf } from "./rules/verdict.js";
import type { PythonEnvironment } from "./guard/pymodules.js";
import { StaleTypeChecker, typeUses } from "./guard/stale-type.js";
import { secretFindings, secretsPolicy, type SecretsPolicy } from "./guard/secrets.js";
import type { SecretsAllowList } from "./guard/secrets-config.js";

export interface Finding {
  pointer: string;
  line: number | null;
  column: number | null;
  message: string;
  rule: Rule;
}

export interface FileReport {
  file: string;
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
}

export const BUNDLED_SCHEMA = new URL("../../schemas/recording.schema.json", import.meta.url);
/** The bundled schema, compiled at build time (scripts/build-schema.mjs): no ajv at start-up. */
const PRECOMPILED = new URL("../schema-validator.js", import.meta.url);

export class SchemaError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "SchemaError";
  }
}

/** The bundled schema's validator, or one compiled with ajv from `--schema F`. */
export async function loadValidator(schemaFile: string | null): Promise<ValidateFunction> {
  if (schemaFile === null) {
    const mod = (await import(PRECOMPILED.href)) as { validate: ValidateFunction };
    return mod.validate;
  }
  let schema: unknown;
  try {
    schema = JSON.parse(readText(schemaFile));
  } catch (err) {
    const why = err instanceof ReadError ? err.message.replace(/^cannot read: /, "") : (err as Error).message;
    throw new SchemaError(schemaFile, `cannot read schema ${schemaFile}: ${why}`);
  }
  const { Ajv } = await import("ajv");
  try {
    return new Ajv({ allErrors: true, strict: false }).compile(schema as object);
  } catch (err) {
    throw new SchemaError(schemaFile, `invalid schema ${schemaFile}: ${(err as Error).message}`);
  }
}

/** Keeps the errors a person can act on: the specific ones, not their anyOf/if wrappers. */
function schemaFindings(errors: readonly ErrorObject[]): { pointer: string; message: string }[] {
  const wrappers = new Set(["anyOf", "oneOf", "if", "not"]);
  const specific = errors.filter((e) => !wrappers.has(e.keyword));
  const seen = new Set<string>();
  const out: { pointer: string; message: string }[] = [];
  for (const e of specific.length > 0 ? specific : errors) {
    let what = e.message ?? "is invalid";
    if (e.keyword === "required") what = `must have property '${String(e.params["missingProperty"])}'`;
    if (e.keyword === "additionalProperties") what = `has unexpected property '${String(e.params["additionalProperty"])}'`;
    const key = `${e.instancePath} ${what}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: e.instancePath, message: what });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks

type RawFinding = { pointer: string; message: string; rule: Rule };

function chunkKind(chunk: unknown): string {
  if (typeof chunk === "string") return "SSE line";
  if (isObject(chunk)) return typeof chunk["__type__"] === "string" ? `${chunk["__type__"]}` : "plain object";
  return typeof chunk;
}

/** Event streams (Responses API) mix event classes by design; other streams use one class. */
const EVENT_STREAM_PREFIXES = ["openai.types.responses."];

function checkBodyShape(response: Record<string, unknown>): RawFinding[] {
  const body = response["body"];
  const streaming = response["is_streaming"];
  const out: RawFinding[] = [];
  if (streaming === false && Array.isArray(body) && body.length > 0) {
    const looksStreamed = body.every((c) => typeof c === "string" || /Chunk$/.test(chunkKind(c)));
    if (looksStreamed) {
      out.push({ pointer: "/response/is_streaming", message: "is false but the body is a list of stream chunks", rule: "stream-shape" });
    }
  }
  if (streaming === true && Array.isArray(body) && body.length > 1) {
    const kinds = body.map(chunkKind);
    const first = kinds[0] ?? "";
    const mixed = kinds.findIndex((k) => {
      if (k === first) return false;
      return !EVENT_STREAM_PREFIXES.some((p) => k.startsWith(p) && first.startsWith(p));
    });
    if (mixed > 0) {
      out.push({
        pointer: `/response/body/${mixed}`,
        message: `chunk is ${kinds[mixed] ?? "?"} but the stream started with ${first}`,
        rule: "chunk-type",
      });
    }
  }
  return out;
}

const TEST_ID_SHAPE = /^[^\s:][^:]*\.py(::[^:\s][^:]*)+$/;

function checkTestId(data: Record<string, unknown>): RawFinding[] {
  const out: RawFinding[] = [];
  const testId = data["test_id"];
  if (typeof testId === "string" && !TEST_ID_SHAPE.test(testId.replace(/\[.*\]$/s, ""))) {
    out.push({ pointer: "/test_id", message: `is not a pytest node id (path/test_x.py::test_name[params]): ${JSON.stringify(testId)}`, rule: "test-id" });
  }
  const request = data["request"];
  if (isObject(request) && "test_id" in request && "test_id" in data && request["test_id"] !== testId) {
    out.push({ pointer: "/request/test_id", message: "differs from the top-level test_id", rule: "test-id" });
  }
  return out;
}

/** Every `__data__.id` the recorder normalized must be `rec-` + the first 12 hex of the name hash. */
function checkRecIds(response: Record<string, unknown>, nameHashHex: string): RawFinding[] {
  const expected = `rec-${nameHashHex.slice(0, 12)}`;
  const body = response["body"];
  const items = Array.isArray(body) ? body : [body];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const data = isObject(item) ? item["__data__"] : undefined;
    const id = isObject(data) ? data["id"] : undefined;
    if (typeof id === "string" && id.startsWith("rec-") && id !== expected) {
      const pointer = Array.isArray(body) ? `/response/body/${i}/__data__/id` : "/response/body/__data__/id";
      return [{ pointer, message: `is ${id} but the file name says ${expected}`, rule: "rec-id" }];
    }
  }
  return [];
}

function checkNameHash(rec: Recording, formatted: boolean, era: Era): RawFinding[] {
  if (rec.name === null) return [];
  const input = exactRequest(rec, formatted);
  const verdict = verdictOf(input, rec.name, era);
  if (verdict.status === "unknown") {
    return [{ pointer: "/request", message: `cannot be judged: ${verdict.note ?? "request has no known shape"}`, rule: "name-hash" }];
  }
  if (!isUnreachable(verdict)) return [];
  return [{ pointer: "/request", message: unreachableMessage(input, rec.name, verdict), rule: "name-hash" }];
}

const FORMAT_WARNING: readonly RawFinding[] = [
  {
    pointer: "",
    message: "file is not in the recorder's formatting (json.dump indent=2 + newline); `recctl normalize --write` rewrites it",
    rule: "format",
  },
];

// ---------------------------------------------------------------------------------------------

export interface ValidateOptions {
  validateSchema: ValidateFunction;
  /** Warning rules neither checked nor reported (`--ignore`). */
  ignore?: ReadonlySet<WarningRule>;
  /** The hash rules the name-hash check applies to a file (default: the newest). */
  eraFor?: (file: string) => Era;
  /** The `stale-type` rule's resolver over the repository's Python sources (none: not checked). */
  staleTypes?: StaleTypeChecker | null;
  /** The `secret` / `infra-id` rules' allow-list (`[tool.recctl.secrets]`); absent: nothing allowed. */
  secrets?: SecretsPolicy | null;
}

const CHECK_ALL: ReadonlySet<WarningRule> = new Set();

function locate(rec: Recording, raw: RawFinding): Finding {
  const pos = pointerPosition(rec.text, raw.pointer);
  return { pointer: raw.pointer, line: pos?.line ?? null, column: pos?.column ?? null, message: raw.message, rule: raw.rule };
}

export function validateRecording(rec: Recording, options: ValidateOptions): FileReport {
  const errors: RawFinding[] = [];
  const warnings: RawFinding[] = [];
  if (!options.validateSchema(rec.data)) {
    for (const f of schemaFindings(options.validateSchema.errors ?? [])) errors.push({ ...f, rule: "schema" });
  }
  const data = rec.data;
  const ignore = options.ignore ?? CHECK_ALL;
  // Semantic checks read a document of the right shape; schema errors come first.
  if (isObject(data) && errors.length === 0) {
    const response = data["response"];
    if (isObject(response)) {
      errors.push(...checkBodyShape(response));
      if (rec.name !== null && !ignore.has("rec-id")) warnings.push(...checkRecIds(response, rec.name.hash));
    }
    errors.push(...checkTestId(data));
    // The formatting proof is the costliest check (a JSON.stringify of the whole document).
    const formatted = !ignore.has("format") && isRecorderFormatted(rec.text, rec.data, () => parseExact(rec.text), rec.ascii);
    if (isObject(data["request"]) && errors.length === 0 && !ignore.has("name-hash")) warnings.push(...checkNameHash(rec, formatted, options.eraFor?.(rec.file) ?? NEWEST_ERA));
    if (!formatted && !ignore.has("format")) warnings.push(...FORMAT_WARNING);
    if (options.staleTypes != null && !ignore.has("stale-type")) warnings.push(...options.staleTypes.check(typeUses(data)));
  }
  // Credentials and infrastructure ids anywhere in the text, whatever its shape (located where the value is).
  const guarded = secretFindings(rec.file, rec.text, options.secrets ?? null, { secret: true, infra: !ignore.has("infra-id") });
  const located = (f: (typeof guarded)[number]): Finding => ({ pointer: f.pointer, line: f.line, column: f.column, message: f.message, rule: f.rule });
  // Locating needs a tree parse; only files with findings pay for it.
  return {
    file: rec.file,
    valid: errors.length === 0 && !guarded.some((f) => f.rule === "secret"),
    errors: [...errors.map((f) => locate(rec, f)), ...guarded.filter((f) => f.rule === "secret").map(located)],
    warnings: [...warnings.map((f) => locate(rec, f)), ...guarded.filter((f) => f.rule === "infra-id").map(located)],
  };
}

export function errorReport(err: RecordingError): FileReport {
  return {
    file: err.file,
    valid: false,
    errors: [{ pointer: err.pointer, line: err.line, column: err.column, message: err.message, rule: err.rule }],
    warnings: [],
  };
}

/** Validates bytes already read from `file` (the result cache reads them to key its results). */
export function validateBytes(file: string, bytes: Uint8Array, options: ValidateOptions): FileReport {
  try {
    return validateRecording(recordingFromBytes(file, bytes), options);
  } catch (err) {
    if (err instanceof RecordingError) return errorReport(err);
    throw err;
  }
}

export async function validateFile(file: string, options: ValidateOptions): Promise<FileReport> {
  try {
    return validateRecording(await readRecording(file), options);
  } catch (err) {
    if (err instanceof RecordingError) return errorReport(err);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Many files, on every core

export interface ValidateTaskOptions {
  /** A schema file path, or null for the bundled schema. */
  schemaFile: string | null;
  /** Warning rules left unchecked. */
  ignore: readonly WarningRule[];
  /** The id of the era whose hash rules apply (`rules/eras.ts`; a date, stable: fit for a cache key). */
  rules?: string;
  /** Each file by the era of its layout (rules/layout.ts); `rules` then names the newest. */
  layout?: boolean;
  /** The repository's Python (`guard/pymodules.ts`), for `stale-type`; null or absent: not checked. */
  python?: PythonEnvironment | null;
  /** `[tool.recctl.secrets]`: what the `secret` and `infra-id` rules accept (globs absolute). */
  secrets?: SecretsAllowList;
}


/** The per-file options a thread works with: the schema compiled (or loaded) once, the era looked up. */
export async function validateOptions(options: ValidateTaskOptions): Promise<ValidateOptions> {
  const validateSchema = await loadValidator(options.schemaFile);
  const rules = rulesFromTask({ rules: options.rules ?? NEWEST_ERA.id, layout: options.layout === true });
  const staleTypes = options.python == null || options.ignore.includes("stale-type") ? null : new StaleTypeChecker(options.python);
  return { validateSchema, ignore: new Set(options.ignore), eraFor: rules.eraFor, staleTypes, secrets: await secretsPolicy(options.secrets) };
}

/** Runs in each thread: prepares the options once, then validates file by file. */
export async function prepareTask(options: ValidateTaskOptions): Promise<(file: string) => Promise<FileReport>> {
  const perFile = await validateOptions(options);
  return (file) => validateFile(file, perFile);
}

export async function validateMany(files: readonly string[], options: ValidateTaskOptions, pool?: WorkerPool): Promise<FileReport[]> {
  return runParallel(files, options, { url: new URL(import.meta.url), prepare: prepareTask }, pool);
}
