/**
 * The repository root: where the test paths in `test_id` (`tests/integration/x/test_y.py::…`)
 * resolve, and where the repository's own recorder source is looked for (SPEC, orphan reasons).
 * The nearest ancestor of --root (itself included) that is a git work tree's top level; when
 * there is none, the nearest one holding a Python project file; else --root itself.
 */
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";

const PROJECT_FILES = ["pyproject.toml", "setup.py", "setup.cfg"] as const;

export type RepoRootSource = "git" | "python-project" | "root" | "option";

export interface RepoRoot {
  dir: string;
  /** How it was found: a `.git` entry, a Python project file, --root itself, or --repo-root. */
  source: RepoRootSource;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function* ancestors(dir: string): Generator<string> {
  for (let d = dir; ; d = dirname(d)) {
    yield d;
    if (dirname(d) === d) return;
  }
}

/** `root` must be absolute. A `.git` file (a worktree or submodule) counts as a top level too. */
export async function findRepoRoot(root: string): Promise<RepoRoot> {
  for (const d of ancestors(root)) if (await exists(join(d, ".git"))) return { dir: d, source: "git" };
  for (const d of ancestors(root)) {
    for (const f of PROJECT_FILES) if (await exists(join(d, f))) return { dir: d, source: "python-project" };
  }
  return { dir: root, source: "root" };
}
