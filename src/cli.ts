/**
 * Commander wiring: commands, options, help text, and the one place that decides the exit code.
 * Command modules are imported when their command runs, so `recctl validate one.json` (the
 * pre-commit case) loads only what it needs.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Argument, Command, CommanderError } from "commander";
import { findRepoRoot, type RepoRoot } from "./core/repo-root.js";
import type { RulesChoice } from "./core/rules/detect.js";
import { configValue, type LoadedConfig, type ResolvedSetting } from "./core/workspace/config.js";
import { resolveWorkspace } from "./core/workspace/index.js";
import { OPTIONS, type OptionDecl, type ValuesOf } from "./options/declarations.js";
import { collectArg } from "./options/parsers.js";
import { commanderOptions, settle } from "./options/settle.js";
import { EXIT_CODES, type CommonOptions, type Outcome } from "./options.js";
import { flushStdout, processOutput, writeStderr, writeStdout, type Output } from "./report/output.js";
import { VERSION } from "./version.js";

interface GlobalOptions {
  root?: string;
  json: boolean;
  color: boolean;
  /** `--config F` (a string), `--no-config` (false), or neither. */
  config?: string | false;
}

/** The settings every command shares (program options a config may set too). */
const GLOBAL = [
  { key: "allow-empty", description: "finding no recordings at all is not an error (exit 0)", default: false, boolean: true },
  { key: "exclude", arg: "<glob>", description: "never take files matching this glob as recordings (repeatable)", default: [] as string[], parse: collectArg },
] as const satisfies readonly OptionDecl[];

function usageError(cmd: Command, message: string): never {
  return cmd.error(message, { exitCode: EXIT_CODES.error, code: "recctl.usage" });
}

/** An existing folder named by an option, absolute; a usage error otherwise. */
function folderOption(cmd: Command, flag: string, value: string, cwd: string): string {
  const dir = resolve(cwd, value);
  const info = statSync(dir, { throwIfNoEntry: false });
  // SPEC: a --root that does not exist is a usage error; a typo in a CI job must not stay green.
  if (info === undefined) usageError(cmd, `error: ${flag} ${value}: no such directory`);
  if (!info.isDirectory()) usageError(cmd, `error: ${flag} ${value}: not a directory`);
  return dir;
}

/** The config in force: `--config F`, else the nearest between --root and the repository root; none with `--no-config`. */
async function configOf(cmd: Command, g: GlobalOptions, cwd: string, startDir: string, repoDir: string, output: Output): Promise<LoadedConfig | null> {
  if (g.config === false) return null;
  const { ConfigError, findConfigFile, loadConfig } = await import("./core/workspace/config.js");
  try {
    if (typeof g.config === "string") {
      const file = resolve(cwd, g.config);
      if (statSync(file, { throwIfNoEntry: false })?.isFile() !== true) usageError(cmd, `error: --config ${g.config}: no such file`);
      return await loadConfig(file);
    }
    const ref = await findConfigFile(startDir, repoDir);
    return ref === null ? null : await loadConfig(ref);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const { configErrorLines } = await import("./report/config.js");
    for (const line of configErrorLines(output, err)) output.err(`recctl: ${line}`);
    throw new CommanderError(EXIT_CODES.error, "recctl.config", err.message);
  }
}

/** What every action starts from: the shared options, the workspace, and its own settled options. */
interface Context<D extends readonly OptionDecl[]> {
  common: CommonOptions;
  values: ValuesOf<D>;
  config: LoadedConfig | null;
  sources: Record<string, ResolvedSetting>;
}

/**
 * The options every command shares and the workspace, resolved once (core/workspace), with the
 * command's own options settled: command line > config > default.
 */
async function context<const D extends readonly OptionDecl[]>(cmd: Command, command: string, decls: D, makeOutput: (color: boolean) => Promise<Output>): Promise<Context<D>> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const cwd = process.cwd();
  const root = g.root === undefined ? null : folderOption(cmd, "--root", g.root, cwd);
  const own = settle(cmd, command, decls, null);
  const json = g.json;
  const output = await makeOutput(g.color && !json);
  // --repo-root on the command line decides where the config is looked for too.
  const repoFlag = (own.sources["repo-root"]?.source.kind === "option" ? (own.values as Record<string, unknown>)["repo-root"] : null) as string | null;
  const repoDir = repoFlag === null ? null : folderOption(cmd, "--repo-root", repoFlag, cwd);
  const startDir = root ?? cwd;
  const repo: RepoRoot = repoDir !== null ? { dir: repoDir, source: "option" } : await findRepoRoot(startDir);
  const config = await configOf(cmd, g, cwd, startDir, repo.dir, output);
  const settled = settle(cmd, command, decls, config);
  const shared = settle(cmd.parent ?? cmd, command, GLOBAL, config);
  const values = settled.values as Record<string, unknown>;
  const configRoot = config === null ? undefined : configValue(config, command, "root");
  const configRepo = repoDir === null && config !== null ? configValue(config, command, "repo-root") : undefined;
  // --json with another --format on the command line: which one did the user mean? (exit 2)
  if (json && settled.sources["format"]?.source.kind === "option" && values["format"] !== "json") {
    usageError(cmd, `error: --json and --format ${String(values["format"])} ask for two outputs; give one`);
  }
  const rulesSource = settled.sources["rules"]?.source.kind;
  const workspace = await resolveWorkspace({
    cwd,
    root,
    configRoot: typeof configRoot?.value === "string" ? configRoot.value : null,
    repo: typeof configRepo?.value === "string" ? { dir: configRepo.value, source: "option" } : repo,
    rules: (values["rules"] ?? null) as RulesChoice | null,
    rulesFrom: rulesSource === "config" ? "config" : "option",
    exclude: shared.values.exclude,
    allowEmpty: shared.values["allow-empty"],
    config,
  });
  return { common: { root: workspace.root, workspace, json, output }, values: settled.values, config, sources: { ...shared.sources, ...settled.sources } };
}

/** Adds a command's declared options to it. */
function declare(cmd: Command, decls: readonly OptionDecl[]): Command {
  for (const decl of decls) for (const option of commanderOptions(decl)) cmd.addOption(option);
  return cmd;
}

const EXAMPLES: Record<string, string> = {
  validate: `
Examples:
  $ recctl validate                                  every **/recordings/**/*.json under --root
  $ recctl validate tests/integration/inference/recordings/ab12*.json
  $ recctl validate --strict --format github         CI: warnings fail too, annotations inline
  $ recctl validate --strict --ignore format         fail on unreachable files, not on layout
  $ recctl validate --json | jq '.files[] | select(.valid | not) | .file'`,
  hash: `
Examples:
  $ recctl hash 5cc7                                 hash prefix (4+ hex digits)
  $ recctl hash tests/integration/agents/recordings  every recording in a folder
  $ recctl hash --explain path/to/recording.json     show the exact JSON that is hashed`,
  list: `
Examples:
  $ recctl list                                      all recordings, grouped by test
  $ recctl list --group-by model --model gpt-4o
  $ recctl list --test test_streaming --json`,
  show: `
Examples:
  $ recctl show 5cc7605f                             after "Recording not found for request hash: 5cc7605f…"
  $ recctl show path/to/recording.json --json
  $ recctl show 5cc7 --raw                           the file as stored`,
  reassemble: `
Examples:
  $ recctl reassemble 03afc274                       the final answer of one streamed recording
  $ recctl text tests/integration/responses/recordings --json
  $ recctl reassemble a.json b.json | less -R`,
  diff: `
Examples:
  $ recctl diff old.json new.json                    re-recorded? only real changes are shown
  $ recctl diff 5cc7 8fe0 --ignore /request/body/temperature
  $ recctl diff a.json b.json --raw                  everything, chunk by chunk`,
  prune: `
Examples:
  $ recctl prune                                     dry run: list orphans and why
  $ pytest --collect-only -q | recctl prune --collected - --check
  $ recctl prune --reason unreachable --delete       remove exactly the listed files
  $ recctl prune --collected ids.txt --delete --max-delete 50%   a reviewed one-off cleanup`,
  normalize: `
Examples:
  $ recctl normalize                                 dry run: which files would change, and how
  $ recctl normalize --check                         CI: exit 1 when any file would change
  $ recctl normalize --write tests/integration/inference/recordings`,
};

/** Where actions report their outcome (commander discards action return values). */
export interface ExitSink {
  outcome: Outcome;
}

export function buildProgram(sink: ExitSink, makeOutput: (color: boolean) => Promise<Output> = processOutput): Command {
  const program = new Command("recctl")
    .description("Validate, inspect, diff and prune LLM API recordings (llama-stack / OGX test recorder).")
    .version(VERSION)
    .option(
      "--root <dir>",
      "where a command over a tree looks when given no paths (default: the config's root, else the current folder); a lookup by hash searches the whole repository unless --root is given; test paths resolve against the repository root above it",
    )
    .option("--json", "print one JSON document on stdout", false)
    .option("--no-color", "never colour the output")
    .option("--config <file>", "read the settings from this file (default: the nearest .recctl.toml, recctl.toml or pyproject.toml [tool.recctl] between --root and the repository root)")
    .option("--no-config", "ignore every config file")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      "after",
      `
Settings: command line > config ([tool.recctl] in pyproject.toml, or recctl.toml) > default; \`recctl config\` shows them.
          Every boolean option also has a --no-… form, which undoes the config's setting.
Exit codes: 0 success, 1 findings (invalid files, differences, orphans or changes with --check),
            2 usage or I/O errors (bad arguments, unreadable files, no recording matches a reference,
              no recordings at all unless --allow-empty),
            130 a --write/--delete run stopped by SIGINT/SIGTERM (every file whole; rerun to finish).`,
    );
  declare(program, GLOBAL);

  /** A command with its declared options; `run` gets the context and the positional arguments. */
  const command = <const C extends keyof typeof OPTIONS>(
    name: C,
    description: string,
    run: (ctx: Context<(typeof OPTIONS)[C]>, args: string[][] | string[], cmd: Command) => Promise<Outcome>,
  ): Command => {
    const cmd = program.command(name).description(description);
    declare(cmd, OPTIONS[name]);
    cmd.action(async (...actionArgs: unknown[]) => {
      const self = actionArgs[actionArgs.length - 1] as Command;
      const positional = actionArgs.slice(0, -2) as string[][] | string[];
      sink.outcome = await run(await context(self, name, OPTIONS[name], makeOutput), positional, self);
    });
    return cmd;
  };
  const examples = (cmd: Command, name: string): Command => cmd.addHelpText("after", EXAMPLES[name] ?? "");

  examples(
    command("validate", "check JSON syntax, the recording schema and the recorder's rules (hash, ids, format)", async ({ common, values: v }, [paths]) => {
      const { validateCommand } = await import("./commands/validate.js");
      return validateCommand({
        ...common,
        paths: (paths ?? []) as string[],
        format: v.format,
        strict: v.strict,
        schema: v.schema,
        ignore: v.ignore,
        rules: v.rules,
        cache: v.cache,
        cacheDir: v["cache-dir"] === "" ? null : v["cache-dir"],
        cacheStats: (process.env["RECCTL_CACHE_STATS"] ?? "") !== "",
        virtualEnv: process.env["VIRTUAL_ENV"] ?? null,
      });
    }).argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)"),
    "validate",
  );

  examples(
    command("hash", "recompute each recording's request hash and check its file name agrees", async ({ common, values: v }, [refs]) => {
      const { hashCommand } = await import("./commands/hash.js");
      return hashCommand({ ...common, refs: refs as string[], explain: v.explain, rules: v.rules });
    }).argument("<refs...>", "files, directories, globs or hash prefixes"),
    "hash",
  );

  examples(
    command("list", "a table of recordings, grouped by test (or model, endpoint)", async ({ common, values: v }, [paths]) => {
      const { listCommand } = await import("./commands/list.js");
      return listCommand({ ...common, paths: (paths ?? []) as string[], groupBy: v["group-by"], filters: { test: v.test, model: v.model, endpoint: v.endpoint } });
    }).argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)"),
    "list",
  );

  examples(
    command("show", "what a person debugging a replay miss needs: request, response, the answer", async ({ common, values: v }, [ref]) => {
      const { showCommand } = await import("./commands/show.js");
      const { maskedOutput } = await import("./report/masked.js");
      return showCommand({ ...common, output: maskedOutput(common.output), ref: ref as unknown as string, raw: v.raw, rules: v.rules });
    }).argument("<ref>", "a file or a hash prefix (4+ hex digits), searched in the whole repository unless --root is given"),
    "show",
  );

  examples(
    command("reassemble", "join a streamed answer's deltas into the final text; tool calls and reasoning after it", async ({ common }, [refs]) => {
      const { reassembleCommand } = await import("./commands/reassemble.js");
      const { maskedOutput } = await import("./report/masked.js");
      return reassembleCommand({ ...common, output: maskedOutput(common.output), refs: refs as string[] });
    })
      .alias("text")
      .argument("<refs...>", "files, directories, globs or hash prefixes"),
    "reassemble",
  );

  examples(
    command("diff", "what changed between two recordings: request by JSON pointer, then the answer", async ({ common, values: v }, [a, b]) => {
      const { diffCommand } = await import("./commands/diff.js");
      const { maskedOutput } = await import("./report/masked.js");
      return diffCommand({ ...common, output: maskedOutput(common.output), a: a as unknown as string, b: b as unknown as string, raw: v.raw, ignore: v.ignore, rules: v.rules });
    })
      .argument("<a>", "a file or a hash prefix")
      .argument("<b>", "a file or a hash prefix"),
    "diff",
  );

  examples(
    command("prune", "find orphaned recordings (dry run); --delete removes exactly those listed, unless a guard refuses", async ({ common, values: v }, [paths]) => {
      const { pruneCommand } = await import("./commands/prune.js");
      return pruneCommand({
        ...common,
        paths: (paths ?? []) as string[],
        collected: v.collected,
        check: v.check,
        delete: v.delete,
        allowPartial: v["allow-partial"],
        reasons: v.reason,
        maxDelete: v["max-delete"],
      });
    }).argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)"),
    "prune",
  );

  examples(
    command("normalize", "apply the recorder's response normalization (ids, timestamps, durations) to stored files", async ({ common, values: v }, [paths]) => {
      const { normalizeCommand } = await import("./commands/normalize.js");
      return normalizeCommand({ ...common, paths: (paths ?? []) as string[], write: v.write, check: v.check });
    }).argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)"),
    "normalize",
  );

  command("changes", "what changed in the recordings between two git revisions (or a revision and the index or the working tree), and what breaks replay", async ({ common, values: v }, [args]) => {
    const { changesCommand } = await import("./commands/changes.js");
    // Markdown is posted to public pull requests: credential-shaped strings masked.
    const output = v.format === "markdown" && !common.json ? (await import("./report/masked.js")).maskedOutput(common.output) : common.output;
    return changesCommand({
      ...common,
      output,
      args: (args ?? []) as string[],
      format: v.format,
      revertNoise: v["revert-noise"],
      write: v.write,
      staged: v.staged,
      check: v.check,
      strict: v.strict,
      rules: v.rules,
    });
  })
    .usage("[options] [<base> [<head>]] [paths...]")
    .argument("[revisions-and-paths...]", "[<base> (default HEAD) [<head> (default: the working tree)]] [paths…]")
    .addHelpText(
      "after",
      `
Each side is judged with the hash rules of its own recorder (--rules: one era for both).

Exit codes (like git diff): 0 it ran, whatever changed; with --check, 1 when a change breaks
replay (--strict: a noise-only modification too); 2 errors.

Examples:
  $ recctl changes                                   what a re-record run just wrote, against HEAD
  $ recctl changes origin/main HEAD --format markdown    a pull-request comment body
  $ recctl changes origin/main HEAD --check              CI: fail when a change breaks replay
  $ recctl changes --staged --check                  pre-commit: the index against HEAD
  $ recctl changes origin/main tests/integration/inference
  $ recctl changes origin/main --revert-noise --write     keep only the real changes`,
    );

  command(
    "explain",
    "why did a replay miss: reads pytest output or server.log, lists the nearest recordings, the differences that change the hash, and what to do",
    async ({ common, values: v }, [files]) => {
      const { explainCommand } = await import("./commands/explain.js");
      return explainCommand({ ...common, files: (files ?? []) as string[], request: v.request, candidates: v.candidates, rules: v.rules });
    },
  )
    .argument("[files...]", "pytest output, server.log or pasted text ('-' or none: standard input)")
    .addHelpText(
      "after",
      `
Candidates are searched in the whole repository (unless --root is given), from whatever folder it runs in.

Examples:
  $ pytest tests/integration/inference 2>&1 | recctl explain
  $ recctl explain server.log --json
  $ recctl explain ci-log.txt --request tests/integration/inference/recordings/2b8f64dc….json

Exit codes: 0 every miss explained, 1 some miss has no candidate, 2 usage errors or no miss in the input.`,
    );

  command("rehash", "rename unreachable recordings to what the repository's recorder looks up (dry run); --write applies", async ({ common, values: v }, [paths]) => {
    const { rehashCommand } = await import("./commands/rehash.js");
    return rehashCommand({ ...common, paths: (paths ?? []) as string[], write: v.write, rules: v.rules });
  })
    .argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)")
    .addHelpText(
      "after",
      `
Examples:
  $ recctl rehash                                    dry run: what would be renamed, removed or kept, and why
  $ recctl rehash --write tests/integration/inference/recordings
  $ recctl rehash --rules 2026-03-18 --json          as the recorder of that date names files`,
    );

  command("migrate-types", "move response __type__ values to a new module prefix after a package rename; requests and hashes never change (dry run)", async ({ common, values: v }, [args]) => {
    const { migrateTypesCommand } = await import("./commands/migrate-types.js");
    const { MappingError, parseTypeMapping, splitMappingArgs } = await import("./core/migrate-types.js");
    try {
      const { mappings, paths } = splitMappingArgs((args ?? []) as string[]);
      return await migrateTypesCommand({ ...common, mappings: mappings.map(parseTypeMapping), paths, write: v.write });
    } catch (err) {
      if (err instanceof MappingError) return usageErrorOutcome(common.output, `migrate-types: ${err.message}`);
      throw err;
    }
  })
    .usage("[options] <old-prefix>=<new-prefix>... [paths...]")
    .argument("<mappings-and-paths...>", "one or more <old-prefix>=<new-prefix> (dotted Python names), then files, directories or globs")
    .addHelpText(
      "after",
      `
Examples:
  $ recctl migrate-types llama_stack_api=ogx_api                 dry run: which files, how many values, per module
  $ recctl migrate-types llama_stack_api=ogx_api --write
  $ recctl migrate-types a.old=a.new b.old=b.new tests/integration/inference/recordings`,
    );

  command("completion", "print a shell completion script (bash, zsh or fish) for every command and its options", async ({ common }, [shell], cmd) => {
    const { completionCommand } = await import("./commands/completion.js");
    return completionCommand({ ...common, shell: shell as "bash" | "zsh" | "fish", program: cmd.parent ?? cmd });
  })
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      `
Examples:
  $ source <(recctl completion bash)                 this bash session (or save it in ~/.local/share/bash-completion/completions/recctl)
  $ recctl completion zsh > "\${fpath[1]}/_recctl"    zsh, after compinit
  $ recctl completion fish > ~/.config/fish/completions/recctl.fish`,
    );

  command("redact", "replace infrastructure ids (and with --secrets credentials) by stable placeholders where the request hash stays unchanged (dry run)", async ({ common, values: v }, [paths]) => {
    const { redactCommand } = await import("./commands/redact.js");
    return redactCommand({ ...common, paths: (paths ?? []) as string[], write: v.write, secrets: v.secrets });
  })
    .argument("[paths...]", "files, directories or globs (default: every recording under the root)")
    .addHelpText(
      "after",
      `
Examples:
  $ recctl redact                                  dry run: which values would be replaced, where
  $ recctl redact --write                          Azure/Databricks hosts, Watsonx project ids, ARNs, GCP projects
  $ recctl redact --secrets --write tests/integration/inference/recordings`,
    );

  command("config", "the resolved settings and where each came from (command line, config file, default)", async ({ common, config }, [name]) => {
    const { configCommand } = await import("./commands/config.js");
    const target = (name ?? null) as string | null;
    if (target !== null && !(target in OPTIONS)) return usageErrorOutcome(common.output, `unknown command '${target}' (one of ${Object.keys(OPTIONS).join(", ")})`);
    const decls: readonly OptionDecl[] = target === null ? [] : OPTIONS[target as keyof typeof OPTIONS];
    const defaults = Object.fromEntries(decls.filter((d) => d.cliOnly !== true).map((d) => [d.key, d.default]));
    return configCommand({ ...common, config, disabled: program.opts<GlobalOptions>().config === false, command: target, flags: {}, defaults });
  })
    .argument("[command]", "show the settings as this command sees them (its table over the top level)")
    .addHelpText(
      "after",
      `
Examples:
  $ recctl config                                    every setting of the config in force, and where it came from
  $ recctl config validate --json`,
    );

  return program;
}

function usageErrorOutcome(output: Output, message: string): Outcome {
  output.err(`recctl: ${message}`);
  return "error";
}

/** What the program writes to, besides a command's own Output: help, usage errors, crashes. */
export interface ProgramIO {
  makeOutput: (color: boolean) => Promise<Output>;
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
  /** Print a stack under an unexpected error's one line (RECCTL_DEBUG). */
  debug: boolean;
}

/**
 * Parses `argv` (node's form: the first two entries are the runtime and the script) and runs
 * the command; never exits the process. In-process tests call this with their own ProgramIO.
 */
export async function execute(argv: readonly string[], io: ProgramIO, sink: ExitSink = { outcome: "ok" }): Promise<Outcome> {
  const program = buildProgram(sink, io.makeOutput);
  // Settings are copied to subcommands when they are created, so each one is configured here.
  for (const cmd of [program, ...program.commands]) cmd.exitOverride().configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr });
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors are ours to call 2.
      sink.outcome = err.exitCode === 0 ? "ok" : "error";
    } else {
      io.writeErr(`recctl: ${err instanceof Error ? err.message : String(err)}\n`);
      if (io.debug && err instanceof Error) io.writeErr(`${err.stack ?? ""}\n`);
      sink.outcome = "error";
    }
  }
  return sink.outcome;
}

/** Runs the CLI; the only place that sets the process exit code. */
export async function run(argv: readonly string[]): Promise<void> {
  const sink: ExitSink = { outcome: "ok" };
  // `recctl list | head`: the reader went away; stop quietly, as unix tools do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? EXIT_CODES[sink.outcome]);
    throw err;
  });
  const io: ProgramIO = {
    makeOutput: processOutput,
    writeOut: writeStdout,
    writeErr: writeStderr,
    debug: process.env["RECCTL_DEBUG"] !== undefined,
  };
  process.exitCode = EXIT_CODES[await execute(argv, io, sink)];
  // The last block of a pipe's output goes now, while the event loop can still wait for a reader
  // that is slow to take it (the flush at exit is only a fallback: a write left pending then is lost).
  flushStdout();
}
