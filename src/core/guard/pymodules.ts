/**
 * Where a dotted Python module lives and whether a name exists in it at run time, decided by
 * reading source files only (`pysource.ts`), as `__import__(module, fromlist=[name])` followed by
 * `getattr(module, name)` would find it — the recorder's replay of a `__type__`.
 *
 * The repository's own packages (`<root>/<pkg>/__init__.py`, `<root>/src/<pkg>/__init__.py`) are
 * always read; third-party modules only in a virtualenv (`$VIRTUAL_ENV`, `<root>/.venv`,
 * `<root>/venv`), else they are not judged.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { readModuleSource, type FromImport, type ModuleSource } from "./pysource.js";

/** What the resolver works from: plain data, found once by the command and sent to every worker. */
export interface PythonEnvironment {
  root: string;
  /** The repository's own top-level packages: name → folder. */
  packages: Record<string, string>;
  /** The virtualenv found, or null: third-party modules are then not judged. */
  venv: string | null;
  /** Its site-packages folders, and the folders its `.pth` files add to the path. */
  sitePaths: string[];
}

const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** `<root>/<pkg>/__init__.py` and `<root>/src/<pkg>/__init__.py`; the first found wins (as on sys.path). */
export function ownPackages(root: string, only: readonly string[] | null = null): Record<string, string> {
  const found: Record<string, string> = {};
  for (const base of [root, join(root, "src")]) {
    for (const name of listDir(base)) {
      if (!/^[A-Za-z_]\w*$/.test(name) || name in found || (only !== null && !only.includes(name))) continue;
      const dir = join(base, name);
      if (isFile(join(dir, "__init__.py"))) found[name] = dir;
    }
  }
  return found;
}

/** The folders of a virtualenv's `sys.path` past the standard library: site-packages and its `.pth` lines. */
function sitePathsOf(venv: string): string[] {
  const sites = [join(venv, "Lib", "site-packages")];
  for (const lib of ["lib", "lib64"]) {
    for (const py of listDir(join(venv, lib))) if (/^python3/.test(py)) sites.push(join(venv, lib, py, "site-packages"));
  }
  const out: string[] = [];
  for (const site of sites.filter(isDir)) {
    if (!out.includes(site)) out.push(site);
    for (const pth of listDir(site).filter((n) => n.endsWith(".pth"))) {
      let text = "";
      try {
        text = readFileSync(join(site, pth), "utf8");
      } catch {
        continue;
      }
      for (const line of text.split(/\r?\n/)) {
        if (line === "" || line.startsWith("#") || /^import[\s\t]/.test(line)) continue;
        const dir = resolve(site, line.trim());
        if (isDir(dir) && !out.includes(dir)) out.push(dir);
      }
    }
  }
  return out;
}

/** The virtualenv: `$VIRTUAL_ENV` (as given by the caller), else `<root>/.venv`, else `<root>/venv`. */
export function findVirtualenv(root: string, virtualEnv: string | null | undefined): { venv: string; sitePaths: string[] } | null {
  const candidates = [virtualEnv ?? "", join(root, ".venv"), join(root, "venv")].filter((c) => c !== "");
  for (const candidate of candidates) {
    const venv = resolve(root, candidate);
    const sitePaths = sitePathsOf(venv);
    if (sitePaths.length > 0) return { venv, sitePaths };
  }
  return null;
}

/** The config's `[stale-type]` table: which packages are the repository's own, where its virtualenv is. */
export interface PythonSettings {
  /** Only these top-level packages count as the repository's own (default: every one found). */
  packages?: readonly string[] | null;
  /** The virtualenv (absolute), below `$VIRTUAL_ENV`, above `.venv`/`venv`. */
  venv?: string | null;
}

/** The repository's Python, or null when it has neither packages of its own nor a virtualenv. */
export function findPythonEnvironment(root: string, virtualEnv?: string | null, settings: PythonSettings = {}): PythonEnvironment | null {
  const packages = ownPackages(root, settings.packages ?? null);
  // $VIRTUAL_ENV (the one activated) first, then the config's venv, then .venv and venv.
  const env = findVirtualenv(root, virtualEnv === null || virtualEnv === undefined || virtualEnv === "" ? (settings.venv ?? null) : virtualEnv);
  if (Object.keys(packages).length === 0 && env === null) return null;
  return { root, packages, venv: env?.venv ?? null, sitePaths: env?.sitePaths ?? [] };
}

/** The notice a run prints once when third-party `__type__` modules cannot be checked. */
export function pythonNotices(env: PythonEnvironment | null): string[] {
  if (env === null || env.venv !== null) return [];
  return ["stale-type: no virtualenv found ($VIRTUAL_ENV, .venv, venv): third-party __type__ modules (openai.types…) were not checked"];
}

/** Every `.py` file under a folder (no `__pycache__`, no hidden folders, no symlinked folders). */
export function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "__pycache__") walk(join(d, e.name));
      else if (e.isFile() && e.name.endsWith(".py")) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

/**
 * A digest of every Python source the rule may read: the own packages' `.py` files (path and
 * bytes) and the virtualenv's site-packages listing (its `*.dist-info` names carry the installed
 * versions). Salts validate's result cache, so a renamed module or an upgrade re-checks.
 */
export function pythonSourcesDigest(env: PythonEnvironment): string {
  const h = createHash("sha256");
  for (const [name, dir] of Object.entries(env.packages).sort()) {
    h.update(`package ${name} ${dir}\0`);
    for (const file of pythonFiles(dir)) {
      h.update(`${relative(dir, file)}\0`);
      try {
        h.update(readFileSync(file));
      } catch {
        h.update("(unreadable)");
      }
      h.update("\0");
    }
  }
  h.update(`venv ${env.venv ?? ""}\0`);
  for (const site of env.sitePaths) h.update(`${site}\0${listDir(site).join("\0")}\0`);
  return h.digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Locating modules

/** Where a dotted module is. `unknown`: not the repository's and no virtualenv to look in, or compiled. */
export type ModuleLocation =
  | { kind: "source"; module: string; file: string; isPackage: boolean; dirs: string[]; own: boolean }
  | { kind: "namespace"; module: string; dirs: string[]; own: boolean }
  | { kind: "missing"; module: string; /** The longest existing parent package. */ parent: string | null; own: boolean }
  | { kind: "unknown"; module: string };

/** How one name of a module came to be (or not) at run time. */
export type Presence = "yes" | "no" | "unknown";

export class PythonModules {
  private readonly located = new Map<string, ModuleLocation>();
  private readonly parsed = new Map<string, ModuleSource>();

  constructor(readonly env: PythonEnvironment) {}

  isOwn(module: string): boolean {
    return (module.split(".")[0] ?? "") in this.env.packages;
  }

  /** Where `module` lives, following Python's path finder (package, then module, then namespace portion). */
  locate(module: string): ModuleLocation {
    const cached = this.located.get(module);
    if (cached !== undefined) return cached;
    const found = this.locateUncached(module);
    this.located.set(module, found);
    return found;
  }

  private locateUncached(module: string): ModuleLocation {
    const parts = module.split(".");
    const top = parts[0] ?? "";
    const own = top in this.env.packages;
    if (!own && this.env.venv === null) return { kind: "unknown", module };
    let dirs = own ? [join(this.env.packages[top] as string, "..")] : this.env.sitePaths;
    let current: ModuleLocation | null = null;
    let parent: string | null = null;
    for (let k = 0; k < parts.length; k++) {
      const name = parts[k] as string;
      const dotted = parts.slice(0, k + 1).join(".");
      if (current !== null && current.kind === "source" && !current.isPackage) return { kind: "missing", module, parent, own };
      const step = this.findIn(dirs, name, dotted, own);
      if (step === null) return { kind: "missing", module, parent, own };
      if (step.kind === "unknown") return step;
      current = step;
      if (step.kind === "source" || step.kind === "namespace") dirs = step.dirs;
      if (k < parts.length - 1) parent = dotted;
    }
    return current ?? { kind: "missing", module, parent: null, own };
  }

  private findIn(dirs: readonly string[], name: string, dotted: string, own: boolean): ModuleLocation | null {
    const portions: string[] = [];
    for (const dir of dirs) {
      const pkg = join(dir, name);
      if (isFile(join(pkg, "__init__.py"))) return { kind: "source", module: dotted, file: join(pkg, "__init__.py"), isPackage: true, dirs: [pkg], own };
      if (isFile(`${pkg}.py`)) return { kind: "source", module: dotted, file: `${pkg}.py`, isPackage: false, dirs: [], own };
      // A compiled module (`name.cpython-312-x86_64-linux-gnu.so`, `name.pyd`) cannot be read.
      if (listDir(dir).some((f) => f.startsWith(`${name}.`) && /\.(so|pyd)$/.test(f))) return { kind: "unknown", module: dotted };
      if (isDir(pkg)) portions.push(pkg);
    }
    return portions.length > 0 ? { kind: "namespace", module: dotted, dirs: portions, own } : null;
  }

  /** A module's source, read once per run. */
  source(file: string): ModuleSource {
    let mod = this.parsed.get(file);
    if (mod === undefined) {
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        // An unreadable file binds nothing we can see.
      }
      mod = readModuleSource(text);
      this.parsed.set(file, mod);
    }
    return mod;
  }

  // -------------------------------------------------------------------------------------------
  // Names at run time

  /** Whether `getattr(module, name)` finds something after `import module`. */
  has(module: string, name: string, seen: Set<string> = new Set()): Presence {
    const key = `${module}:${name}`;
    if (seen.has(key)) return "no"; // an import cycle binds nothing new
    seen.add(key);
    const loc = this.locate(module);
    if (loc.kind === "unknown") return "unknown";
    if (loc.kind === "missing" || loc.kind === "namespace") return "no";
    const src = this.source(loc.file);
    if (src.defined.has(name) || src.importedModules.has(name)) return "yes";
    let result: Presence = "no";
    for (const imp of src.imported.get(name) ?? []) {
      result = best(result, this.fromImport(loc, imp, seen));
      if (result === "yes") return result;
    }
    for (const star of src.stars) {
      result = best(result, this.starExports(this.absolute(loc, star), name, seen));
      if (result === "yes") return result;
    }
    if (result === "no" && src.hasGetattr) return "unknown";
    return result;
  }

  /** A module neither in the repository nor in the virtualenv (the standard library, a built-in): not judged. */
  private outside(module: string): boolean {
    const top = module.split(".")[0] ?? "";
    return !(top in this.env.packages) && (this.env.venv === null || this.locate(top).kind === "missing");
  }

  /** `from X import name`: an attribute of X, or its submodule `X.name`. */
  private fromImport(loc: Extract<ModuleLocation, { kind: "source" }>, imp: FromImport, seen: Set<string>): Presence {
    const target = this.absolute(loc, imp);
    if (this.outside(target)) return "unknown";
    const attr = this.has(target, imp.name, seen);
    if (attr !== "no") return attr;
    const sub = this.locate(`${target}.${imp.name}`);
    return sub.kind === "source" || sub.kind === "namespace" ? "yes" : sub.kind === "unknown" ? "unknown" : "no";
  }

  /** `from X import *` brings `name` when X's `__all__` lists it, or (no `__all__`) when it is public. */
  private starExports(module: string, name: string, seen: Set<string>): Presence {
    if (this.outside(module)) return "unknown";
    const loc = this.locate(module);
    if (loc.kind !== "source") return loc.kind === "unknown" ? "unknown" : "no";
    const all = this.source(loc.file).all;
    if (Array.isArray(all)) return all.includes(name) ? this.has(module, name, seen) : "no";
    if (name.startsWith("_")) return "no";
    const found = this.has(module, name, seen);
    return all === "dynamic" && found === "no" ? "unknown" : found;
  }

  /** The absolute module a (possibly relative) import names, from the importing module's location. */
  absolute(loc: Extract<ModuleLocation, { kind: "source" }>, imp: FromImport): string {
    if (imp.level === 0) return imp.module;
    const pkg = loc.isPackage ? loc.module.split(".") : loc.module.split(".").slice(0, -1);
    const base = pkg.slice(0, pkg.length - (imp.level - 1));
    return [...base, ...(imp.module === "" ? [] : [imp.module])].join(".");
  }

  /** Whether `name` is imported into `module` only under `if TYPE_CHECKING:`. */
  typeCheckingOnly(module: string, name: string): boolean {
    const loc = this.locate(module);
    return loc.kind === "source" && this.source(loc.file).typeCheckingOnly.has(name);
  }

  // -------------------------------------------------------------------------------------------
  // Searching a package (for the nearest existing class)

  /** Every module under a top-level package, with the classes its source defines. */
  modulesOf(top: string): { module: string; classes: Set<string> }[] {
    const own = this.env.packages[top];
    const roots = own !== undefined ? [own] : this.env.sitePaths.map((s) => join(s, top)).filter(isDir);
    const out: { module: string; classes: Set<string> }[] = [];
    for (const dir of roots) {
      for (const file of pythonFiles(dir)) {
        const rel = relative(join(dir, ".."), file).replace(/\.py$/, "").split(/[\\/]/);
        if (rel[rel.length - 1] === "__init__") rel.pop();
        out.push({ module: rel.join("."), classes: this.source(file).classes });
      }
    }
    return out;
  }
}

function best(a: Presence, b: Presence): Presence {
  return a === "yes" || b === "yes" ? "yes" : a === "unknown" || b === "unknown" ? "unknown" : "no";
}
