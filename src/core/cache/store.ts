/**
 * `validate`'s result cache: what each file came to, so an unchanged tree is not checked again.
 *
 * One JSON file per cache directory (`validate.json`), replaced atomically (write.ts), so concurrent runs
 * never leave a torn file (the last writer wins). It holds:
 * - `salt`: a hash of everything besides the file that decides its result — recctl's version,
 *   its built checking code, the schema's text, the `--ignore` set and the hash rules in use.
 *   Another salt means another cache: nothing of it is used.
 * - `results`: content key → report, where the key is sha256 of the file's name and bytes (the
 *   name-hash check reads the name), so a fresh clone with a restored cache is warm;
 * - `files`: path (relative to the root) → size, mtime, ctime, inode and content key: the fast
 *   path, trusted only for files last changed well before the run that recorded them (a file
 *   rewritten within one timestamp tick of that run keeps its times: git's "racily clean").
 * A file that is not exactly this shape (corrupt, truncated, another format) is ignored and
 * rewritten, never trusted.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, type Stats } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { isRule, type Rule } from "../types.js";
import { putAtomicSync } from "../write.js";

export const CACHE_FORMAT = "recctl-validate-cache";
export const CACHE_FORMAT_VERSION = 1;
export const CACHE_FILE = "validate.json";
export const DEFAULT_CACHE_DIR = ".recctl_cache";

/**
 * How long before a run a file must have last changed for its times to be trusted next time:
 * the coarsest timestamp granularity of common file systems (FAT: 2 s; ext3, HFS+: 1 s).
 */
const RACY_MS = 2000;

/** A finding as cached: the fields of `validate`'s `Finding`, in their printed order. */
export interface CachedFinding {
  pointer: string;
  line: number | null;
  column: number | null;
  message: string;
  rule: Rule;
}

/** A file's result without its path (which the caller knows). */
export interface CachedResult {
  valid: boolean;
  errors: CachedFinding[];
  warnings: CachedFinding[];
}

/** What decides a result besides the file itself. */
export interface CacheSalt {
  version: string;
  /** A digest of the code that checks (the built modules), so a rebuilt recctl never reuses. */
  code: string;
  /** The schema's text (bundled or `--schema F`). */
  schema: string;
  ignore: readonly string[];
  /** The hash rules in use ("current", or an era's date). */
  rules: string;
  /** A digest of the Python sources `stale-type` reads (`guard/pymodules.ts`); absent: none. */
  python?: string;
  /** The `[tool.recctl.secrets]` allow-list, as JSON (`guard/secrets.ts`); absent: none. */
  secrets?: string;
}

export function saltDigest(salt: CacheSalt): string {
  const canonical = JSON.stringify([salt.version, salt.code, salt.schema, [...salt.ignore].sort(), salt.rules, salt.python ?? "", salt.secrets ?? ""]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** sha256 of the file's name and bytes: the content key. */
export function contentKey(file: string, bytes: Uint8Array): string {
  return createHash("sha256").update(basename(file)).update("\0").update(bytes).digest("hex");
}

/** The stat fields the fast path compares. */
export type Fingerprint = [size: number, mtimeMs: number, ctimeMs: number, ino: number];

export function fingerprint(info: Stats): Fingerprint {
  return [info.size, info.mtimeMs, info.ctimeMs, info.ino];
}

type FileEntry = [...Fingerprint, key: string];
type StoredFinding = [pointer: string, line: number | null, column: number | null, message: string, rule: Rule];
type StoredResult = [valid: 0 | 1, errors: StoredFinding[], warnings: StoredFinding[]];

interface StoredCache {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_FORMAT_VERSION;
  salt: string;
  /** When the run that wrote it took its file times (ms since the epoch). */
  checkedAt: number;
  files: Record<string, FileEntry>;
  results: Record<string, StoredResult>;
}

// ---------------------------------------------------------------------------------------------
// Reading a stored cache: every field checked, or nothing of it is used

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isPosition = (v: unknown): boolean => v === null || (Number.isInteger(v) && (v as number) > 0);
const isKey = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{64}$/.test(v);

function isFinding(v: unknown): v is StoredFinding {
  return (
    Array.isArray(v) &&
    v.length === 5 &&
    typeof v[0] === "string" &&
    isPosition(v[1]) &&
    isPosition(v[2]) &&
    typeof v[3] === "string" &&
    isRule(v[4])
  );
}

function isResult(v: unknown): v is StoredResult {
  if (!Array.isArray(v) || v.length !== 3 || (v[0] !== 0 && v[0] !== 1)) return false;
  const [valid, errors, warnings] = v as unknown[];
  if (!Array.isArray(errors) || !Array.isArray(warnings) || !errors.every(isFinding) || !warnings.every(isFinding)) return false;
  return (valid === 1) === (errors.length === 0);
}

function isEntry(v: unknown): v is FileEntry {
  return Array.isArray(v) && v.length === 5 && isNumber(v[0]) && isNumber(v[1]) && isNumber(v[2]) && isNumber(v[3]) && isKey(v[4]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The stored cache when it is exactly this format, for this salt, and whole; else null. */
function parseStored(text: string, salt: string): StoredCache | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(data) || data["format"] !== CACHE_FORMAT || data["version"] !== CACHE_FORMAT_VERSION || data["salt"] !== salt) return null;
  const { files, results, checkedAt } = data;
  if (!isNumber(checkedAt) || !isRecord(files) || !isRecord(results)) return null;
  for (const key in results) if (!isKey(key) || !isResult(results[key])) return null;
  for (const path in files) {
    const entry = files[path];
    if (!isEntry(entry) || !(entry[4] in results)) return null;
  }
  return data as unknown as StoredCache;
}

const toFinding = ([pointer, line, column, message, rule]: StoredFinding): CachedFinding => ({ pointer, line, column, message, rule });
const fromFinding = (f: CachedFinding): StoredFinding => [f.pointer, f.line, f.column, f.message, f.rule];

// ---------------------------------------------------------------------------------------------

/** How a run used the cache (for `RECCTL_CACHE_STATS`). */
export interface CacheStats {
  /** Why an existing cache file was not used: "corrupt or foreign", "other salt"; null if used or absent. */
  discarded: string | null;
  byStat: number;
  byContent: number;
  misses: number;
  /** Files not cached: unreadable, not regular, outside the cache's reach. */
  uncached: number;
  written: boolean;
}

export class ResultCache {
  readonly file: string;
  readonly stats: CacheStats = { discarded: null, byStat: 0, byContent: 0, misses: 0, uncached: 0, written: false };
  private readonly salt: string;
  private readonly previous: StoredCache | null;
  private readonly files = new Map<string, FileEntry>();
  private readonly results = new Map<string, StoredResult>();
  private readonly checkedAt: number;
  private changed = false;
  private readonly rootPrefix: string;

  private constructor(dir: string, salt: string, previous: StoredCache | null, discarded: string | null, checkedAt: number, private readonly root: string) {
    this.file = join(dir, CACHE_FILE);
    this.salt = salt;
    this.previous = previous;
    this.checkedAt = checkedAt;
    this.stats.discarded = discarded;
    this.rootPrefix = root.endsWith(sep) ? root : `${root}${sep}`;
  }

  /** Opens the cache in `dir` for this salt; a missing, corrupt or foreign file gives an empty one. */
  static open(dir: string, root: string, salt: CacheSalt, now = Date.now()): ResultCache {
    const digest = saltDigest(salt);
    let text: string | null = null;
    try {
      text = readFileSync(join(dir, CACHE_FILE), "utf8");
    } catch {
      // absent or unreadable: start empty
    }
    const stored = text === null ? null : parseStored(text, digest);
    let discarded: string | null = null;
    if (text !== null && stored === null) discarded = /"salt":\s*"[0-9a-f]{64}"/.test(text) && text.includes(CACHE_FORMAT) ? "made with other options or another recctl" : "corrupt or foreign";
    return new ResultCache(dir, digest, stored, discarded, now, root);
  }

  /** True when an earlier run's results are there to be used. */
  get warm(): boolean {
    return this.previous !== null && Object.keys(this.previous.files).length > 0;
  }

  /** The path relative to the root (a prefix cut: path.relative costs a resolve per call). */
  private key(file: string): string {
    return file.startsWith(this.rootPrefix) ? file.slice(this.rootPrefix.length) : relative(this.root, file);
  }

  /** The result recorded for this path when its size and times say it has not changed. */
  byStat(file: string, info: Stats): CachedResult | undefined {
    const prev = this.previous;
    const entry = prev?.files[this.key(file)];
    if (prev === undefined || prev === null || entry === undefined) return undefined;
    const [size, mtimeMs, ctimeMs, ino, key] = entry;
    // Changed within the racy window of the run that recorded it: only the content can tell.
    if (Math.max(mtimeMs, ctimeMs) > prev.checkedAt - RACY_MS) return undefined;
    if (info.size !== size || info.mtimeMs !== mtimeMs || info.ctimeMs !== ctimeMs || info.ino !== ino) return undefined;
    const result = prev.results[key];
    if (result === undefined) return undefined;
    this.keep(file, entry, result);
    this.stats.byStat++;
    return this.expand(result);
  }

  /** Content keys with a stored result (workers check them without the results themselves). */
  knownKeys(): string[] {
    return this.previous === null ? [] : Object.keys(this.previous.results);
  }

  /** The result stored under a content key the file was found to have. */
  byContent(file: string, info: Stats, key: string): CachedResult | undefined {
    const result = this.previous?.results[key];
    if (result === undefined) return undefined;
    this.keep(file, [...fingerprint(info), key], result);
    // Written again even when the times are the same: a later `checkedAt` lets them be trusted.
    this.changed = true;
    this.stats.byContent++;
    return this.expand(result);
  }

  /** Records a freshly computed result. */
  record(file: string, info: Stats, key: string, result: CachedResult): void {
    const stored: StoredResult = [result.valid ? 1 : 0, result.errors.map(fromFinding), result.warnings.map(fromFinding)];
    this.keep(file, [...fingerprint(info), key], stored);
    this.stats.misses++;
  }

  private keep(file: string, entry: FileEntry, result: StoredResult): void {
    const path = this.key(file);
    const before = this.previous?.files[path];
    if (before === undefined || before.some((v, i) => v !== entry[i])) this.changed = true;
    this.files.set(path, entry);
    this.results.set(entry[4], result);
  }

  private expand(result: StoredResult): CachedResult {
    return { valid: result[0] === 1, errors: result[1].map(toFinding), warnings: result[2].map(toFinding) };
  }

  /**
   * Writes the cache (atomically: a temporary file renamed over it), with a `.gitignore` of
   * `*` so it is never committed. `complete`: this run saw every file of the tree, so entries
   * for files it did not see are dropped; otherwise they are kept. Returns an error message
   * when it could not be written (the run's result stands either way).
   */
  save(complete: boolean): string | null {
    const prev = this.previous;
    if (!complete && prev !== null) {
      for (const [path, entry] of Object.entries(prev.files)) {
        const result = prev.results[entry[4]];
        if (!this.files.has(path) && result !== undefined) {
          this.files.set(path, entry);
          this.results.set(entry[4], result);
        }
      }
    }
    const dropped = prev !== null && Object.keys(prev.files).some((p) => !this.files.has(p));
    if (prev !== null && !this.changed && !dropped) return null;
    const stored: StoredCache = {
      format: CACHE_FORMAT,
      version: CACHE_FORMAT_VERSION,
      salt: this.salt,
      checkedAt: this.checkedAt,
      files: Object.fromEntries(this.files),
      results: Object.fromEntries(this.results),
    };
    const dir = join(this.file, "..");
    try {
      mkdirSync(dir, { recursive: true });
      ensureIgnored(dir);
      putAtomicSync(this.file, JSON.stringify(stored));
      this.stats.written = true;
      return null;
    } catch (err) {
      return `cannot write the cache ${this.file}: ${(err as Error).message}`;
    }
  }
}

/** ruff's convention: the cache directory ignores itself; CACHEDIR.TAG keeps it out of backups. */
function ensureIgnored(dir: string): void {
  const present = new Set(readdirSync(dir));
  if (!present.has(".gitignore")) writeFileSync(join(dir, ".gitignore"), "# Automatically created by recctl.\n*\n");
  if (!present.has("CACHEDIR.TAG")) {
    writeFileSync(join(dir, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by recctl.\n");
  }
}

/** A digest of the built files under `dir` (recursively) and of `extra` files. */
export function codeDigest(dir: string, extra: readonly string[] = []): string {
  const hash = createHash("sha256");
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) hash.update(p.slice(dir.length)).update(readFileSync(p));
    }
  };
  walk(dir);
  for (const f of extra) hash.update(readFileSync(f));
  return hash.digest("hex");
}
