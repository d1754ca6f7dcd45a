/** What a person should do about a miss, decided from its nearest candidate. */
import type { Tier } from "./candidates.js";
import { isVolatile, type Difference } from "./compare.js";

export type VerdictKind =
  | "recorded"
  | "unreachable"
  | "request-edited"
  | "flaky"
  | "content-change"
  | "model-change"
  | "endpoint-change"
  | "renamed-test"
  | "request-unknown"
  | "new-test";

export interface Verdict {
  kind: VerdictKind;
  /** What happened, in a sentence. */
  reason: string;
  /** What to do. */
  action: string;
}

/** The nearest candidate as the verdict sees it. */
export interface Nearest {
  file: string;
  test_id: string | null;
  tier: Tier;
  /** Its request hashes to the missed hash under the rules in use (it is the request, misnamed). */
  exact: boolean;
  differences: Difference[];
  /** The eras whose rules give the file its name (empty: none does: its request was edited after recording). */
  namingEras: string[];
}

export interface VerdictInput {
  test_id: string | null;
  /** Whether the missed request itself is known (captured, given, or in the message). */
  requestKnown: boolean;
  /** A recording already named after the missed hash (not an exception capture). */
  recorded: string | null;
  nearest: Nearest | null;
  show: (file: string) => string;
}

const RECORD = "record it: run the test with --inference-mode record-if-missing (./scripts/integration-tests.sh) and the provider's API keys";
const MODEL_POINTERS = new Set(["/request/body/model", "/request/model", "/request/payload/model"]);

function shortValue(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export function decide(input: VerdictInput): Verdict {
  const { nearest, show } = input;
  if (input.recorded !== null) {
    return {
      kind: "recorded",
      reason: `a recording named after this hash exists: ${show(input.recorded)}`,
      action: "rerun: it was added after the run, or the recorder looked elsewhere (it looks in the test's own recordings/ folder, then the base recordings folder)",
    };
  }
  if (nearest === null) {
    return { kind: "new-test", reason: "no recording of this test, endpoint or model: a new test (or a new parametrization)", action: RECORD };
  }
  const file = show(nearest.file);
  const relevant = nearest.differences.filter((d) => d.hash_relevant);
  if (nearest.exact || (input.requestKnown && relevant.length === 0)) {
    if (nearest.namingEras.length === 0) {
      return {
        kind: "request-edited",
        reason: `${file} holds this request under a name no era's hash rules give it: the request was edited after recording (its response answers the request it was recorded with)`,
        action: `re-record the test (its recording ${file} is replaced): ${RECORD.replace(/^record it: /, "")}`,
      };
    }
    return {
      kind: "unreachable",
      reason: `${file} holds this request under the name the rules of ${nearest.namingEras.join(", ")} gave it: the hash rules changed since it was recorded`,
      action: `rename it to the hash the recorder looks up: recctl rehash --write ${file}`,
    };
  }
  const model = relevant.find((d) => MODEL_POINTERS.has(d.pointer));
  if (model !== undefined) {
    return {
      kind: "model-change",
      reason: `the test now asks ${shortValue(model.b)} (recorded with ${shortValue(model.a)}): a different model or provider`,
      action: `check the test's model/provider setup; if the change is intended, ${RECORD}`,
    };
  }
  const url = relevant.find((d) => d.pointer === "/request/url");
  if (url !== undefined) {
    return {
      kind: "endpoint-change",
      reason: `the request now goes to ${shortValue(url.b)} (recorded: ${shortValue(url.a)}): another provider, base URL or API`,
      action: `check the provider's base URL; if the change is intended, ${RECORD}`,
    };
  }
  if (!input.requestKnown) {
    if (nearest.tier === 2 && input.test_id !== null) {
      return {
        kind: "new-test",
        reason: `no recording of ${input.test_id}; recordings of other tests with the same endpoint and model are the nearest`,
        action: `if the test was renamed or moved, set test_id in its recordings and run recctl rehash --write; otherwise ${RECORD}`,
      };
    }
    return {
      kind: "request-unknown",
      reason: "the test sends a request its recordings do not hold; the message does not carry the request, so which field changed is unknown",
      action:
        "capture it: run the test once with --inference-mode record-if-missing and dummy API keys (the recorder stores the request as an exception recording under this hash), then run recctl explain again — or pass --request <file>",
    };
  }
  if (relevant.every((d) => d.pointer === "/test_id" || d.pointer === "/request/test_id")) {
    const id = relevant[0];
    return {
      kind: "renamed-test",
      reason: `the same request was recorded for ${String(id?.a)}: the test was renamed or moved`,
      action: `set test_id in ${file} to the new id and run recctl rehash --write ${file} (or re-record)`,
    };
  }
  if (relevant.every((d) => isVolatile(d))) {
    return {
      kind: "flaky",
      reason: `${relevant.map((d) => d.pointer).join(", ")} changes on every run and the recorder does not normalize it`,
      action: "make the test send a fixed value there (a seeded id, a frozen clock); re-recording alone misses again on the next run",
    };
  }
  return {
    kind: "content-change",
    reason: `the test now sends a different request (${relevant.map((d) => d.pointer).join(", ")})`,
    action: `re-record: ${RECORD.replace(/^record it: /, "")}`,
  };
}
