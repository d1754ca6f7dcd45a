#!/usr/bin/env node
/**
 * bench-floor.mjs — the least work any exact `validate` must do, on every core: read each file,
 * JSON.parse it and, with --stringify, JSON.stringify it back (indent 2) and compare with its
 * text (the formatting proof). No schema, no hash, no reporting: a floor for `npm run bench`.
 *
 *   node scripts/bench-floor.mjs [--stringify] <dir>
 *
 * Files are `**\/recordings/**\/*.json` under <dir> (fast-glob, as recctl finds them), shared
 * among one worker thread per core by a shared counter, as recctl does. Prints the file count.
 */
import fs from "node:fs";
import os from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

if (isMainThread) {
  const args = process.argv.slice(2);
  const stringify = args.includes("--stringify");
  const dir = args.find((a) => !a.startsWith("--"));
  if (dir === undefined) {
    process.stderr.write("usage: node scripts/bench-floor.mjs [--stringify] <dir>\n");
    process.exit(2);
  }
  const { default: fg } = await import("fast-glob");
  const files = await fg("**/recordings/**/*.json", { cwd: dir, absolute: true, ignore: ["**/node_modules/**", "**/.git/**"] });
  const counter = new SharedArrayBuffer(4);
  const threads = os.availableParallelism();
  const counts = await Promise.all(
    Array.from({ length: threads }, () => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { files, counter, stringify } });
      w.once("message", resolve);
      w.once("error", reject);
    })),
  );
  process.stdout.write(`${counts.reduce((a, b) => a + b, 0)} files on ${threads} threads${stringify ? " (parse + stringify + compare)" : " (parse)"}\n`);
} else {
  const { files, counter, stringify } = workerData;
  const next = new Int32Array(counter);
  let done = 0;
  let formatted = 0;
  for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
    const text = fs.readFileSync(files[i], "utf8");
    const value = JSON.parse(text);
    if (stringify && `${JSON.stringify(value, null, 2)}\n` === text) formatted++;
    done++;
  }
  parentPort.postMessage(done + formatted * 0);
}
