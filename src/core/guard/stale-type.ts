/**
 * Rule `stale-type` (warning): a response body's `__type__` that the recorder can no longer
 * import on replay. The recorder (`_deserialize_response`) does
 * `module_path, class_name = __type__.rsplit(".", 1)`, `__import__(module_path, fromlist=[class_name])`,
 * `getattr(module, class_name)` on `/response/body` and on each `/response/body/<i>` that has both
 * `__type__` and `__data__`; when that fails it logs a warning and replays the plain `__data__`
 * dict, so a test sees a dict where it expected an object. Decided by reading sources
 * (`pymodules.ts`), never by importing.
 */
import { isObject } from "../recording.js";
import { PythonModules, type PythonEnvironment } from "./pymodules.js";

/** A `__type__` the recorder deserializes, and where it is. */
export interface TypeUse {
  pointer: string;
  type: string;
}

export interface StaleTypeFinding {
  pointer: string;
  message: string;
  rule: "stale-type";
}

/** The `__type__` values `_deserialize_response` reads: the body, or each chunk of a streamed body. */
export function typeUses(data: unknown): TypeUse[] {
  const response = isObject(data) ? data["response"] : undefined;
  const body = isObject(response) ? response["body"] : undefined;
  const out: TypeUse[] = [];
  const take = (value: unknown, pointer: string): void => {
    if (isObject(value) && typeof value["__type__"] === "string" && "__data__" in value) out.push({ pointer: `${pointer}/__type__`, type: value["__type__"] });
  };
  if (Array.isArray(body)) body.forEach((chunk, i) => take(chunk, `/response/body/${i}`));
  else take(body, "/response/body");
  return out;
}

/** Levenshtein distance (module paths and class names are short). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function closest<T>(items: readonly T[], key: (t: T) => string, target: string): T | undefined {
  let found: T | undefined;
  let distance = Infinity;
  for (const item of items) {
    const d = editDistance(key(item), target);
    if (d < distance || (d === distance && found !== undefined && key(item) < key(found))) {
      found = item;
      distance = d;
    }
  }
  return found;
}

export class StaleTypeChecker {
  readonly modules: PythonModules;
  /** A verdict per `__type__` value: null when it resolves (or cannot be judged). */
  private readonly verdicts = new Map<string, string | null>();

  constructor(env: PythonEnvironment) {
    this.modules = new PythonModules(env);
  }

  /** One warning per stale `__type__` value of a recording, at its first use. */
  check(uses: readonly TypeUse[]): StaleTypeFinding[] {
    const byType = new Map<string, TypeUse[]>();
    for (const use of uses) byType.set(use.type, [...(byType.get(use.type) ?? []), use]);
    const out: StaleTypeFinding[] = [];
    for (const [type, all] of byType) {
      const why = this.verdict(type);
      if (why === null) continue;
      const more = all.length > 1 ? ` (and ${all.length - 1} more chunk${all.length === 2 ? "" : "s"} in this file)` : "";
      out.push({ pointer: (all[0] as TypeUse).pointer, message: `${why}${more}`, rule: "stale-type" });
    }
    return out;
  }

  /** Why `type` does not import on replay, or null. */
  verdict(type: string): string | null {
    let v = this.verdicts.get(type);
    if (v === undefined) {
      v = this.judge(type);
      this.verdicts.set(type, v);
    }
    return v;
  }

  private judge(type: string): string | null {
    const dot = type.lastIndexOf(".");
    const lead = `${type} does not import on replay (the recorder falls back to a plain dict)`;
    if (dot <= 0) return `${lead}: it is not a module.Class path`;
    const module = type.slice(0, dot);
    const cls = type.slice(dot + 1);
    const m = this.modules;
    const loc = m.locate(module);
    if (loc.kind === "unknown") return null;
    const where = loc.own ? "in the repository" : `in the virtualenv ${m.env.venv ?? ""}`;
    let why: string;
    if (loc.kind === "missing") why = `no module ${module} ${where}`;
    else if (m.has(module, cls) !== "no") return null;
    else if (m.typeCheckingOnly(module, cls)) why = `${module} imports ${cls} only under \`if TYPE_CHECKING:\`, so it does not exist at run time`;
    else why = `${module} has no ${cls} at run time`;
    return `${lead}: ${why}; ${this.nearest(module, cls)}`;
  }

  /** The nearest existing class path: a class of that name in the package, else the closest module. */
  nearest(module: string, cls: string): string {
    const m = this.modules;
    const top = module.split(".")[0] ?? "";
    const tops = m.isOwn(module) || (m.env.venv !== null && m.locate(top).kind !== "missing") ? [top] : Object.keys(m.env.packages).sort();
    const mods = tops.flatMap((t) => m.modulesOf(t));
    const withClass = closest(
      mods.filter((x) => x.classes.has(cls)),
      (x) => x.module,
      module,
    );
    if (withClass !== undefined) return `nearest existing class: ${withClass.module}.${cls}`;
    const same = mods.find((x) => x.module === module);
    if (same !== undefined && same.classes.size > 0) {
      const name = closest([...same.classes].sort(), (c) => c, cls) as string;
      return `no class ${cls} anywhere in ${tops.join(", ")}; nearest existing class: ${module}.${name}`;
    }
    const near = closest(mods, (x) => x.module, module);
    return near === undefined ? `no class ${cls} anywhere in ${tops.join(", ") || "the repository"}` : `no class ${cls} anywhere in ${tops.join(", ")}; nearest existing module: ${near.module}`;
  }
}
