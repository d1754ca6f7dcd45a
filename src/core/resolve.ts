/**
 * Resolving a `<ref>` (SPEC): a path to a file, or a hash prefix of at least 4 hex digits matched
 * against recording file names under the root — without reading any recording.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";

import { discover, isGlob } from "./discover.js";
import { nameHash } from "./recording.js";

export class RefError extends Error {
  constructor(
    readonly ref: string,
    message: string,
    readonly candidates: string[] = [],
  ) {
    super(message);
    this.name = "RefError";
  }
}

const HEX_PREFIX = /^[0-9a-f]{4,64}$/;

/** A name matches when its hash starts with the prefix (or, for a 12-hex 2025 name, the reverse). */
export function matchesPrefix(file: string, prefix: string): boolean {
  const name = nameHash(file);
  if (name === null) return false;
  return name.hash.startsWith(prefix) || (name.hash.length === 12 && prefix.startsWith(name.hash));
}

export async function findByPrefix(prefix: string, root: string): Promise<string[]> {
  // Only names are listed; fast-glob filters them before any file is opened.
  const head = prefix.slice(0, Math.min(prefix.length, 12));
  const patterns = [`**/recordings/**/${head}*.json`, `**/recordings/**/models-${head}*.json`];
  const { default: fg } = await import("fast-glob");
  const files = await fg(patterns, { cwd: root, absolute: true, onlyFiles: true, ignore: ["**/node_modules/**", "**/.git/**"], suppressErrors: true });
  return files.filter((f) => matchesPrefix(f, prefix)).sort();
}

/** One recording file for a ref, or a RefError saying why not (no match, ambiguous). */
export async function resolveRef(ref: string, root: string): Promise<string> {
  const asPath = resolve(process.cwd(), ref);
  const info = await stat(asPath).catch(() => undefined);
  if (info?.isFile()) return asPath;
  const prefix = ref.toLowerCase().replace(/\.json$/, "");
  if (!HEX_PREFIX.test(prefix)) {
    throw new RefError(ref, info?.isDirectory() ? `${ref} is a directory; give a file or a hash prefix` : `no such file, and not a hash prefix (4+ hex digits): ${ref}`);
  }
  const found = await findByPrefix(prefix, root);
  if (found.length === 0) throw new RefError(ref, `no recording under ${root} matches ${ref}`);
  if (found.length > 1) throw new RefError(ref, `${ref} is ambiguous: ${found.length} recordings match`, found);
  return found[0] ?? "";
}

/** Several refs, each a path, a directory or glob (every recording in it), or a hash prefix. */
export async function resolveMany(refs: readonly string[], root: string): Promise<{ files: string[]; errors: RefError[] }> {
  const files: string[] = [];
  const errors: RefError[] = [];
  for (const ref of refs) {
    const info = await stat(resolve(process.cwd(), ref)).catch(() => undefined);
    if (info?.isDirectory() || (info === undefined && isGlob(ref))) {
      const found = await discover([ref], root);
      if (found.files.length === 0) errors.push(new RefError(ref, `no recordings in ${ref}`));
      files.push(...found.files);
      continue;
    }
    try {
      files.push(await resolveRef(ref, root));
    } catch (err) {
      if (err instanceof RefError) errors.push(err);
      else throw err;
    }
  }
  return { files: [...new Set(files)], errors };
}

