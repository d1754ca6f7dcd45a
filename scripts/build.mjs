// The shipped build: src/ bundled by esbuild into dist/ as ES modules, one chunk per command
// (the commands are imported when they run, so `recctl validate one.json` loads no code of diff,
// explain, changes, sql.js or the legacy index). `tsc` stays the type checker (npm run build runs
// it first, with --noEmit); the tests run against this bundle through bin/recctl.js.
//
// Every output file sits directly in dist/, entry points and shared chunks alike, so a URL taken
// relative to `import.meta.url` means the same thing in whichever file esbuild puts the code.
// The sources take such URLs as `tsc` lays the modules out (dist/core/validate.js next to
// dist/core/worker.js, dist/schema-validator.js, ../../schemas/…); the `import-meta-url` plugin
// below rewrites each one at build time to the bundle's file, and fails the build on any use of
// `import.meta.url` it does not understand, so a new task module or asset cannot silently break
// in the bundle:
//   new URL(import.meta.url)          a task module naming itself for runParallel's workers:
//                                      the module must be an entry point (every module that
//                                      exports `prepareTask` is one), named `core-<path>.js`
//   new URL("<rel>", import.meta.url) a module (must be an entry point), a folder (dist/), or a
//                                      file outside dist (package.json, schemas/)
//   createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm.wasm")
//                                      sql.js's wasm, copied into dist/
//   new URL(<variable>, import.meta.url) in a module at the top of src/ (version.ts: the
//                                      package.json one level up), where tsc's layout and the
//                                      bundle's agree
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SRC = join(ROOT, "src");
// `node scripts/build.mjs OUT` bundles into another folder one level below the root (default
// dist/, what bin/recctl.js loads).
const OUT = join(ROOT, process.argv[2] ?? "dist");
const GEN = join(ROOT, ".build");

/** Every .ts file under src/, as a path relative to src/ with forward slashes. */
function sources(dir = SRC) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") ? [relative(SRC, p).split("\\").join("/")] : [];
  });
}

/** The entry name of a module, by its tsc output path ("core/cache/task.js" → "core-cache-task"). */
const entryName = (jsPath) => jsPath.replace(/\.js$/, "").replaceAll("/", "-");

// Entry points: the CLI, the worker thread's entry, every task module a worker imports, and the
// precompiled schema modules (imported by URL; ajv's runtime helpers are bundled into them).
const tasks = sources().filter((f) => /export async function prepareTask\b/.test(readFileSync(join(SRC, f), "utf8")));
const entries = new Map(); // tsc output path (relative to dist) → entry name
entries.set("cli.js", "cli");
entries.set("core/worker.js", entryName("core/worker.js"));
for (const t of tasks) entries.set(t.replace(/\.ts$/, ".js"), entryName(t.replace(/\.ts$/, ".js")));
entries.set("schema-validator.js", "schema-validator");
entries.set("config-validator.js", "config-validator");

const ASSETS = new Map([["sql.js/dist/sql-wasm.wasm", "sql-wasm.wasm"]]);

/** The rewrite of one source file's `import.meta.url` uses (see the top of this file). */
function rewrite(file, text) {
  const rel = relative(SRC, file).split("\\").join("/");
  const jsPath = rel.replace(/\.ts$/, ".js");
  const problems = [];
  let needsFileUrl = false;
  const USES = /new URL\(import\.meta\.url\)|new URL\("([^"]+)", import\.meta\.url\)|createRequire\(import\.meta\.url\)\.resolve\("([^"]+)"\)|import\.meta\.url/g;
  const out = text.replace(USES, (use, target, id) => {
    if (use === "new URL(import.meta.url)") {
      const name = entries.get(jsPath);
      if (name === undefined) problems.push(`new URL(import.meta.url) in a module that is not an entry point (does it export prepareTask?)`);
      return `new URL("./${name}.js", import.meta.url)`;
    }
    if (target !== undefined) {
      const resolved = posix.normalize(posix.join(posix.dirname(jsPath), target));
      if (target.endsWith("/")) {
        if (resolved.startsWith("..")) problems.push(`new URL("${target}") leaves dist/`);
        return `new URL("./", import.meta.url)`; // every module of the bundle is in dist/ itself
      }
      if (resolved.startsWith("../")) return `new URL("${resolved}", import.meta.url)`; // dist/x.js is one level below the package root
      const name = entries.get(resolved);
      if (name === undefined) problems.push(`new URL("${target}") names ${resolved}, which is not an entry point of the bundle`);
      return `new URL("./${name}.js", import.meta.url)`;
    }
    if (id !== undefined) {
      const asset = ASSETS.get(id);
      if (asset === undefined) problems.push(`createRequire(import.meta.url).resolve("${id}"): not an asset the build copies`);
      needsFileUrl = true;
      return `__recctlFileURLToPath(new URL("./${asset}", import.meta.url))`;
    }
    // A bare use: only at the top of src/, where dist/x.js and the tsc build's dist/x.js agree.
    if (rel.includes("/")) problems.push(`import.meta.url used in a way the bundle build does not know`);
    return use;
  });
  if (problems.length > 0) throw new Error(problems.map((p) => `src/${rel}: ${p}`).join("\n"));
  return needsFileUrl ? `import { fileURLToPath as __recctlFileURLToPath } from "node:url";\n${out}` : out;
}

const importMetaUrl = {
  name: "import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      if (!args.path.startsWith(SRC)) return undefined;
      return { contents: rewrite(args.path, readFileSync(args.path, "utf8")), loader: "ts" };
    });
  },
};

// `await import("ajv")` for a `--schema F` of the user's: with splitting, esbuild gives a dynamic
// import of a CommonJS package only its `default`, where node gives the named exports too. This
// ES module in between names the one export the sources take (`Ajv`).
const ajvNamed = {
  name: "ajv-named",
  setup(b) {
    b.onResolve({ filter: /^ajv$/ }, (args) => (args.importer.startsWith(SRC) ? { path: "ajv", namespace: "ajv-named" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "ajv-named" }, () => ({ contents: 'import * as ajv from "ajv";\nexport const Ajv = ajv.Ajv;\n', resolveDir: ROOT, loader: "js" }));
  },
};

// The precompiled schema modules (scripts/build-schema.mjs), generated outside dist/ and bundled.
/**
 * commander requires child_process at load for one thing, running `git-style` executable
 * subcommands, which recctl has none of. Loading it (and net, dgram and the streams it pulls in)
 * costs ~7 ms of every start, `--version` included; commander gets a stand-in that loads the real
 * module on first use instead.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'const real = () => require("node:child_process");\nmodule.exports = new Proxy({}, { get: (_, key) => real()[key] });\n',
      loader: "js",
    }));
  },
};

rmSync(GEN, { recursive: true, force: true });
mkdirSync(GEN, { recursive: true });
const schema = spawnSync(process.execPath, [join(ROOT, "scripts", "build-schema.mjs"), relative(ROOT, GEN)], { stdio: "inherit" });
if (schema.status !== 0) process.exit(schema.status ?? 1);

const entryPoints = {};
for (const [jsPath, name] of entries) {
  entryPoints[name] = jsPath.includes("-validator.js") ? join(GEN, jsPath) : join(SRC, jsPath.replace(/\.js$/, ".ts"));
}

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints,
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // ES module builds where a package has one (jsonc-parser: its UMD build requires files by computed names).
  mainFields: ["module", "main"],
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  // Bundled CommonJS packages (fast-glob, sql.js, ajv's runtime) require node's own modules.
  banner: { js: 'import { createRequire as __recctlCreateRequire } from "node:module";\nconst require = __recctlCreateRequire(import.meta.url);' },
  legalComments: "none",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  // sql.js's node branch reads __dirname (unused: recctl gives it locateFile); ES modules have none.
  define: { __dirname: "import.meta.dirname", __filename: "import.meta.filename" },
  plugins: [importMetaUrl, ajvNamed, lazyChildProcess],
  metafile: true,
});

const require = createRequire(import.meta.url);
for (const [id, name] of ASSETS) copyFileSync(require.resolve(id), join(OUT, name));
rmSync(GEN, { recursive: true, force: true });
// RECCTL_METAFILE=meta.json: esbuild's account of which input went into which output file.
if (process.env.RECCTL_METAFILE !== undefined) writeFileSync(process.env.RECCTL_METAFILE, JSON.stringify(result.metafile));

// The bundled packages' licences travel with their code (they used to, in node_modules/).
const packages = new Set(Object.keys(result.metafile.inputs).flatMap((input) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));
const notices = [...packages].sort().map((name) => {
  const dir = join(ROOT, "node_modules", name);
  const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
  const text = file === undefined ? `(no licence file; package.json says ${license})` : readFileSync(join(dir, file), "utf8").trim();
  return `${name} ${version} (${license})\n\n${text}\n`;
});
writeFileSync(join(OUT, "THIRD-PARTY-LICENSES.txt"), `recctl's bundle (dist/) contains code of these packages.\n\n${notices.join(`\n${"-".repeat(72)}\n\n`)}`);
