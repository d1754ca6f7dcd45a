/**
 * `explain` (SPEC, issue 11): for every replay miss in a log, the recordings the recorder could
 * have meant, nearest first, the differences that change the hash, and a verdict. Pure but for
 * reading recordings: no printing.
 */
import { NEWEST_ERA, type Era, type HashRules } from "../rules/eras.js";
import { originOf, verdictOf } from "../rules/verdict.js";
import { currentRules, type RequestHasher } from "../diff/index.js";
import { parseExact, type PyValue } from "../pyjson.js";
import { pyUrlParse } from "../pyurl.js";
import { exactRequest, isObject, nameHash, readRecordingSync, RecordingError, type ExactRequest } from "../recording.js";
import { matchesPrefix } from "../resolve.js";
import { factsOf, KIND_OF_MISS, tierOf, type Indexed, type RecordingIndex, type RequestFacts, type Tier } from "./candidates.js";
import { compareFacts, compareRequests, prepare, type Difference, type Prepared } from "./compare.js";
import type { Miss } from "./messages.js";
import { parsePyLiteral } from "./pyrepr.js";
import { decide, type Verdict } from "./verdict.js";

export { buildIndex, TIER_LABELS, type RecordingIndex, type Tier } from "./candidates.js";
export { findMisses, type Miss, type MissKind } from "./messages.js";
export type { Difference } from "./compare.js";
export type { Verdict, VerdictKind } from "./verdict.js";

/** Where the missed request came from, when it is known. */
export type RequestSource = "exception-recording" | "request-option" | "message";

/** A missed request known in full. */
export interface CapturedRequest {
  file: string | null;
  from: RequestSource;
  exact: ExactRequest;
}

export interface Candidate {
  file: string;
  test_id: string | null;
  tier: Tier;
  /** Its request hashes to the missed hash: it is the request, under a stale name. */
  exact: boolean;
  differences: Difference[];
}

export interface ExplainedMiss extends Miss {
  request: { file: string | null; from: RequestSource } | null;
  verdict: Verdict;
  candidates: Candidate[];
  /** How many recordings were candidates before the list was cut to the nearest. */
  total_candidates: number;
}

export interface ExplainOptions {
  /** How many candidates to keep per miss, nearest first. */
  limit: number;
  /** The hashing rules in use (default: the current recorder's): the hash, and the rules themselves. */
  hasher?: RequestHasher;
  rules?: HashRules;
  /** The era in use (default: the newest): which eras named a stale file is asked against it. */
  era?: Era;
  show: (file: string) => string;
}

/** The facts the message gave, in the shape recordings are matched by. */
export function missFacts(miss: Miss): RequestFacts {
  const kind = KIND_OF_MISS[miss.kind];
  const tool = miss.kind === "tool" || miss.kind === "file-processor";
  const endpoint = tool ? `${miss.provider ?? "?"}.${miss.tool_name ?? "?"}` : miss.url !== null ? pyUrlParse(miss.url).path : miss.endpoint;
  return { kind, test_id: miss.test_id, method: miss.method?.toUpperCase() ?? null, url: miss.url, endpoint, model: miss.model };
}

/** The request a message itself carries: a tool call's kwargs, or a 2025 inference body. */
export function requestFromMessage(miss: Miss): CapturedRequest | null {
  if (miss.repr === null) return null;
  const value = parsePyLiteral(miss.repr);
  if (!(value instanceof Map)) return null;
  const testId: PyValue | undefined = miss.test_id ?? undefined;
  let request: Map<string, PyValue>;
  if (miss.kind === "tool" && miss.provider !== null && miss.tool_name !== null) {
    // As the recorder stores a tool call: its test id first (when the input tells it).
    request = new Map<string, PyValue>(testId === undefined ? [] : [["test_id", testId]]);
    request.set("provider", miss.provider).set("tool_name", miss.tool_name).set("kwargs", value);
  } else if (miss.kind === "inference" && miss.method !== null && miss.url !== null) {
    request = new Map<string, PyValue>([["method", miss.method], ["url", miss.url], ["body", value]]);
  } else {
    return null;
  }
  return { file: null, from: "message", exact: { testId, request } };
}

/**
 * A missed request the recorder stored with its error: `response.is_exception` (SDK calls), or an
 * HTTP error status (raw HTTP calls record the provider's 401 as a response).
 */
function isExceptionRecording(data: unknown): boolean {
  if (!isObject(data) || !isObject(data["response"])) return false;
  const status = data["response"]["status"];
  return data["response"]["is_exception"] === true || (typeof status === "number" && status >= 400);
}

/**
 * Recordings named after the missed hash: an exception recording is the missed request captured
 * (record-if-missing with dummy keys); any other means the recording exists.
 */
function named(hash: string | null, index: RecordingIndex): { captured: CapturedRequest | null; recorded: string | null } {
  if (hash === null || hash.length < 8) return { captured: null, recorded: null };
  let recorded: string | null = null;
  for (const r of index.recordings) {
    if (r.name === null || !matchesPrefix(r.file, hash)) continue;
    try {
      const rec = readRecordingSync(r.file);
      if (isExceptionRecording(rec.data)) return { captured: { file: r.file, from: "exception-recording", exact: exactRequest(rec) }, recorded: null };
      recorded = r.file;
    } catch (err) {
      if (!(err instanceof RecordingError)) throw err;
    }
  }
  return { captured: null, recorded };
}

function modelInBody(exact: ExactRequest): boolean {
  const body = exact.request instanceof Map ? exact.request.get("body") : undefined;
  return body instanceof Map && body.has("model");
}

function candidate(rec: Indexed, tier: Tier, miss: Miss, facts: RequestFacts, missed: Prepared | null, hasher: RequestHasher, rules: HashRules): Candidate {
  // The normalized tree is needed only to compare with a known request.
  const recorded = missed === null ? null : prepare(rec.exact, hasher);
  const hash = recorded === null ? hasher(rec.exact).hash : recorded.hashed.hash;
  // A hash cut to a few digits by a log could match by chance: 8 digits at least.
  const exact = hash !== null && miss.hash !== null && miss.hash.length >= 8 && hash.startsWith(miss.hash) && rec.name !== null && !hash.startsWith(rec.name);
  const differences =
    missed === null || recorded === null
      ? compareFacts(rec.facts, facts, modelInBody(rec.exact), rules)
      : compareRequests(recorded, missed).filter((d) => facts.test_id !== null || !TEST_ID_POINTERS.has(d.pointer));
  return { file: rec.file, test_id: rec.facts.test_id, tier, exact, differences };
}

/** Where a request's test id lies; unknown for the miss, it is no difference. */
const TEST_ID_POINTERS = new Set(["/test_id", "/request/test_id"]);

const relevantCount = (c: Candidate): number => c.differences.filter((d) => d.hash_relevant).length;

/**
 * Nearest first: a recording that is the request under a stale name; then, when the request is
 * known, the fewest differences that change the hash; then the tier; then the fewest differences.
 */
function rank(candidates: Candidate[], requestKnown: boolean): Candidate[] {
  return candidates.sort(
    (x, y) =>
      Number(y.exact) - Number(x.exact) ||
      (requestKnown ? relevantCount(x) - relevantCount(y) : 0) ||
      x.tier - y.tier ||
      relevantCount(x) - relevantCount(y) ||
      x.differences.length - y.differences.length ||
      (x.file < y.file ? -1 : x.file > y.file ? 1 : 0),
  );
}

/** Explains one miss against the recordings of the index. `given` is `--request`, when it applies. */
export function explainMiss(miss: Miss, index: RecordingIndex, given: CapturedRequest | null, options: ExplainOptions): ExplainedMiss {
  const hasher = options.hasher ?? currentRules;
  const known = given ?? requestFromMessage(miss);
  // Tool and HTTP messages carry no hash: a request known otherwise gives it.
  const hash = miss.hash ?? (known === null ? null : hasher(known.exact).hash);
  const found = named(hash, index);
  const captured = known ?? found.captured;
  const facts = captured === null ? missFacts(miss) : { ...missFacts(miss), ...definedFacts(factsOf(captured.exact)) };
  const skip = new Set([captured?.file, found.captured?.file, found.recorded]);
  const missed = captured === null ? null : prepare(captured.exact, hasher);
  const candidates: Candidate[] = [];
  for (const rec of index.recordings) {
    if (skip.has(rec.file)) continue;
    const tier = tierOf(facts, rec.facts);
    if (tier !== null) candidates.push(candidate(rec, tier, { ...miss, hash }, facts, missed, hasher, options.rules ?? NEWEST_ERA.rules));
  }
  rank(candidates, captured !== null);
  const first = candidates[0];
  const nearest = first === undefined ? null : { ...first, namingEras: namingEras(first.file, index, options.era ?? NEWEST_ERA) };
  const verdict = decide({ test_id: facts.test_id, requestKnown: captured !== null, recorded: found.recorded, nearest, show: options.show });
  return {
    ...miss,
    hash,
    test_id: miss.test_id ?? facts.test_id,
    model: miss.model ?? facts.model,
    url: miss.url ?? facts.url,
    endpoint: miss.endpoint ?? facts.endpoint,
    request: captured === null ? null : { file: captured.file, from: captured.from },
    verdict,
    candidates: candidates.slice(0, options.limit),
    total_candidates: candidates.length,
  };
}

/**
 * The eras whose rules give a recording its name (the one verdict's `originOf`): none means no
 * recorder ever named the file after the request it holds — the request was edited after recording.
 */
function namingEras(file: string, index: RecordingIndex, era: Era): string[] {
  const rec = index.recordings.find((r) => r.file === file);
  const name = nameHash(file);
  if (rec === undefined || name === null) return [];
  return originOf(rec.exact, name, verdictOf(rec.exact, name, era)).eras;
}

/** A captured request's facts override the message's only where it has them. */
function definedFacts(f: RequestFacts): Partial<RequestFacts> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null)) as Partial<RequestFacts>;
}

/**
 * The missed request `--request <file>` gives: a recording (its `test_id` and `request`) or a
 * bare request object (then the miss's test id stands for its own).
 */
export function givenRequest(file: string, testId: string | null): CapturedRequest {
  const rec = readRecordingSync(file);
  if (isObject(rec.data) && isObject(rec.data["request"])) return { file, from: "request-option", exact: exactRequest(rec) };
  return { file, from: "request-option", exact: { testId, request: parseExact(rec.text) } };
}
