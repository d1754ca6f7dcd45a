/**
 * Which files a command works on (SPEC, "Paths"): files as given, directories searched
 * recursively for `*.json`, globs expanded; no paths means every `**\/recordings/**\/*.json`
 * under the root. `node_modules` and `.git` are always skipped.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";

export const DEFAULT_PATTERN = "**/recordings/**/*.json";
const IGNORE = ["**/node_modules/**", "**/.git/**"];

export interface Discovery {
  files: string[];
  /** Paths that named nothing: they are reported and make the command exit 2. */
  missing: string[];
}

/** fast-glob is loaded on first use: validating a few named files (pre-commit) never needs it. */
async function glob(pattern: string, cwd: string): Promise<string[]> {
  const { default: fg } = await import("fast-glob");
  return fg(pattern, { cwd, absolute: true, onlyFiles: true, ignore: IGNORE, dot: false, suppressErrors: true });
}

export function isGlob(p: string): boolean {
  return /[*?[\]{}!]/.test(p);
}

export async function discover(paths: readonly string[], root: string): Promise<Discovery> {
  if (paths.length === 0) return { files: (await glob(DEFAULT_PATTERN, root)).sort(), missing: [] };
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(process.cwd(), p);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) {
      for (const f of await glob("**/*.json", abs)) files.add(f);
    } else if (info !== undefined) {
      files.add(abs);
    } else if (isGlob(p)) {
      const matched = await glob(p, process.cwd());
      if (matched.length === 0) missing.push(p);
      for (const f of matched) files.add(f);
    } else {
      missing.push(p);
    }
  }
  return { files: [...files].sort(), missing };
}
