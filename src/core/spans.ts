/**
 * Where the values of a JSON object's top-level members lie in the text, found with
 * jsonc-parser's scanner. Lets the hash read `request` and `test_id` exactly without a lossless
 * parse of the (much larger) response; scanning stops once every wanted member is found (and
 * no wanted key appears again: a repeated key's last occurrence is the one Python keeps).
 */
import { createScanner } from "jsonc-parser";

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot import.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COLON = 6;
const STRING = 10;
const EOF = 17;

export interface Span {
  start: number;
  end: number;
}

/**
 * The wanted members as Python's json.load reads them: when a key is repeated, its last
 * occurrence wins. Scanning stops once every wanted member is found, unless a wanted key's name
 * appears again further on; then the whole object is scanned.
 */
export function topLevelSpans(text: string, wanted: readonly string[]): Map<string, Span> {
  const first = scanSpans(text, wanted, true);
  if (first.size < wanted.length) return first; // not all found: the whole text was scanned
  const end = Math.max(...[...first.values()].map((span) => span.end));
  const again = wanted.some((key) => text.indexOf(JSON.stringify(key), end) >= 0);
  return again ? scanSpans(text, wanted, false) : first;
}

function scanSpans(text: string, wanted: readonly string[], stopEarly: boolean): Map<string, Span> {
  const found = new Map<string, Span>();
  const scanner = createScanner(text, true);
  let depth = 0;
  let pendingKey: string | undefined;
  let expectKey = false;
  let current: { key: string; start: number; depth: number } | undefined;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (current === undefined && depth === 1 && expectKey && token === STRING) {
      pendingKey = scanner.getTokenValue();
      expectKey = false;
      continue;
    }
    if (token === COLON && depth === 1 && pendingKey !== undefined) {
      const key = pendingKey;
      pendingKey = undefined;
      if (wanted.includes(key)) {
        // The value starts at the next token.
        const next = scanner.scan();
        const start = scanner.getTokenOffset();
        if (next === OPEN_BRACE || next === OPEN_BRACKET) {
          current = { key, start, depth };
          depth++;
        } else {
          found.set(key, { start, end: start + scanner.getTokenLength() });
          if (stopEarly && found.size === wanted.length) break;
        }
      }
      continue;
    }
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) {
      depth--;
      if (current !== undefined && depth === current.depth) {
        found.set(current.key, { start: current.start, end: scanner.getTokenOffset() + 1 });
        current = undefined;
        if (stopEarly && found.size === wanted.length) break;
      }
    } else if (depth === 1 && current === undefined && token === 5 /* comma */) {
      expectKey = true;
    }
  }
  return found;
}
