/** Test helpers shared by unit and end-to-end tests. */
import * as fs from "node:fs";
import * as path from "node:path";

/** Every `*.json` under a folder, recursively, sorted. */
export function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(full));
    else if (entry.name.endsWith(".json")) out.push(full);
  }
  return out.sort();
}
