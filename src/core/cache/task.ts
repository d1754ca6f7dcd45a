/**
 * The per-file work of a cached `validate` run, on every thread: read the bytes, compute the
 * content key, and validate only when no stored result has that key.
 */
import { readFileSync } from "node:fs";
import { validateBytes, validateFile, validateOptions, type FileReport, type ValidateTaskOptions } from "../validate.js";
import { contentKey } from "./store.js";

export interface CachedTaskOptions extends ValidateTaskOptions {
  /** Content keys the cache holds a result for. */
  known: readonly string[];
}

/** `report` null: the cache holds the result under `key`. `key` null: not cacheable (unreadable). */
export interface KeyedReport {
  key: string | null;
  report: FileReport | null;
}

export async function prepareTask(options: CachedTaskOptions): Promise<(file: string) => Promise<KeyedReport>> {
  const perFile = await validateOptions(options);
  const known = new Set(options.known);
  return async (file) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      // The usual path names the reason (and it is not cached).
      return { key: null, report: await validateFile(file, perFile) };
    }
    const key = contentKey(file, bytes);
    return known.has(key) ? { key, report: null } : { key, report: validateBytes(file, bytes, perFile) };
  };
}
