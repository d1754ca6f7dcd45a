/**
 * "Is this file in the recorder's formatting?" — Python's `json.dump(obj, f, indent=2)` plus a
 * newline, byte for byte. One module owns the answer; validate and normalize both ask it.
 */
import { matchesRecorderFormatNative, recorderFormat, type PyValue } from "./pyjson.js";

/**
 * Decides from the JSON.parse value where it can (JSON.stringify is native and fast); only when
 * that value cannot tell — integer-like keys, duplicate keys, big integers — does it pay for
 * the exact parse.
 */
export function isRecorderFormatted(text: string, native: unknown, exact: () => PyValue): boolean {
  const fast = matchesRecorderFormatNative(text, native);
  if (fast !== null) return fast;
  return recorderFormat(exact()) === text;
}
