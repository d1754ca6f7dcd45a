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

/** Where the writer puts its text: piece by piece, in order (a string, or the request hash's sha256). */
export interface Sink {
  push(text: string): void;
}

/** The pieces joined: V8 concatenation (ropes), measurably faster than pushing parts to an array. */
class TextSink implements Sink {
  text = "";
  push(text: string): void {
    this.text += text;
  }
}

/** The text a writer hands its sink, as one string. */
export function textOf(writer: (sink: Sink) => void): string {
  const sink = new TextSink();
  writer(sink);
  return sink.text;
}

/** `dumps` of a PyValue or a JSON.parse value under `rules`. */
export function dumpWith(value: unknown, rules: Required<DumpRules>): string {
  return textOf((sink) => writeTo(value, rules, sink));
}

/** The same text, handed to `sink` piece by piece: a long string goes as it is, never copied into a literal. */
export function writeTo(value: unknown, rules: Required<DumpRules>, sink: Sink): void {
  write(value, rules, "", true, rules.skip, sink);
}

/** A string this long, with nothing to escape, is written as `"`, itself, `"` (base64 images). */
const LONG_STRING = 4096;
const ANY_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/;

function writeString(s: string, sink: Sink): void {
  if (s.length >= LONG_STRING && !ANY_ESCAPE.test(s)) {
    sink.push('"');
    sink.push(s);
    sink.push('"');
  } else sink.push(pyStringLiteral(s));
}

function write(value: unknown, rules: Required<DumpRules>, pad: string, isRoot: boolean, skip: string | null, sink: Sink): void {
  switch (typeof value) {
    case "string":
      writeString(rules.string(value), sink);
      return;
    case "bigint":
      sink.push(value.toString());
      return;
    case "number":
      if (rules.nativeInts && Number.isInteger(value)) sink.push(Number.isSafeInteger(value) ? String(value) : BigInt(value).toString());
      else sink.push(pyFloatRepr(rules.float(value)));
      return;
    case "boolean":
      sink.push(value ? "true" : "false");
      return;
    case "object":
      if (value === null) sink.push("null");
      else if (Array.isArray(value)) writeList(value as unknown[], rules, pad, sink);
      else writeDict(value as PyDict | Record<string, unknown>, rules, pad, isRoot, skip, sink);
      return;
    default:
      sink.push("null");
  }
}

function writeList(list: readonly unknown[], rules: Required<DumpRules>, pad: string, sink: Sink): void {
  if (list.length === 0) {
    sink.push("[]");
    return;
  }
  const inner = rules.indent === undefined ? "" : pad + " ".repeat(rules.indent);
  const sep = rules.indent === undefined ? ", " : `,\n${inner}`;
  sink.push(rules.indent === undefined ? "[" : `[\n${inner}`);
  for (let i = 0; i < list.length; i++) {
    if (i > 0) sink.push(sep);
    // A dict directly inside a list counts as a root (the recorder's _normalize_body_for_hash).
    write(list[i], rules, inner, true, null, sink);
  }
  sink.push(rules.indent === undefined ? "]" : `\n${pad}]`);
}

function writeDict(dict: PyDict | Record<string, unknown>, rules: Required<DumpRules>, pad: string, isRoot: boolean, skip: string | null, sink: Sink): void {
  const isMap = dict instanceof Map;
  let keys = isMap ? [...dict.keys()] : Object.keys(dict);
  if (skip !== null && keys.includes(skip)) keys = keys.filter((k) => k !== skip);
  if (keys.length === 0) {
    sink.push("{}");
    return;
  }
  if (rules.sortKeys) sortPyKeys(keys, (k) => k);
  const inner = rules.indent === undefined ? "" : pad + " ".repeat(rules.indent);
  const sep = rules.indent === undefined ? ", " : `,\n${inner}`;
  sink.push(rules.indent === undefined ? "{" : `{\n${inner}`);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? "";
    const item = isMap ? (dict as PyDict).get(key) : (dict as Record<string, unknown>)[key];
    sink.push(`${i > 0 ? sep : ""}${pyStringLiteral(key)}: `);
    write(item ?? null, rules, inner, false, rules.childSkip(key, isRoot), sink);
  }
  sink.push(rules.indent === undefined ? "}" : `\n${pad}}`);
}
