/**
 * `validate`'s stale-type rule and `migrate-types`, both through the built bin, on a
 * temporary git copy of test/fixtures/stale-type/repo (a package under src/, a module renamed
 * after its recordings were made, a re-export through a package `__init__.py`, a
 * TYPE_CHECKING-only import, a third-party type). Where python3 is present, CPython itself says
 * which `__type__` values import (the recorder's `__import__` + `getattr`, with a stub pydantic)
 * and computes the recorder's request hashes; nothing here runs the repository's code from recctl.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { FIXTURES, git, recctl, tempDir, type ValidateDoc, type ValidateFinding } from "./run.js";

const RECORDINGS = "tests/integration/x/recordings";
const NO_VENV = { VIRTUAL_ENV: "" };
const RENAMED = "ff461a57682dc863adaa2114a5189385167212fd359cb33ecc195724c283e101.json";
const TYPE_CHECKING_ONLY = "f37b1035613f1bd5ff89a07c9d646665668ee43a9c09506011b8baadfa40f8fd.json";


/** A git repository holding a copy of the fixture repository (its own top level: no .git above counts). */
function repoCopy(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir(t, "recctl-staletype-");
  cpSync(join(FIXTURES, "stale-type", "repo"), dir, { recursive: true });
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "fixture");
  return dir;
}

const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;

function python(script: string, cwd: string): string {
  const r = spawnSync("python3", ["-c", script], { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

type Warning = ValidateFinding;
type Report = ValidateDoc;

function staleWarnings(report: Report): Record<string, Warning[]> {
  const out: Record<string, Warning[]> = {};
  for (const f of report.files) {
    const w = f.warnings.filter((x) => x.rule === "stale-type");
    if (w.length > 0) out[f.file.split("/").pop() as string] = w;
  }
  return out;
}

test("validate warns (stale-type) on a renamed module and a TYPE_CHECKING-only import, once per type, with the nearest class", (t) => {
  const dir = repoCopy(t);
  const r = recctl(["validate", "--json", "--no-cache"], { cwd: dir, env: NO_VENV });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.summary.files, 7);
  assert.equal(report.summary.invalid, 0);
  assert.deepEqual(staleWarnings(report), {
    [RENAMED]: [
      {
        pointer: "/response/body/0/__type__",
        line: 18,
        column: 21,
        message:
          "mypkg.old_responses.Reply does not import on replay (the recorder falls back to a plain dict): no module mypkg.old_responses in the repository; nearest existing class: mypkg.responses.Reply (and 2 more chunks in this file)",
        rule: "stale-type",
      },
    ],
    [TYPE_CHECKING_ONLY]: [
      {
        pointer: "/response/body/__type__",
        line: 13,
        column: 19,
        message:
          "mypkg.api.Secret does not import on replay (the recorder falls back to a plain dict): mypkg.api imports Secret only under `if TYPE_CHECKING:`, so it does not exist at run time; nearest existing class: mypkg.internal.Secret",
        rule: "stale-type",
      },
    ],
  });
  assert.equal(report.summary.warnings, 2);
  // The third-party type is skipped, said once on stderr.
  assert.equal(r.stderr.match(/no virtualenv found/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /^recctl: stale-type: no virtualenv found \(\$VIRTUAL_ENV, \.venv, venv\): third-party __type__ modules \(openai\.types…\) were not checked$/m);
  // Text: file:line:col, pointer, rule; --strict fails; --ignore stale-type checks nothing (and says nothing).
  const text = recctl(["validate", "--no-cache"], { cwd: dir, env: NO_VENV });
  assert.match(text.stdout, new RegExp(`${RENAMED}:18:21: warning /response/body/0/__type__ mypkg\\.old_responses\\.Reply does not import on replay .* \\(stale-type\\)`));
  assert.equal(recctl(["validate", "--strict", "--no-cache"], { cwd: dir, env: NO_VENV }).code, 1);
  const ignored = recctl(["validate", "--strict", "--no-cache", "--ignore", "stale-type"], { cwd: dir, env: NO_VENV });
  assert.equal(ignored.code, 0, ignored.stdout);
  assert.doesNotMatch(ignored.stderr, /virtualenv/);
});

test("the stale verdicts agree with CPython's import of each __type__ (the recorder's __import__ + getattr)", { skip: hasPython ? false : "python3 not found" }, (t) => {
  const dir = repoCopy(t);
  // A stub pydantic: the fixture's models need only BaseModel; nothing else is imported.
  writeFileSync(join(dir, "pydantic.py"), "class BaseModel:\n    @classmethod\n    def model_validate(cls, data):\n        return cls()\n");
  const failing = JSON.parse(
    python(
      `import glob, json, os, sys
sys.path[:0] = [os.getcwd(), os.path.join(os.getcwd(), "src")]
out = []
for f in sorted(glob.glob("${RECORDINGS}/*.json")):
    body = json.load(open(f))["response"]["body"]
    t = (body[0] if isinstance(body, list) else body)["__type__"]
    if not t.startswith("mypkg."):
        continue  # third party: not installed here
    try:
        module_path, class_name = t.rsplit(".", 1)
        getattr(__import__(module_path, fromlist=[class_name]), class_name).model_validate
    except (ImportError, AttributeError):
        out.append(os.path.basename(f))
print(json.dumps(out))`,
      dir,
    ),
  ) as string[];
  const report = JSON.parse(recctl(["validate", "--json", "--no-cache"], { cwd: dir, env: NO_VENV }).stdout) as Report;
  assert.deepEqual(Object.keys(staleWarnings(report)).sort(), failing.sort());
  assert.deepEqual(failing.sort(), [RENAMED, TYPE_CHECKING_ONLY].sort());
});

test("the result cache is salted with the Python sources: renaming the module back clears the warning", (t) => {
  const dir = repoCopy(t);
  const env = { ...NO_VENV, RECCTL_CACHE_DIR: join(dir, ".cache"), RECCTL_CACHE_STATS: "1" };
  const first = recctl(["validate", "--json"], { cwd: dir, env });
  assert.equal((JSON.parse(first.stdout) as Report).summary.warnings, 2);
  const warm = recctl(["validate", "--json"], { cwd: dir, env });
  assert.match(warm.stderr, /cache \S+: 7 hits/);
  renameSync(join(dir, "src/mypkg/responses.py"), join(dir, "src/mypkg/old_responses.py"));
  const after = recctl(["validate", "--json"], { cwd: dir, env });
  assert.match(after.stderr, /cache \S+: 0 hits/);
  assert.deepEqual(Object.keys(staleWarnings(JSON.parse(after.stdout) as Report)), [TYPE_CHECKING_ONLY]);
});

test("a virtualenv (.venv) makes third-party types checked, and the notice goes away", (t) => {
  const dir = repoCopy(t);
  const site = join(dir, ".venv", "lib", "python3.12", "site-packages");
  for (const [file, text] of [
    ["openai/__init__.py", ""],
    ["openai/types/__init__.py", ""],
    ["openai/types/chat/__init__.py", "from .chat_completion_v2 import ChatCompletion as ChatCompletion\n"],
    ["openai/types/chat/chat_completion_v2.py", "class ChatCompletion:\n    pass\n"],
  ] as const) {
    mkdirSync(dirname(join(site, file)), { recursive: true });
    writeFileSync(join(site, file), text);
  }
  const r = recctl(["validate", "--json", "--no-cache"], { cwd: dir, env: NO_VENV });
  assert.doesNotMatch(r.stderr, /virtualenv/);
  const stale = staleWarnings(JSON.parse(r.stdout) as Report);
  const third = Object.values(stale).flat().find((w) => w.message.startsWith("openai."));
  assert.match(third?.message ?? "", /^openai\.types\.chat\.chat_completion\.ChatCompletion does not import on replay .*: no module openai\.types\.chat\.chat_completion in the virtualenv .*; nearest existing class: openai\.types\.chat\.chat_completion_v2\.ChatCompletion$/);
});

test("[tool.recctl.stale-type] venv names a virtualenv elsewhere, packages limits the own packages", (t) => {
  const dir = repoCopy(t);
  const site = join(dir, "envs", "py", "lib", "python3.12", "site-packages");
  for (const [file, text] of [
    ["openai/__init__.py", ""],
    ["openai/types/__init__.py", ""],
    ["openai/types/chat/__init__.py", ""],
  ] as const) {
    mkdirSync(dirname(join(site, file)), { recursive: true });
    writeFileSync(join(site, file), text);
  }
  writeFileSync(join(dir, "recctl.toml"), '[stale-type]\nvenv = "envs/py"\npackages = ["nopkg"]\n');
  const r = recctl(["validate", "--json", "--no-cache"], { cwd: dir, env: NO_VENV });
  assert.doesNotMatch(r.stderr, /virtualenv/);
  const stale = Object.values(staleWarnings(JSON.parse(r.stdout) as Report)).flat();
  // Third-party types are checked in envs/py; mypkg is not one of the listed own packages, so its
  // types are judged as a third party's: against the virtualenv, where it is not installed.
  assert.ok(stale.some((w) => w.message.startsWith("openai.") && / in the virtualenv .*envs\/py;/.test(w.message)), JSON.stringify(stale));
  const own = stale.filter((w) => w.message.startsWith("mypkg."));
  assert.ok(own.length > 0 && own.every((w) => / no module mypkg[\w.]* in the virtualenv /.test(w.message)), JSON.stringify(own));
});

test("migrate-types rewrites only __type__ lines (git diff shows nothing else) and every file keeps its hash", async (t) => {
  const dir = repoCopy(t);
  const before = readFileSync(join(dir, RECORDINGS, RENAMED), "utf8");
  assert.match(before, /"prompt": "Which class is mypkg\.old_responses\.Reply\?"/);
  // Dry run: says what would change, writes nothing.
  const dry = recctl(["migrate-types", "--json", "mypkg.old_responses=mypkg.responses"], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout), {
    summary: { files: 7, changed: 1, types: 3, written: 0, errors: 0 },
    prefixes: [{ from: "mypkg.old_responses", to: "mypkg.responses", count: 3 }],
    files: [{ file: join(RECORDINGS, RENAMED), count: 3, written: false }],
    errors: [],
    interrupted: null,
  });
  assert.equal(git(dir, "status", "--porcelain"), "");
  // --write, over the whole package: every mypkg type moves to newpkg.
  const run = recctl(["migrate-types", "mypkg=newpkg", "--write"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /✔ rewrote 8 __type__ values in 6 of 7 files; every request hash unchanged/);
  assert.match(run.stdout, /mypkg\.old_responses → newpkg\.old_responses: 3/);
  const diff = git(dir, "diff", "-U0");
  const changed = diff.split("\n").filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
  assert.equal(changed.length, 16, diff);
  for (const line of changed) assert.match(line, /^[+-]\s+"__type__": "(mypkg|newpkg)\.[\w.]+",$/, line);
  // The request that mentions the old module is untouched.
  assert.match(readFileSync(join(dir, RECORDINGS, RENAMED), "utf8"), /"prompt": "Which class is mypkg\.old_responses\.Reply\?"/);
  if (hasPython) {
    // The recorder's hashes (normalize_tool_request / normalize_inference_request), by CPython.
    const mismatched = python(
      `import glob, hashlib, json, os
from urllib.parse import urlparse
for f in sorted(glob.glob("${RECORDINGS}/*.json")):
    d = json.load(open(f)); r = d["request"]
    if "tool_name" in r:
        n = {"provider": r["provider"], "tool_name": r["tool_name"], "kwargs": r["kwargs"]}
    else:
        n = {"method": r["method"].upper(), "endpoint": urlparse(r["url"]).path, "body": r["body"], "test_id": d["test_id"]}
    h = hashlib.sha256(json.dumps(n, sort_keys=True).encode()).hexdigest()
    if h + ".json" != os.path.basename(f):
        print(f)`,
      dir,
    );
    assert.equal(mismatched, "");
  }
  assert.deepEqual(
    readdirSync(join(dir, RECORDINGS)).sort(),
    readdirSync(join(FIXTURES, "stale-type", "repo", RECORDINGS)).sort(),
  );
});
