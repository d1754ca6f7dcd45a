/**
 * Which request differences change the request hash. Both requests are normalized as the
 * recorder normalizes them (the hashing rules in force: one `RequestHasher`), and a difference
 * counts when the normalized values it feeds differ — so a float that rounds to the same 5
 * places, a `score: 0.87` in a file-search string, the URL's host, the headers or `provider_metadata`
 * do not count, while the endpoint, the body and the test id do.
 */
import { dumpsSorted, requestHash, type HashInput, type RequestHasher } from "../hash.js";
import { parseExact, type PyValue } from "../pyjson.js";

/** The hashing rules in use, as one function (default: the current recorder's). */
export type { RequestHasher };

export const currentRules: RequestHasher = (input) => requestHash(input);

function segments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The members of the hashed object a recording's pointer feeds (SPEC, "The request hash"): the
 * url feeds `endpoint` (its path, inference) or `url` (raw HTTP); a raw HTTP or tool request's
 * own `test_id` stands for the file's. Anything else (headers, model, provider_metadata) feeds none.
 */
function hashedPaths(path: readonly string[]): string[][] {
  const [top, member, ...rest] = path;
  if (top === "test_id") return [["test_id"]];
  if (top !== "request" || member === undefined) return [];
  switch (member) {
    case "url":
      return [["endpoint"], ["url"]];
    case "test_id":
      return [["test_id"]];
    case "method":
    case "provider":
    case "tool_name":
      return [[member]];
    case "body":
    case "payload":
    case "kwargs":
      return [[member, ...rest]];
    default:
      return [];
  }
}

function at(value: PyValue | undefined, path: readonly string[]): PyValue | undefined {
  let v = value;
  for (const seg of path) {
    if (v instanceof Map) v = v.get(seg);
    else if (Array.isArray(v) && /^\d+$/.test(seg)) v = v[Number(seg)];
    else return undefined;
  }
  return v;
}

/** A request as the recorder hashes it: its hash and the normalized object that is hashed. */
export interface Hashed {
  hash: string | null;
  tree: PyValue | undefined;
}

export function hashed(input: HashInput, hasher: RequestHasher = currentRules): Hashed {
  const r = hasher(input);
  return { hash: r.hash, tree: r.normalized === null ? undefined : parseExact(r.normalized) };
}

export interface HashComparison {
  /** The two requests' hashes under the rules in use (null: no rule for that kind). */
  a: string | null;
  b: string | null;
  /** Whether a difference at this pointer (`/request/body/temperature`, `/test_id`) changes the hash. */
  relevant(pointer: string): boolean;
}

/** Compares two requests already hashed (see `hashed`). */
export function compareTrees(a: Hashed, b: Hashed): HashComparison {
  return {
    a: a.hash,
    b: b.hash,
    relevant(pointer) {
      if (a.hash !== null && a.hash === b.hash) return false;
      return hashedPaths(segments(pointer)).some((p) => {
        const va = at(a.tree, p);
        const vb = at(b.tree, p);
        if (va === undefined || vb === undefined) return va !== vb;
        return dumpsSorted(va) !== dumpsSorted(vb);
      });
    },
  };
}

/** Compares two requests as the recorder hashes them. */
export function compareHashed(a: HashInput, b: HashInput, hasher: RequestHasher = currentRules): HashComparison {
  return compareTrees(hashed(a, hasher), hashed(b, hasher));
}

/** Marks each request change with whether it changes the hash (in place; the changes are new objects). */
export function markHashRelevant(changes: readonly { pointer: string; hash_relevant?: boolean }[], a: HashInput, b: HashInput, hasher: RequestHasher = currentRules): void {
  const cmp = compareHashed(a, b, hasher);
  for (const change of changes) change.hash_relevant = cmp.relevant(change.pointer);
}
