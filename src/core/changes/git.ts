/**
 * The system `git`, run as a subprocess: the work tree's top level, revisions, which paths
 * changed, file contents at a revision (one `git cat-file --batch` for all of them), and
 * restoring files from a revision. Paths in and out are relative to the top level.
 */
import { spawn, spawnSync } from "node:child_process";

/** Not a git work tree, an unknown revision, git missing or failing: one line for the user. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

/** Large enough for the contents of every changed recording of a bulk re-record at once. */
const MAX_BUFFER = 2 * 1024 * 1024 * 1024 - 1;

// No pager, no prompts, and output that does not depend on the user's locale or colour.
const GIT_ENV = { ...process.env, GIT_PAGER: "cat", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };

interface GitRun {
  status: number;
  stdout: Buffer;
  stderr: string;
}

function run(args: readonly string[], cwd: string, input?: string): GitRun {
  const result = spawnSync("git", args, {
    cwd,
    input: input ?? "",
    maxBuffer: MAX_BUFFER,
    env: GIT_ENV,
  });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new GitError(code === "ENOENT" ? "git not found: `changes` needs git on the PATH" : `git ${args[0] ?? ""}: ${result.error.message}`);
  }
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
}

/** Runs git and returns its stdout; a failure becomes a GitError with git's own first line. */
export function git(args: readonly string[], cwd: string, input?: string): Buffer {
  const result = run(args, cwd, input);
  if (result.status !== 0) {
    const why = result.stderr.split("\n").find((l) => l.trim() !== "") ?? `exit ${result.status}`;
    throw new GitError(`git ${args[0] ?? ""}: ${why.replace(/^(fatal|error): /, "")}`);
  }
  return result.stdout;
}

/** Splits `-z` output into its NUL-terminated fields. */
export function fields(out: Buffer): string[] {
  const text = out.toString("utf8");
  const parts = text.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** The top level of the work tree `dir` is in. */
export function workTreeTop(dir: string): string {
  const result = run(["rev-parse", "--is-inside-work-tree", "--show-toplevel"], dir);
  const [inside, top] = result.stdout.toString("utf8").split("\n");
  if (result.status !== 0 || inside !== "true" || top === undefined || top === "") throw new GitError(`${dir} is not in a git work tree`);
  return top;
}

/**
 * The commit each revision names (null where it names none), in one `git cat-file
 * --batch-check` that reads `<revision>^{commit}` lines and answers `<oid> commit <size>` or
 * `<revision>^{commit} missing` for each.
 */
export function resolveCommits(top: string, revisions: readonly string[]): (string | null)[] {
  // A revision with a newline would be two lines of input: it cannot name a commit anyway.
  const asked = revisions.filter((r) => !r.includes("\n"));
  const out = git(["cat-file", "--batch-check"], top, asked.map((r) => `${r}^{commit}\n`).join("")).toString("utf8").split("\n");
  const answers = new Map(asked.map((r, i) => [r, /^([0-9a-f]+) commit \d+$/.exec(out[i] ?? "")?.[1] ?? null]));
  return revisions.map((r) => answers.get(r) ?? null);
}

/** Changed paths, as `git diff --name-status` names them. */
export interface PathChange {
  /** A added, D deleted, M modified (T, a type change, counts as modified; U unmerged too). */
  status: "A" | "D" | "M";
  path: string;
}

/** The newer side of a comparison: a commit, the index (`--staged`), or the working tree. */
export type Head = { kind: "commit"; commit: string } | { kind: "index" } | { kind: "worktree" };

/** How `git cat-file` names a file of the index: `:<path>`, an empty revision. */
export const INDEX = "";

/**
 * What changed between `base` and `head` (a commit; the index; or the working tree, tracked and
 * untracked files alike — what a re-record run just wrote), within the pathspecs.
 */
export function changedPaths(top: string, base: string, head: Head, pathspecs: readonly string[]): PathChange[] {
  const revisions = head.kind === "commit" ? [base, head.commit] : head.kind === "index" ? ["--cached", base] : [base];
  const out = git(["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--ignore-submodules", ...revisions, "--", ...pathspecs], top);
  const parts = fields(out);
  const changes: PathChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const letter = (parts[i] ?? "").charAt(0);
    const path = parts[i + 1] ?? "";
    changes.push({ status: letter === "A" ? "A" : letter === "D" ? "D" : "M", path });
  }
  if (head.kind === "worktree") {
    // A file removed from the index but still on disk is deleted for diff and untracked for
    // ls-files: on both sides, so modified (or unchanged).
    const deleted = new Set(changes.filter((c) => c.status === "D").map((c) => c.path));
    const untracked = fields(git(["ls-files", "--others", "--exclude-standard", "-z", "--", ...pathspecs], top));
    for (const path of untracked) {
      if (deleted.has(path)) changes.splice(changes.findIndex((c) => c.path === path), 1, { status: "M", path });
      else changes.push({ status: "A", path });
    }
  }
  return changes;
}

/**
 * Every file of a commit within the pathspecs (full pathspec magic, which `ls-tree` lacks): the
 * commit compared with the empty tree.
 */
export function filesAt(top: string, commit: string, pathspecs: readonly string[]): string[] {
  const empty = emptyTree(top);
  return fields(git(["diff", "--name-only", "-z", "--no-renames", "--ignore-submodules", empty, commit, "--", ...pathspecs], top));
}

/** The empty tree's id (it differs with the repository's hash algorithm): what a repository with no commit yet is compared with. */
export function emptyTree(top: string): string {
  return git(["hash-object", "-t", "tree", "--stdin"], top).toString("utf8").trim();
}

/** Every file of the index within the pathspecs. */
export function filesInIndex(top: string, pathspecs: readonly string[]): string[] {
  return fields(git(["ls-files", "-z", "--cached", "--", ...pathspecs], top));
}

/** A file at a revision: what `git cat-file --batch` is asked for. */
export interface BlobRef {
  /** A commit, or INDEX for the index. */
  revision: string;
  path: string;
}

/**
 * The contents of every file at its revision, through one `git cat-file --batch`: the answer
 * is `<oid> <type> <size>\n<bytes>\n` for each, or `<revision>:<path> missing\n`. The result is
 * in the order asked, undefined where there is no such file.
 */
export function readBlobs(top: string, refs: readonly BlobRef[]): (Buffer | undefined)[] {
  if (refs.length === 0) return [];
  const out = git(["cat-file", "--batch"], top, refs.map((r) => `${r.revision}:${r.path}\n`).join(""));
  const contents: (Buffer | undefined)[] = [];
  let at = 0;
  for (const ref of refs) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new GitError(`git cat-file: the answer for ${ref.revision}:${ref.path} is cut short`);
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(out.toString("utf8", at, eol));
    if (m === null) {
      // `missing` or `ambiguous`: the path has no blob at that revision.
      contents.push(undefined);
      at = eol + 1;
      continue;
    }
    const size = Number(m[2]);
    contents.push(m[1] === "blob" ? out.subarray(eol + 1, eol + 1 + size) : undefined);
    at = eol + 1 + size + 1;
  }
  return contents;
}

/**
 * Puts the `revision` version of exactly these files back in the index and the working tree
 * (`git restore --source --staged --worktree`), naming them as literal paths.
 */
export function restoreFromRevision(top: string, revision: string, paths: readonly string[]): void {
  if (paths.length === 0) return;
  git(
    ["--literal-pathspecs", "restore", `--source=${revision}`, "--staged", "--worktree", "--pathspec-from-file=-", "--pathspec-file-nul"],
    top,
    paths.map((p) => `${p}\0`).join(""),
  );
}

/**
 * Every blob named by `oids`, handed to `onBlob` one at a time as one `git cat-file --batch`
 * streams them (`<oid> blob <size>\n<bytes>\n`, or `<oid> missing\n`): a long history is never
 * held in memory at once. `onBlob` gets undefined for an oid that names no blob.
 */
export async function eachBlob(top: string, oids: readonly string[], onBlob: (oid: string, bytes: Buffer | undefined) => void): Promise<void> {
  if (oids.length === 0) return;
  const child = spawn("git", ["cat-file", "--batch"], { cwd: top, env: GIT_ENV, stdio: ["pipe", "pipe", "pipe"] });
  const done = new Promise<void>((resolve, reject) => {
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString("utf8")));
    child.on("error", (err: NodeJS.ErrnoException) => reject(new GitError(err.code === "ENOENT" ? "git not found on the PATH" : `git cat-file: ${err.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new GitError(`git cat-file: ${stderr.split("\n")[0] || `exit ${code ?? -1}`}`))));
  });
  child.stdin.on("error", () => undefined); // a git that died early is reported by `close`
  child.stdin.end(oids.map((o) => `${o}\n`).join(""));

  let chunks: Buffer[] = [];
  let length = 0;
  let next = 0;
  /** The blob being read: its size, once its header line is in. */
  let size: number | null = null;
  const take = (n: number): Buffer => {
    const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
    chunks = n < all.length ? [all.subarray(n)] : [];
    length = all.length - n;
    return all.subarray(0, n);
  };
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    for (;;) {
      const oid = oids[next];
      if (oid === undefined) break;
      if (size === null) {
        const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
        chunks = [all];
        const eol = all.indexOf(0x0a);
        if (eol < 0) break;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(take(eol + 1).toString("utf8", 0, eol));
        if (m === null || m[1] !== "blob") {
          if (m !== null) size = -Number(m[2]) - 1; // another type: its bytes are skipped
          else {
            onBlob(oid, undefined);
            next++;
          }
          continue;
        }
        size = Number(m[2]);
      }
      const n = size < 0 ? -size - 1 : size;
      if (length < n + 1) break;
      const bytes = take(n + 1).subarray(0, n);
      onBlob(oid, size < 0 ? undefined : bytes);
      size = null;
      next++;
    }
  }
  await done;
}
