/**
 * The package as a user gets it: `npm pack` of this checkout (its built dist/), installed with
 * `npm install --offline` into an empty folder — nothing to fetch, since everything recctl runs
 * is in the bundle — and run as `npx recctl`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, REPO, tempDir } from "./run.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function npm(command: "npm" | "npx", args: readonly string[], cwd: string): Run {
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error === undefined ? "" : String(r.error)}` };
}

function ok(r: Run, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("npm pack gives a tarball that installs offline into an empty folder and runs as npx recctl", { timeout: 300_000 }, (t) => {
  if (npm("npm", ["--version"], REPO).code !== 0) return void t.skip("npm not on PATH");
  const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string; dependencies?: Record<string, string> };
  const dir = tempDir(t, "recctl-pack-");
  const [packed] = JSON.parse(ok(npm("npm", ["pack", "--json", "--pack-destination", dir], REPO), "npm pack")) as { filename: string; files: { path: string }[] }[];
  assert.ok(packed !== undefined);
  assert.equal(packed.filename, `recctl-${manifest.version}.tgz`);
  const files = packed.files.map((f) => f.path);
  for (const f of ["bin/recctl.js", "dist/cli.js", "dist/core-worker.js", "dist/sql-wasm.wasm", "schemas/recording.schema.json", "schemas/config.schema.json"]) assert.ok(files.includes(f), `the tarball lacks ${f}`);
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/")), "the tarball ships sources or tests");
  // Everything is bundled: the package declares nothing to install beside it.
  assert.deepEqual(manifest.dependencies ?? {}, {});

  const app = join(dir, "app");
  mkdirSync(app);
  ok(npm("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, packed.filename)], app), "npm install --offline");
  assert.deepEqual(readdirSync(join(app, "node_modules")).filter((n) => !n.startsWith(".")), ["recctl"]);
  assert.ok(existsSync(join(app, "node_modules", ".bin", "recctl")));

  const npx = (args: readonly string[]): Run => npm("npx", ["--offline", "--no-install", "recctl", ...args], app);
  assert.equal(ok(npx(["--version"]), "npx recctl --version").trim(), manifest.version);

  // A recording in a tree of the app's own.
  const recordings = join(app, "tests", "integration", "x", "recordings");
  mkdirSync(recordings, { recursive: true });
  copyFileSync(join(FIXTURES, "valid", "tool-invocation.json"), join(recordings, "tool-invocation.json"));
  copyFileSync(join(FIXTURES, "invalid", "is-streaming-string.json"), join(recordings, "is-streaming-string.json"));
  const valid = npx(["validate", "--json", "--no-cache", "tests/integration/x/recordings/tool-invocation.json"]);
  assert.equal(valid.code, 0, valid.stderr);
  assert.deepEqual((JSON.parse(valid.stdout) as { summary: { invalid: number } }).summary.invalid, 0);
  const invalid = npx(["validate", "--no-cache", "tests/integration/x/recordings"]);
  assert.equal(invalid.code, 1, invalid.stderr);
  assert.match(invalid.stdout, /\/response\/is_streaming must be boolean/);

  const recording = JSON.parse(readFileSync(join(FIXTURES, "valid", "tool-invocation.json"), "utf8")) as { test_id?: string };
  const shown = npx(["show", "--json", "tests/integration/x/recordings/tool-invocation.json"]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal((JSON.parse(shown.stdout) as { recording: { test_id: unknown } }).recording.test_id, recording.test_id);

  const completion = ok(npx(["completion", "bash"]), "npx recctl completion bash");
  assert.match(completion, /complete -F _recctl recctl/);
});
