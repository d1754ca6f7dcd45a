/**
 * "Is this file in the recorder's formatting?" — Python's `json.dump(obj, f, indent=2)` plus a
 * newline, byte for byte. One module owns the answer; validate and normalize both ask it.
 */
import { recorderFormat, recorderFormatNative, type PyValue } from "./pyjson.js";

/**
 * Tries the cheap proof first (re-print the JSON.parse value); only when that differs — an
 * integral float like `1.0`, an integer-like key, a duplicate key, or a real formatting
 * difference — does it pay for the exact parse.
 */
export function isRecorderFormatted(text: string, native: unknown, exact: () => PyValue): boolean {
  if (!text.endsWith("\n")) return false;
  if (recorderFormatNative(native) === text) return true;
  return recorderFormat(exact()) === text;
}
