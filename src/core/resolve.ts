/**
 * Resolving a `<ref>` (SPEC): a path to a file, or a hash prefix of at least 4 hex digits matched
 * against recording file names under the root — without reading any recording.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";

import { isGlob, notRegular, walkRecordings, type Skipped } from "./discover.js";
import type { Workspace } from "./workspace/index.js";

/** What resolving refs needs of the workspace: the current folder, where lookups by hash search, discovery. */
export type RefScope = Pick<Workspace, "cwd" | "lookupRoot" | "recordingsBelow" | "discover">;
import { isStreamPath } from "./read.js";
import { nameHash } from "./recording.js";
import type { RefFailure } from "./types.js";

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

/** A RefError as data (the failure a command returns). */
export function refFailureOf(err: RefError): RefFailure {
  return { ref: err.ref, error: err.message, candidates: [...err.candidates] };
}

const HEX_PREFIX = /^[0-9a-f]{4,64}$/;

/** A name matches when its hash starts with the prefix (or, for a 12-hex 2025 name, the reverse). */
export function matchesPrefix(file: string, prefix: string): boolean {
  const name = nameHash(file);
  if (name === null) return false;
  return name.hash.startsWith(prefix) || (name.hash.length === 12 && prefix.startsWith(name.hash));
}

/**
 * Files under `root` whose names match the prefix, inside `recordings` folders. Only names are
 * compared: nothing is opened.
 */
export async function findByPrefix(prefix: string, root: string, repoRoot: string | null): Promise<string[]> {
  const head = prefix.slice(0, Math.min(prefix.length, 12));
  const accept = (name: string): boolean => (name.startsWith(head) || name.startsWith(`models-${head}`)) && matchesPrefix(name, prefix);
  return (await walkRecordings(root, repoRoot, accept)).files;
}

/** One recording file for a ref, or a RefError saying why not (no match, ambiguous). */
export async function resolveRef(ref: string, scope: RefScope): Promise<string> {
  if (isStreamPath(ref)) return ref;
  const asPath = resolve(scope.cwd, ref);
  const info = await stat(asPath).catch(() => undefined);
  if (info?.isFile()) return asPath;
  if (info !== undefined && !info.isDirectory()) throw new RefError(ref, `${ref}: ${notRegular(info)}`);
  // `models-3a64…` (a model list's name, as `list` shows it) is looked up by its hash.
  const prefix = ref.toLowerCase().replace(/\.json$/, "").replace(/^models-/, "");
  if (!HEX_PREFIX.test(prefix)) {
    throw new RefError(ref, info?.isDirectory() ? `${ref} is a directory; give a file or a hash prefix` : `no such file, and not a hash prefix (4+ hex digits): ${ref}`);
  }
  const found = await findByPrefix(prefix, scope.lookupRoot, scope.recordingsBelow);
  if (found.length === 0) throw new RefError(ref, `no recording under ${scope.lookupRoot} matches ${ref}`);
  if (found.length > 1) throw new RefError(ref, `${ref} is ambiguous: ${found.length} recordings match`, found);
  return found[0] ?? "";
}

/** Several refs, each a path, a directory or glob (every recording in it), or a hash prefix. */
export interface Resolved {
  files: string[];
  errors: RefError[];
  /** True when a ref was a directory or glob: the output is a batch even if one file matched. */
  expanded: boolean;
  /** Files in an expanded directory left alone (not regular files): notices. */
  skipped: Skipped[];
}

export async function resolveMany(refs: readonly string[], scope: RefScope): Promise<Resolved> {
  const files: string[] = [];
  const errors: RefError[] = [];
  const skipped: Skipped[] = [];
  let expanded = false;
  for (const ref of refs) {
    const info = isStreamPath(ref) ? undefined : await stat(resolve(scope.cwd, ref)).catch(() => undefined);
    if (info?.isDirectory() || (info === undefined && isGlob(ref))) {
      expanded = true;
      const found = await scope.discover([ref]);
      if (found.files.length === 0) errors.push(new RefError(ref, `no recordings in ${ref}`));
      files.push(...found.files);
      skipped.push(...found.skipped);
      continue;
    }
    try {
      files.push(await resolveRef(ref, scope));
    } catch (err) {
      if (err instanceof RefError) errors.push(err);
      else throw err;
    }
  }
  return { files: [...new Set(files)], errors, expanded, skipped };
}

