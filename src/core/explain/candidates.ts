/**
 * The recordings a missed request could have meant. Every recording under the root is read only
 * as far as its `test_id` and `request` (the head of the file); the file-level facts — kind, test
 * id, endpoint, model — pick the candidates before any request is compared.
 */
import { classifyRequest } from "../hash.js";
import type { PyValue } from "../pyjson.js";
import { pyUrlParse } from "../pyurl.js";
import { readRequestOnly } from "../read-request.js";
import { failureOf, nameHash, RecordingError, type ExactRequest } from "../recording.js";
import type { FileFailure, RequestKind } from "../types.js";
import type { MissKind } from "./messages.js";

/** What a request is, for matching: where it went and for which test. */
export interface RequestFacts {
  kind: RequestKind;
  test_id: string | null;
  method: string | null;
  url: string | null;
  /** The url's path (inference, raw HTTP), or `provider.tool` for tool calls. */
  endpoint: string | null;
  model: string | null;
}

export interface Indexed {
  file: string;
  /** The hash (or 12-hex prefix) the file name claims. */
  name: string | null;
  exact: ExactRequest;
  facts: RequestFacts;
}

function member(v: PyValue | undefined, key: string): PyValue | undefined {
  return v instanceof Map ? v.get(key) : undefined;
}

function str(v: PyValue | undefined): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** The facts of a request read exactly (PyValues) — a recording's, or a captured miss's. */
export function factsOf(exact: ExactRequest): RequestFacts {
  const request = exact.request as PyValue;
  const kind = classifyRequest(request);
  const url = str(member(request, "url"));
  const body = member(request, "body") ?? member(request, "payload");
  const topTest = typeof exact.testId === "string" ? exact.testId : null;
  const tool = kind === "tool" || kind === "file-processor";
  return {
    kind,
    test_id: topTest ?? str(member(request, "test_id")),
    method: str(member(request, "method"))?.toUpperCase() ?? null,
    url,
    endpoint: tool
      ? `${str(member(request, "provider")) ?? "?"}.${str(member(request, "tool_name")) ?? "process_file"}`
      : url === null
        ? str(member(request, "endpoint"))
        : pyUrlParse(url).path,
    model: str(member(request, "model")) ?? str(member(body, "model")),
  };
}

export interface RecordingIndex {
  recordings: Indexed[];
  /** Files whose request could not be read (they are left out, and counted). */
  unreadable: FileFailure[];
}

/** Reads the head of every recording once; all misses of one run share the index. */
export function buildIndex(files: readonly string[]): RecordingIndex {
  const recordings: Indexed[] = [];
  const unreadable: FileFailure[] = [];
  for (const file of files) {
    try {
      const { exact } = readRequestOnly(file);
      recordings.push({ file, name: nameHash(file)?.hash ?? null, exact, facts: factsOf(exact) });
    } catch (err) {
      if (!(err instanceof RecordingError) && !(err instanceof Error && err.name === "PyJsonParseError")) throw err;
      unreadable.push(err instanceof RecordingError ? failureOf(file, err) : { file, error: err.message, rule: "json", line: null, column: null });
    }
  }
  return { recordings, unreadable };
}

/** Which recorded request kind a miss kind looks for. */
export const KIND_OF_MISS: Readonly<Record<MissKind, RequestKind>> = {
  inference: "inference",
  genai: "inference",
  tool: "tool",
  rerank: "raw-http",
  httpx: "raw-http",
  "file-processor": "file-processor",
};

/** How near a recording is by file-level facts; lower is nearer (SPEC order of the issue). */
export type Tier = 0 | 1 | 2 | 3;

export const TIER_LABELS: Readonly<Record<Tier, string>> = {
  0: "same test, endpoint and model",
  1: "same test and endpoint, another model",
  2: "same endpoint and model, another test",
  3: "same test, another endpoint",
};

/**
 * The tier of a recording for a miss, or null when it is no candidate: same test and endpoint
 * (and model), else same endpoint and model, else same test. An unknown model matches any.
 */
export function tierOf(miss: RequestFacts, rec: RequestFacts): Tier | null {
  if (rec.kind !== miss.kind) return null;
  const sameTest = miss.test_id !== null && miss.test_id === rec.test_id;
  const sameEndpoint = miss.endpoint !== null && miss.endpoint === rec.endpoint;
  const sameModel = miss.model === null || miss.model === rec.model;
  if (sameTest && sameEndpoint) return sameModel ? 0 : 1;
  if (sameEndpoint && sameModel) return 2;
  if (sameTest) return 3;
  return null;
}
