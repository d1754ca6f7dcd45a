/** Reading the `--collected` sources (files, or `-` for stdin) into one manifest. */
import { relative, resolve } from "node:path";
import { ManifestError, mergeManifests, parseManifest, type Manifest } from "../collected.js";
import { ReadError, readText, STDIN } from "../read.js";

/** Every source read once (stdin can only be read once) and unioned; ManifestError when one cannot be used. */
export function readManifests(sources: readonly string[], cwd: string): Manifest {
  const manifests: Manifest[] = [];
  for (const source of new Set(sources)) {
    const file = source === STDIN ? STDIN : resolve(cwd, source);
    let text: string;
    try {
      text = readText(file);
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      throw new ManifestError(source, err.message);
    }
    const rel = relative(cwd, file);
    manifests.push(parseManifest(text, source === STDIN ? "stdin" : rel.startsWith("..") ? file : rel));
  }
  return mergeManifests(manifests);
}
