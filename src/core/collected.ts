/**
 * Collection manifests for `prune --collected` (SPEC, "Orphan reasons"): the node ids pytest
 * collected, read from `pytest --collect-only -q` output or a pytest-json-report document, and
 * the collection errors that make the list partial. A partial list must never read as "these
 * tests are gone", so everything that shows an error is kept as data for the judge.
 */
import { plural } from "./plural.js";

/** What one or more manifests say. */
export interface Manifest {
  /** Test node ids, exactly as pytest prints them (relative to its rootdir). */
  ids: Set<string>;
  /** Paths (files or folders, `/`-separated) pytest could not collect; their tests are unknown. */
  erroredFiles: Set<string>;
  /** Why the collection is partial, one line each, naming the manifest. */
  problems: string[];
  /**
   * Errors were reported without saying where (more errors counted than named, or an
   * interruption): any test file with no collected id at all may be one that failed.
   */
  unnamedErrors: boolean;
  /** Worth telling the user, not errors: deselected tests, a different rootdir. */
  notices: string[];
  /** The rootdir a JSON report names (absolute); null for text output. */
  rootdir: string | null;
}

/** A manifest that cannot be used at all: unreadable format or no node ids. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = "ManifestError";
  }
}

export function emptyManifest(): Manifest {
  return { ids: new Set(), erroredFiles: new Set(), problems: [], unnamedErrors: false, notices: [], rootdir: null };
}

/** Reads one manifest; `source` names it in messages (a path, or "stdin"). */
export function parseManifest(text: string, source: string): Manifest {
  const clean = text.replace(/^\uFEFF/, "");
  const manifest = clean.trimStart().startsWith("{") ? parseJsonReport(clean, source) : parseCollectOnly(clean, source);
  if (manifest.ids.size === 0) {
    const why = manifest.problems.length > 0 ? `; ${manifest.problems.join("; ")}` : "";
    throw new ManifestError(source, `no test node ids found — an empty collection cannot tell which recordings are orphaned${why}`);
  }
  return manifest;
}

/** The union of several manifests: ids, errored paths and problems all add up. */
export function mergeManifests(manifests: readonly Manifest[]): Manifest {
  const out = emptyManifest();
  for (const m of manifests) {
    for (const id of m.ids) out.ids.add(id);
    for (const f of m.erroredFiles) out.erroredFiles.add(f);
    out.problems.push(...m.problems);
    out.notices.push(...m.notices);
    out.unnamedErrors ||= m.unnamedErrors;
    out.rootdir ??= m.rootdir;
  }
  return out;
}

/** The test file part of a node id or test_id: `tests/x/test_a.py::T::t[p]` → `tests/x/test_a.py`. */
export function testFileOf(id: string): string {
  return toPosix(id.split("::")[0] ?? "");
}

/** `tests/x/test_a.py::test_b[p]` → base `tests/x/test_a.py::test_b` (the function), params `[p]`. */
export function splitTestId(testId: string): { base: string; params: string } {
  const sep = testId.indexOf("::");
  const bracket = sep === -1 ? -1 : testId.indexOf("[", sep);
  return bracket === -1 ? { base: testId, params: "" } : { base: testId.slice(0, bracket), params: testId.slice(bracket) };
}

/** The paths whose tests pytest could not collect cover this test file (itself or a folder above). */
export function isErrored(manifest: Manifest, testFile: string): boolean {
  for (const errored of manifest.erroredFiles) {
    // An error in a folder's conftest.py or __init__.py stops collection of the whole folder.
    const scope = /(^|\/)(conftest|__init__)\.py$/.test(errored) ? errored.replace(/\/?[^/]*$/, "") : errored;
    if (scope === "" || testFile === scope || testFile.startsWith(`${scope}/`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// pytest --collect-only -q

const ANSI = /\u001b\[[0-9;]*m/g;
/** `==== title ====` (sections), `____ title ____` (one error), `!!!! Interrupted: … !!!!`. */
const BANNER = /^([=_!-])\1{2,}\s*(.*?)\s*\1*$/;
/** The closing line: `3 tests collected in 0.12s`, `1/4 tests collected (3 deselected) in 0.5s`,
 *  `no tests ran in 0.01s`, `4 tests collected, 1 error in 1.46s`. */
const SUMMARY = /^(?:no tests (?:ran|collected)|\d+(?:\/\d+)? tests? collected|\d+ (?:errors?|warnings?|deselected))\b.*\bin [\d.]+s\b/;
/** `ERROR tests/x/test_c.py` or `ERROR tests/x/test_c.py - ImportError: …` (short test summary). */
const ERROR_LINE = /^ERROR\s+(\S.*?)(?:\s+-\s+(.*))?$/;
/** `-qq` prints `tests/x/test_a.py: 3` per file: counts, not ids. */
const FILE_COUNT = /^\S.*: \d+$/;

function toPosix(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

/** Windows separators in the file part only: parameters keep their backslashes (`[\xe9]`). */
function nodeId(id: string): string {
  const sep = id.indexOf("::");
  return sep === -1 ? toPosix(id) : toPosix(id.slice(0, sep)) + id.slice(sep);
}

interface TextState {
  source: string;
  manifest: Manifest;
  /** Paths named by ERROR lines or `ERROR collecting` banners (one error may show as both),
   *  with what went wrong when the output says. */
  namedErrors: Map<string, string | undefined>;
  /** The error block being read (`____ ERROR collecting X ____` up to the next banner). */
  inErrorOf: string | null;
  errorCount: number;
  interrupted: string | null;
  inSections: boolean;
  fileCounts: number;
  treeLines: number;
}

function addError(state: TextState, path: string, why: string | undefined): void {
  const file = testFileOf(path.trim());
  state.namedErrors.set(file, why ?? state.namedErrors.get(file));
}

function readSummary(state: TextState, line: string): void {
  const errors = /(\d+) errors?\b/.exec(line);
  if (errors?.[1] !== undefined) state.errorCount = Math.max(state.errorCount, Number(errors[1]));
  const deselected = /(\d+) deselected/.exec(line);
  if (deselected?.[1] !== undefined && Number(deselected[1]) > 0) {
    const n = plural(Number(deselected[1]), "test");
    state.manifest.notices.push(`${state.source}: ${n} deselected (-k/-m); their recordings count as not collected`);
  }
}

function readBanner(state: TextState, kind: string, title: string): void {
  state.inErrorOf = null;
  const collecting = /^ERROR collecting (.+)$/.exec(title);
  if (collecting?.[1] !== undefined) {
    addError(state, collecting[1], undefined);
    state.inErrorOf = testFileOf(collecting[1].trim());
  } else if (/^Interrupted\b|KeyboardInterrupt/.test(title)) {
    state.interrupted = title;
    const n = /(\d+) errors? during collection/.exec(title);
    if (n?.[1] !== undefined) state.errorCount = Math.max(state.errorCount, Number(n[1]));
  } else if (SUMMARY.test(title)) {
    readSummary(state, title);
  }
  if (kind === "=") state.inSections = true;
}

function readLine(state: TextState, raw: string): void {
  const line = raw.replace(ANSI, "").trimEnd();
  if (line.trim() === "") return;
  const banner = BANNER.exec(line);
  if (banner !== null) return readBanner(state, banner[1] ?? "", banner[2] ?? "");
  if (state.inErrorOf !== null) {
    // The traceback's last `E   …` line says what went wrong (`E   SyntaxError: invalid syntax`).
    const e = /^E\s+(\S.*)$/.exec(line);
    if (e?.[1] !== undefined && !/^File "/.test(e[1])) state.namedErrors.set(state.inErrorOf, e[1]);
    return;
  }
  if (SUMMARY.test(line)) return readSummary(state, line);
  const error = ERROR_LINE.exec(line);
  if (error?.[1] !== undefined) return addError(state, error[1], error[2]);
  if (/^Interrupted:/.test(line)) {
    state.interrupted = line;
    return;
  }
  // Node ids come before the first section; inside sections (errors, warnings summary) a line
  // that looks like one (a warning's location) is not a collected test.
  if (state.inSections || /^\s/.test(line)) return;
  if (line.includes("::")) state.manifest.ids.add(nodeId(line));
  else if (FILE_COUNT.test(line)) state.fileCounts++;
  else if (line.startsWith("<")) state.treeLines++;
}

function parseCollectOnly(text: string, source: string): Manifest {
  const state: TextState = {
    source,
    manifest: emptyManifest(),
    namedErrors: new Map(),
    inErrorOf: null,
    errorCount: 0,
    interrupted: null,
    inSections: false,
    fileCounts: 0,
    treeLines: 0,
  };
  for (const line of text.split(/\r?\n/)) readLine(state, line);
  const { manifest, namedErrors } = state;
  if (manifest.ids.size === 0 && state.fileCounts > 0) {
    throw new ManifestError(source, "lists test counts per file (pytest -qq), not node ids; run `pytest --collect-only -q`");
  }
  if (manifest.ids.size === 0 && state.treeLines > 0) {
    throw new ManifestError(source, "is pytest's collection tree, not node ids; run `pytest --collect-only -q`");
  }
  for (const [file, why] of namedErrors) {
    manifest.erroredFiles.add(file);
    manifest.problems.push(`${source}: pytest could not collect ${file}${why === undefined ? "" : ` (${why})`}`);
  }
  if (state.errorCount > namedErrors.size) {
    manifest.unnamedErrors = true;
    manifest.problems.push(`${source}: pytest reported ${plural(state.errorCount, "collection error")} but named ${namedErrors.size}`);
  } else if (state.interrupted !== null && namedErrors.size === 0) {
    manifest.unnamedErrors = true;
    manifest.problems.push(`${source}: the collection was interrupted (${state.interrupted})`);
  }
  return manifest;
}

// ---------------------------------------------------------------------------------------------
// pytest-json-report

/** Collector node types: their ids contain `::` (classes) but are not tests. */
const COLLECTOR_TYPES = new Set(["Session", "Package", "Dir", "Directory", "Module", "Class", "Instance", "UnitTestCase"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function firstLine(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const lines = v.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  // A traceback's last line says what went wrong (`E   SyntaxError: invalid syntax`).
  return lines.at(-1)?.replace(/^E\s+/, "");
}

function parseJsonReport(text: string, source: string): Manifest {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(source, `invalid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(report) || !Array.isArray(report["collectors"])) {
    throw new ManifestError(source, "is JSON but not a pytest-json-report document (no `collectors` list)");
  }
  const manifest = emptyManifest();
  if (typeof report["root"] === "string") manifest.rootdir = report["root"];
  const collectors = report["collectors"].filter(isRecord);
  const collectorIds = new Set(collectors.map((c) => c["nodeid"]).filter((id): id is string => typeof id === "string"));
  for (const collector of collectors) {
    const nodeid = typeof collector["nodeid"] === "string" ? collector["nodeid"] : "";
    if (collector["outcome"] === "failed") {
      const file = testFileOf(nodeid);
      manifest.erroredFiles.add(file);
      const why = firstLine(collector["longrepr"]);
      const what = file === "" ? "the test session" : file;
      manifest.problems.push(`${source}: pytest could not collect ${what}${why === undefined ? "" : ` (${why})`}`);
      if (file === "") manifest.unnamedErrors = true;
    }
    const results = Array.isArray(collector["result"]) ? collector["result"].filter(isRecord) : [];
    for (const r of results) {
      const id = r["nodeid"];
      if (typeof id !== "string" || collectorIds.has(id)) continue;
      const type = typeof r["type"] === "string" ? r["type"] : "";
      if (type === "Function" || (id.includes("::") && !COLLECTOR_TYPES.has(type))) manifest.ids.add(nodeId(id));
    }
  }
  // A report of a real run lists its tests too; deselected ones are in neither list.
  if (Array.isArray(report["tests"])) {
    for (const t of report["tests"]) if (isRecord(t) && typeof t["nodeid"] === "string") manifest.ids.add(nodeId(t["nodeid"]));
  }
  const summary = isRecord(report["summary"]) ? report["summary"] : {};
  const deselected = summary["deselected"];
  if (typeof deselected === "number" && deselected > 0) {
    manifest.notices.push(`${source}: ${plural(deselected, "test")} deselected (-k/-m): their recordings count as not collected`);
  }
  return manifest;
}
