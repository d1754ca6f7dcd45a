/**
 * The hash rules each side of a comparison is judged by (SPEC, `changes`): the era of the
 * recorder source at that revision — read from git in two calls (one listing, one
 * `cat-file --batch`), or from the working tree's files — unless `--rules` names one for both.
 */
import { ERAS, type Era } from "../rules/eras.js";
import { detectEra, fixedRules, layoutRules, resolveRules, type RulesChoice, type RulesInUse } from "../rules/detect.js";
import { filesAt, filesInIndex, INDEX, readBlobs, type Head } from "./git.js";
import { join } from "node:path";

/** Where upstream kept the recorder (as `findRecorderSources` looks): `testing/`, `<pkg>/testing/`, `src/<pkg>/testing/`. */
const RECORDER_PATHSPECS = ["api_recorder.py", "inference_recorder.py"].flatMap((f) => [`:(glob)testing/${f}`, `:(glob)*/testing/${f}`, `:(glob)src/*/testing/${f}`]);

function skipped(path: string): boolean {
  return path.split("/").some((part) => part.startsWith(".") || part === "node_modules");
}

/** A side of the comparison: a commit, the index, or the working tree. */
export type Side = Head;

/**
 * The era in use at one side: `--rules` when given; else the newest era among the recorder
 * sources found there (as `resolveRules` picks), else the newest rules.
 */
export async function rulesAt(top: string, side: Side, choice: RulesChoice | null): Promise<RulesInUse> {
  if (choice !== null || side.kind === "worktree") return resolveRules(choice, top);
  const paths = (side.kind === "commit" ? filesAt(top, side.commit, RECORDER_PATHSPECS) : filesInIndex(top, RECORDER_PATHSPECS)).filter((p) => !skipped(p)).sort();
  const revision = side.kind === "commit" ? side.commit : INDEX;
  const sources = readBlobs(top, paths.map((path) => ({ revision, path })));
  let best: { era: Era; file: string } | null = null;
  let unrecognised: string | null = null;
  paths.forEach((path, i) => {
    const era = detectEra(sources[i]?.toString("utf8") ?? "");
    if (era === null) unrecognised ??= join(top, path);
    else if (best === null || ERAS.indexOf(era) > ERAS.indexOf(best.era)) best = { era, file: join(top, path) };
  });
  const found = best as { era: Era; file: string } | null;
  if (found !== null) return fixedRules(found.era, "recorder", found.file);
  return layoutRules(unrecognised);
}
