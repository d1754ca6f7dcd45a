/**
 * Python's `json.dumps`, byte for byte, in one writer: default separators (`", "`, `": "`),
 * `ensure_ascii`, `sort_keys`, `indent`, Python's float repr (`NaN`, `Infinity` included). The
 * request hash writes through it too, with its normalization as rules applied on the way
 * (hash.ts), so there is one serializer to keep exact.
 *
 * Values are PyValues (pyjson.ts) or `JSON.parse` values (plain objects; every number a float
 * unless `nativeInts`).
 */
import type { PyDict, PyValue } from "./pyjson.js";

/** Python's `float.__repr__` as `json.dumps` prints it (`NaN`/`Infinity` for the non-finite). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // Between 1e-4 and 1e16 both languages print the shortest round-trip digits without an
  // exponent; only integral values differ ("1" vs "1.0"), and those take the long way.
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16 && !Number.isInteger(x)) return String(x);
  // toExponential() without an argument gives the shortest round-trip digits, like repr.
  const [mant = "", expPart = "0"] = x.toExponential().split("e");
  const negative = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const decpt = Number(expPart) + 1; // value = 0.<digits> * 10**decpt
  let out: string;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) out = `0.${"0".repeat(-decpt)}${digits}`;
    else if (decpt >= digits.length) out = `${digits}${"0".repeat(decpt - digits.length)}.0`;
    else out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  } else {
    const e = decpt - 1;
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return negative ? `-${out}` : out;
}

// ---------------------------------------------------------------------------------------------
// Strings

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Python's ESCAPE_ASCII: everything outside printable ASCII (space..~) is escaped. */
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/g;

/** Where Python's escaping and JSON.stringify's part: DEL and everything beyond ASCII. */
const BEYOND_ASCII = /[\u007f-\uffff]/;

/** `json.dumps(s)` with `ensure_ascii=True`: UTF-16 code units, so astral chars become pairs. */
export function pyStringLiteral(s: string): string {
  // Within ASCII (but DEL) JSON.stringify escapes exactly as Python does: \" \\ \b \f \n \r \t,
  // other controls as lowercase \u00XX.
  if (!BEYOND_ASCII.test(s)) return JSON.stringify(s);
  return `"${s.replace(NEEDS_ESCAPE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Python orders str by code point; JS `<` compares UTF-16 units, which differ above U+FFFF. */
export function comparePyStr(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  // Iterating a string yields code points (a lone surrogate is its own code point, as in Python).
  const pa = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const pb = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

/** Sorts dict members (in place) by key as `sort_keys=True` does: by code point. */
export function sortPyKeys<T>(members: T[], key: (member: T) => string): T[] {
  // Without surrogates, UTF-16 order (JS `<`) is code point order.
  if (members.some((m) => SURROGATE.test(key(m)))) return members.sort((a, b) => comparePyStr(key(a), key(b)));
  return members.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// dumps

export interface DumpsOptions {
  /** Python's `indent`: undefined is the one-line form with separators ", " and ": ". */
  indent?: number;
  /** Python's `sort_keys`. */
  sortKeys?: boolean;
}

/**
 * How values are written besides the layout. `nativeInts`: the value came from `JSON.parse` of a
 * text with no ambiguous number literal, so an integral JS number is a Python int. `string` and
 * `float` rewrite leaves; `childSkip` names a key a child dict leaves out, given the key it is
 * stored under and whether its parent counts as a root (the root, or a dict directly in a list).
 */
export interface DumpRules {
  indent?: number | undefined;
  sortKeys: boolean;
  nativeInts: boolean;
  string?: (s: string) => string;
  float?: (x: number) => number;
  /** The key leaves out of the top-level dict. */
  skip?: string | null;
  childSkip?: (key: string, parentIsRoot: boolean) => string | null;
}

/**
 * Rules with every field present, in one order: one object shape for all of them keeps the
 * writer's property reads monomorphic (the request hash is on validate's hot path).
 */
export function dumpRules(rules: DumpRules): Required<DumpRules> {
  return {
    indent: rules.indent,
    sortKeys: rules.sortKeys,
    nativeInts: rules.nativeInts,
    string: rules.string ?? identity,
    float: rules.float ?? identity,
    skip: rules.skip ?? null,
    childSkip: rules.childSkip ?? noSkip,
  };
}

const identity = <T>(x: T): T => x;
const noSkip = (): null => null;

/** `json.dumps(value, indent=…, sort_keys=…)`, byte for byte. */
export function dumps(value: PyValue, options: DumpsOptions = {}): string {
  return dumpWith(value, dumpRules({ indent: options.indent, sortKeys: options.sortKeys ?? false, nativeInts: false }));
}

/** The recorder's file formatting: `json.dump(obj, f, indent=2)` followed by a newline. */
export function recorderFormat(value: PyValue): string {
  return `${dumps(value, { indent: 2 })}\n`;
}

/** `{"k": v, …}` on one line, keys in `sort_keys` order, from values already written. */
export function compactObject(members: [string, string][]): string {
  if (members.length === 0) return "{}";
  return `{${sortPyKeys(members, ([k]) => k)
    .map(([k, text]) => `${pyStringLiteral(k)}: ${text}`)
    .join(", ")}}`;
}

/** `dumps` of a PyValue or a JSON.parse value under `rules`. */
export function dumpWith(value: unknown, rules: Required<DumpRules>): string {
  return write(value, rules, "", true, rules.skip);
}

// Strings are built by concatenation (V8 ropes): measurably faster than pushing parts to an array.
function write(value: unknown, rules: Required<DumpRules>, pad: string, isRoot: boolean, skip: string | null): string {
  switch (typeof value) {
    case "string":
      return pyStringLiteral(rules.string(value));
    case "bigint":
      return value.toString();
    case "number":
      if (rules.nativeInts && Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
      return pyFloatRepr(rules.float(value));
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return writeList(value as unknown[], rules, pad);
      return writeDict(value as PyDict | Record<string, unknown>, rules, pad, isRoot, skip);
    default:
      return "null";
  }
}

function writeList(list: readonly unknown[], rules: Required<DumpRules>, pad: string): string {
  if (list.length === 0) return "[]";
  const inner = rules.indent === undefined ? "" : pad + " ".repeat(rules.indent);
  const sep = rules.indent === undefined ? ", " : `,\n${inner}`;
  let out = rules.indent === undefined ? "[" : `[\n${inner}`;
  for (let i = 0; i < list.length; i++) {
    // A dict directly inside a list counts as a root (the recorder's _normalize_body_for_hash).
    out += (i > 0 ? sep : "") + write(list[i], rules, inner, true, null);
  }
  return out + (rules.indent === undefined ? "]" : `\n${pad}]`);
}

function writeDict(dict: PyDict | Record<string, unknown>, rules: Required<DumpRules>, pad: string, isRoot: boolean, skip: string | null): string {
  const isMap = dict instanceof Map;
  let keys = isMap ? [...dict.keys()] : Object.keys(dict);
  if (skip !== null && keys.includes(skip)) keys = keys.filter((k) => k !== skip);
  if (keys.length === 0) return "{}";
  if (rules.sortKeys) sortPyKeys(keys, (k) => k);
  const inner = rules.indent === undefined ? "" : pad + " ".repeat(rules.indent);
  const sep = rules.indent === undefined ? ", " : `,\n${inner}`;
  let out = rules.indent === undefined ? "{" : `{\n${inner}`;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? "";
    const item = isMap ? (dict as PyDict).get(key) : (dict as Record<string, unknown>)[key];
    out += `${i > 0 ? sep : ""}${pyStringLiteral(key)}: ${write(item ?? null, rules, inner, false, rules.childSkip(key, isRoot))}`;
  }
  return out + (rules.indent === undefined ? "}" : `\n${pad}}`);
}
