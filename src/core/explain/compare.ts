/**
 * A candidate against the missed request: the differences by JSON pointer, each saying whether
 * it changes the hash, and whether a difference is a value that changes on every run.
 */
import { compareTrees, diffRequests, hashed, type Hashed, type RequestHasher } from "../diff/index.js";
import type { HashRules } from "../rules/eras.js";
import type { PyValue } from "../pyjson.js";
import type { ExactRequest } from "../recording.js";
import type { RequestFacts } from "./candidates.js";

/** One difference; `a` is the recording's value, `b` the missed request's (null: absent there). */
export interface Difference {
  pointer: string;
  a: unknown;
  b: unknown;
  hash_relevant: boolean;
}

/** A PyValue (or a JSON.parse value) as plain JSON: dicts as objects, ints as numbers. */
export function toPlain(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Map) return Object.fromEntries([...(v as Map<string, PyValue>)].map(([k, x]) => [k, toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

/** The part of a recording the request differences are taken over. */
export function requestDocument(exact: ExactRequest): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (exact.testId !== undefined) doc["test_id"] = toPlain(exact.testId);
  doc["request"] = toPlain(exact.request);
  return doc;
}

/** A request ready to be compared many times: hashed and normalized once, as plain JSON once. */
export interface Prepared {
  exact: ExactRequest;
  hashed: Hashed;
  doc: Record<string, unknown>;
}

export function prepare(exact: ExactRequest, hasher: RequestHasher): Prepared {
  return { exact, hashed: hashed(exact, hasher), doc: requestDocument(exact) };
}

/** Full comparison: both requests known. */
export function compareRequests(recorded: Prepared, missed: Prepared): Difference[] {
  const cmp = compareTrees(recorded.hashed, missed.hashed);
  return diffRequests(recorded.doc, missed.doc).map((c) => ({
    pointer: c.pointer,
    a: c.a ?? null,
    b: c.b ?? null,
    hash_relevant: cmp.relevant(c.pointer),
  }));
}

/** What the message told (test id, url, model, method) against a recording's facts. */
export function compareFacts(recorded: RequestFacts, missed: RequestFacts, modelInBody: boolean, rules: HashRules): Difference[] {
  const out: Difference[] = [];
  const add = (pointer: string, a: string | null, b: string | null, hashRelevant: boolean): void => {
    if (b !== null && a !== b) out.push({ pointer, a, b, hash_relevant: hashRelevant });
  };
  // The era's rules: before test isolation no test id was hashed; model lists never hash it.
  const modelList = recorded.endpoint !== null && rules.modelListPaths.includes(recorded.endpoint);
  add("/test_id", recorded.test_id, missed.test_id, rules.testIsolation && !modelList && recorded.kind !== "tool");
  add("/request/method", recorded.method, missed.method, true);
  // The hash takes the url's path for inference, the whole url for raw HTTP.
  add("/request/url", recorded.url, missed.url, recorded.kind === "raw-http" || recorded.endpoint !== missed.endpoint);
  if (recorded.kind === "tool") add("/request/tool_name", recorded.endpoint, missed.endpoint, true);
  add(modelInBody ? "/request/body/model" : "/request/model", recorded.model, missed.model, modelInBody);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values that change on every run

/** Tokens a run draws afresh: uuids, prefixed ids, long hex, timestamps, long numbers. */
const VOLATILE_TOKENS: readonly RegExp[] = [
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g,
  /\b[A-Za-z]+[-_][A-Za-z0-9]{8,}\b/g,
  /\b[0-9a-f]{16,}\b/gi,
  /\d+\.\d{4,}/g,
  /\b\d{9,}\b/g,
];

/** Member names whose values are per-run by nature. */
const VOLATILE_KEYS = /(?:^|_)(?:id|uuid|created|created_at|timestamp|time|date|nonce|seed|session|request_id|score)$/i;

function mask(s: string): string {
  return VOLATILE_TOKENS.reduce((t, re) => t.replace(re, "#"), s);
}

/** A measured float (4+ fraction digits, as a score or a timestamp has), not a set parameter. */
function measured(v: unknown): boolean {
  return typeof v === "number" && !Number.isInteger(v) && /\.\d{4,}/.test(String(v));
}

/** True when a difference is a value that changes on every run rather than a change of content. */
export function isVolatile(d: Difference): boolean {
  const key = d.pointer.split("/").pop() ?? "";
  if (VOLATILE_KEYS.test(key) && d.a !== null && d.b !== null && typeof d.a !== "object" && typeof d.b !== "object") return true;
  if (typeof d.a === "string" && typeof d.b === "string") {
    const ma = mask(d.a);
    return ma === mask(d.b) && ma !== d.a;
  }
  if (measured(d.a) && measured(d.b)) return true;
  return typeof d.a === "number" && typeof d.b === "number" && Number.isInteger(d.a) && Number.isInteger(d.b) && Math.abs(d.a) > 1e9 && Math.abs(d.b) > 1e9;
}
