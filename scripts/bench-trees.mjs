/**
 * bench-trees.mjs — what scripts/bench.mjs and scripts/bench-ratios.mjs both need of the trees
 * they time: the recordings under a folder, and the real-data tree (12 copies of the samples,
 * made by scripts/gen-real-tree.mjs, reused while its manifest matches).
 */
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

/** Every `*.json` under a `recordings` folder below `rootRel` (relative to `repo`), with its size, sorted. */
export function listRecordings(repo, rootRel) {
  const out = [];
  const walk = (dir, inRecordings) => {
    for (const e of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel, inRecordings || e.name === "recordings");
      else if (inRecordings && e.name.endsWith(".json")) out.push({ rel, size: fs.statSync(path.join(repo, rel)).size });
    }
  };
  if (fs.existsSync(path.join(repo, rootRel))) walk(rootRel, false);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

const readJson = (p) => {
  try {
    return JSON.parse(fs.readFileSync(p, "utf8"));
  } catch {
    return null; // absent or torn: regenerate
  }
};

/**
 * The real-data tree `<corpusDir>/real`: reused when its manifest names these samples and copies
 * and the file count agrees, else (or with `fresh`) regenerated. Without the samples, `error`
 * says so and `files` is empty (the rows that need it print n/a).
 */
export function ensureRealTree({ repo, corpusDir, samples, copies, fresh, log }) {
  const dir = path.join(corpusDir, "real");
  if (!fs.existsSync(samples)) {
    log(`no samples at ${samples} (../shared is absent; set RECCTL_SAMPLES): the real-data rows are skipped`);
    return { dir, files: [], manifest: null, error: `n/a (no samples at ${samples})` };
  }
  const manifestPath = path.join(repo, dir, "corpus-manifest.json");
  let manifest = readJson(manifestPath);
  let files = manifest ? listRecordings(repo, dir) : [];
  const matches = manifest && manifest.source === path.resolve(samples) && manifest.copies === copies && manifest.files === files.length;
  if (fresh || !matches) {
    log(`generating ${dir} from ${samples} …`);
    const r = spawnSync(process.execPath, ["scripts/gen-real-tree.mjs", samples, dir, "--copies", String(copies), "--force"], { cwd: repo, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) return { dir, files: [], manifest: null, error: `gen-real-tree failed (exit ${r.status})` };
    manifest = readJson(manifestPath);
    files = listRecordings(repo, dir);
  } else {
    log(`reusing ${dir} (${files.length} recordings; --fresh regenerates)`);
  }
  return { dir, files, manifest, error: null };
}
