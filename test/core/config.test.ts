/**
 * The repository config (SPEC, Configuration): where it is found, how a mistake in it is named
 * (file:line, the key, the closest known key), how paths in it resolve, and how it merges under
 * the command line. Expected lines are counted by hand in the TOML written by each test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import { keyLines } from "../../src/core/workspace/config-lines.js";
import { closestKey, editDistance } from "../../src/core/workspace/config-schema.js";
import {
  CONFIG_PARSERS,
  ConfigError,
  configValue,
  findConfigFile,
  loadConfig,
  resolveSettings,
  type LoadedConfig,
} from "../../src/core/workspace/config.js";
import { configReport } from "../../src/commands/config.js";
import { configErrorLines, configReporters } from "../../src/report/config.js";
import { displayPath, type Output } from "../../src/report/output.js";

/** A fresh folder with `files` (path → text) written into it. */
function tree(files: Record<string, string>): string {
  const top = realpathSync(mkdtempSync(join(tmpdir(), "recctl-config-")));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, rel)), { recursive: true });
    writeFileSync(join(top, rel), text);
  }
  return top;
}

async function loadError(file: string): Promise<ConfigError> {
  try {
    await loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  assert.fail(`${file} loaded without error`);
}

const PYPROJECT_WITHOUT = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n';

test("within one folder: .recctl.toml, then recctl.toml, then pyproject.toml with [tool.recctl]", async () => {
  const all = { "pyproject.toml": "[tool.recctl]\nstrict = true\n", "recctl.toml": "strict = true\n", ".recctl.toml": "strict = true\n" };
  const top = tree(all);
  assert.equal((await findConfigFile(top, top))?.file, join(top, ".recctl.toml"));
  const two = tree({ "pyproject.toml": all["pyproject.toml"], "recctl.toml": all["recctl.toml"] });
  assert.deepEqual((await findConfigFile(two, two)), { file: join(two, "recctl.toml"), kind: "recctl" });
  const one = tree({ "pyproject.toml": all["pyproject.toml"] });
  assert.deepEqual((await findConfigFile(one, one)), { file: join(one, "pyproject.toml"), kind: "pyproject" });
});

test("from a sub-folder, the nearest folder with a config up to the repository root", async () => {
  const top = tree({
    "repo/pyproject.toml": '[tool.recctl]\nroot = "tests"\n',
    "repo/tests/integration/recordings/.keep": "",
  });
  const repo = join(top, "repo");
  assert.equal((await findConfigFile(join(repo, "tests", "integration", "recordings"), repo))?.file, join(repo, "pyproject.toml"));
});

test("the walk stops at the repository root: a config above it is not taken", async () => {
  const top = tree({ "recctl.toml": "strict = true\n", "repo/tests/x/.keep": "" });
  const repo = join(top, "repo");
  assert.equal((await findConfigFile(join(repo, "tests", "x"), repo)), null);
  // Outside the repository root, only the folder itself is looked in.
  assert.equal((await findConfigFile(join(repo, "tests"), join(top, "elsewhere"))), null);
  assert.equal((await findConfigFile(top, join(top, "elsewhere")))?.file, join(top, "recctl.toml"));
});

test("a pyproject.toml without [tool.recctl] is skipped and the walk goes on", async () => {
  const top = tree({ "recctl.toml": "strict = true\n", "pkg/pyproject.toml": PYPROJECT_WITHOUT, "pkg/tests/.keep": "" });
  assert.equal((await findConfigFile(join(top, "pkg", "tests"), top))?.file, join(top, "recctl.toml"));
});

test("a pyproject.toml whose [tool.recctl] has a syntax error is taken, so the error is shown", async () => {
  const top = tree({ "pyproject.toml": "[tool.recctl]\nstrict = tru\n" });
  const ref = await findConfigFile(top, top);
  assert.equal(ref?.file, join(top, "pyproject.toml"));
  const err = await loadError(ref.file);
  assert.equal(err.line, 2);
  assert.match(err.message, new RegExp(`^${join(top, "pyproject.toml")}:2: invalid TOML`));
});

test("key lines: comments, the same key in another table, inline tables, arrays over several lines", () => {
  const text = [
    '[tool.ruff]', //                                          1
    'ignore = ["E501"]  # not ours', //                        2
    '', //                                                     3
    '[tool.recctl]  # ours', //                                4
    '# ignore = ["name-hash"] (a comment)', //                 5
    'exclude = [', //                                          6
    '  "a]b",  # a bracket in a string', //                     7
    '  # a comment line: ignore = 1', //                        8
    '  "**/fixtures/**",', //                                   9
    ']', //                                                    10
    'ignore = ["rec-id"]', //                                 11
    '"max-delete" = 3', //                                    12
    'note = """', //                                          13
    '[tool.recctl.fake]', //                                  14
    'strict = true', //                                       15
    '"""', //                                                 16
    'diff.ignore = ["/id"]', //                               17
    '[ tool . "recctl" . validate ]', //                      18
    'strict = true', //                                       19
    '[tool.recctl.secrets]', //                               20
    'allow = [', //                                           21
    '  { pointer = "/a", files = "x/**" },', //               22
    '  {', //                                                 23
    '    sha256 = "abcdef012345" },', //                          24
    ']', //                                                   25
    '[[tool.recctl.list]]', //                                26
    'x = 1', //                                               27
    '[[tool.recctl.list]]', //                                28
    'x = 2', //                                               29
    'when = 1979-05-27 07:32:00  # a date with a space', //   30
    'y = 3', //                                               31
  ].join("\n");
  const lines = keyLines(text);
  const at = (p: string): number | undefined => lines.get(p);
  assert.equal(at("/tool/ruff/ignore"), 2);
  assert.equal(at("/tool/recctl"), 4);
  assert.equal(at("/tool/recctl/exclude"), 6);
  assert.equal(at("/tool/recctl/exclude/0"), 7);
  assert.equal(at("/tool/recctl/exclude/1"), 9);
  assert.equal(at("/tool/recctl/ignore"), 11);
  assert.equal(at("/tool/recctl/max-delete"), 12);
  assert.equal(at("/tool/recctl/fake"), undefined);
  assert.equal(at("/tool/recctl/diff/ignore"), 17);
  assert.equal(at("/tool/recctl/validate"), 18);
  assert.equal(at("/tool/recctl/validate/strict"), 19);
  assert.equal(at("/tool/recctl/secrets/allow/0/files"), 22);
  assert.equal(at("/tool/recctl/secrets/allow/1"), 23);
  assert.equal(at("/tool/recctl/secrets/allow/1/sha256"), 24);
  assert.equal(at("/tool/recctl/list/0/x"), 27);
  assert.equal(at("/tool/recctl/list/1/x"), 29);
  assert.equal(at("/tool/recctl/list/1/y"), 31);
});

test("a misspelt key: file:line, the key, and the closest known key", async () => {
  const top = tree({ "pyproject.toml": '[project]\nname = "x"\n\n[tool.recctl.validate]\nformat = "json"\nstrick = true\n' });
  const file = join(top, "pyproject.toml");
  const err = await loadError(file);
  assert.equal(err.message, `${file}:6: unknown key 'strick' in [tool.recctl.validate]; did you mean 'strict'?`);
  assert.deepEqual([err.line, err.key, err.suggestion], [6, "validate.strick", "strict"]);
});

test("a misspelt command table and a key far from any known one", async () => {
  const top = tree({ "recctl.toml": '[valdate]\nstrict = true\n\n[prune]\nbanana = 1\n' });
  const file = join(top, "recctl.toml");
  const err = await loadError(file);
  assert.deepEqual(
    err.problems.map((p) => p.message),
    [
      `${file}:1: unknown key 'valdate' at the top level; did you mean 'validate'?`,
      `${file}:5: unknown key 'banana' in [prune]; known keys: root, repo-root, rules, exclude, allow-empty, max-delete, collected, allow-partial, reason`,
    ],
  );
});

test("a key set in a table that does not read it says where it belongs", async () => {
  const top = tree({ "pyproject.toml": '[tool.recctl]\nformat = "json"\n' });
  const err = await loadError(join(top, "pyproject.toml"));
  assert.match(err.message, /:2: key 'format' does not belong in \[tool\.recctl\]; it is read from \[tool\.recctl\.validate\] or \[tool\.recctl\.changes\]$/);
});

test("a wrong type names the key, what it must be, and what it got", async () => {
  const top = tree({
    "pyproject.toml": '[tool.recctl]\nmax-delete = true\n\n[tool.recctl.prune]\nmax-delete = "250%"\n\n[tool.recctl.validate]\nignore = ["name-hash", "secret"]\ncache = "no"\n',
  });
  const file = join(top, "pyproject.toml");
  const err = await loadError(file);
  assert.deepEqual(err.problems.map((p) => p.message), [
    `${file}:2: 'max-delete' must be a count or a percentage (e.g. 25%), got true`,
    `${file}:8: 'ignore[1]' in [tool.recctl.validate] must be one of 'name-hash', 'rec-id', 'format', 'stale-type', 'infra-id', got "secret"`,
    `${file}:9: 'cache' in [tool.recctl.validate] must be true or false, got "no"`,
  ]);
  // The schema cannot tell 250% is over 100%: the semantic check does, once the types are right.
  const semantic = tree({ "recctl.toml": '[prune]\nmax-delete = "250%"\n\n[validate]\nrules = 1999-01-01\n' });
  const err2 = await loadError(join(semantic, "recctl.toml"));
  assert.equal(err2.problems[0]?.message, `${join(semantic, "recctl.toml")}:2: 'max-delete' in [prune] must be a count or a percentage (e.g. 25%), got "250%"`);
  assert.match(err2.problems[1]?.message ?? "", /:5: 'rules' in \[validate\]: 1999-01-01 is before the first recorder/);
});

test("a secret allowance must name a place or a hash, never be empty", async () => {
  const top = tree({ "pyproject.toml": '[tool.recctl.secrets]\nallow = [\n  { pointer = "/request/headers/x" },\n  { files = "tests/**" },\n]\n' });
  const err = await loadError(join(top, "pyproject.toml"));
  assert.match(err.message, /:4: 'allow\[1\]' in \[tool\.recctl\.secrets\] must be a table with 'pointer' \(and optionally 'files'\) or 'sha256', got \{ files = "tests\/\*\*" \}$/);
});

test("a syntax error names its line; a missing file and a pyproject without the table are errors too", async () => {
  const top = tree({ "recctl.toml": 'strict = true\nexclude = ["a",\n"b"\nroot = "x"\n', "pyproject.toml": PYPROJECT_WITHOUT });
  const syntax = await loadError(join(top, "recctl.toml"));
  assert.match(syntax.message, /recctl\.toml:4: invalid TOML/);
  assert.equal((await loadError(join(top, "nope.toml"))).message, `${join(top, "nope.toml")}: cannot read config: no such file`);
  assert.equal((await loadError(join(top, "pyproject.toml"))).message, `${join(top, "pyproject.toml")}: no [tool.recctl] table`);
});

async function load(files: Record<string, string>, name: string): Promise<{ top: string; config: LoadedConfig }> {
  const top = tree(files);
  return { top, config: await loadConfig(join(top, name)) };
}

test("paths and globs resolve against the config file's folder; '-' (stdin) stays", async () => {
  const { top, config } = await load(
    {
      "sub/recctl.toml": [
        'root = "tests"',
        'cache-dir = "../cache"',
        'exclude = ["**/fixtures/**", "/abs/**"]',
        "rules = 2025-09-01",
        "[prune]",
        'collected = ["ids.txt", "-"]',
        "[secrets]",
        'allow = [{ pointer = "/a", files = "tests/**/*.json" }]',
        "[stale-type]",
        'venv = ".venv"',
      ].join("\n"),
    },
    "sub/recctl.toml",
  );
  const sub = join(top, "sub");
  const v = config.values as Record<string, Record<string, unknown>>;
  assert.equal(v["root"], join(sub, "tests"));
  assert.equal(v["cache-dir"], join(top, "cache"));
  assert.deepEqual(v["exclude"], [`${sub}/**/fixtures/**`, "/abs/**"]);
  assert.equal(v["rules"], "2025-09-01");
  assert.deepEqual(v["prune"]?.["collected"], [join(sub, "ids.txt"), "-"]);
  assert.deepEqual(v["secrets"]?.["allow"], [{ pointer: "/a", files: `${sub}/tests/**/*.json` }]);
  assert.equal(v["stale-type"]?.["venv"], join(sub, ".venv"));
});

const LAYERED = [
  "[tool.recctl]", //                                 1
  'ignore = ["format"]', //                           2
  "strict = true", //                                 3
  'max-delete = "40%"', //                            4
  "[tool.recctl.validate]", //                        5
  "strict = false", //                                6
  "[tool.recctl.diff]", //                            7
  'ignore = ["/response/body/id"]', //                8
  "[tool.recctl.prune]", //                           9
  "max-delete = 10", //                              10
].join("\n");

test("a command's table overrides the top level; a key that means something else there is not inherited", async () => {
  const { top, config } = await load({ "pyproject.toml": LAYERED }, "pyproject.toml");
  const file = join(top, "pyproject.toml");
  assert.deepEqual(configValue(config, "validate", "strict"), { value: false, file, line: 6, key: "validate.strict" });
  assert.deepEqual(configValue(config, "validate", "ignore"), { value: ["format"], file, line: 2, key: "ignore" });
  assert.deepEqual(configValue(config, "prune", "max-delete"), { value: 10, file, line: 10, key: "prune.max-delete" });
  // diff's ignore holds pointers, not validate's rule names; changes reads diff's.
  assert.equal(configValue(config, "diff", "ignore")?.line, 8);
  assert.equal(configValue(config, "changes", "ignore")?.key, "diff.ignore");
  // changes' --strict is about noise-only changes: the top-level (validate's) strict is not it.
  assert.equal(configValue(config, "changes", "strict"), undefined);
  // A command without a table (`config`) reads the top level.
  assert.equal(configValue(config, "config", "strict")?.value, true);
});

test("an option given wins over the config, the config over the default; no config means defaults", async () => {
  const { top, config } = await load({ "pyproject.toml": LAYERED }, "pyproject.toml");
  const defaults = { strict: false, ignore: [], "max-delete": "25%", "allow-empty": false };
  const given = resolveSettings(config, "validate", { strict: { value: true, given: true }, ignore: { value: [], given: false } }, defaults);
  assert.deepEqual(given["strict"], { value: true, source: { kind: "option" } });
  assert.deepEqual(given["ignore"], { value: ["format"], source: { kind: "config", file: join(top, "pyproject.toml"), line: 2, key: "ignore" } });
  assert.deepEqual(given["allow-empty"], { value: false, source: { kind: "default" } });
  // `--no-strict` undoes the config's strict = true.
  const undone = resolveSettings(config, "config", { strict: { value: false, given: true } }, defaults);
  assert.deepEqual(undone["strict"], { value: false, source: { kind: "option" } });
  // `--no-config`: the config is not read at all.
  const none = resolveSettings(null, "prune", {}, defaults);
  assert.deepEqual(none["max-delete"], { value: "25%", source: { kind: "default" } });
  // Parsed like the option: the same type from every source.
  const parsed = resolveSettings(config, "prune", {}, defaults, CONFIG_PARSERS);
  assert.deepEqual(parsed["max-delete"]?.value, { count: 10 });
});

test("recctl config: every setting with its value and source, as text and --json", async () => {
  const { top, config } = await load({ "pyproject.toml": LAYERED }, "pyproject.toml");
  let stdout = "";
  const plain = new Proxy((text: unknown) => String(text), { get: (_t, key) => (key === "then" ? undefined : plain) }) as unknown as Output["color"];
  const output: Output = { out: (t) => void (stdout += `${t}\n`), err: () => undefined, color: plain, path: (f) => displayPath(f, top) };
  const report = await configReport({ config, disabled: false, command: "prune", flags: { root: { value: top, given: true } }, defaults: { "max-delete": "25%" } });
  configReporters.json(output, report);
  const doc = JSON.parse(stdout) as { config_file: string; settings: Record<string, unknown>; sources: Record<string, string> };
  assert.equal(doc.config_file, "pyproject.toml");
  assert.deepEqual(doc.settings["max-delete"], 10);
  assert.equal(doc.sources["max-delete"], "config pyproject.toml:10");
  assert.equal(doc.sources["root"], "option");
  assert.equal(doc.sources["allow-partial"], "default");
  stdout = "";
  configReporters.text(output, await configReport({ config, disabled: false, command: null, flags: {}, defaults: {} }));
  assert.match(stdout, /^config file: pyproject\.toml$/m);
  assert.match(stdout, /^strict +true +config pyproject\.toml:3$/m);
  assert.match(stdout, /^diff\.ignore +\["\/response\/body\/id"\] +config pyproject\.toml:8$/m);
  stdout = "";
  configReporters.text(output, await configReport({ config: null, disabled: true, command: null, flags: {}, defaults: {} }));
  assert.match(stdout, /^config file: none \(--no-config\)$/m);
});

test("the published schema compiles under ajv's strict mode and describes every key for editors", () => {
  const schema = JSON.parse(readFileSync(new URL("../../../schemas/config.schema.json", import.meta.url), "utf8")) as {
    properties: Record<string, { $ref?: string; description?: string; properties?: Record<string, { $ref?: string; description?: string }> }>;
  };
  const ajv = new Ajv({ strict: true, strictRequired: false });
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  ajv.compile(schema);
  for (const [key, node] of Object.entries(schema.properties)) {
    assert.ok(node.description, key);
    for (const [sub, child] of Object.entries(node.properties ?? {})) assert.ok(child.description ?? child.$ref, `${key}.${sub}`);
  }
});

test("the closest key: edit distance, with case and '_' for '-' as the usual slips", () => {
  assert.equal(editDistance("strick", "strict"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(closestKey("max_delete", ["max-delete", "exclude"]), "max-delete");
  assert.equal(closestKey("exlude", ["max-delete", "exclude"]), "exclude");
  assert.equal(closestKey("zzzzzz", ["root", "rules"]), null);
});

test("a config error is shown with the file relative to the current folder, one line per problem", async () => {
  const top = tree({ "pyproject.toml": "[tool.recctl]\nstrick = true\nroot = 1\n" });
  const err = await loadError(join(top, "pyproject.toml"));
  const output = { path: (f: string) => displayPath(f, top) } as Output;
  assert.deepEqual(configErrorLines(output, err), [
    "pyproject.toml:2: unknown key 'strick' in [tool.recctl]; did you mean 'strict'?",
    "pyproject.toml:3: 'root' must be a path, got 1",
  ]);
});
