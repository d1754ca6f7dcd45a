/**
 * `recctl completion bash|zsh|fish`: each script loaded in its own shell. The expected words are
 * written out here from the SPEC's command list and the options in `recctl validate --help`,
 * not taken from the script generator.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { recctl, tempDir } from "./run.js";

const COMMANDS = ["validate", "hash", "list", "show", "reassemble", "diff", "prune", "normalize", "changes", "explain", "rehash", "migrate-types", "completion", "redact", "config"];
const VALIDATE_OPTIONS = ["--format", "--strict", "--no-strict", "--schema", "--ignore", "--cache", "--no-cache", "--cache-dir", "--rules", "--help"];
const GLOBAL_OPTIONS = ["--root", "--json", "--no-color", "--config", "--no-config", "--allow-empty", "--exclude", "--version"];

function has(shell: string): boolean {
  return spawnSync(shell, ["-c", "exit 0"], { encoding: "utf8" }).status === 0;
}

/** A script run by a shell (the completion functions never run recctl themselves). */
function shellRun(shell: string, script: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(shell, ["-c", script], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("completion prints a script for bash, zsh and fish; another shell is a usage error", () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = recctl(["completion", shell]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${shell} completion for recctl`));
    for (const name of COMMANDS) assert.match(r.stdout, new RegExp(`\\b${name}\\b`), `${shell}: ${name}`);
  }
  const bad = recctl(["completion", "tcsh"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tcsh/);
  assert.equal(bad.stdout, "");
});

test("bash: recctl val<TAB> gives validate, recctl validate --<TAB> its options, and values complete", (t) => {
  if (!has("bash")) return void t.skip("bash not installed");
  const dir = tempDir(t, "recctl-completion-");
  const script = join(dir, "recctl.bash");
  writeFileSync(script, recctl(["completion", "bash"]).stdout);
  const complete = (words: string[]): string[] => {
    const cword = words.length - 1;
    const array = words.map((w) => `'${w}'`).join(" ");
    const r = shellRun("bash", `source '${script}' && COMP_WORDS=(${array}) && COMP_CWORD=${cword} && _recctl && printf '%s\\n' "\${COMPREPLY[@]}"`);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split("\n").filter((l) => l !== "");
  };
  assert.deepEqual(complete(["recctl", "val"]), ["validate"]);
  assert.deepEqual(complete(["recctl", "--json", "val"]), ["validate"]);
  assert.deepEqual(complete(["recctl", ""]).sort(), [...COMMANDS].sort());
  const options = complete(["recctl", "validate", "--"]);
  for (const o of [...VALIDATE_OPTIONS, ...GLOBAL_OPTIONS]) assert.ok(options.includes(o), `validate --<TAB> lacks ${o}: ${options.join(" ")}`);
  assert.ok(!options.includes("--write"), "validate has no --write");
  assert.deepEqual(complete(["recctl", "validate", "--format", ""]), ["text", "json", "github", "sarif"]);
  assert.deepEqual(complete(["recctl", "validate", "--ignore", "st"]), ["stale-type"]);
  assert.deepEqual(complete(["recctl", "prune", "--rea"]), ["--reason"]);
  assert.deepEqual(complete(["recctl", "completion", ""]), ["bash", "zsh", "fish"]);
  // `complete -F` is registered for the command name.
  const registered = shellRun("bash", `source '${script}' && complete -p recctl`);
  assert.match(registered.stdout, /complete -F _recctl recctl/);
});

/** Types into an interactive zsh on a pseudo-terminal (zsh/zpty) and returns what the screen got. */
const ZPTY = (script: string): string => `zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1="%% "; LISTMAX=1000; autoload -Uz compinit; compinit -u -D; source ${script}; echo READY'
zpty -r -m z out '*READY*' || exit 3
zpty -w -n z $'recctl val\\t'
zpty -r -m z first '*recctl validate*' || exit 4
print -r -- "FIRST: $first"
zpty -w -n z $'\\x15recctl validate --\\t'
zpty -r -m z second '*--version*' || exit 5
sleep 0.3
while zpty -r -t z chunk; do second+=$chunk; done
print -r -- "SECOND: $second"
zpty -d z
`;

test("zsh: recctl val<TAB> gives validate, recctl validate --<TAB> lists its options (typed into a pseudo-terminal)", (t) => {
  if (!has("zsh")) return void t.skip("zsh not installed: apt-get install zsh");
  const dir = tempDir(t, "recctl-completion-");
  const script = join(dir, "_recctl");
  writeFileSync(script, recctl(["completion", "zsh"]).stdout);
  assert.equal(shellRun("zsh", `zsh -n '${script}'`).code, 0);
  const registered = shellRun("zsh", `autoload -Uz compinit && compinit -u -d '${join(dir, "zcompdump")}' && source '${script}' && print -r -- $_comps[recctl] && whence -w _recctl`);
  assert.equal(registered.code, 0, registered.stderr);
  assert.match(registered.stdout, /^_recctl\n_recctl: function/);
  const driver = join(dir, "zpty.zsh");
  writeFileSync(driver, ZPTY(script));
  const r = spawnSync("zsh", ["-f", driver], { encoding: "utf8", timeout: 60_000, env: { ...process.env, HOME: dir, TERM: "xterm" } });
  // Escape sequences and carriage returns out: the words on the screen.
  const screen = (r.stdout ?? "").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/[\r\x07]/g, "\n").replace(/.\x08/g, "");
  assert.equal(r.status, 0, `zsh exited ${r.status} (${r.signal ?? ""}):\n${screen}\n${r.stderr}`);
  const [first = "", second = ""] = screen.split("SECOND: ");
  assert.match(first, /recctl validate/);
  const listed = new Set(second.match(/--[a-z-]+/g) ?? []);
  for (const o of [...VALIDATE_OPTIONS, ...GLOBAL_OPTIONS]) assert.ok(listed.has(o), `validate --<TAB> lacks ${o}:\n${second}`);
  assert.ok(!listed.has("--write"), "validate has no --write");
});

test("fish: recctl val<TAB> gives validate, recctl validate --<TAB> its options", (t) => {
  if (!has("fish")) return void t.skip("fish not installed: apt-get install fish");
  const dir = tempDir(t, "recctl-completion-");
  const script = join(dir, "recctl.fish");
  writeFileSync(script, recctl(["completion", "fish"]).stdout);
  const complete = (line: string): string[] => {
    const r = shellRun("fish", `source '${script}'; complete -C '${line}'`);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t")[0] ?? "");
  };
  assert.deepEqual(complete("recctl val"), ["validate"]);
  const options = complete("recctl validate --");
  for (const o of [...VALIDATE_OPTIONS, ...GLOBAL_OPTIONS]) assert.ok(options.includes(o), `validate --<TAB> lacks ${o}: ${options.join(" ")}`);
  assert.deepEqual(complete("recctl validate --format ").sort(), ["github", "json", "sarif", "text"]);
  assert.deepEqual(complete("recctl completion ").sort(), ["bash", "fish", "zsh"]);
});
