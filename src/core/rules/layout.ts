/**
 * The era of a recording's layout (issue "one workspace"): with no recorder source in sight, the
 * folder a recording lives in says which recorder wrote it. The 2025 layouts
 * (`recordings/responses/<hash12>.json`, with or without an `index.sqlite` beside) were written
 * by recorders that named files after 12 hex digits; per-test `recordings/` folders by the newer
 * ones. Judged from the path alone, so a one-file pre-commit run never hashes a tree to choose.
 */
import { basename, dirname, sep } from "node:path";
import { ERAS, NEWEST_ERA, type Era } from "./eras.js";

/** The last era whose recorder wrote the 2025 layouts (names of 12 hex digits). */
export const LEGACY_LAYOUT_ERA: Era = [...ERAS].reverse().find((e) => !e.rules.fullHashNames) ?? NEWEST_ERA;

/** A 2025 layout: the file sits in a `responses` folder inside a `recordings` folder. */
export function inLegacyLayout(file: string): boolean {
  const dir = dirname(file);
  return basename(dir) === "responses" && dirname(dir).split(sep).includes("recordings");
}

/** The era of the layout a recording lives in. */
export function layoutEra(file: string): Era {
  return inLegacyLayout(file) ? LEGACY_LAYOUT_ERA : NEWEST_ERA;
}
