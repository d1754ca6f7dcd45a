/**
 * What a command that rewrites recordings (normalize, migrate-types, redact) reports for a file it
 * could not process: one mapping from the errors reading, parsing and writing raise to the one
 * failure type, so the three agree on rule and wording. Anything else is a bug and is rethrown.
 */
import { PyJsonParseError } from "./pyjson.js";
import { RecordingError } from "./recording.js";
import type { FileFailure } from "./types.js";
import { WriteError } from "./write.js";

export function rewriteFailure(file: string, err: unknown): FileFailure {
  if (err instanceof RecordingError) return { file, error: err.message, rule: err.rule, line: err.line, column: err.column };
  if (err instanceof WriteError) return { file, error: err.message, rule: "io", line: null, column: null };
  // JSON.parse accepted the text, so this is not expected; still one file, not the whole run.
  if (err instanceof PyJsonParseError) return { file, error: `invalid JSON: ${err.message}`, rule: "json", line: null, column: null };
  throw err;
}
