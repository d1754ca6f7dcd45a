#!/usr/bin/env node
/**
 * bench-changes.mjs — `recctl changes A B` between two revisions of the 3,000-file synthetic
 * corpus in which 300 recordings were re-recorded.
 *
 *   node scripts/bench-changes.mjs [<dir>] [--prepare] [--runs N] [--fresh]
 *
 *   <dir>       where the git repository is built (default bench-corpus/changes; gitignored)
 *   --prepare   build (or reuse) the repository and print its path; time nothing (bench.mjs
 *               times the command itself)
 *   --runs N    timed runs after one warm-up (default 3)
 *   --fresh     rebuild the repository even when it is already there
 *
 * The repository: `npm run corpus -- <dir>/repo --files 3000 --seed 1` committed as tag
 * `bench-a`; then 300 recordings re-recorded and committed as tag `bench-b`: 200 with only
 * noise (every `id` and `created` of the response new) and 100 with a real change (one word of
 * the answer replaced, and new ids as well). Every file is picked deterministically (every
 * 10th recording in name order that has an answer text). Dependency-free (node: built-ins,
 * the system git). Needs a build (`npm run build`).
 */
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const opts = { dir: path.join("bench-corpus", "changes"), prepare: false, runs: 3, fresh: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--prepare") opts.prepare = true;
  else if (a === "--fresh") opts.fresh = true;
  else if (a === "--runs") opts.runs = Number(process.argv[++i]);
  else if (a.startsWith("-")) { process.stderr.write(`bench-changes: unknown option ${a}\n`); process.exit(2); }
  else opts.dir = a;
}
const log = (msg) => process.stderr.write(`bench-changes: ${msg}\n`);
const dir = path.resolve(REPO, opts.dir);
const repo = path.join(dir, "repo");
const MANIFEST = path.join(dir, "bench-changes.json");
const WANT = { files: 3000, seed: 1, noise: 200, real: 100 };

function git(...args) {
  const r = spawnSync("git", args, { cwd: repo, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) { log(`git ${args.join(" ")} failed: ${r.stderr}`); process.exit(2); }
  return r.stdout;
}

function listRecordings(root) {
  const out = [];
  const walk = (d, inRecordings) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, inRecordings || e.name === "recordings");
      else if (inRecordings && e.name.endsWith(".json")) out.push(p);
    }
  };
  walk(root, false);
  return out.sort();
}

const fresh = (value) => createHash("sha256").update(String(value)).digest("hex").slice(0, 12);

/** New ids and `created` in the response, as a re-record writes them: noise. */
function renoise(text) {
  const at = text.indexOf('\n  "response": ');
  const head = text.slice(0, at);
  const response = text
    .slice(at)
    .replace(/"id": "([^"]*)"/g, (_m, id) => `"id": "chatcmpl-${fresh(id)}"`)
    .replace(/"created": (\d+)/g, (_m, n) => `"created": ${Number(n) + 1759245000}`);
  return head + response;
}

/** One word of the answer replaced: a real change (the first `content`/`text` of 4+ letters). */
function reword(text) {
  const at = text.indexOf('\n  "response": ');
  const m = /"(content|text)": "([^"]*?)\b([A-Za-z]{4,})\b/.exec(text.slice(at));
  if (m === null) return null;
  const start = at + m.index;
  const replaced = m[0].replace(new RegExp(`\\b${m[3]}\\b$`), m[3] === "Byzantium" ? "Carthage" : "Byzantium");
  return text.slice(0, start) + replaced + text.slice(start + m[0].length);
}

function build() {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`generating the corpus in ${path.relative(REPO, repo)} …`);
  const gen = spawnSync(process.execPath, ["scripts/gen-corpus.mjs", repo, "--files", String(WANT.files), "--seed", String(WANT.seed), "--force"], { cwd: REPO, stdio: ["ignore", "inherit", "inherit"] });
  if (gen.status !== 0) { log("gen-corpus failed"); process.exit(2); }
  git("-c", "init.defaultBranch=main", "init", "-q");
  git("config", "user.name", "recctl bench");
  git("config", "user.email", "bench@recctl.invalid");
  git("config", "commit.gpgsign", "false");
  git("add", "-A");
  git("commit", "-q", "-m", "corpus");
  git("tag", "bench-a");
  let noise = 0;
  let real = 0;
  const files = listRecordings(repo).filter((f) => !path.basename(f).startsWith("models-"));
  for (let i = 0; i < files.length && noise + real < WANT.noise + WANT.real; i += 5) {
    const text = fs.readFileSync(files[i], "utf8");
    const wantReal = real < WANT.real && (noise >= WANT.noise || (noise + real) % 3 === 2);
    if (wantReal) {
      const edited = reword(renoise(text));
      if (edited === null) continue;
      fs.writeFileSync(files[i], edited);
      real++;
    } else {
      const edited = renoise(text);
      if (edited === text) continue;
      fs.writeFileSync(files[i], edited);
      noise++;
    }
  }
  if (noise + real < WANT.noise + WANT.real) { log(`only ${noise} + ${real} files could be edited`); process.exit(2); }
  git("add", "-A");
  git("commit", "-q", "-m", `re-record: ${noise} noise only, ${real} real`);
  git("tag", "bench-b");
  fs.writeFileSync(MANIFEST, `${JSON.stringify({ ...WANT, noise, real }, null, 2)}\n`);
  log(`committed bench-a (corpus) and bench-b (${noise} noise-only, ${real} real changes)`);
}

let manifest = null;
try { manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8")); } catch { /* absent: build */ }
const reusable = manifest && manifest.files === WANT.files && manifest.seed === WANT.seed && manifest.noise === WANT.noise && manifest.real === WANT.real && fs.existsSync(path.join(repo, ".git"));
if (opts.fresh || !reusable) build();
else log(`reusing ${path.relative(REPO, repo)} (--fresh rebuilds it)`);

if (opts.prepare) {
  process.stdout.write(`${repo}\n`);
  process.exit(0);
}

const args = ["bin/recctl.js", "changes", "bench-a", "bench-b", "--root", repo, "--json"];
const once = () => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 1) { log(`recctl changes exited ${r.status}: ${r.stderr.trim().split("\n")[0]}`); process.exit(2); }
  return { ms, summary: JSON.parse(r.stdout).summary };
};
const warm = once();
const samples = Array.from({ length: opts.runs }, () => once().ms).sort((a, b) => a - b);
const median = samples[samples.length >> 1];
process.stdout.write(
  `recctl changes bench-a bench-b (3,000 recordings, 300 re-recorded): median ${median.toFixed(0)} ms, min ${samples[0].toFixed(0)} ms over ${samples.length} runs; summary ${JSON.stringify(warm.summary)}\n`,
);
