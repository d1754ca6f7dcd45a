/**
 * Option parsers, in one module: each turns a string from the command line into the typed value
 * a command receives, or throws commander's InvalidArgumentError (a usage error, exit 2).
 */
import { InvalidArgumentError } from "commander";
import { parseMaxDelete, type MaxDelete } from "../core/prune/max-delete.js";
import { parseRulesChoice, RulesChoiceError, type RulesChoice } from "../core/rules/detect.js";

/** `--rules <date|current>` (SPEC, "Hash rules by era"). */
export function rulesArg(value: string): RulesChoice {
  try {
    return parseRulesChoice(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof RulesChoiceError ? err.message : String(err));
  }
}

/** `--max-delete <count|N%>`. */
export function maxDeleteArg(value: string): MaxDelete {
  const max = parseMaxDelete(value);
  if (max === null) throw new InvalidArgumentError("expected a count (e.g. 50) or a percentage up to 100% (e.g. 40%)");
  return max;
}

/** A positive whole number (`--candidates`). */
export function positiveIntArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer.");
  return n;
}

/** A repeatable option's values, in order. */
export function collectArg(value: string, previous: string[]): string[] {
  return [...(previous ?? []), value];
}

/** A repeatable option limited to `choices` (commander's own check covers single values only). */
export function repeatableChoiceArg(choices: readonly string[]): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(", ")}.`);
    return [...(previous ?? []), value];
  };
}
