/**
 * Output for the printers that show a recording's contents (show, diff, reassemble,
 * `changes --format markdown`, which is posted to public pull requests): every credential-shaped
 * string masked to its first four characters (guard/secrets.ts `maskSecrets`), on stdout and stderr.
 */
import { maskSecrets } from "../core/guard/secrets.js";
import type { Output } from "./output.js";

export function maskedOutput(output: Output): Output {
  return { ...output, out: (text) => output.out(maskSecrets(text)), err: (text) => output.err(maskSecrets(text)) };
}
