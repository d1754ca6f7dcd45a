/**
 * Python's `json` module, reproduced exactly: a lossless parse of JSON text into values that keep
 * what Python keeps (`json.loads`), and Python's float rounding. Writing (`json.dumps`) is
 * pydumps.ts.
 *
 * Value model (`PyValue`): Python ints are `bigint`, Python floats are `number`, dicts are
 * `Map` (insertion order, duplicate keys overwrite in place — as `dict` does), lists are arrays.
 * So `1` and `1.0` stay apart, big integers survive, and key order is never reshuffled the way
 * a plain JS object reorders integer-like keys.
 */
import { printParseErrorCode } from "jsonc-parser";

export type PyValue = null | boolean | string | bigint | number | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

/** A syntax error, worded as Python's `json.JSONDecodeError` words it, at a character offset. */
export class PyJsonParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "PyJsonParseError";
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const CONTROL = /[\u0000-\u001f]/;
/** A JSON escape, valid or not: the invalid ones are the second alternative. */
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})|(\\)/g;

/** The literals json.loads reads besides numbers: NaN and the infinities are Python's own. */
const WORDS: readonly [string, PyValue][] = [
  ["null", null],
  ["true", true],
  ["false", false],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
];

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** The string whose opening quote is at `start`, and the offset after its closing quote. */
function readString(text: string, start: number): [string, number] {
  let from = start + 1;
  let escaped = false;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new PyJsonParseError("Unterminated string starting at", start);
    let b = quote - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((quote - 1 - b) % 2 === 1) {
      escaped = true;
      from = quote + 1;
      continue;
    }
    const raw = text.slice(start + 1, quote);
    const control = CONTROL.exec(raw);
    if (control !== null) throw new PyJsonParseError("Invalid control character at", start + 1 + control.index);
    if (!escaped && !raw.includes("\\")) return [raw, quote + 1];
    ESCAPE.lastIndex = 0;
    for (let m = ESCAPE.exec(raw); m !== null; m = ESCAPE.exec(raw)) {
      if (m[1] !== undefined) throw new PyJsonParseError("Invalid \\escape", start + 1 + m.index);
    }
    // The escapes are JSON's own, which JSON.parse decodes exactly as Python does (lone surrogates too).
    return [JSON.parse(text.slice(start, quote + 1)) as string, quote + 1];
  }
}

/** A key and its colon; `i` is at the key's opening quote (or what stands there instead). */
function readKey(text: string, i: number): [string, number] {
  if (text.charCodeAt(i) !== 34) throw new PyJsonParseError("Expecting property name enclosed in double quotes", i);
  const [key, after] = readString(text, i);
  const colon = skipSpace(text, after);
  if (text.charCodeAt(colon) !== 58) throw new PyJsonParseError("Expecting ':' delimiter", colon);
  return [key, colon + 1];
}

/** A number or a literal word at `i`. */
function readScalar(text: string, i: number): [PyValue, number] {
  const c = text.charCodeAt(i);
  if (c === 34) return readString(text, i);
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  if (m !== null) {
    const literal = m[0];
    // A number literal is a Python float when it has a fraction or an exponent (json.loads' rule).
    return [/[.eE]/.test(literal) ? Number(literal) : BigInt(literal), i + literal.length];
  }
  for (const [word, value] of WORDS) if (text.startsWith(word, i)) return [value, i + word.length];
  throw new PyJsonParseError("Expecting value", i);
}

interface Open {
  container: PyValue[] | PyDict;
  /** The member being read, in an object. */
  key: string;
}

/**
 * Parses JSON text the way Python's `json.loads` sees it (see PyValue), `NaN`, `Infinity` and
 * `-Infinity` included. Iterative: no nesting depth can overflow the stack (a depth Python
 * itself refuses is ruled out earlier, by `nestingDepthExceeded`).
 */
export function parseExact(text: string): PyValue {
  const stack: Open[] = [];
  let i = 0;
  let value: PyValue;
  for (;;) {
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      const after = skipSpace(text, i + 1);
      if (text.charCodeAt(after) === (c === 123 ? 125 : 93)) {
        value = c === 123 ? new Map() : [];
        i = after + 1;
      } else if (c === 123) {
        const [key, next] = readKey(text, after);
        stack.push({ container: new Map(), key });
        i = next;
        continue;
      } else {
        stack.push({ container: [], key: "" });
        i = after;
        continue;
      }
    } else {
      [value, i] = readScalar(text, i);
    }
    // Hand the finished value to the containers it closes, until one wants another member.
    let more = false;
    while (!more) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const isList = Array.isArray(top.container);
      if (isList) (top.container as PyValue[]).push(value);
      else (top.container as PyDict).set(top.key, value);
      i = skipSpace(text, i);
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        if (!isList) [top.key, i] = readKey(text, skipSpace(text, i));
        more = true;
      } else if (d === (isList ? 93 : 125)) {
        i++;
        value = top.container;
        stack.pop();
      } else {
        throw new PyJsonParseError("Expecting ',' delimiter", i);
      }
    }
    if (!more) break;
  }
  i = skipSpace(text, i);
  if (i < text.length) throw new PyJsonParseError("Extra data", i);
  return value;
}

/** Python's json.load refuses deeper nesting (RecursionError): CPython 3.11, default limit 1000. */
export const MAX_DEPTH = 994;

const BRACKET_OR_QUOTE = /[[\]{}"]/g;

/**
 * The offset of the first bracket that opens container number `max + 1` along one path, or -1.
 * Counting the opening brackets first rules out almost every file without a scan.
 */
export function nestingDepthExceeded(text: string, max = MAX_DEPTH): number {
  let opens = 0;
  for (let i = text.indexOf("{"); i !== -1 && opens <= max; i = text.indexOf("{", i + 1)) opens++;
  for (let i = text.indexOf("["); i !== -1 && opens <= max; i = text.indexOf("[", i + 1)) opens++;
  if (opens <= max) return -1;
  let depth = 0;
  BRACKET_OR_QUOTE.lastIndex = 0;
  for (let m = BRACKET_OR_QUOTE.exec(text); m !== null; m = BRACKET_OR_QUOTE.exec(text)) {
    const c = m[0];
    if (c === "{" || c === "[") {
      if (++depth > max) return m.index;
    } else if (c === "}" || c === "]") {
      depth--;
    } else {
      // Skip the string: its closing quote is the next one not escaped.
      let quote = text.indexOf('"', m.index + 1);
      for (;;) {
        if (quote < 0) return -1;
        let b = quote - 1;
        while (text.charCodeAt(b) === 92) b--;
        if ((quote - 1 - b) % 2 === 0) break;
        quote = text.indexOf('"', quote + 1);
      }
      BRACKET_OR_QUOTE.lastIndex = quote + 1;
    }
  }
  return -1;
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

// ---------------------------------------------------------------------------------------------
// Writing: one module, pydumps.ts; its names stay importable from here.

export { comparePyStr, dumps, pyFloatRepr, pyStringLiteral, recorderFormat, sortPyKeys, type DumpsOptions } from "./pydumps.js";
