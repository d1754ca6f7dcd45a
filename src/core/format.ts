/**
 * "Is this file in the recorder's formatting?" — Python's `json.dump(obj, f, indent=2)` plus a
 * newline, byte for byte. One module owns the answer; validate and normalize both ask it.
 */
import { pyFloatRepr, pyStringLiteral, recorderFormat } from "./pydumps.js";
import type { PyValue } from "./pyjson.js";

/** One line of indent=2 output that holds a number: indent, optional key, the literal, comma. */
const NUMBER_LINE = /^( *(?:("(?:[^"\\]|\\.)*"): )?)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(,?)$/;

/**
 * Numbers `JSON.stringify` prints differently from Python's repr, found in the text itself:
 * 1e-6 ≤ |x| < 1e-4 (JS `0.00001`, Python `1e-05`) and one-digit negative exponents (JS `1e-7`,
 * Python `1e-07`). A hit inside a string only costs the slow path.
 */
const JS_ONLY_NUMBER = /[ -]0\.0000|\de-[1-9][,\n]/;

const NOT_ASCII_ALL = /[\u007f-\uffff]/g;

/** ensure_ascii: the recorder's files hold nothing beyond ASCII, and no raw DEL. */
function isEscapedAscii(text: string): boolean {
  return Buffer.byteLength(text, "utf8") === text.length && !text.includes("\u007f");
}

/** Python's ensure_ascii applied to JSON text (only strings can hold such characters). */
function escapeNonAscii(jsonText: string): string {
  return isEscapedAscii(jsonText) ? jsonText : jsonText.replace(NOT_ASCII_ALL, (c) => pyStringLiteral(c).slice(1, -1));
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
  let js = `${JSON.stringify(value, null, 2)}\n`;
  if (js !== text) js = escapeNonAscii(js);
  if (js !== text) {
    const ours = text.split("\n");
    const theirs = js.split("\n");
    if (ours.length !== theirs.length) return { formatted: false, respelled };
    for (let i = 0; i < ours.length; i++) {
      const a = ours[i] ?? "";
      const b = theirs[i] ?? "";
      if (a === b) continue;
      const ma = NUMBER_LINE.exec(a);
      const mb = NUMBER_LINE.exec(b);
      if (ma === null || mb === null || ma[1] !== mb[1] || ma[4] !== mb[4]) return { formatted: undefined, respelled };
      const literal = ma[3] ?? "";
      if (Number(literal) !== Number(mb[3])) return { formatted: undefined, respelled };
      if (!pythonKeepsLiteral(literal)) return { formatted: false, respelled };
      if (ma[2] !== undefined) respelled.add(ma[2]);
    }
  }
  // Both patterns need "0.0000" or "e-"; indexOf finds out far faster than the regex scan.
  const mayHave = text.includes("0.0000") || text.includes("e-");
  return { formatted: mayHave && JS_ONLY_NUMBER.test(text) ? undefined : true, respelled };
}

/**
 * Decides from the JSON.parse value where it can; only when that value cannot tell — integer-like
 * keys, numbers JS spells unlike Python — does it pay for the exact parse.
 */
export function isRecorderFormatted(text: string, native: unknown, exact: () => PyValue, ascii?: boolean): boolean {
  return proveFormatted(text, native, ascii).formatted ?? recorderFormat(exact()) === text;
}

