/** Commands that remove, rename or rewrite files take no stream (`-`, /dev/fd/N): there is no file. */
import { isStreamPath } from "../core/read.js";
import type { Output } from "../report/output.js";

/** True (and one line on stderr saying why) when a path names a stream that `command` cannot work on. */
export function refusesStream(output: Output, paths: readonly string[], why: string): boolean {
  const stream = paths.find(isStreamPath);
  if (stream === undefined) return false;
  output.err(`recctl: ${stream}: ${why}`);
  return true;
}
