#!/usr/bin/env node
/**
 * bench-start.mjs — start-up before and after the bundle: `recctl --version` and `validate` of
 * one file, run by the plain tsc build (dist-test/src, `npm run build:test`) and by the shipped
 * bundle (dist/, through bin/recctl.js), against `node -e 0`. Whole processes, interleaved
 * (each round runs every command once, in turn), medians.
 *
 *   node scripts/bench-start.mjs [--runs 20] [file.json]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt === -1 ? 20 : Number(args[runsAt + 1]);
const file = args.find((a, i) => !a.startsWith("--") && i !== runsAt + 1) ?? join(REPO, "test", "fixtures", "valid", "current-openai-chat-stream.json");

const TSC_CLI = join(REPO, "dist-test", "src", "cli.js");
if (!existsSync(TSC_CLI) || !existsSync(join(REPO, "dist", "cli.js"))) {
  process.stderr.write("bench-start: run `npm run build && npm run build:test` first\n");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "recctl-bench-start-"));
const tscBin = join(dir, "recctl-tsc.js");
writeFileSync(tscBin, `import { run } from ${JSON.stringify(pathToFileURL(TSC_CLI).href)};\nawait run(process.argv);\n`);
const bundleBin = join(REPO, "bin", "recctl.js");

const COMMANDS = [
  ["node -e 0", ["-e", "0"]],
  ["tsc build: --version", [tscBin, "--version"]],
  ["bundle: --version", [bundleBin, "--version"]],
  ["tsc build: validate one file", [tscBin, "validate", "--no-cache", file]],
  ["bundle: validate one file", [bundleBin, "validate", "--no-cache", file]],
];

function once(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}`);
  return ms;
}

const times = COMMANDS.map(() => []);
for (const [, argv] of COMMANDS) once(argv); // warm the file cache
for (let i = 0; i < RUNS; i++) COMMANDS.forEach(([, argv], j) => times[j].push(once(argv)));
rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const floor = median(times[0]);
process.stdout.write(`| command | median | × node -e 0 |\n| --- | --- | --- |\n`);
COMMANDS.forEach(([name], j) => {
  const m = median(times[j]);
  process.stdout.write(`| ${name} | ${m.toFixed(0)} ms | ${(m / floor).toFixed(2)}× |\n`);
});
process.stdout.write(`\n${RUNS} interleaved rounds, node ${process.version}, ${file.startsWith(REPO) ? file.slice(REPO.length) : file}\n`);
