/**
 * Which files a command works on (SPEC, "Paths"): files as given, directories searched
 * recursively, globs expanded; no paths means every `**\/recordings/**\/*.json` under the root.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve, sep } from "node:path";
import fg from "fast-glob";

export const DEFAULT_PATTERN = "**/recordings/**/*.json";
const IGNORE = ["**/node_modules/**", "**/.git/**"];

export interface Discovery {
  files: string[];
  /** Paths that named nothing: they are reported and make the command exit 2. */
  missing: string[];
}

/** A directory inside a `recordings` folder holds recordings; elsewhere, look for such folders. */
function patternFor(dir: string): string {
  return dir.split(sep).includes("recordings") ? "**/*.json" : DEFAULT_PATTERN;
}

async function glob(pattern: string, cwd: string): Promise<string[]> {
  return fg(pattern, { cwd, absolute: true, onlyFiles: true, ignore: IGNORE, dot: false, suppressErrors: true });
}

export async function discover(paths: readonly string[], root: string): Promise<Discovery> {
  if (paths.length === 0) return { files: (await glob(DEFAULT_PATTERN, root)).sort(), missing: [] };
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(process.cwd(), p);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) {
      for (const f of await glob(patternFor(abs), abs)) files.add(f);
    } else if (info !== undefined) {
      files.add(abs);
    } else if (fg.isDynamicPattern(p)) {
      const matched = await glob(p, process.cwd());
      if (matched.length === 0) missing.push(p);
      for (const f of matched) files.add(f);
    } else {
      missing.push(p);
    }
  }
  return { files: [...files].sort(), missing };
}
