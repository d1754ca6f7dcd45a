/**
 * "Is this file in the recorder's formatting?" — Python's `json.dump(obj, f, indent=2)` plus a
 * newline, byte for byte. One module owns the answer; validate and normalize both ask it.
 */
import { pyFloatRepr, recorderFormat } from "./pydumps.js";
import type { PyValue } from "./pyjson.js";

/** One line of indent=2 output that holds a number: indent, optional key, the literal, comma. */
const NUMBER_LINE = /^( *(?:("(?:[^"\\]|\\.)*"): )?)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(,?)$/;

/**
 * Numbers `JSON.stringify` prints differently from Python's repr, found in the text itself:
 * 1e-6 ≤ |x| < 1e-4 (JS `0.00001`, Python `1e-05`) and one-digit negative exponents (JS `1e-7`,
 * Python `1e-07`). A hit inside a string only costs the slow path.
 */
function hasJsOnlyNumber(text: string): boolean {
  // indexOf and a look at the neighbours: far cheaper than a regex scan of the whole text.
  for (let i = text.indexOf("0.0000"); i !== -1; i = text.indexOf("0.0000", i + 1)) {
    const before = text.charCodeAt(i - 1);
    if (before === 0x20 || before === 0x2d) return true;
  }
  for (let i = text.indexOf("e-"); i !== -1; i = text.indexOf("e-", i + 2)) {
    const before = text.charCodeAt(i - 1);
    const digit = text.charCodeAt(i + 2);
    const after = text.charCodeAt(i + 3);
    if (before >= 0x30 && before <= 0x39 && digit >= 0x31 && digit <= 0x39 && (after === 0x2c || after === 0x0a)) return true;
  }
  return false;
}

const NOT_ASCII_ALL = /[\u007f-\uffff]/g;

/** ensure_ascii: the recorder's files hold nothing beyond ASCII, and no raw DEL. */
function isEscapedAscii(text: string): boolean {
  return Buffer.byteLength(text, "utf8") === text.length && !text.includes("\u007f");
}

/** One UTF-16 unit beyond ASCII (or DEL) as Python's ensure_ascii writes it: `\u00e9`. */
function escapeUnit(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Python's ensure_ascii applied to JSON text (only strings can hold such characters). */
function escapeNonAscii(jsonText: string): string {
  return isEscapedAscii(jsonText) ? jsonText : jsonText.replace(NOT_ASCII_ALL, escapeUnit);
}

/**
 * From `a[i]` and `b[j]` on, where the two texts first differ. Compares growing blocks (native
 * string equality), halving a block that differs: a long equal stretch costs a few compares,
 * and right after a difference blocks start small, since differences come in clusters.
 */
function skipEqual(a: string, i: number, b: string, j: number): [number, number] {
  let step = 64;
  while (i < a.length && j < b.length) {
    const n = Math.min(step, a.length - i, b.length - j);
    if (n <= 16) {
      while (i < a.length && j < b.length && a.charCodeAt(i) === b.charCodeAt(j)) {
        i++;
        j++;
      }
      return [i, j];
    }
    if (a.slice(i, i + n) === b.slice(j, j + n)) {
      i += n;
      j += n;
      step = Math.min(step * 4, 1 << 20);
    } else {
      step = n >> 1;
    }
  }
  return [i, j];
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * `ours` (the file) against `theirs` (JSON.stringify, escaped), difference by difference: each
 * must be a number line that Python prints as the file spells it. True, false (not formatted),
 * or undefined (only the exact parse can tell).
 */
function compareLines(ours: string, theirs: string, respelled: Set<string>): boolean | undefined {
  // A difference that is not a respelled number: a different line count proves "not formatted".
  const undecided = (): boolean | undefined => (lineCount(ours) === lineCount(theirs) ? undefined : false);
  let i = 0;
  let j = 0;
  for (;;) {
    [i, j] = skipEqual(ours, i, theirs, j);
    if (i >= ours.length && j >= theirs.length) return true;
    const aEnd = ours.indexOf("\n", i);
    const bEnd = theirs.indexOf("\n", j);
    if (aEnd < 0 || bEnd < 0) return undecided();
    const a = ours.slice(ours.lastIndexOf("\n", i - 1) + 1, aEnd);
    // ensure_ascii, line by line: only the lines that differ pay for escaping.
    const b = escapeNonAscii(theirs.slice(theirs.lastIndexOf("\n", j - 1) + 1, bEnd));
    i = aEnd;
    j = bEnd;
    if (a === b) continue;
    const ma = NUMBER_LINE.exec(a);
    const mb = NUMBER_LINE.exec(b);
    if (ma === null || mb === null || ma[1] !== mb[1] || ma[4] !== mb[4]) return undecided();
    const literal = ma[3] ?? "";
    if (Number(literal) !== Number(mb[3])) return undecided();
    if (!pythonKeepsLiteral(literal)) return false;
    if (ma[2] !== undefined) respelled.add(ma[2]);
  }
}

/** Python prints this literal back unchanged: ints always (but `-0`), floats when it is their repr. */
function pythonKeepsLiteral(literal: string): boolean {
  return /[.eE]/.test(literal) ? pyFloatRepr(Number(literal)) === literal : BigInt(literal).toString() === literal;
}

export interface FormatProof {
  /** `undefined` when only the exact parse can tell. */
  formatted: boolean | undefined;
  /** Keys (as written, quoted) of the lines whose number the file spells unlike JavaScript. */
  respelled: Set<string>;
}

/**
 * Is `text` exactly what the recorder writes for its own value? Compares it with
 * `JSON.stringify(value, null, 2)` — native and fast — made Python-like where the two differ:
 * non-ASCII escaped, and number literals accepted line by line when Python prints them as
 * written (`1.0`, `7.6e-05`, big ints). Undecided: integer-like keys (JS reorders them) and
 * numbers JS and Python spell differently.
 *
 * Why a line-count difference proves "not formatted": Python's and JS's indent=2 outputs of the
 * same document differ only inside lines (numbers, escapes) or by reordering lines (keys), never
 * in how many lines there are; duplicate keys, the one way to lose lines, Python never writes.
 */
export function proveFormatted(text: string, value: unknown, ascii?: boolean): FormatProof {
  const respelled = new Set<string>();
  // `ascii` comes from the reader (bytes = characters) and spares a scan of the whole text.
  const escaped = ascii === undefined ? isEscapedAscii(text) : ascii && !text.includes("\u007f");
  if (!text.endsWith("\n") || !escaped) return { formatted: false, respelled };
  // Compared without the newline: `${js}\n` would be a rope that every comparison flattens (a copy).
  const js = JSON.stringify(value, null, 2);
  if (text.length !== js.length + 1 || text.slice(0, -1) !== js) {
    // Both without the final newline (the file has one; a difference on the last line, which
    // has none to end it, is left undecided): the file's text is sliced, not copied.
    const verdict = compareLines(text.slice(0, -1), js, respelled);
    if (verdict !== true) return { formatted: verdict, respelled };
  }
  return { formatted: hasJsOnlyNumber(text) ? undefined : true, respelled };
}

/**
 * Decides from the JSON.parse value where it can; only when that value cannot tell — integer-like
 * keys, numbers JS spells unlike Python — does it pay for the exact parse.
 */
export function isRecorderFormatted(text: string, native: unknown, exact: () => PyValue, ascii?: boolean): boolean {
  return proveFormatted(text, native, ascii).formatted ?? recorderFormat(exact()) === text;
}

