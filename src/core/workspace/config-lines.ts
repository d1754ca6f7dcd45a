/**
 * The line of every key of a TOML document, by JSON pointer (`/tool/recctl/validate/strict`,
 * array elements by index: `/tool/recctl/secrets/allow/0/pointer`). smol-toml gives positions
 * for syntax errors only, so a config error's `file:line` comes from here. The text must already
 * have parsed: this walks its structure (table headers, dotted and quoted keys, arrays and inline
 * tables over several lines, strings that hold `#`, `=` or brackets) and skips what it cannot read.
 */

/** `~` and `/` escaped as in ajv's instancePath (RFC 6901). */
export function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

class Scanner {
  i = 0;
  line = 1;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }
  peek(offset = 0): string {
    return this.text[this.i + offset] ?? "";
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.i);
  }
  advance(n = 1): void {
    for (let k = 0; k < n && !this.done; k++) {
      if (this.text[this.i] === "\n") this.line++;
      this.i++;
    }
  }
  /** Spaces and tabs; with `newlines`, line breaks and comments too. */
  skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r") this.advance();
      else if (c === "#") while (!this.done && this.peek() !== "\n") this.advance();
      else if (newlines && c === "\n") this.advance();
      else return;
    }
  }
  skipLine(): void {
    while (!this.done && this.peek() !== "\n") this.advance();
  }

  /** A quoted string's value; the scanner stands on its opening quote. */
  string(): string {
    const multi = this.startsWith('"""') || this.startsWith("'''");
    const quote = this.peek();
    const literal = quote === "'";
    if (multi) {
      this.advance(3);
      const start = this.i;
      while (!this.done && !this.startsWith(quote.repeat(3))) this.advance(!literal && this.peek() === "\\" ? 2 : 1);
      // A closing delimiter may carry one or two quotes of the content before it (`""""`).
      let end = this.i;
      this.advance(3);
      while (this.peek() === quote) {
        end++;
        this.advance();
      }
      return this.text.slice(start, end);
    }
    this.advance();
    let value = "";
    while (!this.done && this.peek() !== quote && this.peek() !== "\n") {
      if (!literal && this.peek() === "\\") {
        value += unescape(this.text.slice(this.i, this.i + 10));
        this.advance(escapeLength(this.text.slice(this.i, this.i + 10)));
      } else {
        value += this.peek();
        this.advance();
      }
    }
    this.advance();
    return value;
  }

  /** `a."b.c".d` → ["a", "b.c", "d"]; stops before `=`, `]` or anything else. */
  keyPath(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.i, this.i + 256));
        if (m === null) return parts;
        parts.push(m[0]);
        this.advance(m[0].length);
      }
      this.skipBlank(false);
      if (this.peek() !== ".") return parts;
      this.advance();
    }
  }
}

function escapeLength(s: string): number {
  if (s.startsWith("\\u")) return 6;
  if (s.startsWith("\\U")) return 10;
  return 2;
}

function unescape(s: string): string {
  const simple: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\", e: "\x1b" };
  const c = s[1] ?? "";
  if (c === "u" || c === "U") return String.fromCodePoint(parseInt(s.slice(2, c === "u" ? 6 : 10), 16) || 0xfffd);
  return simple[c] ?? c;
}

/** Line numbers (1-based) of the keys, table headers and array elements of a TOML text. */
export function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const note = (path: readonly string[], line: number): void => {
    const p = pointerOf(path);
    if (!lines.has(p)) lines.set(p, line);
  };
  /** Arrays of tables (`[[a.b]]`) by pointer: how many elements so far. */
  const arrayTables = new Map<string, number>();
  /** A header's path with the current element of each array of tables along it. */
  const expand = (keys: readonly string[], isArrayHeader: boolean): string[] => {
    const out: string[] = [];
    keys.forEach((k, n) => {
      out.push(k);
      const count = arrayTables.get(pointerOf(out));
      if (count !== undefined && !(isArrayHeader && n === keys.length - 1)) out.push(String(count - 1));
    });
    return out;
  };
  const s = new Scanner(text);
  let table: string[] = [];

  const value = (path: string[]): void => {
    s.skipBlank(false);
    const c = s.peek();
    if (c === '"' || c === "'") {
      s.string();
    } else if (c === "[") {
      s.advance();
      for (let index = 0; ; index++) {
        s.skipBlank(true);
        if (s.peek() === "]" || s.done) break;
        note([...path, String(index)], s.line);
        value([...path, String(index)]);
        s.skipBlank(true);
        if (s.peek() === ",") s.advance();
        else break;
      }
      s.skipBlank(true);
      s.advance();
    } else if (c === "{") {
      s.advance();
      for (;;) {
        s.skipBlank(true);
        if (s.peek() === "}" || s.done) break;
        keyValue(path);
        s.skipBlank(true);
        if (s.peek() === ",") s.advance();
        else break;
      }
      s.skipBlank(true);
      s.advance();
    } else {
      // A number, boolean or date/time (which may hold one space): up to a delimiter.
      while (!s.done && !/[,\]}#\n]/.test(s.peek())) s.advance();
    }
  };

  const keyValue = (base: string[]): void => {
    const line = s.line;
    const keys = s.keyPath();
    s.skipBlank(false);
    if (keys.length === 0 || s.peek() !== "=") {
      s.skipLine();
      return;
    }
    s.advance();
    for (let n = 1; n <= keys.length; n++) note([...base, ...keys.slice(0, n)], line);
    value([...base, ...keys]);
  };

  while (!s.done) {
    s.skipBlank(true);
    if (s.done) break;
    const line = s.line;
    if (s.peek() === "[") {
      const isArrayHeader = s.startsWith("[[");
      s.advance(isArrayHeader ? 2 : 1);
      const keys = s.keyPath();
      if (isArrayHeader) {
        const p = pointerOf(expand(keys, true));
        arrayTables.set(p, (arrayTables.get(p) ?? 0) + 1);
      }
      table = expand(keys, false);
      for (let n = 1; n <= table.length; n++) note(table.slice(0, n), line);
      s.skipLine();
    } else {
      keyValue(table);
      s.skipBlank(false);
      if (s.peek() !== "\n") s.skipLine();
    }
  }
  return lines;
}

/** The line of `pointer`, else of the nearest enclosing key that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, pointer: string): number | null {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf("/"))) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === "") return null;
  }
}
