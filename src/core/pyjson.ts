/**
 * Python's `json` module, reproduced exactly: a lossless parse of JSON text into values that keep
 * what Python keeps, and `json.dumps` with its default separators, `ensure_ascii`, `sort_keys`
 * and `indent`.
 *
 * Value model (`PyValue`): Python ints are `bigint`, Python floats are `number`, dicts are
 * `Map` (insertion order, duplicate keys overwrite in place — as `dict` does), lists are arrays.
 * So `1` and `1.0` stay apart, big integers survive, and key order is never reshuffled the way
 * a plain JS object reorders integer-like keys.
 */
import { visit, printParseErrorCode, type ParseError } from "jsonc-parser";

export type PyValue = null | boolean | string | bigint | number | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

export class PyJsonParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "PyJsonParseError";
  }
}

const STRICT_JSON = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** A number literal is a Python float when it has a fraction or an exponent (json.loads' rule). */
function numberFromLiteral(literal: string): bigint | number {
  return /[.eE]/.test(literal) ? Number(literal) : BigInt(literal);
}

/**
 * Parses JSON text the way Python's `json.loads` sees it. jsonc-parser supplies the tokens and
 * their offsets (so number literals are read from the source text, not from a lossy double).
 */
export function parseExact(text: string): PyValue {
  const stack: (PyValue[] | PyDict)[] = [];
  const keys: (string | undefined)[] = [];
  let root: PyValue | undefined;
  let done = false;
  const errors: ParseError[] = [];

  const add = (value: PyValue): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = value;
      done = true;
    } else if (Array.isArray(top)) {
      top.push(value);
    } else {
      top.set(keys[keys.length - 1] ?? "", value);
    }
  };

  visit(
    text,
    {
      onObjectBegin: () => {
        const dict: PyDict = new Map();
        add(dict);
        stack.push(dict);
        keys.push(undefined);
      },
      onObjectProperty: (property) => {
        keys[keys.length - 1] = property;
      },
      onObjectEnd: () => {
        stack.pop();
        keys.pop();
      },
      onArrayBegin: () => {
        const list: PyValue[] = [];
        add(list);
        stack.push(list);
        keys.push(undefined);
      },
      onArrayEnd: () => {
        stack.pop();
        keys.pop();
      },
      onLiteralValue: (value: unknown, offset, length) => {
        if (typeof value === "number") add(numberFromLiteral(text.slice(offset, offset + length)));
        else add(value as null | boolean | string);
      },
      onError: (error, offset, length) => {
        errors.push({ error, offset, length });
      },
    },
    STRICT_JSON,
  );
  const first = errors[0];
  if (first !== undefined) {
    throw new PyJsonParseError(describeParseError(first.error), first.offset);
  }
  if (!done || root === undefined) throw new PyJsonParseError("no JSON value", 0);
  return root;
}

export function describeParseError(code: number): string {
  const name = printParseErrorCode(code);
  // "CloseBraceExpected" → "close brace expected"
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** The exact value of a finite double as `mantissa * 2 ** exponent` (both integers). */
function exactBinary(x: number): { negative: boolean; mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { negative, mantissa, exponent };
}

/**
 * `x` written with exactly `digits` fraction digits, rounded half-to-even on the exact binary
 * value — what Python's `f"{x:.{digits}f}"` prints and what `round(x, digits)` parses back.
 * (JavaScript's `toFixed` breaks ties upwards, so it cannot be used.)
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const { negative, mantissa, exponent } = exactBinary(x);
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = (mantissa << BigInt(exponent)) * scale;
  } else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, "0");
    s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  }
  return negative ? `-${s}` : s;
}

/** Python's `round(x, ndigits)` for a float: correctly rounded, ties to even on the exact value. */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  return Number(formatFixed(x, ndigits));
}

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
}

/** `json.dumps(value, indent=…)`, byte for byte (`sort_keys=True`: hash.ts `dumpsSorted`). */
export function dumps(value: PyValue, options: DumpsOptions = {}): string {
  const out: string[] = [];
  write(value, out, options.indent, "");
  return out.join("");
}

function write(value: PyValue, out: string[], indent: number | undefined, pad: string): void {
  if (value === null) out.push("null");
  else if (value === true) out.push("true");
  else if (value === false) out.push("false");
  else if (typeof value === "string") out.push(pyStringLiteral(value));
  else if (typeof value === "bigint") out.push(value.toString());
  else if (typeof value === "number") out.push(pyFloatRepr(value));
  else if (Array.isArray(value)) writeList(value, out, indent, pad);
  else writeDict(value, out, indent, pad);
}

function writeList(list: PyValue[], out: string[], indent: number | undefined, pad: string): void {
  if (list.length === 0) {
    out.push("[]");
    return;
  }
  const inner = indent === undefined ? "" : pad + " ".repeat(indent);
  const sep = indent === undefined ? ", " : `,\n${inner}`;
  out.push(indent === undefined ? "[" : `[\n${inner}`);
  list.forEach((item, i) => {
    if (i > 0) out.push(sep);
    write(item, out, indent, inner);
  });
  out.push(indent === undefined ? "]" : `\n${pad}]`);
}

function writeDict(dict: PyDict, out: string[], indent: number | undefined, pad: string): void {
  if (dict.size === 0) {
    out.push("{}");
    return;
  }
  const inner = indent === undefined ? "" : pad + " ".repeat(indent);
  const sep = indent === undefined ? ", " : `,\n${inner}`;
  out.push(indent === undefined ? "{" : `{\n${inner}`);
  const keys = [...dict.keys()];
  keys.forEach((key, i) => {
    if (i > 0) out.push(sep);
    out.push(pyStringLiteral(key), ": ");
    write(dict.get(key) ?? null, out, indent, inner);
  });
  out.push(indent === undefined ? "}" : `\n${pad}}`);
}

/** The recorder's file formatting: `json.dump(obj, f, indent=2)` followed by a newline. */
export function recorderFormat(value: PyValue): string {
  return `${dumps(value, { indent: 2 })}\n`;
}
