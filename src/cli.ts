/**
 * Commander wiring: commands, options, help text, and the one place that decides the exit code.
 * Command modules are imported when their command runs, so `recctl validate one.json` (the
 * pre-commit case) loads only what it needs.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEFAULT_MAX_DELETE, parseMaxDelete, type MaxDelete } from "./core/prune/max-delete.js";
import { ORPHAN_REASONS, type OrphanReason } from "./core/prune/reasons.js";
import { WARNING_RULES, type WarningRule } from "./core/types.js";
import { parseRulesChoice, RulesChoiceError, type RulesChoice } from "./core/rules/detect.js";
import { EXIT_CODES, type CommonOptions, type Outcome } from "./options.js";
import { FORMATS, type FormatName } from "./report/index.js";
import { processOutput, type Output } from "./report/output.js";
import { VERSION } from "./version.js";

interface GlobalOptions {
  root: string;
  json: boolean;
  color: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A repeatable option limited to `choices` (commander's own check covers single values only). */
function repeatableChoice(flags: string, description: string, choices: readonly string[]): Option {
  return new Option(flags, description).choices(choices).argParser((value: string, previous: string[] | undefined) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(", ")}.`);
    return [...(previous ?? []), value];
  });
}

/** `--rules <date|current>` (SPEC, "Hash rules by era"), parsed at the edge; a bad value is a usage error. */
function rulesOption(): Option {
  return new Option("--rules <date|current>", "hash as the recorder in force on this date did (default: the repository's own recorder, else the newest)").argParser(
    (value: string): RulesChoice => {
      try {
        return parseRulesChoice(value);
      } catch (err) {
        throw new InvalidArgumentError(err instanceof RulesChoiceError ? err.message : String(err));
      }
    },
  );
}

async function common(cmd: Command, makeOutput: (color: boolean) => Promise<Output>): Promise<CommonOptions> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const root = resolve(process.cwd(), g.root);
  // SPEC: a --root that does not exist is a usage error; a typo in a CI job must not stay green.
  const info = statSync(root, { throwIfNoEntry: false });
  if (info === undefined) cmd.error(`error: --root ${g.root}: no such directory`, { exitCode: EXIT_CODES.error, code: "recctl.root" });
  if (!info.isDirectory()) cmd.error(`error: --root ${g.root}: not a directory`, { exitCode: EXIT_CODES.error, code: "recctl.root" });
  return { root, json: g.json, output: await makeOutput(g.color && !g.json) };
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
    .option("--root <dir>", "where recordings are searched (test paths resolve against the repository root above it)", ".")
    .option("--json", "print one JSON document on stdout", false)
    .option("--no-color", "never colour the output")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      "after",
      `
Exit codes: 0 success / nothing found, 1 findings (invalid files, differences, orphans with --check),
            2 usage or I/O errors (bad arguments, unreadable files, no recording matches a reference).`,
    );

  program
    .command("validate")
    .description("check JSON syntax, the recording schema and the recorder's rules (hash, ids, format)")
    .argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS.validate).default("text"))
    .option("--strict", "warnings (unreachable, rec- ids, formatting) fail too", false)
    .option("--schema <file>", "validate against this JSON Schema instead of the bundled one")
    .addOption(repeatableChoice("--ignore <rule>", "neither check nor report this warning rule (repeatable)", WARNING_RULES))
    .option("--no-cache", "neither read nor write the result cache")
    .addOption(new Option("--cache-dir <dir>", "where the result cache lives (default: .recctl_cache in --root)").env("RECCTL_CACHE_DIR"))
    .addOption(rulesOption())
    .addHelpText("after", EXAMPLES["validate"] ?? "")
    .action(
      async (
        paths: string[],
        opts: {
          format: FormatName<"validate">;
          strict: boolean;
          schema?: string;
          ignore?: WarningRule[];
          cache: boolean;
          cacheDir?: string;
          rules?: RulesChoice;
        },
        cmd: Command,
      ) => {
        const { validateCommand } = await import("./commands/validate.js");
        sink.outcome = await validateCommand({
          ...(await common(cmd, makeOutput)),
          paths,
          format: opts.format,
          strict: opts.strict,
          schema: opts.schema ?? null,
          ignore: opts.ignore ?? [],
          rules: opts.rules ?? null,
          cache: opts.cache,
          cacheDir: opts.cacheDir === undefined || opts.cacheDir === "" ? null : opts.cacheDir,
          cacheStats: (process.env["RECCTL_CACHE_STATS"] ?? "") !== "",
        });
      },
    );

  program
    .command("hash")
    .description("recompute each recording's request hash and check its file name agrees")
    .argument("<refs...>", "files, directories, globs or hash prefixes")
    .option("--explain", "print the normalized JSON that is hashed", false)
    .addOption(rulesOption())
    .addHelpText("after", EXAMPLES["hash"] ?? "")
    .action(async (refs: string[], opts: { explain: boolean; rules?: RulesChoice }, cmd: Command) => {
      const { hashCommand } = await import("./commands/hash.js");
      sink.outcome = await hashCommand({ ...(await common(cmd, makeOutput)), refs, explain: opts.explain, rules: opts.rules ?? null });
    });

  program
    .command("list")
    .description("a table of recordings, grouped by test (or model, endpoint)")
    .argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)")
    .addOption(new Option("--group-by <key>", "group rows by").choices(["test", "model", "endpoint", "none"]).default("test"))
    .option("--test <text>", "only recordings whose test_id contains this")
    .option("--model <text>", "only recordings whose model contains this")
    .option("--endpoint <text>", "only recordings whose endpoint contains this")
    .addHelpText("after", EXAMPLES["list"] ?? "")
    .action(async (paths: string[], opts: { groupBy: "test" | "model" | "endpoint" | "none"; test?: string; model?: string; endpoint?: string }, cmd: Command) => {
      const { listCommand } = await import("./commands/list.js");
      sink.outcome = await listCommand({
        ...(await common(cmd, makeOutput)),
        paths,
        groupBy: opts.groupBy,
        filters: { test: opts.test ?? null, model: opts.model ?? null, endpoint: opts.endpoint ?? null },
      });
    });

  program
    .command("show")
    .description("what a person debugging a replay miss needs: request, response, the answer")
    .argument("<ref>", "a file or a hash prefix (4+ hex digits)")
    .option("--raw", "print the file as stored", false)
    .addOption(rulesOption())
    .addHelpText("after", EXAMPLES["show"] ?? "")
    .action(async (ref: string, opts: { raw: boolean; rules?: RulesChoice }, cmd: Command) => {
      const { showCommand } = await import("./commands/show.js");
      sink.outcome = await showCommand({ ...(await common(cmd, makeOutput)), ref, raw: opts.raw, rules: opts.rules ?? null });
    });

  program
    .command("reassemble")
    .alias("text")
    .description("join a streamed answer's deltas into the final text; tool calls and reasoning after it")
    .argument("<refs...>", "files, directories, globs or hash prefixes")
    .addHelpText("after", EXAMPLES["reassemble"] ?? "")
    .action(async (refs: string[], _opts: unknown, cmd: Command) => {
      const { reassembleCommand } = await import("./commands/reassemble.js");
      sink.outcome = await reassembleCommand({ ...(await common(cmd, makeOutput)), refs });
    });

  program
    .command("diff")
    .description("what changed between two recordings: request by JSON pointer, then the answer")
    .argument("<a>", "a file or a hash prefix")
    .argument("<b>", "a file or a hash prefix")
    .option("--raw", "compare everything, chunk by chunk (no noise filtering)", false)
    .option("--ignore <pointer>", "also ignore this JSON pointer (repeatable)", collect, [])
    .addOption(rulesOption())
    .addHelpText("after", EXAMPLES["diff"] ?? "")
    .action(async (a: string, b: string, opts: { raw: boolean; ignore: string[]; rules?: RulesChoice }, cmd: Command) => {
      const { diffCommand } = await import("./commands/diff.js");
      sink.outcome = await diffCommand({ ...(await common(cmd, makeOutput)), a, b, raw: opts.raw, ignore: opts.ignore, rules: opts.rules ?? null });
    });

  program
    .command("prune")
    .description("find orphaned recordings (dry run); --delete removes exactly those listed, unless a guard refuses")
    .argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)")
    .option("--collected <file>", "pytest --collect-only -q output or pytest-json-report JSON ('-' for stdin); repeatable", collect, [])
    .option("--check", "exit 1 when any orphan is found (CI)", false)
    .option("--delete", "remove the orphans listed", false)
    .option("--repo-root <dir>", "where test paths in test_id resolve (default: the git top level or Python project above --root)", (value: string) => {
      const dir = resolve(process.cwd(), value);
      if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) throw new InvalidArgumentError(`${value}: no such directory`);
      return dir;
    })
    .option("--max-delete <count|N%>", "refuse --delete when it would remove more recordings than this (default: 25%)", (value: string) => {
      const max = parseMaxDelete(value);
      if (max === null) throw new InvalidArgumentError("expected a count (e.g. 50) or a percentage up to 100% (e.g. 40%)");
      return max;
    })
    .option("--allow-partial", "let --delete proceed although the collection had errors or the manifest does not fit", false)
    .addOption(repeatableChoice("--reason <reason>", "only orphans with this reason (repeatable)", ORPHAN_REASONS))
    .addOption(rulesOption())
    .addHelpText("after", EXAMPLES["prune"] ?? "")
    .action(
      async (
        paths: string[],
        opts: { collected: string[]; check: boolean; delete: boolean; allowPartial: boolean; reason?: OrphanReason[]; repoRoot?: string; maxDelete?: MaxDelete; rules?: RulesChoice },
        cmd: Command,
      ) => {
        const { pruneCommand } = await import("./commands/prune.js");
        sink.outcome = await pruneCommand({
          ...(await common(cmd, makeOutput)),
          paths,
          collected: opts.collected,
          check: opts.check,
          delete: opts.delete,
          allowPartial: opts.allowPartial,
          reasons: opts.reason ?? [],
          repoRoot: opts.repoRoot ?? null,
          maxDelete: opts.maxDelete ?? DEFAULT_MAX_DELETE,
          rules: opts.rules ?? null,
        });
      },
    );

  program
    .command("normalize")
    .description("apply the recorder's response normalization (ids, timestamps, durations) to stored files")
    .argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)")
    .option("--write", "rewrite changed files atomically, in the recorder's formatting", false)
    .option("--check", "exit 1 when any file would change (CI)", false)
    .addHelpText("after", EXAMPLES["normalize"] ?? "")
    .action(async (paths: string[], opts: { write: boolean; check: boolean }, cmd: Command) => {
      const { normalizeCommand } = await import("./commands/normalize.js");
      sink.outcome = await normalizeCommand({ ...(await common(cmd, makeOutput)), paths, write: opts.write, check: opts.check });
    });

  program
    .command("changes")
    .usage("[options] [<base> [<head>]] [paths...]")
    .description("what changed in the recordings between two git revisions (or a revision and the index or the working tree), and what breaks replay")
    .argument("[revisions-and-paths...]", "[<base> (default HEAD) [<head> (default: the working tree)]] [paths…]")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS.changes).default("text"))
    .option("--staged", "compare the index (what the next commit holds) with <base> (default HEAD)", false)
    .option("--check", "exit 1 when a change breaks replay (a recording reachable at <base>, unreachable at <head>)", false)
    .option("--strict", "with --check: a noise-only modification fails too", false)
    .option("--revert-noise", "restore the base version of every noise-only modified recording (dry run unless --write)", false)
    .option("--write", "with --revert-noise: restore them (index and working tree)", false)
    .addOption(rulesOption())
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
    )
    .action(
      async (
        args: string[],
        opts: { format: FormatName<"changes">; revertNoise: boolean; write: boolean; staged: boolean; check: boolean; strict: boolean; rules?: RulesChoice },
        cmd: Command,
      ) => {
        const { changesCommand } = await import("./commands/changes.js");
        sink.outcome = await changesCommand({
          ...(await common(cmd, makeOutput)),
          args,
          format: opts.format,
          revertNoise: opts.revertNoise,
          write: opts.write,
          staged: opts.staged,
          check: opts.check,
          strict: opts.strict,
          rules: opts.rules ?? null,
        });
      },
    );

  program
    .command("explain")
    .description("why did a replay miss: reads pytest output or server.log, lists the nearest recordings, the differences that change the hash, and what to do")
    .argument("[files...]", "pytest output, server.log or pasted text ('-' or none: standard input)")
    .option("--request <file>", "the missed request: a recording (e.g. the exception recording record-if-missing stored) or a bare request object")
    .option("--candidates <n>", "how many candidates to show per miss", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer.");
      return n;
    }, 3)
    .addOption(rulesOption())
    .addHelpText(
      "after",
      `
Examples:
  $ pytest tests/integration/inference 2>&1 | recctl explain
  $ recctl explain server.log --json
  $ recctl explain ci-log.txt --request tests/integration/inference/recordings/2b8f64dc….json

Exit codes: 0 every miss explained, 1 some miss has no candidate, 2 usage errors or no miss in the input.`,
    )
    .action(async (files: string[], opts: { request?: string; candidates: number; rules?: RulesChoice }, cmd: Command) => {
      const { explainCommand } = await import("./commands/explain.js");
      sink.outcome = await explainCommand({ ...(await common(cmd, makeOutput)), files, request: opts.request ?? null, candidates: opts.candidates, rules: opts.rules ?? null });
    });

  program
    .command("rehash")
    .description("rename unreachable recordings to what the repository's recorder looks up (dry run); --write applies")
    .argument("[paths...]", "files, directories or globs (default: **/recordings/**/*.json under --root)")
    .option("--write", "rename (never overwriting) and remove duplicates", false)
    .addOption(rulesOption())
    .addHelpText(
      "after",
      `
Examples:
  $ recctl rehash                                    dry run: what would be renamed, removed or kept, and why
  $ recctl rehash --write tests/integration/inference/recordings
  $ recctl rehash --rules 2026-03-18 --json          as the recorder of that date names files`,
    )
    .action(async (paths: string[], opts: { write: boolean; rules?: RulesChoice }, cmd: Command) => {
      const { rehashCommand } = await import("./commands/rehash.js");
      sink.outcome = await rehashCommand({ ...(await common(cmd, makeOutput)), paths, write: opts.write, rules: opts.rules ?? null });
    });

  return program;
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
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    debug: process.env["RECCTL_DEBUG"] !== undefined,
  };
  process.exitCode = EXIT_CODES[await execute(argv, io, sink)];
}
