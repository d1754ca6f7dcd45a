/** recctl's version, read from the package's own package.json (the one place it is written). */
import { readFileSync } from "node:fs";

/** dist/version.js sits one level below the package root; the test build (dist-test/src/) two. */
const CANDIDATES = ["../package.json", "../../package.json"];

function readVersion(): string {
  for (const candidate of CANDIDATES) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "recctl" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not the package root: try the next level up
    }
  }
  return "0.0.0";
}

export const VERSION: string = readVersion();
