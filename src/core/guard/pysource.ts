/**
 * A small reader of Python source: the names a module binds at run time, read from its text
 * (never by running Python: a pre-commit hook must not execute the repository's code).
 *
 * It reads what `getattr(module, name)` after `import module` can find: module-level `class`,
 * `def`, assignments and imports, in every branch of `if`/`try`/`with`/`for` (which branch runs is
 * not known, so any of them may bind) — except the body of `if TYPE_CHECKING:`, which never runs.
 * Function and class bodies are skipped. Logical lines follow Python's lexer: brackets and
 * backslashes join physical lines, strings (triple-quoted too) and comments are skipped over.
 */

/** One logical line: its indentation (tabs to multiples of 8, as Python's lexer) and text. */
export interface LogicalLine {
  indent: number;
  text: string;
}

/** A name bound by `from <module> import <name> [as <bound>]` (module absolute or relative). */
export interface FromImport {
  /** Leading dots of a relative import (0: absolute). */
  level: number;
  module: string;
  /** The imported name, or `*`. */
  name: string;
}

/** What a module's source says it binds at run time. */
export interface ModuleSource {
  /** Names bound by `class`, `def` or assignment. */
  defined: Set<string>;
  /** Names bound by a `class` statement (the candidates when a stale type's class is searched for). */
  classes: Set<string>;
  /** Names bound by `from … import …`: bound name → where each binding comes from. */
  imported: Map<string, FromImport[]>;
  /** Names bound by `import a.b` (binds `a`) or `import a.b as c`. */
  importedModules: Set<string>;
  /** `from X import *` statements. */
  stars: FromImport[];
  /** `__all__` when its value is a literal list of strings (+ literal additions); "dynamic" when it is computed; null when absent. */
  all: string[] | "dynamic" | null;
  /** Names imported only under `if TYPE_CHECKING:` (they do not exist at run time). */
  typeCheckingOnly: Set<string>;
  /** A module-level `__getattr__` (PEP 562) can answer any name: nothing is known missing. */
  hasGetattr: boolean;
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);

/** Skips a string literal starting at `i` (a quote); returns the index after its closing quote. */
function skipString(src: string, i: number): number {
  const q = src[i] as string;
  const triple = src[i + 1] === q && src[i + 2] === q;
  let j = triple ? i + 3 : i + 1;
  while (j < src.length) {
    const ch = src[j];
    if (ch === "\\") {
      j += 2;
      continue;
    }
    if (triple) {
      if (ch === q && src[j + 1] === q && src[j + 2] === q) return j + 3;
    } else if (ch === q) {
      return j + 1;
    } else if (ch === "\n") {
      return j; // unterminated: Python would refuse the file; stop at the line's end
    }
    j++;
  }
  return src.length;
}

/** The logical lines of a module: comments and blank lines dropped, `;` splitting statements. */
export function logicalLines(src: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < src.length) {
    // Start of a physical line that starts a logical line: measure its indentation.
    let indent = 0;
    while (i < src.length && (src[i] === " " || src[i] === "\t" || src[i] === "\f")) {
      indent = src[i] === "\t" ? (Math.floor(indent / 8) + 1) * 8 : src[i] === " " ? indent + 1 : 0;
      i++;
    }
    let text = "";
    let depth = 0;
    const flush = (): void => {
      const t = text.trim();
      if (t !== "") out.push({ indent, text: t });
      text = "";
    };
    while (i < src.length) {
      const ch = src[i] as string;
      if (ch === "#") {
        while (i < src.length && src[i] !== "\n") i++;
        continue;
      }
      if (ch === '"' || ch === "'") {
        const end = skipString(src, i);
        text += src.slice(i, end);
        i = end;
        continue;
      }
      if (ch === "\\" && (src[i + 1] === "\n" || (src[i + 1] === "\r" && src[i + 2] === "\n"))) {
        text += " ";
        i += src[i + 1] === "\n" ? 2 : 3;
        continue;
      }
      if (ch === "\n" || ch === "\r") {
        i++;
        if (depth > 0) {
          text += " ";
          continue;
        }
        break;
      }
      if (OPEN.has(ch)) depth++;
      else if (CLOSE.has(ch)) depth = Math.max(0, depth - 1);
      else if (ch === ";" && depth === 0) {
        flush();
        i++;
        continue;
      }
      text += ch;
      i++;
    }
    flush();
  }
  return out;
}

/**
 * Index of the first character of `text` at bracket depth 0 and outside strings that `at(i)`
 * accepts, or -1.
 */
function findTopLevel(text: string, at: (i: number) => boolean, from = 0): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      i = skipString(text, i) - 1;
      continue;
    }
    if (OPEN.has(ch)) depth++;
    else if (CLOSE.has(ch)) depth--;
    else if (depth === 0 && at(i)) return i;
  }
  return -1;
}

/** Splits at top-level commas. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = findTopLevel(text, (k) => text[k] === sep); i >= 0; i = findTopLevel(text, (k) => text[k] === sep, start)) {
    parts.push(text.slice(start, i));
    start = i + 1;
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const COMPOUND = /^(if|elif|else|try|except|finally|with|for|while|async\s+(?:with|for)|class|def|async\s+def)\b/;
const TYPE_CHECKING_IF = /^if\s+(?:[A-Za-z_]\w*\.)?TYPE_CHECKING\s*:/;
const IDENT = /^[A-Za-z_]\w*$/;

/** The `:` ending a compound statement's header. */
function headerColon(text: string): number {
  return findTopLevel(text, (i) => text[i] === ":" && text[i + 1] !== "=");
}

/** A Python string literal's value (plain or with r/u prefixes, no escapes beyond quotes), or null. */
function stringLiteral(text: string): string | null {
  const m = /^[rRuU]?(["'])((?:\\.|(?!\1).)*)\1$/.exec(text.trim());
  return m === null ? null : (m[2] as string).replace(/\\(.)/g, "$1");
}

/** The strings of a literal list/tuple expression, joined by `+`; null when any part is not literal. */
function literalStrings(expr: string): string[] | null {
  const out: string[] = [];
  for (const part of splitTopLevel(expr, "+")) {
    const m = /^[([]([\s\S]*)[)\]]$/.exec(part);
    if (m === null) return null;
    for (const item of splitTopLevel(m[1] as string, ",")) {
      const s = stringLiteral(item);
      if (s === null) return null;
      out.push(s);
    }
  }
  return out;
}

function parseFromImport(text: string): { imports: FromImport[]; bound: string[] } | null {
  const m = /^from\s+(\.*)\s*([\w.]*)\s+import\s+([\s\S]+)$/.exec(text);
  if (m === null) return null;
  const level = (m[1] as string).length;
  const module = m[2] as string;
  const names = (m[3] as string).replace(/^\(|\)$/g, "");
  const imports: FromImport[] = [];
  const bound: string[] = [];
  for (const item of splitTopLevel(names, ",")) {
    const [name, as] = item.split(/\s+as\s+/).map((s) => s.trim());
    if (name === undefined) continue;
    imports.push({ level, module, name });
    bound.push(as ?? name);
  }
  return { imports, bound };
}

/** Names bound by assignment targets: `a = …`, `a: T = …`, `a, (b, c) = …`; not `a.b`, `a[i]`. */
function targetNames(target: string): string[] {
  const colon = findTopLevel(target, (i) => target[i] === ":");
  const t = colon >= 0 ? target.slice(0, colon).trim() : target;
  if (IDENT.test(t)) return [t];
  // Unpacking (`a, (b, c)`, `[a, *b]`); anything with an attribute, call or subscript binds nothing here.
  if (!/^[\w\s,()[\]*]+$/.test(t) || /\w\s*[[(]/.test(t)) return [];
  return [...t.matchAll(/[A-Za-z_]\w*/g)].map((m) => m[0]);
}

/** Assignment `=` signs of a statement (not `==`, `<=`, `:=`, `+=`…). */
function assignmentSplit(text: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  const isAssign = (i: number): boolean => text[i] === "=" && text[i + 1] !== "=" && !/[=!<>:+\-*/%&|^@]/.test(text[i - 1] ?? "");
  for (let i = findTopLevel(text, isAssign); i >= 0; i = findTopLevel(text, isAssign, start)) {
    parts.push(text.slice(start, i).trim());
    start = i + 1;
  }
  if (parts.length === 0) return null;
  parts.push(text.slice(start).trim());
  return parts;
}

function emptyModule(): ModuleSource {
  return {
    defined: new Set(),
    classes: new Set(),
    imported: new Map(),
    importedModules: new Set(),
    stars: [],
    all: null,
    typeCheckingOnly: new Set(),
    hasGetattr: false,
  };
}

/** One simple statement's bindings, added to `mod` (or, under TYPE_CHECKING, noted as type-only). */
function bindStatement(mod: ModuleSource, text: string, typeOnly: boolean): void {
  const from = parseFromImport(text);
  if (from !== null) {
    if (typeOnly) {
      for (const b of from.bound) if (b !== "*") mod.typeCheckingOnly.add(b);
      return;
    }
    from.imports.forEach((imp, k) => {
      if (imp.name === "*") return void mod.stars.push(imp);
      const bound = from.bound[k] as string;
      mod.imported.set(bound, [...(mod.imported.get(bound) ?? []), imp]);
    });
    return;
  }
  if (typeOnly) return;
  const imp = /^import\s+([\s\S]+)$/.exec(text);
  if (imp !== null) {
    for (const item of splitTopLevel(imp[1] as string, ",")) {
      const [name, as] = item.split(/\s+as\s+/).map((s) => s.trim());
      const bound = as ?? name?.split(".")[0];
      if (bound !== undefined && bound !== "") mod.importedModules.add(bound);
    }
    return;
  }
  const allAdd = /^__all__\s*\+=\s*([\s\S]+)$/.exec(text) ?? /^__all__\.extend\(([\s\S]+)\)$/.exec(text);
  if (allAdd !== null) {
    const more = literalStrings(allAdd[1] as string);
    mod.all = more === null || mod.all === "dynamic" ? "dynamic" : [...(mod.all ?? []), ...more];
    return;
  }
  const append = /^__all__\.append\(([\s\S]+)\)$/.exec(text);
  if (append !== null) {
    const s = stringLiteral(append[1] as string);
    mod.all = s === null || mod.all === "dynamic" ? "dynamic" : [...(mod.all ?? []), s];
    return;
  }
  const parts = assignmentSplit(text);
  if (parts === null) return;
  const value = parts[parts.length - 1] as string;
  for (const target of parts.slice(0, -1)) {
    for (const name of targetNames(target)) {
      if (name === "__all__") mod.all = literalStrings(value) ?? "dynamic";
      else mod.defined.add(name);
    }
  }
}

/** Reads a module's source: the names it binds at run time. */
export function readModuleSource(src: string): ModuleSource {
  const mod = emptyModule();
  // Lines deeper than `skipDeeper` belong to a body that is skipped (class, def) or never runs
  // (TYPE_CHECKING); `typeOnly` says which.
  let skipDeeper: number | null = null;
  let typeOnly = false;
  for (const line of logicalLines(src)) {
    if (skipDeeper !== null && line.indent > skipDeeper) {
      if (typeOnly) bindStatement(mod, line.text, true);
      continue;
    }
    skipDeeper = null;
    typeOnly = false;
    const text = line.text;
    if (text.startsWith("@")) continue;
    const compound = COMPOUND.exec(text);
    if (compound === null) {
      bindStatement(mod, text, false);
      continue;
    }
    const colon = headerColon(text);
    const inline = colon >= 0 ? text.slice(colon + 1).trim() : "";
    const def = /^(?:async\s+)?(class|def)\s+([A-Za-z_]\w*)/.exec(text);
    if (def !== null) {
      const name = def[2] as string;
      mod.defined.add(name);
      if (def[1] === "class") mod.classes.add(name);
      if (def[1] === "def" && name === "__getattr__" && line.indent === 0) mod.hasGetattr = true;
      skipDeeper = line.indent;
      continue;
    }
    if (TYPE_CHECKING_IF.test(text)) {
      if (inline !== "") bindStatement(mod, inline, true);
      skipDeeper = line.indent;
      typeOnly = true;
      continue;
    }
    // Any other block may run: its body is read as if at module level.
    if (inline !== "") bindStatement(mod, inline, false);
  }
  // A name imported both under TYPE_CHECKING and for real exists.
  for (const name of mod.typeCheckingOnly) {
    if (mod.defined.has(name) || mod.imported.has(name) || mod.importedModules.has(name)) mod.typeCheckingOnly.delete(name);
  }
  return mod;
}
