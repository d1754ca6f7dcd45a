/** Reading the `--collected` sources (files, or `-` for stdin) into one manifest. */
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { ManifestError, mergeManifests, parseManifest, type Manifest } from "../collected.js";

/** Every source read once (stdin can only be read once) and unioned; ManifestError when one cannot be used. */
export async function readManifests(sources: readonly string[], cwd: string, readStdin: () => Promise<string>): Promise<Manifest> {
  const manifests: Manifest[] = [];
  for (const source of new Set(sources)) {
    if (source === "-") {
      manifests.push(parseManifest(await readStdin(), "stdin"));
      continue;
    }
    const file = resolve(cwd, source);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ManifestError(source, `cannot read: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
    const rel = relative(cwd, file);
    manifests.push(parseManifest(text, rel.startsWith("..") ? file : rel));
  }
  return mergeManifests(manifests);
}
