/**
 * `recctl completion bash|zsh|fish`: a shell completion script for every command and its
 * options. The script is generated from the program commander was given (itself built from the
 * one option declaration, src/options/declarations.ts, and the program's global options), so a
 * new command or option completes without touching this file.
 */
import type { Command, Option } from "commander";
import type { CommonOptions, Outcome } from "../options.js";
import { printCompletion, SHELLS, type CompletionSpec, type OptionSpec, type Shell } from "../report/completion.js";

export { SHELLS };

export interface CompletionCommandOptions extends CommonOptions {
  shell: Shell;
  /** The whole program (completion's parent). */
  program: Command;
}

/** What follows an option: a file, a folder, one of its choices, or free text. */
function valueOf(option: Option): Pick<OptionSpec, "value" | "choices"> {
  if (!option.required && !option.optional) return { value: "none", choices: [] };
  if (option.argChoices !== undefined) return { value: "choice", choices: [...option.argChoices] };
  const placeholder = option.flags.match(/<([^>]+)>|\[([^\]]+)\]/);
  const name = placeholder?.[1] ?? placeholder?.[2] ?? "";
  return { value: name === "file" ? "file" : name === "dir" ? "dir" : "text", choices: [] };
}

function optionSpec(option: Option): OptionSpec {
  const flags = [option.long, option.short].filter((f): f is string => typeof f === "string");
  return { flags, description: option.description, ...valueOf(option) };
}

const HELP: OptionSpec = { flags: ["--help", "-h"], description: "display help for command", value: "none", choices: [] };

/** The program's commands and options, as the completion scripts need them. */
export function completionSpec(program: Command): CompletionSpec {
  const names = program.commands.map((c) => c.name());
  return {
    program: program.name(),
    global: [...program.options.map(optionSpec), HELP],
    commands: program.commands.map((c) => ({
      name: c.name(),
      aliases: c.aliases(),
      description: c.description(),
      options: [...c.options.map(optionSpec), HELP],
      // What the positional arguments are: a command's name (config), a shell (completion), else paths.
      args: c.name() === "config" ? names : c.name() === "completion" ? [...SHELLS] : null,
    })),
  };
}

export async function completionCommand(opts: CompletionCommandOptions): Promise<Outcome> {
  printCompletion(opts.output, opts.shell, completionSpec(opts.program));
  return "ok";
}
