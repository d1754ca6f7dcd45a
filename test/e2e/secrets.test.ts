/**
 * The `secret` and `infra-id` rules, the `[tool.recctl.secrets]` allow-list and `redact`, through
 * the built bin, on a git copy of real recordings (test/fixtures/samples/current) with tokens
 * planted when the test runs (random, format-valid: test/helpers/secret-tokens.ts) — in a header,
 * a message, an escaped tool-argument string and a URL. No output recctl writes (validate's text,
 * JSON, GitHub annotations and SARIF, the result cache, show, diff, reassemble, `changes --format
 * markdown`) may hold a whole token. Hashes after `redact --write` are checked by CPython's
 * hashlib over the recorder's normalization, not by recctl.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, git, recctl, tempDir, type ValidateDoc, type ValidateFinding } from "./run.js";
import { plantedAwsSecret, plantedPrivateKey, plantedTokens, rand } from "../helpers/secret-tokens.js";

const T = "tests/integration";
const HEADER_FILE = `${T}/common/recordings/b2c646582d0a4d9d8986789261c0d630d5b604ee6291cf8aa3d44ab761f2c676.json`;
const MESSAGE_FILE = `${T}/agents/recordings/8c41faae008a68ee725152f337d08c2c47023ff9972201c75c779003184a7cd1.json`;
const TOOL_ARGS_FILE = `${T}/responses/recordings/1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900.json`;
const URL_FILE = `${T}/inference/recordings/0a2adfcbd0a23b2d7713b678c5fbf3eff74e4fbf0d1de5740bb983492bea9a2d.json`;
const WATSONX_FILE = `${T}/responses/recordings/models-db6488b384fe6067ad6e601d23843e2fee0525bebe03ffb49ff273cd1f234213-c99eb79a.json`;


const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function edit(dir: string, file: string, mutate: (d: Json) => void): void {
  const path = join(dir, file);
  const data = JSON.parse(readFileSync(path, "utf8")) as Json;
  mutate(data);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

interface Planted {
  /** Every whole secret planted (none may appear in any output). */
  secrets: string[];
  /** Expected secret findings per file: kinds, in any order. */
  kinds: Record<string, string[]>;
  /** The token in the header `x-key-0`. */
  first: string;
}

/** A git copy of the sample tree (committed), then tokens of every kind planted in four places. */
function plantedTree(t: { after: (fn: () => void) => void }): { dir: string; planted: Planted } {
  const dir = tempDir(t, "recctl-secrets-");
  cpSync(join(FIXTURES, "samples", "current"), dir, { recursive: true });
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "fixture");
  const tokens = plantedTokens();
  const secrets = tokens.map((x) => x.token);
  const kinds = tokens.map((x) => x.kind);
  const extra = (): { kind: string; token: string }[] => {
    const aws = plantedAwsSecret();
    const bearer = `${rand("abcdefghijklmnopqrstuvwxyz0123456789", 24)}.${rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16)}`;
    return [
      { kind: "aws-secret-key", token: aws },
      { kind: "bearer-token", token: bearer },
    ];
  };
  const out: Planted = { secrets: [...secrets], kinds: {}, first: secrets[0]! };
  // A header: one per token, and an Authorization bearer value.
  const h = extra();
  edit(dir, HEADER_FILE, (d) => {
    d["request"]["headers"] = Object.fromEntries([...tokens.map((x, i) => [`x-key-${i}`, x.token]), ["Authorization", `Bearer ${h[1]!.token}`], ["x-aws", `aws_secret_access_key=${h[0]!.token}`]]);
  });
  out.secrets.push(h[0]!.token, h[1]!.token);
  out.kinds[HEADER_FILE] = [...kinds, "bearer-token", "aws-secret-key"];
  // A message (the response: not part of the hash) with a private key too.
  const pem = plantedPrivateKey();
  const m = extra();
  edit(dir, MESSAGE_FILE, (d) => {
    d["response"]["body"]["__data__"]["choices"][0]["message"]["content"] = `Keys: ${secrets.join(", ")}.\nAnd ${pem}\nThen: curl -H "Authorization: Bearer ${m[1]!.token}"; export AWS_SECRET_ACCESS_KEY="${m[0]!.token}"`;
  });
  out.secrets.push(pem, m[0]!.token, m[1]!.token);
  out.kinds[MESSAGE_FILE] = [...kinds, "private-key", "bearer-token", "aws-secret-key"];
  // Escaped tool arguments (JSON inside a JSON string), in the request: part of the hash.
  const a = extra();
  edit(dir, TOOL_ARGS_FILE, (d) => {
    const call = (d["request"]["body"]["messages"] as Json[]).find((x) => Array.isArray(x["tool_calls"]))!["tool_calls"][0];
    call["function"]["arguments"] = JSON.stringify({ query: "experts", keys: secrets, aws_secret_access_key: a[0]!.token });
  });
  out.secrets.push(a[0]!.token);
  out.kinds[TOOL_ARGS_FILE] = [...kinds, "aws-secret-key"];
  // URLs (the response text), with a password in one.
  const password = rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16);
  edit(dir, URL_FILE, (d) => {
    d["response"]["body"]["__data__"]["choices"][0]["text"] = `${secrets.map((s, i) => `https://api.example.com/v1/x?key=${s}&n=${i}`).join(" ")} postgres://svc:${password}@db.example.com:5432/app`;
  });
  out.secrets.push(password);
  out.kinds[URL_FILE] = [...kinds, "url-password"];
  return { dir, planted: out };
}

type Finding = ValidateFinding;
type Report = ValidateDoc;

const kindOf = (f: Finding): string => /\[([a-z0-9-]+)\]/.exec(f.message)?.[1] ?? "?";

function assertNoSecret(text: string, planted: Planted, where: string): void {
  for (const s of planted.secrets) assert.ok(!text.includes(s), `${where} holds a whole planted secret (${s.slice(0, 6)}…)`);
}

test("validate finds every planted kind once, in a header, a message, escaped tool arguments and a URL, masked in every format and the cache", (t) => {
  const { dir, planted } = plantedTree(t);
  const cacheDir = join(dir, ".cache");
  const r = recctl(["validate", "--json"], { cwd: dir, env: { RECCTL_CACHE_DIR: cacheDir } });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  for (const f of report.files) {
    const secrets = f.errors.filter((e) => e.rule === "secret");
    const rel = Object.keys(planted.kinds).find((k) => f.file.endsWith(k));
    if (rel === undefined) {
      assert.deepEqual(secrets, [], f.file);
      continue;
    }
    assert.equal(f.valid, false);
    assert.deepEqual(secrets.map(kindOf).sort(), [...(planted.kinds[rel] as string[])].sort(), rel);
    for (const e of secrets) {
      assert.match(e.message, /^holds an? .+ \S{4}… \[[a-z0-9-]+\]: .*\{ sha256 = "[0-9a-f]{12}" \}/, e.message);
      assert.ok(e.line > 1 && e.column >= 1);
    }
  }
  // Where: the header's pointer, the escaped tool arguments' string, the URL's text.
  const at = (rel: string): string[] => [...new Set(report.files.find((f) => f.file.endsWith(rel))!.errors.map((e) => e.pointer))].sort();
  assert.deepEqual(at(TOOL_ARGS_FILE), ["/request/body/messages/1/tool_calls/0/function/arguments"]);
  assert.ok(at(HEADER_FILE).includes("/request/headers/x-key-0") && at(HEADER_FILE).includes("/request/headers/Authorization"), at(HEADER_FILE).join(" "));
  assert.deepEqual(at(URL_FILE), ["/response/body/__data__/choices/0/text"]);
  // The position is the token's own (line:col of its first character in the file).
  const header = readFileSync(join(dir, HEADER_FILE), "utf8").split("\n");
  const first = report.files.find((f) => f.file.endsWith(HEADER_FILE))!.errors.find((e) => e.pointer === "/request/headers/x-key-0")!;
  assert.equal(header[first.line - 1]!.slice(first.column - 1).startsWith(planted.first), true);
  assertNoSecret(r.stdout + r.stderr, planted, "validate --json");
  const text = recctl(["validate", "--no-cache"], { cwd: dir });
  assert.match(text.stdout, /b2c646582d0a4d9d8986789261c0d630d5b604ee6291cf8aa3d44ab761f2c676\.json:\d+:\d+: error \/request\/headers\/x-key-0 holds an OpenAI API key sk-p… \[openai-key\]/);
  assertNoSecret(text.stdout + text.stderr, planted, "validate text");
  const github = recctl(["validate", "--no-cache", "--format", "github"], { cwd: dir });
  assert.match(github.stdout, /^::error file=.*title=recctl secret::/m);
  assertNoSecret(github.stdout + github.stderr, planted, "validate --format github");
  const sarif = recctl(["validate", "--no-cache", "--format", "sarif"], { cwd: dir });
  assert.match(sarif.stdout, /"ruleId": "secret"/);
  assertNoSecret(sarif.stdout + sarif.stderr, planted, "validate --format sarif");
  const cacheFiles = readdirSync(cacheDir);
  assert.ok(cacheFiles.length > 0);
  for (const f of cacheFiles) assertNoSecret(readFileSync(join(cacheDir, f), "utf8"), planted, `cache ${f}`);
  // Warm: the same findings from the cache.
  const warm = recctl(["validate", "--json"], { cwd: dir, env: { RECCTL_CACHE_DIR: cacheDir } });
  assert.deepEqual(JSON.parse(warm.stdout), report);
});

test("show, diff, reassemble and changes --format markdown print the planted secrets masked", (t) => {
  const { dir, planted } = plantedTree(t);
  for (const [args, what] of [
    [["show", MESSAGE_FILE], "show (message)"],
    [["show", "--json", URL_FILE], "show --json (URL)"],
    [["show", "--raw", HEADER_FILE], "show --raw (header)"],
    [["show", "--raw", TOOL_ARGS_FILE], "show --raw (tool arguments)"],
    [["reassemble", MESSAGE_FILE], "reassemble"],
    [["reassemble", "--json", URL_FILE], "reassemble --json"],
    [["diff", HEADER_FILE, MESSAGE_FILE], "diff"],
    [["changes", "--format", "markdown"], "changes --format markdown"],
  ] as [string[], string][]) {
    const r = recctl(args, { cwd: dir });
    assert.ok(r.code <= 1, `${what}: ${r.stderr}`);
    assertNoSecret(r.stdout + r.stderr, planted, what);
    // The planted values were printed, masked (so the check above is not vacuous).
    if (!what.startsWith("changes")) assert.match(r.stdout, /(sk-p|sk-s|AIza|AKIA|ghp_|xoxb|tvly|pplx|ABSK|eyJ.)…/, `${what}: ${r.stdout.slice(0, 300)}`);
  }
  // diff of one recording before and after planting shows the planted text masked too.
  const base = join(dir, "base.json");
  cpSync(join(FIXTURES, "samples", "current", MESSAGE_FILE), base);
  const d = recctl(["diff", base, MESSAGE_FILE], { cwd: dir });
  assert.match(d.stdout, /sk-p…/);
  assertNoSecret(d.stdout + d.stderr, planted, "diff of one file");
});

test("a news URL's sk-… inside gaa_n=, ids and base64 are not secrets; the fixtures hold none", (t) => {
  const dir = tempDir(t, "recctl-secrets-");
  cpSync(join(FIXTURES, "samples", "current"), dir, { recursive: true });
  edit(dir, URL_FILE, (d) => {
    d["response"]["body"]["__data__"]["choices"][0]["text"] = [
      `https://news.example.com/articles/CBMi?oc=5&gaa_at=eafs&gaa_n=AWEtsq${"sk-3kPD"}${rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", 60)}&gaa_ts=68`,
      `https://news.example.com/?gaa_n=${"sk-3kPD"}${rand("abcdefghijklmnopqrstuvwxyz0123456789", 70)}&x=1`,
      `chatcmpl-${rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 29)}`,
      `call_${rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24)} file-${rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 22)}`,
      `data:image/png;base64,${rand("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 20000)}==`,
      "Authorization: Bearer {api_key}; Authorization: Bearer YOUR_TOKEN_HERE_PLEASE; https://user:password@example.com",
      "task-force desk-lamp hf_hub_download gsk_short AKIAshort",
    ].join("\n");
  });
  const r = recctl(["validate", "--json", "--no-cache"], { cwd: dir });
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.files.flatMap((f) => f.errors.filter((e) => e.rule === "secret")),
    [],
  );
  const all = recctl(["validate", "--json", "--no-cache", FIXTURES]);
  const fixtures = JSON.parse(all.stdout) as Report;
  assert.ok(fixtures.summary.files > 100);
  assert.deepEqual(
    fixtures.files.flatMap((f) => f.errors.filter((e) => e.rule === "secret").map((e) => `${f.file} ${e.pointer}`)),
    [],
  );
});

test("infra-id warns on Watsonx project ids, Azure and Databricks hosts, ARN accounts and Vertex projects; the allow-list accepts by value, host pattern, pointer+file and sha256, and salts the cache", (t) => {
  const { dir, planted } = plantedTree(t);
  const azure = `res${rand("abcdefghijklmnopqrstuvwxyz0123456789", 8)}`;
  const account = rand("123456789", 12);
  edit(dir, MESSAGE_FILE, (d) => {
    d["response"]["body"]["__data__"]["choices"][0]["message"]["content"] = [
      `https://${azure}.openai.azure.com/openai/deployments/x`,
      `https://${azure}-cs.cognitiveservices.azure.com/`,
      "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/serving-endpoints",
      "https://adb-1234567890123456.7.azuredatabricks.net/api",
      `arn:aws:bedrock:us-east-1:${account}:inference-profile/x`,
      "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-vertex-prod/locations/us-central1/publishers/google/models/gemini",
    ].join("\n");
  });
  const run = (env: Record<string, string> = {}): Report => JSON.parse(recctl(["validate", "--json", "--no-cache"], { cwd: dir, env }).stdout) as Report;
  const infra = (report: Report, rel: string): string[] =>
    report.files
      .find((f) => f.file.endsWith(rel))!
      .warnings.filter((w) => w.rule === "infra-id")
      .map(kindOf)
      .sort();
  const report = run();
  assert.deepEqual(infra(report, MESSAGE_FILE), ["aws-account-id", "azure-host", "azure-host", "databricks-host", "databricks-host", "gcp-project-id"]);
  assert.deepEqual(infra(report, WATSONX_FILE), ["watsonx-project-id"]);
  const watsonx = report.files.find((f) => f.file.endsWith(WATSONX_FILE))!.warnings.find((w) => w.rule === "infra-id")!;
  assert.equal(watsonx.pointer, "/request/body/extra_query/project_id");
  // --ignore infra-id checks none.
  const ignored = JSON.parse(recctl(["validate", "--json", "--no-cache", "--ignore", "infra-id"], { cwd: dir }).stdout) as Report;
  assert.equal(ignored.files.flatMap((f) => f.warnings.filter((w) => w.rule === "infra-id")).length, 0);

  // The allow-list, by a sha256 prefix of one value (the one validate's message offers for x-key-0).
  const secretsBefore = run().files.find((f) => f.file.endsWith(HEADER_FILE))!.errors.filter((e) => e.rule === "secret");
  const firstFinding = secretsBefore.find((e) => e.pointer === "/request/headers/x-key-0")!;
  const sha = /sha256 = "([0-9a-f]{12})"/.exec(firstFinding.message)![1]!;
  const cacheDir = join(dir, ".cache");
  const withCache = (): Report => JSON.parse(recctl(["validate", "--json"], { cwd: dir, env: { RECCTL_CACHE_DIR: cacheDir } }).stdout) as Report;
  const beforeCache = withCache();
  writeFileSync(
    join(dir, "recctl.toml"),
    [
      "[secrets]",
      `allow-infra = ["*.openai.azure.com", "acme-vertex-prod", "1461945d-7925-4b82-b90b-ecd907a98d77"]`,
      "allow = [",
      `  { file = "${T}/inference/**", pointer = "/response/body/__data__/choices/0/text" },`,
      `  { sha256 = "${sha}" },`,
      "]",
      "",
    ].join("\n"),
  );
  const after = withCache();
  assert.deepEqual(infra(after, MESSAGE_FILE), ["aws-account-id", "azure-host", "databricks-host", "databricks-host"]);
  assert.deepEqual(infra(after, WATSONX_FILE), []);
  assert.deepEqual(
    after.files.find((f) => f.file.endsWith(URL_FILE))!.errors.filter((e) => e.rule === "secret"),
    [],
  );
  assert.equal(after.files.find((f) => f.file.endsWith(HEADER_FILE))!.errors.filter((e) => e.rule === "secret").length, secretsBefore.length - 1);
  assert.notDeepEqual(after, beforeCache);
  // A sha256 prefix shorter than 12 hex digits is a config error (exit 2).
  writeFileSync(join(dir, "recctl.toml"), `[secrets]\nallow = [{ sha256 = "${sha.slice(0, 8)}" }]\n`);
  const bad = recctl(["validate", "--no-cache"], { cwd: dir });
  assert.equal(bad.code, 2, bad.stdout);
  assert.match(bad.stderr, /sha256/);
  if (hasPython) {
    // The prefix the message offers is the value's sha256 (by CPython's hashlib).
    const py = spawnSync("python3", ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest()[:12])", planted.first], { encoding: "utf8" });
    assert.equal(py.stdout.trim(), sha);
  }
});

/** The recorder's request hash of every recording (CPython; the 2026 normalization: project_id stripped from extra_query/extra_body, floats rounded). */
function pythonHashes(dir: string): Record<string, string> {
  const r = spawnSync(
    "python3",
    [
      "-c",
      `import glob, hashlib, json, os
from urllib.parse import urlparse
def norm(v, root=True):
    if isinstance(v, dict):
        n = {k: norm(x, False) for k, x in v.items()}
        if root:
            for k in ("extra_body", "extra_query"):
                if isinstance(n.get(k), dict):
                    n[k].pop("project_id", None)
        return n
    if isinstance(v, list):
        return [norm(x, False) for x in v]
    if isinstance(v, float):
        return round(v, 5)
    return v
out = {}
for f in sorted(glob.glob("tests/integration/*/recordings/*.json")):
    d = json.load(open(f)); r = d["request"]
    if "tool_name" in r:
        n = {"provider": r["provider"], "tool_name": r["tool_name"], "kwargs": r["kwargs"]}
    elif not r.get("url"):
        n = r  # another request kind: all of it (stricter than the recorder)
    else:
        p = urlparse(r["url"]).path
        n = {"method": r["method"].upper(), "endpoint": p, "body": norm(r.get("body"))}
        if p not in ("/api/tags", "/v1/models", "/v1/openai/v1/models"):
            n["test_id"] = d.get("test_id")
    out[f] = hashlib.sha256(json.dumps(n, sort_keys=True).encode()).hexdigest()
print(json.dumps(out))`,
    ],
    { cwd: dir, encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

test("redact --write replaces infra ids (and with --secrets credentials) keeping every hash; refuses, exit 2, where a value takes part in the hash", { skip: hasPython ? false : "python3 not found" }, (t) => {
  const { dir, planted } = plantedTree(t);
  edit(dir, URL_FILE, (d) => {
    d["response"]["body"]["__data__"]["choices"][0]["text"] += " https://myres01.openai.azure.com/openai and arn:aws:iam::210987654321:role/x";
  });
  const hashes = pythonHashes(dir);
  const toolArgs = readFileSync(join(dir, TOOL_ARGS_FILE), "utf8");
  // Dry run: says what, writes nothing.
  const dry = recctl(["redact", "--json"], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { summary: { changed: number; replacements: number; written: number; refused: number }; files: { file: string; replacements?: { pointer: string; kind: string; value: string; placeholder: string }[] }[] };
  assert.equal(plan.summary.written, 0);
  assert.equal(plan.summary.refused, 0);
  assert.deepEqual(plan.files.flatMap((f) => (f.replacements ?? []).map((x) => x.kind)).sort(), ["aws-account-id", "azure-host", "watsonx-project-id"]);
  assert.equal(git(dir, "status", "--porcelain", "--", "tests").split("\n").filter((l) => l !== "").length, 4);
  // Infra ids only: written, hashes kept (the project_id is stripped from the hash by the recorder).
  const infra = recctl(["redact", "--write"], { cwd: dir });
  assert.equal(infra.code, 0, infra.stderr);
  assert.match(infra.stdout, /✔ replaced 3 values in 2 of \d+ files; every request hash unchanged/);
  assert.deepEqual(pythonHashes(dir), hashes);
  const watsonx = JSON.parse(readFileSync(join(dir, WATSONX_FILE), "utf8")) as Json;
  assert.equal(watsonx["request"]["body"]["extra_query"]["project_id"], "__redacted-project-id__");
  assert.match(readFileSync(join(dir, URL_FILE), "utf8"), /https:\/\/__redacted__\.openai\.azure\.com\/openai and arn:aws:iam::000000000000:role\/x/);
  // Only the values changed: git's word diff shows nothing else.
  const words = git(dir, "diff", "--word-diff=porcelain", "-U0", "--", WATSONX_FILE).split("\n").filter((l) => /^[+-][^+-]/.test(l));
  assert.deepEqual(words, ['-"1461945d-7925-4b82-b90b-ecd907a98d77"', '+"__redacted-project-id__"']);
  // --secrets: the tool arguments are in the request (hashed): that file is refused, named by pointer, untouched.
  const secrets = recctl(["redact", "--secrets", "--write"], { cwd: dir });
  assert.equal(secrets.code, 2, secrets.stdout);
  assert.match(secrets.stderr, /1e171766576921b1462c0773e012b63fbc42df98f9612af5eef7613e2b967900\.json:\d+:\d+: refused: \/request\/body\/messages\/1\/tool_calls\/0\/function\/arguments takes part in the request hash/);
  assert.equal(readFileSync(join(dir, TOOL_ARGS_FILE), "utf8"), toolArgs);
  assertNoSecret(secrets.stdout + secrets.stderr, planted, "redact --secrets");
  assert.deepEqual(pythonHashes(dir), hashes);
  // The other planted files hold no secret now (headers and responses are not hashed).
  const v = JSON.parse(recctl(["validate", "--json", "--no-cache"], { cwd: dir }).stdout) as Report;
  const left = v.files.filter((f) => f.errors.some((e) => e.rule === "secret"));
  assert.deepEqual(
    left.map((f) => [f.file.split("/").pop(), f.errors.filter((e) => e.rule === "secret").length]),
    [[TOOL_ARGS_FILE.split("/").pop(), planted.kinds[TOOL_ARGS_FILE]!.length]],
    JSON.stringify(left.flatMap((f) => f.errors.filter((e) => e.rule === "secret").map((e) => `${f.file} ${e.pointer} ${e.message.slice(0, 60)}`))),
  );
  for (const rel of [HEADER_FILE, MESSAGE_FILE, URL_FILE]) assertNoSecret(readFileSync(join(dir, rel), "utf8"), planted, rel);
  assert.match(readFileSync(join(dir, HEADER_FILE), "utf8"), /"x-key-0": "__redacted-openai-key__"/);
});
