/**
 * How a reassembled answer reads in a terminal: the text exactly as joined, then tool calls
 * (arguments pretty-printed where they parse as JSON), reasoning and errors, visibly separated.
 */
import type { Reassembled } from "../core/types.js";
import type { Output } from "./output.js";

function prettyArguments(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

export function renderAnswer(output: Output, answer: Reassembled): string[] {
  const c = output.color;
  const lines: string[] = [];
  const many = answer.choices.length > 1;
  for (const choice of answer.choices) {
    if (many) lines.push(c.bold.cyan(`── choice ${choice.index} ──`));
    if (choice.content !== "") lines.push(choice.content);
    if (choice.refusal !== null && choice.refusal !== "") lines.push(c.red(`refusal: ${choice.refusal}`));
    for (const call of choice.tool_calls) {
      lines.push(c.magenta(`── tool call ${call.index}: ${call.name}${call.id === null ? "" : c.dim(` (${call.id})`)}`));
      lines.push(prettyArguments(call.arguments));
    }
    if (choice.reasoning !== "") {
      lines.push(c.dim("── reasoning ──"));
      lines.push(c.dim(choice.reasoning));
    }
    if (choice.content === "" && choice.tool_calls.length === 0 && choice.reasoning === "") lines.push(c.dim("(no text)"));
  }
  if (answer.error !== null) lines.push(c.red(`── error${answer.error.type === null ? "" : ` (${answer.error.type})`}: ${answer.error.message}`));
  return lines;
}
