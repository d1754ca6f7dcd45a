/**
 * When each recording's response was recorded (SPEC: `rehash` conflicts and prune's `superseded`
 * go by "the last commit that changed each response"), read from git in one pass for the tree.
 *
 * The rule. A response is compared as the recorder's normalization leaves it (`normalizedResponse`:
 * ids, `created`, durations… rewritten; the request, the formatting and the file name not looked
 * at), as a digest. Walking the first-parent history of the recordings' folders, oldest first, a
 * commit *introduces* a response in a folder when, after it, some file of that folder holds that
 * response and, before it, none did. A file's date is the date of the last commit that introduced
 * its current response in its folder. So:
 * - a normalize run, a bulk request edit or a reformatting introduces nothing (the response is
 *   already there): an old answer stays old;
 * - a rename (rehash, `git mv`) in one commit moves a response without introducing it, so a
 *   renamed file keeps the date of its answer (git's own rename detection is not needed);
 * - a file whose response is in no file of its folder at HEAD (edited, or untracked: what a
 *   re-record run just wrote) is `working-tree`, newer than any commit.
 * Merges count on the first-parent line, dated by the merge (when the answer reached the branch).
 *
 * Cost: one `git rev-parse`, one `git log --raw` over the folders, and one `git cat-file --batch`
 * that streams every distinct blob once; no git call per file.
 */
import { createHash } from "node:crypto";
import { updateUtf8 } from "../sha256.js";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, sep } from "node:path";
import { eachBlob, fields, git, GitError, resolveCommits, workTreeTop } from "../changes/git.js";
import { normalizeResponseInPlace } from "../normalize.js";
import { isObject } from "../recording.js";

/** When a file's response was recorded. */
export interface ResponseDate {
  /** ISO 8601: the committer date, or the file's mtime for an uncommitted response. */
  date: string;
  /** The commit that introduced the response; null for an uncommitted one. */
  commit: string | null;
  source: "git" | "working-tree";
}

/** Per file asked: its response's date, or null when there is no history (no git, not in a work tree, unreadable). */
export type ResponseDates = Map<string, ResponseDate | null>;

/** Which of two responses is newer, from the first one's side. */
export type Newness = "newer" | "older" | "same-date" | "unknown";

/**
 * The one comparison of response dates (rehash's conflicts, prune's `superseded`): an uncommitted
 * response is newer than any commit; two uncommitted ones, or two commits at the same instant,
 * are a tie; without a date for either, nothing is known.
 */
export function compareResponseDates(a: ResponseDate | null, b: ResponseDate | null): Newness {
  if (a === null || b === null) return "unknown";
  if (a.source !== b.source) return a.source === "working-tree" ? "newer" : "older";
  if (a.source === "working-tree") return "same-date";
  const d = Date.parse(a.date) - Date.parse(b.date);
  return d > 0 ? "newer" : d < 0 ? "older" : "same-date";
}

/** JSON with sorted keys: a reformatting or a reordering of keys is not a new answer. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The digest of a recording's normalized response; a file that is not JSON is its bytes. */
export function responseDigest(bytes: Uint8Array): string {
  const hash = createHash("sha256");
  try {
    const data: unknown = JSON.parse(Buffer.from(bytes).toString("utf8"));
    // Just parsed, so ours to rewrite: no copy.
    updateUtf8(hash, `json:${canonical(isObject(data) ? normalizeResponseInPlace(data["response"]) : undefined)}`);
  } catch {
    hash.update("bytes:").update(bytes);
  }
  return hash.digest("hex");
}

interface Change {
  path: string;
  oldBlob: string | null;
  newBlob: string | null;
}

interface Commit {
  hash: string;
  date: string;
  changes: Change[];
}

const NO_BLOB = /^0+$/;

/** `git log -z --raw` output: `\x01<hash>\0<date>\0`, then `:<modes> <old> <new> <status>\0<path>\0` per change. */
function parseLog(out: Buffer): Commit[] {
  const commits: Commit[] = [];
  const parts = fields(out);
  for (let i = 0; i < parts.length; i++) {
    const part = (parts[i] ?? "").replace(/^\n/, "");
    if (part.startsWith("\u0001")) {
      commits.push({ hash: part.slice(1), date: parts[++i] ?? "", changes: [] });
      continue;
    }
    const raw = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) \w+$/.exec(part);
    const path = parts[++i] ?? "";
    const commit = commits[commits.length - 1];
    if (raw === null || commit === undefined || !path.endsWith(".json")) continue;
    const [, oldBlob = "", newBlob = ""] = raw;
    commit.changes.push({ path, oldBlob: NO_BLOB.test(oldBlob) ? null : oldBlob, newBlob: NO_BLOB.test(newBlob) ? null : newBlob });
  }
  return commits;
}

/** Where a response lives: its folder and its digest. */
const keyOf = (path: string, digest: string): string => `${dirname(path)}\u0000${digest}`;

interface Introduced {
  hash: string;
  date: string;
}

/** Walks the commits oldest first; says which responses each folder holds at the end, and when each came in last. */
function walk(commits: readonly Commit[], digests: ReadonlyMap<string, string>): { present: Map<string, number>; introduced: Map<string, Introduced> } {
  const present = new Map<string, number>();
  const introduced = new Map<string, Introduced>();
  const digestOf = (blob: string | null): string | null => (blob === null ? null : (digests.get(blob) ?? `blob:${blob}`));
  for (const commit of commits) {
    const absentBefore = new Set<string>();
    const touched: [string, number][] = [];
    for (const c of commit.changes) {
      const before = digestOf(c.oldBlob);
      const after = digestOf(c.newBlob);
      if (before === after) continue;
      if (before !== null) touched.push([keyOf(c.path, before), -1]);
      if (after !== null) touched.push([keyOf(c.path, after), 1]);
    }
    for (const [key] of touched) if ((present.get(key) ?? 0) === 0) absentBefore.add(key);
    for (const [key, d] of touched) present.set(key, (present.get(key) ?? 0) + d);
    for (const key of absentBefore) if ((present.get(key) ?? 0) > 0) introduced.set(key, { hash: commit.hash, date: commit.date });
  }
  return { present, introduced };
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The path of `file` relative to the work tree's top, or null when it lies outside. */
function inTree(top: string, file: string): string | null {
  const rel = relative(top, realPath(file));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
  return rel.split(sep).join("/");
}

/** Each file's response date, from the git work tree `repoRoot` is in (see the rule above). */
export async function responseDates(repoRoot: string, files: readonly string[]): Promise<ResponseDates> {
  const out: ResponseDates = new Map(files.map((f) => [f, null]));
  if (files.length === 0) return out;
  let top: string;
  try {
    top = realPath(workTreeTop(repoRoot));
  } catch (err) {
    if (err instanceof GitError) return out;
    throw err;
  }
  const rel = new Map<string, string>();
  for (const f of files) {
    const r = inTree(top, f);
    if (r !== null) rel.set(f, r);
  }
  const folders = [...new Set([...rel.values()].map((r) => dirname(r)))].sort();
  if (folders.length === 0) return out;

  let commits: Commit[] = [];
  try {
    if (resolveCommits(top, ["HEAD"])[0] !== null) {
      const args = ["--literal-pathspecs", "log", "-z", "--reverse", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--no-abbrev", "--format=%x01%H%x00%cI", "--raw", "HEAD", "--", ...folders];
      commits = parseLog(git(args, top));
    }
    const blobs = new Set<string>();
    for (const c of commits) for (const ch of c.changes) for (const b of [ch.oldBlob, ch.newBlob]) if (b !== null) blobs.add(b);
    const digests = new Map<string, string>();
    await eachBlob(top, [...blobs], (oid, bytes) => {
      if (bytes !== undefined) digests.set(oid, responseDigest(bytes));
    });
    const { present, introduced } = walk(commits, digests);
    for (const [file, r] of rel) {
      let bytes: Buffer;
      let mtime: Date;
      try {
        bytes = readFileSync(file);
        mtime = statSync(file).mtime;
      } catch {
        continue;
      }
      const key = keyOf(r, responseDigest(bytes));
      const at = introduced.get(key);
      out.set(file, (present.get(key) ?? 0) > 0 && at !== undefined ? { date: at.date, commit: at.hash, source: "git" } : { date: mtime.toISOString(), commit: null, source: "working-tree" });
    }
  } catch (err) {
    if (err instanceof GitError) return new Map(files.map((f) => [f, null]));
    throw err;
  }
  return out;
}
