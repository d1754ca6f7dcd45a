/**
 * What the commands that rewrite recordings in place (normalize, migrate-types, redact) share per
 * file: the write itself, asked of the write gate right before it, and one mapping from the errors
 * reading, parsing and writing raise to the one failure type, so the three agree on rule and
 * wording.
 */
import { PyJsonParseError } from "./pyjson.js";
import { RecordingError } from "./recording.js";
import type { FileFailure } from "./types.js";
import { writeRefusalSync } from "./workspace/recordings-folder.js";
import { writeAtomic, WriteError } from "./write.js";

/**
 * Writes `text` over `file` atomically, unless the gate refuses: a file (or its real path) outside
 * the repository's recordings folders (`repoRoot` null: judged on the whole path) is left alone.
 * Returns the refusal, or null once written.
 */
export async function writeInside(file: string, text: string, repoRoot: string | null): Promise<string | null> {
  const refused = writeRefusalSync(file, repoRoot);
  if (refused === null) await writeAtomic(file, text);
  return refused;
}

/** A file the rewrite could not process; anything that is not a reading, parsing or writing error is a bug and is rethrown. */
export function rewriteFailure(file: string, err: unknown): FileFailure {
  if (err instanceof RecordingError) return { file, error: err.message, rule: err.rule, line: err.line, column: err.column };
  if (err instanceof WriteError) return { file, error: err.message, rule: "io", line: null, column: null };
  // JSON.parse accepted the text, so this is not expected; still one file, not the whole run.
  if (err instanceof PyJsonParseError) return { file, error: `invalid JSON: ${err.message}`, rule: "json", line: null, column: null };
  throw err;
}
