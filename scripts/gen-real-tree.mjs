#!/usr/bin/env node
/**
 * gen-real-tree.mjs — a ~3,000-file recordings tree made from the real samples, for the bench.
 *
 *   node scripts/gen-real-tree.mjs <samples-dir> <out-dir> [--copies N] [--force]
 *
 * The 261 real recordings in /work/shared/samples (three generations of layout) carry what the
 * synthetic corpus lacks: `0.0` floats, `\uXXXX` escapes, stale (unreachable) names, `rec-` ids
 * that disagree with their name, files not in the recorder's formatting. This script copies the
 * tree N times (default 12: 3,132 files) and makes every copy but the first differ, by editing
 * the text only, so each quirk survives byte for byte:
 *
 * - a recording with a `test_id` string gets another test name (`::test_x` → `::test_x_v3`,
 *   everywhere the same id is written), so its request hash changes; a file whose name agreed
 *   with its hash is renamed after the new hash (as `recctl hash --json` computes it), a stale
 *   one gets another stale name; `rec-` ids that agreed with the old name follow the new one;
 * - any other recording gets `?copy=N` on its `url` (the hash reads the url's path only), and
 *   keeps its name in its own folder.
 *
 * Needs a build (`npm run build`): names come from `node bin/recctl.js hash --json`.
 * Writes <out-dir>/corpus-manifest.json ({ source, copies, files, bytes }).
 */
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const RECCTL = path.join(REPO, "bin", "recctl.js");

const args = process.argv.slice(2);
const positional = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--copies");
const copiesAt = args.indexOf("--copies");
const copies = copiesAt >= 0 ? Number(args[copiesAt + 1]) : 12;
const force = args.includes("--force");
const [source, out] = positional;
if (source === undefined || out === undefined || !(Number.isInteger(copies) && copies > 0)) {
  process.stderr.write("usage: node scripts/gen-real-tree.mjs <samples-dir> <out-dir> [--copies N] [--force]\n");
  process.exit(2);
}
if (fs.existsSync(out)) {
  if (!force) {
    process.stderr.write(`gen-real-tree: ${out} exists (--force replaces it)\n`);
    process.exit(2);
  }
  fs.rmSync(out, { recursive: true, force: true });
}

function recordings(dir) {
  const found = [];
  const walk = (d, inRecordings) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, inRecordings || e.name === "recordings");
      else if (e.isFile() && inRecordings && e.name.endsWith(".json")) found.push(p);
    }
  };
  walk(dir, false);
  return found.sort();
}

/** `recctl hash --json` over a directory: file (absolute) → { hash, matches }. */
function hashes(dir) {
  const r = spawnSync(process.execPath, [RECCTL, "hash", "--json", dir], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.stdout.trim() === "") {
    process.stderr.write(`gen-real-tree: recctl hash printed nothing (exit ${r.status}): ${r.stderr.split("\n")[0]}\n`);
    process.exit(2);
  }
  const rows = JSON.parse(r.stdout);
  return new Map((Array.isArray(rows) ? rows : [rows]).map((row) => [path.resolve(row.file), row]));
}

/** The name a file of this style gets for `hash` (64 hex), keeping a models- digest. */
function renamed(name, hash) {
  let m = /^models-([0-9a-f]+)-([0-9a-f]{8})\.json$/.exec(name);
  if (m) return `models-${hash.slice(0, m[1].length)}-${m[2]}.json`;
  m = /^([0-9a-f]+)\.json$/.exec(name);
  return m ? `${hash.slice(0, m[1].length)}.json` : null;
}

const jsonString = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Copy `k`'s text: another test name, or a url query; null when neither is there. */
function vary(text, k) {
  const m = /^ {2}"test_id": ("(?:[^"\\\n]|\\.)*"),?$/m.exec(text);
  if (m) {
    const id = JSON.parse(m[1]);
    const varied = id.replace(/(::[^[\]]+?)(\[.*\])?$/s, (_all, name, params) => `${name}_v${k}${params ?? ""}`);
    if (varied !== id) return { text: text.split(m[1]).join(jsonString(varied)), rehashed: true };
  }
  const u = /("url": ")([^"\\]*)"/.exec(text);
  if (u) {
    const url = `${u[2]}${u[2].includes("?") ? "&" : "?"}copy=${k}`;
    return { text: text.slice(0, u.index) + u[1] + url + '"' + text.slice(u.index + u[0].length), rehashed: false };
  }
  return null;
}

const sources = recordings(path.resolve(source));
if (sources.length === 0) {
  process.stderr.write(`gen-real-tree: no recordings under ${source}\n`);
  process.exit(2);
}
const original = hashes(path.resolve(source));

// 1. Write every copy under its source's name.
const written = []; // { file, from, k, rehashed }
for (let k = 0; k < copies; k++) {
  for (const src of sources) {
    const rel = path.relative(path.resolve(source), src);
    const dst = path.join(out, `copy-${String(k).padStart(2, "0")}`, rel);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    const text = fs.readFileSync(src, "latin1"); // bytes as they are (the edits are ASCII)
    const v = k === 0 ? null : vary(text, k);
    fs.writeFileSync(dst, v?.text ?? text, "latin1");
    written.push({ file: path.resolve(dst), from: src, k, rehashed: v?.rehashed ?? false });
  }
}

// 2. Rename the copies whose request hash changed: after their new hash when the source's name
//    agreed with its hash, else after another stale hash.
const fresh = hashes(path.resolve(out));
let renames = 0;
for (const w of written) {
  if (!w.rehashed) continue;
  const name = path.basename(w.file);
  const was = original.get(w.from);
  const now = fresh.get(w.file);
  const reachable = was?.matches === true && typeof now?.hash === "string";
  const hash = reachable ? now.hash : createHash("sha256").update(`${name}#${w.k}`).digest("hex");
  const to = renamed(name, hash);
  if (to === null || to === name) continue;
  const oldPrefix = /^(?:models-)?([0-9a-f]{12})/.exec(name)?.[1];
  let text = fs.readFileSync(w.file, "latin1");
  if (oldPrefix) text = text.split(`"rec-${oldPrefix}"`).join(`"rec-${hash.slice(0, 12)}"`);
  fs.writeFileSync(path.join(path.dirname(w.file), to), text, "latin1");
  fs.rmSync(w.file);
  renames++;
}

const files = recordings(path.resolve(out));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
fs.writeFileSync(path.join(out, "corpus-manifest.json"), `${JSON.stringify({ source: path.resolve(source), copies, files: files.length, bytes }, null, 2)}\n`);
process.stdout.write(`${out}: ${files.length} recordings (${copies} copies of ${sources.length}; ${renames} renamed), ${(bytes / 1e6).toFixed(1)} MB\n`);
