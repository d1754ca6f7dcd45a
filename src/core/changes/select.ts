/**
 * Which paths `changes` compares, as git pathspecs (SPEC, "Paths"): no paths means every
 * `**\/recordings/**\/*.json` under --root; a directory means the recordings in it (every `*.json`
 * when it is itself inside a `recordings` folder); a file named explicitly is always taken; a
 * glob is matched by git. A path that is not in the working tree may still name a file of a
 * revision (a removed recording): it is looked for there, and reported when nothing matched it.
 */
import { statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { isGlob } from "../discover.js";
import { GitError } from "./git.js";

export interface Selection {
  pathspecs: string[];
  /** Paths (relative to the top level) that exist in no working tree: each must match something. */
  absent: { given: string; path: string }[];
  /** Files named explicitly: always taken, whatever their name. */
  files: string[];
}

/** Node modules are never compared (as discovery skips them). */
const EXCLUDE = ":(exclude,glob)**/node_modules/**";

/** Git's glob magic treats `*?[\` as special: a literal directory name escapes them. */
function escapeGlob(path: string): string {
  return path.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function recordingsIn(dir: string): string[] {
  const prefix = dir === "" ? "" : `${escapeGlob(dir)}/`;
  const specs = [`:(glob)${prefix}**/recordings/**/*.json`];
  if (dir.split("/").includes("recordings")) specs.push(`:(glob)${prefix}**/*.json`);
  return specs;
}

/** `root`: --root (absolute); `paths`: as given, relative to `cwd`. */
export function selectPaths(top: string, root: string, paths: readonly string[], cwd: string): Selection {
  const inTree = (abs: string, given: string): string => {
    const rel = toPosix(relative(top, abs));
    if (rel.startsWith("..") || isAbsolute(rel)) throw new GitError(`${given}: outside the git work tree ${top}`);
    return rel;
  };
  if (paths.length === 0) return { pathspecs: [...recordingsIn(inTree(root, root)), EXCLUDE], absent: [], files: [] };
  const pathspecs: string[] = [];
  const absent: Selection["absent"] = [];
  const files: string[] = [];
  for (const given of paths) {
    const abs = resolve(cwd, given);
    const info = statSync(abs, { throwIfNoEntry: false });
    if (info?.isDirectory() === true) pathspecs.push(...recordingsIn(inTree(abs, given)));
    else if (info !== undefined) {
      const rel = inTree(abs, given);
      pathspecs.push(`:(literal)${rel}`);
      files.push(rel);
    }
    else if (isGlob(given)) pathspecs.push(`:(glob)${inTree(abs, given)}`);
    else {
      const rel = inTree(abs, given);
      pathspecs.push(`:(literal)${rel}`);
      absent.push({ given, path: rel });
      files.push(rel);
    }
  }
  return { pathspecs: [...pathspecs, EXCLUDE], absent, files };
}

/** Whether a changed path answers for an absent one: the file itself, or a file below it. */
export function answers(absent: string, path: string): boolean {
  return path === absent || path.startsWith(`${absent}/`);
}

/** A changed path is compared when named explicitly or a `.json` file (an absent folder's pathspec takes everything below it). */
export function selected(selection: Selection, path: string): boolean {
  return path.endsWith(".json") || selection.files.includes(path);
}
