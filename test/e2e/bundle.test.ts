/**
 * The shipped build is esbuild's bundle (scripts/build.mjs, dist/); the plain `tsc` build of the
 * same sources is the test build's dist-test/src. Both must print the same bytes, exit the same,
 * on the fixtures: the bundle changes how the code is loaded, never what it does.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { BIN, FIXTURES, REPO, tempDir } from "./run.js";

const TSC_CLI = join(REPO, "dist-test", "src", "cli.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWith(launcher: string, args: readonly string[], cwd: string, cacheDir: string): Run {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", RECCTL_CACHE_DIR: cacheDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A static `import … from "x"`, `import "x"` or `export … from "x"` in esbuild's (minified) output. */
const IMPORTS = /\b(?:import|export)\s*(?:[\w*$,{}\s]*?\bfrom\s*)?"([^"]+)"/g;

const CHANGED = "ae7918bcbd92b3c41e01718829c34edea74327863184b55d1b20eb0313043916.json";

const CASES: { cwd: string; args: string[] }[] = [
  // Over 48 files: validate spreads them over worker threads (the task modules load by URL).
  { cwd: FIXTURES, args: ["validate", "--json", "--no-cache", "."] },
  { cwd: FIXTURES, args: ["validate", "--no-cache", "."] },
  { cwd: join(FIXTURES, "valid"), args: ["validate", "--strict", "*.json"] },
  { cwd: join(FIXTURES, "invalid"), args: ["validate", "--format", "github", "."] },
  // The cached path (its own task module in the workers), cold then warm.
  { cwd: FIXTURES, args: ["validate", "--json", "."] },
  { cwd: FIXTURES, args: ["validate", "--json", "."] },
  { cwd: join(FIXTURES, "samples"), args: ["list"] },
  { cwd: join(FIXTURES, "samples"), args: ["list", "--json", "--group-by", "model"] },
  { cwd: FIXTURES, args: ["list", "--json", "."] },
  { cwd: join(FIXTURES, "valid"), args: ["show", "tool-invocation.json"] },
  { cwd: join(FIXTURES, "valid"), args: ["show", "--json", "current-openai-chat-stream.json"] },
  { cwd: join(FIXTURES, "valid"), args: ["hash", "--json", "."] },
  { cwd: join(FIXTURES, "valid"), args: ["hash", "--explain", "tool-invocation.json"] },
  { cwd: join(FIXTURES, "reassemble"), args: ["reassemble", "openai-chat-stream-tool-calls.json"] },
  { cwd: join(FIXTURES, "diff", "changed-word"), args: ["diff", `before/recordings/${CHANGED}`, `after/recordings/${CHANGED}`] },
  { cwd: join(FIXTURES, "normalize"), args: ["normalize", "--check", "."] },
  // A schema of the user's: ajv itself, imported when needed.
  { cwd: join(FIXTURES, "valid"), args: ["validate", "--schema", join(REPO, "schemas", "recording.schema.json"), "*.json"] },
  // The legacy index: sql.js and its wasm file.
  { cwd: join(FIXTURES, "legacy-index"), args: ["prune"] },
  { cwd: join(FIXTURES, "legacy-index"), args: ["prune", "--json"] },
  { cwd: join(FIXTURES, "rehash"), args: ["rehash", "--json", "."] },
  { cwd: FIXTURES, args: ["config", "validate"] },
  { cwd: FIXTURES, args: ["completion", "bash"] },
  { cwd: FIXTURES, args: ["--help"] },
  { cwd: FIXTURES, args: ["validate", "--help"] },
  { cwd: FIXTURES, args: ["--version"] },
  { cwd: FIXTURES, args: ["frobnicate"] },
];

test("the bundled build prints byte for byte what the plain tsc build prints, on the fixtures", (t) => {
  assert.ok(existsSync(TSC_CLI), "dist-test/src/cli.js is missing: run `npm run build:test`");
  const dir = tempDir(t, "recctl-bundle-");
  // The tsc build's own launcher (bin/recctl.js imports dist/, the bundle).
  const tscBin = join(dir, "recctl-tsc.js");
  writeFileSync(tscBin, `import { run } from ${JSON.stringify(pathToFileURL(TSC_CLI).href)};\nawait run(process.argv);\n`);
  // Each build its own result cache (the code digest differs, so they would evict each other).
  const caches = { bundle: join(dir, "cache-bundle"), tsc: join(dir, "cache-tsc") };
  for (const { cwd, args } of CASES) {
    const bundled = runWith(BIN, args, cwd, caches.bundle);
    const plain = runWith(tscBin, args, cwd, caches.tsc);
    const what = `recctl ${args.join(" ")} (in ${cwd})`;
    assert.equal(bundled.code, plain.code, `${what}: exit code\n${bundled.stderr}`);
    assert.equal(bundled.stdout, plain.stdout, `${what}: stdout`);
    assert.equal(bundled.stderr, plain.stderr, `${what}: stderr`);
    assert.ok(bundled.stdout.length + bundled.stderr.length > 0, `${what}: printed nothing`);
  }
});

test("the bundle is what bin/recctl.js runs, and carries its own assets", () => {
  const dist = join(REPO, "dist");
  const files = readdirSync(dist);
  for (const name of ["cli.js", "core-worker.js", "core-validate.js", "core-cache-task.js", "schema-validator.js", "config-validator.js", "sql-wasm.wasm"]) {
    assert.ok(files.includes(name), `dist/${name} is missing`);
  }
  // No module of the bundle imports a package: everything but node's own modules is inside.
  for (const name of files.filter((f) => f.endsWith(".js"))) {
    const text = readFileSync(join(dist, name), "utf8");
    const bare = [...text.matchAll(IMPORTS), ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)]
      .map((m) => m[1] ?? "")
      .filter((spec) => !spec.startsWith("./") && !spec.startsWith("node:"));
    assert.deepEqual(bare, [], `dist/${name} imports ${bare.join(", ")}`);
  }
  assert.match(readFileSync(BIN, "utf8"), /enableCompileCache\?\.\(\)[\s\S]*dist\/cli\.js/);
});

test("validate on one file loads the validate chunks only: no code of diff, explain, changes, sql.js or the legacy index", () => {
  // Said by the chunk graph: the modules cli.js and the validate command's chunk import statically.
  const dist = join(REPO, "dist");
  const reach = (start: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(start)) return seen;
    seen.add(start);
    const text = readFileSync(join(dist, start), "utf8");
    for (const m of text.matchAll(IMPORTS)) if (m[1]?.startsWith("./") === true) reach(m[1].slice(2), seen);
    return seen;
  };
  const statically = reach("cli.js");
  const cliText = readFileSync(join(dist, "cli.js"), "utf8");
  const validateChunk = /import\("\.\/(validate-[A-Z0-9]+\.js)"\)/.exec(cliText)?.[1];
  assert.ok(validateChunk !== undefined, "cli.js imports a validate chunk when validate runs");
  const forValidate = reach(validateChunk, new Set(statically));
  assert.ok(forValidate.size > statically.size && statically.size > 3, `the import scan found ${statically.size} and ${forValidate.size} files`);
  const names = [...forValidate].join(" ");
  for (const other of ["diff-", "explain-", "changes-", "legacy-index-", "list-", "normalize-", "rehash-"]) assert.doesNotMatch(names, new RegExp(`(^| )${other}`), `validate's start loads ${other}*`);
  const text = [...forValidate].map((f) => readFileSync(join(dist, f), "utf8")).join("\n");
  assert.doesNotMatch(text, /initSqlJs|sql-wasm/, "validate's start loads sql.js");
});
