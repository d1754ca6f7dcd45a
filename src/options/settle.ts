/**
 * Command line > config > default, for every declared option (SPEC, "Configuration"): what
 * commander parsed where the option was typed (or set by its environment variable), else the
 * config's value (the command's table over the top level), else the declared default.
 */
import { Option, type Command } from "commander";
import { CONFIG_PARSERS, resolveSettings, type FlagValue, type LoadedConfig, type ResolvedSetting } from "../core/workspace/config.js";
import type { OptionDecl, ValuesOf } from "./declarations.js";

/** The commander options of one declaration: `--key`, and `--no-key` for a boolean a config may set. */
export function commanderOptions(decl: OptionDecl): Option[] {
  const option = new Option(decl.arg === undefined ? `--${decl.key}` : `--${decl.key} ${decl.arg}`, decl.description);
  if (decl.choices !== undefined) option.choices(decl.choices);
  const { parse, choices } = decl;
  if (parse !== undefined) {
    // commander's own choice check is replaced by an argParser: keep it for single values.
    option.argParser((value: string, previous: unknown) => {
      if (choices !== undefined && !choices.includes(value)) option.choices(choices).parseArg?.(value, previous);
      return parse(value, (previous ?? decl.default) as never);
    });
  }
  if (decl.env !== undefined) option.env(decl.env);
  if (decl.boolean !== true || decl.cliOnly === true) return [option];
  const negated = new Option(`--no-${decl.key}`, decl.default === true ? decl.description : `undo --${decl.key} set in the config`);
  return decl.default === true ? [option.hideHelp(), negated] : [option, negated.hideHelp()];
}

export interface Settled<D extends readonly OptionDecl[]> {
  values: ValuesOf<D>;
  sources: Record<string, ResolvedSetting>;
}

/** Where a declared option was set on this command's line (or environment), as a FlagValue. */
function flagOf(cmd: Command, decl: OptionDecl): FlagValue {
  const attr = new Option(`--${decl.key}`).attributeName();
  const source = cmd.getOptionValueSource(attr);
  if (source === "cli" || source === "env") return { value: cmd.getOptionValue(attr) as unknown, given: source === "env" ? "env" : true };
  return { value: decl.default, given: false };
}

/** Each declared option's value and where it came from. */
export function settle<const D extends readonly OptionDecl[]>(cmd: Command, command: string, decls: D, config: LoadedConfig | null): Settled<D> {
  const flags: Record<string, FlagValue> = {};
  const defaults: Record<string, unknown> = {};
  const sources: Record<string, ResolvedSetting> = {};
  const values: Record<string, unknown> = {};
  for (const decl of decls) {
    const flag = flagOf(cmd, decl);
    if (decl.cliOnly === true) {
      values[decl.key] = flag.value;
      sources[decl.key] = { value: flag.value, source: { kind: flag.given === false ? "default" : "option" } };
      continue;
    }
    flags[decl.key] = flag;
    defaults[decl.key] = decl.default;
  }
  for (const [key, setting] of Object.entries(resolveSettings(config, command, flags, defaults, CONFIG_PARSERS))) {
    values[key] = setting.value;
    sources[key] = setting;
  }
  return { values: values as ValuesOf<D>, sources };
}
