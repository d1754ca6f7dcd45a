/**
 * Python literals as `repr()` prints them (`{'query': 'x', 'k': 3}`): the recorder's tool-miss
 * message carries the call's kwargs this way, and its 2025 inference message the request body.
 * Read into PyValues (ints as bigint, tuples as lists, as `json.dumps` would write them), so the
 * request can be hashed exactly. Anything that is not a plain literal (`NOT_GIVEN`, an object's
 * repr, bytes) makes the whole value unreadable (undefined), never a guess.
 */
import type { PyDict, PyValue } from "../pyjson.js";

class NotALiteral extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  blank(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] ?? "")) this.i++;
  }

  expect(ch: string): void {
    this.blank();
    if (this.s[this.i] !== ch) throw new NotALiteral();
    this.i++;
  }

  value(): PyValue {
    this.blank();
    const c = this.s[this.i];
    if (c === "{") return this.dict();
    if (c === "[") return this.sequence("]");
    if (c === "(") return this.sequence(")");
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:True|False|None)\b/.exec(this.s.slice(this.i, this.i + 6));
    if (word !== null) {
      this.i += word[0].length;
      return word[0] === "True" ? true : word[0] === "False" ? false : null;
    }
    const num = /^-?\d+(\.\d*)?([eE][-+]?\d+)?/.exec(this.s.slice(this.i));
    if (num !== null) {
      this.i += num[0].length;
      return num[1] === undefined && num[2] === undefined ? BigInt(num[0]) : Number(num[0]);
    }
    throw new NotALiteral();
  }

  dict(): PyDict {
    const out: PyDict = new Map();
    this.expect("{");
    this.blank();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      const key = this.value();
      // json.dumps writes int, bool and None keys as strings; other keys it refuses.
      const name = typeof key === "string" ? key : typeof key === "bigint" ? key.toString() : key === true ? "true" : key === false ? "false" : key === null ? "null" : null;
      if (name === null) throw new NotALiteral();
      this.expect(":");
      out.set(name, this.value());
      this.blank();
      if (this.s[this.i] === ",") {
        this.i++;
        this.blank();
        if (this.s[this.i] === "}") {
          this.i++;
          return out;
        }
        continue;
      }
      this.expect("}");
      return out;
    }
  }

  sequence(close: string): PyValue[] {
    const out: PyValue[] = [];
    this.i++;
    this.blank();
    while (this.s[this.i] !== close) {
      out.push(this.value());
      this.blank();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== close) throw new NotALiteral();
      this.blank();
    }
    this.i++;
    return out;
  }

  string(): string {
    const quote = this.s[this.i];
    let out = "";
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i] ?? "";
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.s[++this.i] ?? "";
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
      const hex = this.s.slice(this.i + 1, this.i + 1 + width);
      if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw new NotALiteral();
      out += String.fromCodePoint(parseInt(hex, 16));
      this.i += width;
    }
    throw new NotALiteral();
  }
}

/** The value a Python literal's text stands for; undefined when the text is not one whole literal. */
export function parsePyLiteral(text: string): PyValue | undefined {
  const r = new Reader(text);
  try {
    const value = r.value();
    r.blank();
    return r.i === text.length ? value : undefined;
  } catch (err) {
    if (err instanceof NotALiteral) return undefined;
    throw err;
  }
}
