/** Notices about temporary files (`*.recctl-tmp-*`) an interrupted run left behind. */
import type { StaleTempOutcome } from "../core/write.js";
import type { Output } from "./output.js";

/** One stderr line each: removed, left alone (and why), or found (`flag` removes it). */
export function printStaleTemps(output: Output, temps: readonly StaleTempOutcome[], flag: string): void {
  const note = output.color.yellow("note");
  for (const t of temps) {
    const what = `${output.path(t.file)}: a temporary file left by an interrupted run`;
    if (t.removed) output.err(`recctl: ${note}: ${what}, removed`);
    else if (t.message !== null) output.err(`recctl: ${note}: ${what}, not removed: ${t.message}`);
    else output.err(`recctl: ${note}: ${what} (${flag} removes it)`);
  }
}
