#!/usr/bin/env node
/**
 * bench-ratios.mjs — issue 19's speed table as ratios to anchors timed in the same run.
 *
 *   npm run bench:ratios [-- options]     or   node scripts/bench-ratios.mjs [options]
 *   (`npm run bench` runs this table first, then the detailed scripts/bench.mjs)
 *
 *   --runs N          timed pairs per row (default 9 for start-up rows, 5 for whole-tree rows)
 *   --only S          run only the rows whose id or work contains S (e.g. --only show)
 *   --json            print the results as JSON instead of the table (every run writes them
 *                     to bench-corpus/bench-ratios.json, as bench.mjs does bench-results.json)
 *   --save-baseline   write this run's ratios to scripts/bench-ratios-baseline.json
 *   --check           compare the ratios with scripts/bench-ratios-baseline.json: exit 1 when
 *                     any ratio regressed by more than 10% (timing is noisy: not run in CI)
 *   --big             also the memory row: generate (or reuse) bench-corpus/big with
 *                     scripts/gen-corpus.mjs --small and report the peak RSS of `list --json`
 *   --big-files N     files in that tree (default 300000, the issue's figure; ~1 GB of disk)
 *   --fresh           regenerate the real-data tree and the trees made from it
 *   -h, --help        this text
 *
 * Every row is two whole processes, recctl (A) and its anchor (B), run in turn: one warm-up
 * pair, then N pairs A, B, A, B …; the row prints the median of each side, their ratio, the
 * goal and ✔/✖. A "≤" goal is recctl / anchor (lower is better); a "≥ … faster" goal is
 * anchor / recctl (higher is better). Timing both sides in the same run, interleaved, makes the
 * ratio hold on a busy machine where the absolute figures do not.
 *
 * The rows run on the real-data tree the detailed bench builds: bench-corpus/real, 12 copies of
 * the samples in $RECCTL_SAMPLES (default ../shared/samples beside the checkout) made by
 * scripts/gen-real-tree.mjs. Without the samples those rows print n/a (only `--version` runs).
 * Anchors:
 *   node -e 0        the start-up floor: the same node binary doing nothing
 *   ajv-cli          node_modules/.bin/ajv, schemas/recording.schema.json, the same files
 *   jq               find <tree> -path <anything>/recordings/<anything> -name '*.json'
 *                    -exec jq -r '[.test_id, .request.body.model] | @tsv' {} +
 *                    (one jq per batch, as a user would; the exact command is in the notes)
 *   list --json      recctl's own scan of the same tree, for prune --collected
 *   normalize_recordings.py --dry-run   the maintainers' script (../shared/reference/scripts),
 *                    run with python3 from a copy of the tree made of hard links (it looks for
 *                    tests/ beside its own scripts/ folder; --dry-run never writes)
 * CPU time (user + sys) and peak RSS come from /usr/bin/time (n/a without it).
 * Needs a build (`npm run build`). Outputs of the last run of each side are kept in
 * bench-corpus/.bench-out/ratios-<row>-<a|b>.{stdout,stderr}.
 */
import fs from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ensureRealTree } from "./bench-trees.mjs";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const CORPUS_DIR = "bench-corpus"; // relative to REPO; every process runs with cwd = REPO
const OUT_DIR = path.join(REPO, CORPUS_DIR, ".bench-out");
const RESULTS = path.join(REPO, CORPUS_DIR, "bench-ratios.json");
const BASELINE = path.join(REPO, "scripts", "bench-ratios-baseline.json");
const RECCTL = "bin/recctl.js";
const AJV = "node_modules/.bin/ajv";
const SCHEMA = "schemas/recording.schema.json";
const TIME = "/usr/bin/time";
const PY_SCRIPT = path.resolve(REPO, "..", "shared", "reference", "scripts", "normalize_recordings.py");
const SAMPLES = process.env.RECCTL_SAMPLES ?? path.resolve(REPO, "..", "shared", "samples");
const REAL_COPIES = 12; // as scripts/bench.mjs: the same tree serves both benches
const TIMEOUT_MS = 300_000;
const REGRESSION = 1.1; // --check: a ratio more than 10% worse than the baseline fails

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------
const USAGE = fs.readFileSync(new URL(import.meta.url), "utf8").match(/\/\*\*\n([\s\S]*?)\*\//)[1].replace(/^ \* ?/gm, "");
const opts = { runs: null, only: null, json: false, saveBaseline: false, check: false, big: false, bigFiles: 300_000, fresh: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--json") opts.json = true;
  else if (a === "--save-baseline") opts.saveBaseline = true;
  else if (a === "--check") opts.check = true;
  else if (a === "--big") opts.big = true;
  else if (a === "--fresh") opts.fresh = true;
  else if (a === "--only") opts.only = process.argv[++i];
  else if (a === "--runs") opts.runs = Number(process.argv[++i]);
  else if (a === "--big-files") opts.bigFiles = Number(process.argv[++i]);
  else if (a === "-h" || a === "--help") { process.stdout.write(USAGE); process.exit(0); }
  else { process.stderr.write(`bench-ratios: unknown option ${a}\n\n${USAGE}`); process.exit(2); }
}
for (const [name, v] of [["--runs", opts.runs], ["--big-files", opts.bigFiles]]) {
  if (v !== null && !(Number.isInteger(v) && v > 0)) { process.stderr.write(`bench-ratios: ${name} needs a positive integer\n`); process.exit(2); }
}
if (opts.only === undefined) { process.stderr.write("bench-ratios: --only needs a value\n"); process.exit(2); }
const log = (msg) => process.stderr.write(`bench-ratios: ${msg}\n`);
if (!fs.existsSync(path.join(REPO, "dist", "cli.js"))) {
  process.stderr.write("bench-ratios: dist/cli.js is missing: run `npm run build` first\n");
  process.exit(2);
}
const hasTime = fs.existsSync(TIME);

const sh = (cmd, args) => spawnSync(cmd, args, { cwd: REPO, encoding: "utf8" });
const git = (...args) => sh("git", args).stdout?.trim() ?? "";
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model?.trim() ?? "?",
  uptimeStart: sh("uptime", []).stdout?.trim() ?? "?",
  loadavgStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  uptimeEnd: null,
  loadavgEnd: null,
  git: git("rev-parse", "--short", "HEAD") || "?",
  modified: git("status", "--porcelain", "--untracked-files=no").split("\n").filter(Boolean).length,
};

// ---------------------------------------------------------------------------------------------
// The real-data tree (as scripts/bench.mjs builds it) and what the rows need from it
// ---------------------------------------------------------------------------------------------
const readJson = (p) => { try { return JSON.parse(fs.readFileSync(p, "utf8")); } catch { return null; } };
const real = ensureRealTree({ repo: REPO, corpusDir: CORPUS_DIR, samples: SAMPLES, copies: REAL_COPIES, fresh: opts.fresh, log });
const haveReal = real.files.length > 0;

/**
 * Inputs picked deterministically, read with JSON.parse here (not from recctl): the one file
 * for the pre-commit row (a current-layout recording of about the median size), the file whose
 * 12-hex prefix `show` looks up (unique among the names of the tree), and the collected manifest
 * for prune (every test_id of the tree but one in seven, as `pytest --collect-only -q` prints).
 */
function pickInputs() {
  if (!haveReal) return null;
  const byPrefix = new Map();
  const testIds = new Set();
  for (const f of real.files) {
    const base = path.basename(f.rel);
    const m = /^([0-9a-f]{12})[0-9a-f]*\.json$/.exec(base);
    if (m) byPrefix.set(m[1], (byPrefix.get(m[1]) ?? 0) + 1);
    const doc = readJson(path.join(REPO, f.rel));
    const id = doc?.test_id ?? doc?.request?.test_id;
    if (typeof id === "string" && id.includes("::")) testIds.add(id);
  }
  const current = real.files.filter((f) => f.rel.includes(`${path.sep}current${path.sep}`) && /^[0-9a-f]{64}\.json$/.test(path.basename(f.rel)));
  const pool = current.length ? current : real.files;
  const sizes = pool.map((f) => f.size).sort((a, b) => a - b);
  const mid = sizes[sizes.length >> 1];
  const one = pool.reduce((best, f) => (Math.abs(f.size - mid) < Math.abs(best.size - mid) ? f : best));
  const unique = real.files.filter((f) => byPrefix.get(path.basename(f.rel).slice(0, 12)) === 1);
  const showFile = unique[unique.length >> 1] ?? null;
  const ids = [...testIds].sort();
  const collected = ids.filter((_, i) => i % 7 !== 3);
  const manifest = path.join(CORPUS_DIR, ".ratios", "collected.txt");
  fs.mkdirSync(path.join(REPO, path.dirname(manifest)), { recursive: true });
  fs.writeFileSync(path.join(REPO, manifest), `${collected.join("\n")}\n\n${collected.length} tests collected\n`);
  return { one, showFile, showPrefix: showFile ? path.basename(showFile.rel).slice(0, 12) : null, manifest, testIds: ids.length, collected: collected.length };
}
const inputs = pickInputs();

/**
 * The maintainers' normalize script finds `tests/` beside its own `scripts/` folder: a copy of
 * the real tree made of hard links (every tests/ folder of the tree under one tests/), with the
 * script copied beside it. --dry-run opens files for reading only; a tree of hard links is still
 * a copy in case a later version of the script writes.
 */
function ensurePyTree() {
  if (!haveReal) return { error: real.error };
  if (!fs.existsSync(PY_SCRIPT)) return { error: `n/a (no ${PY_SCRIPT})` };
  if (sh("python3", ["--version"]).status !== 0) return { error: "n/a (no python3)" };
  const root = path.join(CORPUS_DIR, ".ratios", "normalize-py");
  const stampPath = path.join(REPO, root, "stamp.json");
  // a regenerated tree (a new manifest file) gets new inodes: the hard links would keep the old ones
  const stamp = JSON.stringify({ real: real.manifest, at: fs.statSync(path.join(REPO, real.dir, "corpus-manifest.json")).mtimeMs, script: fs.statSync(PY_SCRIPT).mtimeMs });
  const fresh = !opts.fresh && fs.existsSync(stampPath) && fs.readFileSync(stampPath, "utf8") === stamp;
  if (!fresh) {
    log(`copying ${real.dir} (hard links) for normalize_recordings.py …`);
    fs.rmSync(path.join(REPO, root), { recursive: true, force: true });
    fs.mkdirSync(path.join(REPO, root, "scripts"), { recursive: true });
    fs.mkdirSync(path.join(REPO, root, "tests"), { recursive: true });
    fs.copyFileSync(PY_SCRIPT, path.join(REPO, root, "scripts", "normalize_recordings.py"));
    // every <copy>/<layout>/tests of the real tree becomes tests/<copy>/<layout>
    for (const copy of fs.readdirSync(path.join(REPO, real.dir), { withFileTypes: true })) {
      if (!copy.isDirectory()) continue;
      for (const layout of fs.readdirSync(path.join(REPO, real.dir, copy.name), { withFileTypes: true })) {
        const src = path.join(REPO, real.dir, copy.name, layout.name, "tests");
        if (!layout.isDirectory() || !fs.existsSync(src)) continue;
        const dst = path.join(REPO, root, "tests", copy.name, layout.name);
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        let r = spawnSync("cp", ["-al", src, dst]);
        if (r.status !== 0) r = spawnSync("cp", ["-a", src, dst]);
        if (r.status !== 0) return { error: `copying ${src} failed` };
      }
    }
    fs.writeFileSync(stampPath, stamp);
  }
  return { script: path.join(root, "scripts", "normalize_recordings.py"), error: null };
}
const py = ensurePyTree();

// ---------------------------------------------------------------------------------------------
// The rows. a: recctl, b: the anchor; each { file, args } (node = this node binary), ok: exit
// codes that are results; goal { op: "le" | "ge", value }; time: measure CPU and RSS too.
// ---------------------------------------------------------------------------------------------
const node = (...args) => ({ file: process.execPath, args });
const recctl = (...args) => node(RECCTL, ...args);
const ajv = (data) => ({ file: path.join(REPO, AJV), args: ["validate", "-s", SCHEMA, "-d", data, "--strict=false", "--errors=no"] });
const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
const lines = (s) => s.split("\n").filter(Boolean).length;
const ajvReported = (n) => (o) => {
  const got = `${o.stdout}\n${o.stderr}`.split("\n").filter((l) => / (valid|invalid)$/.test(l)).length;
  if (got !== n) throw new Error(`ajv-cli reported on ${got} of ${n} files`);
  return `ajv-cli reported on ${got} file(s)`;
};
const needsReal = (row) => (haveReal ? row : { ...row, error: real.error });
const treeRuns = 5;
const startRuns = 9;

const ROWS = [
  needsReal({
    id: "validate-one", work: "`validate` one real file (pre-commit)", anchor: "`node -e 0`", goal: { op: "le", value: 1.5 }, runs: startRuns,
    a: inputs && { ...recctl("validate", "--root", real.dir, inputs.one.rel), ok: [0, 1] }, b: node("-e", "0"),
    note: () => `the file: ${(inputs.one.size / 1e3).toFixed(1)} KB, the median size of the current layout`,
  }),
  needsReal({
    id: "validate-one-ajv", work: "`validate` one real file (pre-commit)", anchor: "ajv-cli, that file", goal: null, runs: startRuns,
    a: inputs && { ...recctl("validate", "--root", real.dir, inputs.one.rel), ok: [0, 1] }, b: inputs && { ...ajv(inputs.one.rel), ok: [0, 1], check: ajvReported(1) },
    ratioAs: "ge", // ajv-cli / recctl: report only (the second anchor of the pre-commit row)
  }),
  needsReal({
    id: "show", work: "`show <prefix>` in the real tree", anchor: "`node -e 0`", goal: { op: "le", value: 1.6 }, runs: startRuns,
    a: inputs?.showFile ? recctl("show", inputs.showPrefix, "--root", real.dir) : null, b: node("-e", "0"),
    note: () => `ref: ${inputs.showPrefix} (${inputs.showFile.rel})`,
  }),
  {
    id: "version", work: "`recctl --version`", anchor: "`node -e 0`", goal: { op: "le", value: 1.15 }, runs: startRuns,
    a: recctl("--version"), b: node("-e", "0"),
  },
  needsReal({
    id: "validate-tree", work: "`validate --no-cache`, real tree", anchor: "ajv-cli (schema only)", goal: { op: "ge", value: 1.0 }, runs: treeRuns, time: true,
    a: { ...recctl("validate", "--no-cache", "--root", real.dir), ok: [0, 1] },
    b: { ...ajv(`${real.dir}/**/recordings/**/*.json`), ok: [0, 1], check: ajvReported(real.files.length) },
    cpuRow: { id: "validate-tree-cpu", work: "CPU (user + sys) of `validate --no-cache`, real tree", anchor: "ajv-cli CPU, same runs" },
  }),
  // Issue 18's budget: the guard's switchable rules (stale-type, infra-id) against a run without
  // them, same tree, interleaved. The secret scan is an error rule and cannot be switched off:
  // its cost shows in the cold-tree row against the baseline build (README, Speed).
  needsReal({
    id: "guard-cost", work: "`validate --no-cache`, real tree, every rule", anchor: "the same with `--ignore stale-type --ignore infra-id`", goal: { op: "le", value: 1.1 }, runs: treeRuns,
    a: { ...recctl("validate", "--no-cache", "--root", real.dir), ok: [0, 1] },
    b: { ...recctl("validate", "--no-cache", "--ignore", "stale-type", "--ignore", "infra-id", "--root", real.dir), ok: [0, 1] },
  }),
  needsReal({
    id: "list", work: "`list` table, real tree", anchor: "`jq -r '[.test_id, .request.body.model] \\| @tsv'`", goal: { op: "ge", value: 1.5 }, runs: treeRuns,
    a: recctl("list", "--root", real.dir),
    b: {
      file: "/bin/sh",
      args: ["-c", `find ${q(real.dir)} -path '*/recordings/*' -name '*.json' -exec jq -r ${q("[.test_id, .request.body.model] | @tsv")} {} +`],
      check: (o) => { const n = lines(o.stdout); if (n !== real.files.length) throw new Error(`jq printed ${n} lines for ${real.files.length} files`); return `jq: ${n} lines`; },
    },
  }),
  needsReal({
    id: "prune-collected", work: "`prune --collected <manifest>`, real tree", anchor: "`list --json`, same tree", goal: { op: "le", value: 1.2 }, runs: treeRuns,
    a: inputs && { ...recctl("prune", "--collected", inputs.manifest, "--root", real.dir), ok: [0, 1] },
    b: recctl("list", "--json", "--root", real.dir),
    note: (oa) => `manifest: ${inputs.collected} of the tree's ${inputs.testIds} test ids; ${oa.stdout.split("\n").find((l) => / orphans? of /.test(l))?.trim() ?? ""}`,
  }),
  needsReal({
    id: "normalize-check", work: "`normalize --check`, real tree", anchor: "`normalize_recordings.py --dry-run`", goal: { op: "ge", value: 2.5 }, runs: treeRuns,
    a: { ...recctl("normalize", "--check", "--root", real.dir), ok: [0, 1] },
    b: py.error ? null : {
      file: "python3", args: [py.script, "--dry-run"],
      check: (o) => {
        const m = /Summary: (\d+)\/(\d+) files/.exec(o.stdout);
        if (!m || Number(m[2]) !== real.files.length) throw new Error(`normalize_recordings.py: ${m ? `${m[2]} files` : "no summary"} for ${real.files.length}`);
        return `python: ${m[1]}/${m[2]} would change`;
      },
    },
    error: py.error ?? undefined,
    note: (oa) => `recctl: ${oa.stdout.trimEnd().split("\n").pop()?.slice(0, 100) ?? ""}`,
  }),
];
// needsReal kept the real tree's error; a missing anchor input has its own
for (const r of ROWS) if (!r.error && (!r.a || !r.b)) r.error = "n/a (no input)";

// ---------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------
function runOnce(id, side, cmd, timed) {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const base = path.join(OUT_DIR, `ratios-${id}-${side}`);
  const out = fs.openSync(`${base}.stdout`, "w");
  const err = fs.openSync(`${base}.stderr`, "w");
  const useTime = timed && hasTime;
  const [file, args] = useTime ? [TIME, ["-f", "%e %U %S %M", "-o", `${base}.time`, cmd.file, ...cmd.args]] : [cmd.file, cmd.args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd: REPO, stdio: ["ignore", out, err], timeout: TIMEOUT_MS, env: { ...process.env, NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(out);
  fs.closeSync(err);
  const o = { ms, status: r.status, signal: r.signal, spawnError: r.error, stdout: fs.readFileSync(`${base}.stdout`, "utf8"), stderr: fs.readFileSync(`${base}.stderr`, "utf8") };
  if (useTime) {
    // /usr/bin/time writes "Command exited with non-zero status N" first when it did
    const last = fs.readFileSync(`${base}.time`, "utf8").trim().split("\n").pop() ?? "";
    const [, user, sys, rssKB] = last.split(" ").map(Number);
    if ([user, sys, rssKB].every(Number.isFinite)) Object.assign(o, { cpuMs: (user + sys) * 1000, rssMB: rssKB / 1024 });
  }
  return o;
}

function failure(cmd, o) {
  if (o.spawnError?.code === "ETIMEDOUT" || o.signal === "SIGTERM") return `timed out after ${TIMEOUT_MS / 1000} s`;
  if (o.spawnError) return `could not start: ${o.spawnError.message}`;
  if (o.signal) return `killed by ${o.signal}`;
  if (/^Node\.js v\d+/m.test(o.stderr)) return `crash (exit ${o.status}): ${o.stderr.split("\n").find((l) => /Error/.test(l))?.trim() ?? "see stderr"}`;
  if (!(cmd.ok ?? [0]).includes(o.status)) return `exit ${o.status}: ${(o.stderr.trim() || o.stdout.trim()).split("\n")[0].slice(0, 120)}`;
  return null;
}

const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const show = (c) => [c.file === process.execPath ? "node" : c.file.startsWith(`${REPO}${path.sep}`) ? path.relative(REPO, c.file) : c.file, ...c.args].map((x) => (/[\s*?"'|[\]]/.test(x) ? JSON.stringify(x) : x)).join(" ");
const ratioOf = (op, aMs, bMs) => (op === "le" ? aMs / bMs : bMs / aMs);
const verdictOf = (goal, ratio) => (goal ? ((goal.op === "le" ? ratio <= goal.value : ratio >= goal.value) ? "pass" : "fail") : null);

function measure(r) {
  const row = { id: r.id, work: r.work, anchor: r.anchor, goal: r.goal, ratioAs: r.goal?.op ?? r.ratioAs ?? "le", status: "ok", error: null, note: null, runs: 0, a: null, b: null, ratio: null, verdict: null };
  if (r.error) return [{ ...row, status: "n/a", error: r.error }, ...(r.cpuRow ? [{ ...row, ...r.cpuRow, goal: null, ratioAs: "ge", unit: "cpu", status: "n/a", error: r.error }] : [])];
  const runs = opts.runs ?? r.runs;
  log(`${r.id}: warm-up pair + ${runs} pair(s) …`);
  const sides = { a: { cmd: r.a, ms: [], cpu: [], rss: [] }, b: { cmd: r.b, ms: [], cpu: [], rss: [] } };
  const notes = [];
  for (let i = -1; i < runs; i++) { // i = -1: the warm-up pair, checked, not counted
    for (const s of ["a", "b"]) {
      const side = sides[s];
      const o = runOnce(r.id, s, side.cmd, r.time);
      const bad = failure(side.cmd, o);
      if (bad) return [{ ...row, status: "error", error: `${s === "a" ? "recctl" : "anchor"}${i < 0 ? " (warm-up)" : ` run ${i + 1}`}: ${bad}` }];
      if (i < 0) {
        try {
          const c = side.cmd.check?.(o);
          if (c) notes.push(c);
          if (s === "a" && r.note) notes.push(r.note(o));
        } catch (e) { return [{ ...row, status: "error", error: e.message }]; }
        continue;
      }
      side.ms.push(o.ms);
      if (o.cpuMs !== undefined) { side.cpu.push(o.cpuMs); side.rss.push(o.rssMB); }
    }
  }
  const summary = (side) => ({ command: show(side.cmd), samples: side.ms.map((x) => Number(x.toFixed(1))), median: Number(median(side.ms).toFixed(1)) });
  Object.assign(row, { runs, a: summary(sides.a), b: summary(sides.b), note: notes.filter(Boolean).join("; ") || null });
  row.ratio = Number(ratioOf(row.ratioAs, row.a.median, row.b.median).toFixed(3));
  row.verdict = verdictOf(r.goal, row.ratio);
  const out = [row];
  if (r.cpuRow) {
    const cpu = { ...row, ...r.cpuRow, goal: null, ratioAs: "ge", verdict: null, unit: "cpu", note: null };
    if (sides.a.cpu.length === runs && sides.b.cpu.length === runs) {
      const m = (xs) => Number(median(xs).toFixed(1));
      cpu.a = { command: row.a.command, samples: sides.a.cpu.map((x) => Number(x.toFixed(1))), median: m(sides.a.cpu), peakRssMB: Number(Math.max(...sides.a.rss).toFixed(1)) };
      cpu.b = { command: row.b.command, samples: sides.b.cpu.map((x) => Number(x.toFixed(1))), median: m(sides.b.cpu), peakRssMB: Number(Math.max(...sides.b.rss).toFixed(1)) };
      cpu.ratio = Number((cpu.b.median / cpu.a.median).toFixed(3));
      cpu.note = `peak RSS: recctl ${cpu.a.peakRssMB} MB, ajv-cli ${cpu.b.peakRssMB} MB`;
    } else Object.assign(cpu, { status: "n/a", error: `n/a (no ${TIME})`, a: null, b: null, ratio: null });
    out.push(cpu);
  }
  return out;
}

/** --big: the peak RSS of a streamed `list --json` over a large generated tree (one run). */
function bigRow() {
  const id = "list-json-big";
  const row = { id, work: `\`list --json\` peak RSS, ${opts.bigFiles.toLocaleString("en")} files (--small)`, anchor: "—", goal: { op: "le", value: 1024 }, ratioAs: "le", unit: "MB", status: "ok", error: null, note: null, runs: 1, a: null, b: null, ratio: null, verdict: null };
  if (!hasTime) return { ...row, status: "n/a", error: `n/a (no ${TIME})` };
  const dir = path.join(CORPUS_DIR, "big");
  const m = readJson(path.join(REPO, dir, "corpus-manifest.json"));
  if (opts.fresh || !(m && m.files === opts.bigFiles && m.seed === 1 && m.profile?.small === true)) {
    log(`generating ${dir} (${opts.bigFiles} files, --small) …`);
    const g = spawnSync(process.execPath, ["scripts/gen-corpus.mjs", dir, "--files", String(opts.bigFiles), "--small", "--seed", "1", "--force"], { cwd: REPO, stdio: ["ignore", "inherit", "inherit"] });
    if (g.status !== 0) return { ...row, status: "error", error: `gen-corpus failed (exit ${g.status})` };
  } else log(`reusing ${dir} (${opts.bigFiles} files)`);
  log(`${id}: one run …`);
  const cmd = recctl("list", "--json", "--root", dir);
  const o = runOnce(id, "a", cmd, true);
  const bad = failure(cmd, o);
  if (bad) return { ...row, status: "error", error: bad };
  if (o.rssMB === undefined) return { ...row, status: "error", error: "no figures from /usr/bin/time" };
  row.a = { command: show(cmd), samples: [Number(o.rssMB.toFixed(1))], median: Number(o.rssMB.toFixed(1)), ms: Number(o.ms.toFixed(0)) };
  row.ratio = row.a.median;
  row.verdict = row.ratio <= row.goal.value ? "pass" : "fail";
  row.note = `${(o.ms / 1000).toFixed(1)} s, stdout ${(fs.statSync(path.join(OUT_DIR, `ratios-${id}-a.stdout`)).size / 1e6).toFixed(0)} MB (kept in ${CORPUS_DIR}/.bench-out); CPU ${(o.cpuMs / 1000).toFixed(1)} s`;
  return row;
}

/**
 * The speed work changes no output: the bundle (dist/, what ships) and the plain tsc build of the
 * same sources (dist-test/src, `npm run build:test`) run the same commands on the real-data tree
 * and must print the same bytes and exit the same. Not timed.
 */
function sameRow() {
  const id = "bundle-identical";
  const row = { id, work: "bundled build prints byte for byte what the tsc build prints, real tree", anchor: "the tsc build (`dist-test/src/cli.js`)", goal: null, goalText: "identical", ratioAs: "le", status: "ok", error: null, note: null, runs: 1, a: null, b: null, ratio: null, verdict: null };
  if (!haveReal) return { ...row, status: "n/a", error: real.error };
  const tsc = path.join(REPO, "dist-test", "src", "cli.js");
  if (!fs.existsSync(tsc)) return { ...row, status: "n/a", error: "n/a (no dist-test/src/cli.js: run `npm run build:test`)" };
  const newest = (dir) => Math.max(...fs.readdirSync(dir, { recursive: true }).map((f) => fs.statSync(path.join(dir, f)).mtimeMs));
  const built = Math.min(fs.statSync(tsc).mtimeMs, fs.statSync(path.join(REPO, "dist", "cli.js")).mtimeMs);
  if (newest(path.join(REPO, "src")) > built) return { ...row, status: "n/a", error: "n/a (src/ is newer than a build: run `npm run build && npm run build:test`)" };
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-same-"));
  // The tsc build's own launcher (bin/recctl.js imports dist/, the bundle).
  const tscBin = path.join(cache, "recctl-tsc.mjs");
  fs.writeFileSync(tscBin, `import { run } from ${JSON.stringify(pathToFileURL(tsc).href)};\nawait run(process.argv);\n`);
  const commands = [
    ["validate", "--no-cache", "--json", "--root", real.dir],
    ["validate", "--no-cache", "--format", "github", "--root", real.dir],
    ["list", "--root", real.dir],
    ["list", "--json", "--group-by", "model", "--root", real.dir],
    ["hash", "--json", real.dir],
    ["normalize", "--check", "--root", real.dir],
    ["prune", "--json", "--root", real.dir],
    ["rehash", "--root", real.dir],
    ...(inputs?.showFile ? [["show", inputs.showPrefix, "--root", real.dir]] : []),
  ];
  const differ = [];
  log(`${id}: ${commands.length} commands, each with both builds …`);
  for (const args of commands) {
    const run = (launcher) => spawnSync(process.execPath, [launcher, ...args], { cwd: REPO, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", RECCTL_CACHE_DIR: cache } });
    const a = run(RECCTL);
    const b = run(tscBin);
    if (a.status !== b.status || a.stdout !== b.stdout || a.stderr !== b.stderr || a.stdout === "") {
      // Both sides kept for a look: bench-corpus/.bench-out/ratios-bundle-identical-<n>-<bundle|tsc>.<stdout|stderr>
      const n = differ.length;
      for (const [side, r] of [["bundle", a], ["tsc", b]]) {
        fs.writeFileSync(path.join(OUT_DIR, `ratios-${id}-${n}-${side}.stdout`), r.stdout ?? "");
        fs.writeFileSync(path.join(OUT_DIR, `ratios-${id}-${n}-${side}.stderr`), `${r.stderr ?? ""}\nexit: ${r.status}\n`);
      }
      differ.push(`recctl ${args.join(" ")} (outputs in ${path.relative(REPO, OUT_DIR)}/ratios-${id}-${n}-*)`);
    }
  }
  fs.rmSync(cache, { recursive: true, force: true });
  row.verdict = differ.length === 0 ? "pass" : "fail";
  row.note = differ.length === 0 ? `same stdout, stderr and exit code for: ${commands.map((c) => `\`${c.join(" ")}\``).join(", ")}` : `differ: ${differ.join("; ")}`;
  return row;
}

const selected = ROWS.filter((r) => !opts.only || r.id.includes(opts.only) || r.work.includes(opts.only));
const rows = selected.flatMap(measure);
if (!opts.only || "bundle-identical".includes(opts.only)) rows.push(sameRow());
if (opts.big) rows.push(bigRow());
machine.uptimeEnd = sh("uptime", []).stdout?.trim() ?? "?";
machine.loadavgEnd = os.loadavg().map((x) => Number(x.toFixed(2)));

// ---------------------------------------------------------------------------------------------
// Baseline: --save-baseline writes the ratios; --check fails on a regression of more than 10%
// (a "≤" ratio that grew by more than 10%, a "≥" ratio that shrank to less than 1/1.1 of it)
// ---------------------------------------------------------------------------------------------
const ratioRows = rows.filter((r) => r.status === "ok" && r.ratio !== null && r.unit !== "MB");
let regressions = [];
const checked = [];
if (opts.check) {
  const base = readJson(BASELINE);
  if (!base) { log(`--check: no baseline at ${path.relative(REPO, BASELINE)} (--save-baseline writes one)`); process.exitCode = 2; }
  else {
    for (const r of ratioRows) {
      const b = base.ratios?.[r.id];
      if (!b) { checked.push({ id: r.id, ratio: r.ratio, baseline: null, change: null, regressed: false }); continue; }
      // cost: how much worse than the anchor, the higher the worse, whichever way the ratio reads
      const change = r.ratioAs === "le" ? r.ratio / b.ratio : b.ratio / r.ratio;
      const regressed = change > REGRESSION;
      checked.push({ id: r.id, ratio: r.ratio, baseline: b.ratio, change: Number(change.toFixed(3)), regressed });
      if (regressed) regressions.push(r.id);
    }
    for (const id of Object.keys(base.ratios ?? {})) {
      if (!ratioRows.some((r) => r.id === id)) checked.push({ id, ratio: null, baseline: base.ratios[id].ratio, change: null, regressed: false });
    }
  }
}
if (opts.saveBaseline) {
  const doc = {
    note: "scripts/bench-ratios.mjs --save-baseline: the ratios --check compares with (timing is noisy: judge on the same machine)",
    machine: { date: machine.date, node: machine.node, cpus: machine.cpus, cpuModel: machine.cpuModel, uptime: machine.uptimeStart, git: machine.git },
    ratios: Object.fromEntries(ratioRows.map((r) => [r.id, { ratio: r.ratio, reads: r.ratioAs === "le" ? "recctl / anchor" : "anchor / recctl", a: r.a.median, b: r.b.median, runs: r.runs }])),
  };
  // rows not run this time (--only) keep their saved figures, and the machine line stays theirs:
  // the note says which rows came from a later run
  const old = readJson(BASELINE);
  if (old?.ratios && opts.only) {
    doc.ratios = { ...old.ratios, ...doc.ratios };
    doc.machine = old.machine ?? doc.machine;
    doc.note = `${old.note ?? doc.note}; ${ratioRows.map((r) => r.id).join(", ")} refreshed from the run of ${machine.date} (git ${machine.git})`;
  }
  fs.writeFileSync(BASELINE, `${JSON.stringify(doc, null, 2)}\n`);
  log(`baseline written: ${path.relative(REPO, BASELINE)}`);
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
const results = {
  machine,
  real: real.manifest ? { dir: real.dir, files: real.files.length, bytes: real.manifest.bytes, copies: real.manifest.copies, source: real.manifest.source } : { error: real.error },
  rows,
  check: opts.check ? { baseline: path.relative(REPO, BASELINE), threshold: REGRESSION, rows: checked, regressions } : null,
};
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
if (opts.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
  const fig = (r, side) => (r[side] ? (r.unit === "MB" ? `${r[side].median.toFixed(0)} MB` : ms(r[side].median)) : "");
  const goal = (r) => (r.goalText ? r.goalText : !r.goal ? "(report)" : r.unit === "MB" ? `≤ ${r.goal.value} MB` : r.goal.op === "le" ? `≤ ${r.goal.value}× anchor` : `≥ ${r.goal.value}× (anchor / recctl)`);
  const ratio = (r) => (r.ratio === null ? "" : r.unit === "MB" ? "—" : `${r.ratio.toFixed(2)}×${r.goal ? "" : r.ratioAs === "le" ? " (recctl / anchor)" : " (anchor / recctl)"}`);
  const verdict = (r) => (r.status !== "ok" ? r.error : r.verdict === "pass" ? "✔" : r.verdict === "fail" ? "✖" : "—");
  const busy = (l) => l[0] > 2;
  const L = [];
  L.push(`## recctl ratio bench — ${machine.date}`, "");
  L.push(`- uptime at start: \`${machine.uptimeStart}\``);
  L.push(`- uptime at end:   \`${machine.uptimeEnd}\``);
  if (busy(machine.loadavgStart) || busy(machine.loadavgEnd)) L.push(`- **loaded machine** (load average > 2): the anchors ran in the same conditions, interleaved, but absolute figures are pessimistic`);
  L.push(`- node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; git ${machine.git}${machine.modified ? ` + ${machine.modified} modified tracked file(s)` : ""}`);
  L.push(`- real-data tree: ${real.manifest ? `${real.dir}, ${real.files.length.toLocaleString("en")} recordings, ${(real.manifest.bytes / 1e6).toFixed(1)} MB (${real.manifest.copies} copies of ${real.manifest.source})` : real.error}`);
  L.push(`- whole processes, one warm-up pair, then N pairs recctl/anchor in turn; medians of each side`, "");
  L.push("| work | anchor | recctl | anchor | ratio | goal | |", "| --- | --- | ---: | ---: | ---: | --- | --- |");
  for (const r of rows) L.push(`| ${r.work} | ${r.anchor} | ${fig(r, "a")} | ${fig(r, "b")} | ${ratio(r)} | ${goal(r)} | ${verdict(r)} |`);
  const notes = rows.filter((r) => r.note || r.a);
  if (notes.length) {
    L.push("", "Notes:");
    for (const r of notes) {
      const bits = [r.a && !r.unit ? `N = ${r.runs}; recctl: ${r.a.command}${r.b ? `; anchor: ${r.b.command}` : ""}` : null, r.note].filter(Boolean);
      L.push(`- ${r.id}: ${bits.join("; ")}`);
    }
  }
  if (opts.check && checked.length) {
    L.push("", `--check against ${path.relative(REPO, BASELINE)} (fails when a ratio is more than ${Math.round((REGRESSION - 1) * 100)}% worse):`);
    for (const c of checked) L.push(c.ratio === null ? `- ${c.id}: not measured in this run (baseline ${c.baseline.toFixed(2)}×)` : `- ${c.id}: ${c.ratio.toFixed(2)}× vs ${c.baseline === null ? "— (not in the baseline)" : `${c.baseline.toFixed(2)}× → ${c.change > 1 ? `${((c.change - 1) * 100).toFixed(0)}% worse` : `${((1 - c.change) * 100).toFixed(0)}% better`}${c.regressed ? " ✖ REGRESSED" : ""}`}`);
  }
  L.push("", `Results: ${path.relative(REPO, RESULTS)}`);
  process.stdout.write(`${L.join("\n")}\n`);
}
if (regressions.length) { log(`--check: regressed by more than 10%: ${regressions.join(", ")}`); process.exitCode = 1; }
else if (rows.some((r) => r.status === "error")) process.exitCode = 1;
