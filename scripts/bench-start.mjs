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

// Python's os.wait4 gives each child's CPU time (user + system) to the microsecond; wall time
// is what the machine's load changes most, CPU time much less. Without python3: wall time only.
const TIMER = `
import json, os, subprocess, sys, time
job = json.load(sys.stdin)
def once(argv):
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, NO_COLOR="1"))
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if status != 0: sys.exit("%s exited %d" % (" ".join(argv), status))
    return [wall, (ru.ru_utime + ru.ru_stime) * 1000]
for argv in job["commands"]: once(argv)
rounds = [[once(argv) for argv in job["commands"]] for _ in range(job["runs"])]
json.dump(rounds, sys.stdout)
`;

function measure() {
  const commands = COMMANDS.map(([, argv]) => [process.execPath, ...argv]);
  const py = spawnSync("python3", ["-c", TIMER], { input: JSON.stringify({ commands, runs: RUNS }), encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (py.status === 0) return JSON.parse(py.stdout);
  if (py.error === undefined) throw new Error(py.stderr);
  const once = (argv) => {
    const start = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
    if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}`);
    return [Number(process.hrtime.bigint() - start) / 1e6, NaN];
  };
  for (const argv of commands) once(argv); // warm the file cache
  return Array.from({ length: RUNS }, () => commands.map(once));
}

const rounds = measure();
const times = COMMANDS.map((_, j) => rounds.map((r) => r[j][0]));
const cpu = COMMANDS.map((_, j) => rounds.map((r) => r[j][1]));
rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const floor = median(times[0]);
const cpuFloor = median(cpu[0]);
process.stdout.write(`| command | wall, median | × node -e 0 | CPU (user+sys), median | × node -e 0 |\n| --- | --- | --- | --- | --- |\n`);
COMMANDS.forEach(([name], j) => {
  const m = median(times[j]);
  const c = median(cpu[j]);
  process.stdout.write(`| ${name} | ${m.toFixed(0)} ms | ${(m / floor).toFixed(2)}× | ${c.toFixed(0)} ms | ${(c / cpuFloor).toFixed(2)}× |\n`);
});
process.stdout.write(`\n${RUNS} interleaved rounds, node ${process.version}, ${file.startsWith(REPO) ? file.slice(REPO.length) : file}\n`);
