/**
 * The stale-type rule's static resolver, in-process: what a module binds at run time read from
 * its source (never by running Python), where a dotted module lives, and the verdict on a
 * `__type__` with the nearest existing class. The fixture repository's expected verdicts were
 * checked once with CPython (`__import__(module, fromlist=[cls])`, `getattr`), and the e2e test
 * checks them again with python3 when it is there.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findPythonEnvironment, pythonNotices, pythonSourcesDigest } from "../../src/core/guard/pymodules.js";
import { readModuleSource } from "../../src/core/guard/pysource.js";
import { StaleTypeChecker, typeUses } from "../../src/core/guard/stale-type.js";
import { MappingError, migrateType, parseTypeMapping, planTypeMigration } from "../../src/core/migrate-types.js";

const REPO = fileURLToPath(new URL("../../../test/fixtures/stale-type/repo/", import.meta.url));

function tempRepo(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "recctl-staletype-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(REPO, dir, { recursive: true });
  return dir;
}

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe("reading a module's source", () => {
  test("class, def and assignments bind; nested classes, docstrings and comments do not", () => {
    const src = readModuleSource(
      [
        '"""Doc.',
        "class InDocstring:",
        '"""',
        "import os, json as j",
        "import a.b.c",
        "X = Y = 1; Z: int = 2",
        "W: int",
        "P, (Q, R) = 1, (2, 3)",
        "obj.attr = 1",
        "d[k] = 2",
        "# class InComment:",
        "@decorator",
        "class Model(Base,",
        "            Mixin):",
        "    class Config:",
        "        pass",
        "    inner = 1",
        "async def handler(x: int = 3) -> None: ...",
        "s = '''",
        "class InString: pass",
        "'''",
        "try:",
        "    from fast import Parser",
        "except ImportError:",
        "    Parser = None",
        "x = 1 + \\",
        "    2",
      ].join("\n"),
    );
    assert.deepEqual([...src.defined].sort(), ["Model", "P", "Parser", "Q", "R", "X", "Y", "Z", "handler", "s", "x"]);
    assert.deepEqual([...src.classes], ["Model"]);
    assert.deepEqual([...src.importedModules].sort(), ["a", "j", "os"]);
    assert.deepEqual(src.imported.get("Parser"), [{ level: 0, module: "fast", name: "Parser" }]);
  });

  test("names imported under `if TYPE_CHECKING:` do not exist at run time; its else branch does", () => {
    const src = readModuleSource(
      [
        "import typing",
        "from typing import TYPE_CHECKING",
        "if TYPE_CHECKING:",
        "    from .a import OnlyTyped, Both",
        "    class AlsoTyped: ...",
        "else:",
        "    from .b import Both",
        "if typing.TYPE_CHECKING: from .c import Inline",
        "Runtime = 1",
      ].join("\n"),
    );
    assert.deepEqual([...src.typeCheckingOnly].sort(), ["Inline", "OnlyTyped"]);
    assert.equal(src.imported.has("OnlyTyped"), false);
    assert.deepEqual(src.imported.get("Both"), [{ level: 1, module: "b", name: "Both" }]);
    assert.equal(src.defined.has("AlsoTyped"), false);
  });

  test("multi-line imports, relative levels, `as`, `*` and `__all__` (literal, +=, extend, computed)", () => {
    const src = readModuleSource(
      [
        "from ..pkg.mod import (",
        "    A,  # first",
        "    B as C,",
        ")",
        "from . import sub",
        "from .star import *",
        '__all__ = ["A", \'C\']',
        '__all__ += ["sub"]',
        '__all__.extend(("D",))',
      ].join("\n"),
    );
    assert.deepEqual(src.imported.get("A"), [{ level: 2, module: "pkg.mod", name: "A" }]);
    assert.deepEqual(src.imported.get("C"), [{ level: 2, module: "pkg.mod", name: "B" }]);
    assert.deepEqual(src.imported.get("sub"), [{ level: 1, module: "", name: "sub" }]);
    assert.deepEqual(src.stars, [{ level: 1, module: "star", name: "*" }]);
    assert.deepEqual(src.all, ["A", "C", "sub", "D"]);
    assert.equal(readModuleSource("__all__ = base.__all__ + ['x']").all, "dynamic");
    assert.equal(readModuleSource("def __getattr__(name): ...").hasGetattr, true);
  });
});

describe("resolving __type__ values in a repository", () => {
  const env = findPythonEnvironment(REPO, null);

  test("the repository's own packages are found under src/; no virtualenv: one notice", () => {
    assert.ok(env !== null);
    assert.deepEqual(Object.keys(env.packages), ["mypkg"]);
    assert.equal(env.venv, null);
    assert.equal(pythonNotices(env).length, 1);
    assert.match(pythonNotices(env)[0] ?? "", /no virtualenv found .*third-party __type__ modules .* not checked/);
  });

  test("defined, re-exported through a package __init__, aliased, or brought by `import *` resolves", () => {
    const checker = new StaleTypeChecker(env ?? assert.fail());
    for (const type of ["mypkg.models.Widget", "mypkg.tools.ToolResult", "mypkg.Gizmo", "mypkg.ToolResult", "mypkg.Widget", "mypkg.tools.results.ToolResult"]) {
      assert.equal(checker.verdict(type), null, type);
    }
  });

  test("a renamed module is stale and names the class where it lives now", () => {
    const checker = new StaleTypeChecker(env ?? assert.fail());
    assert.equal(
      checker.verdict("mypkg.old_responses.Reply"),
      "mypkg.old_responses.Reply does not import on replay (the recorder falls back to a plain dict): no module mypkg.old_responses in the repository; nearest existing class: mypkg.responses.Reply",
    );
  });

  test("a class imported only under TYPE_CHECKING is stale", () => {
    const checker = new StaleTypeChecker(env ?? assert.fail());
    assert.match(checker.verdict("mypkg.api.Secret") ?? "", /mypkg\.api imports Secret only under `if TYPE_CHECKING:`.*nearest existing class: mypkg\.internal\.Secret$/);
    // Defined nowhere: the closest class of that module is offered; a missing module: the closest module.
    assert.match(checker.verdict("mypkg.models.Widgett") ?? "", /mypkg\.models has no Widgett at run time; no class Widgett anywhere in mypkg; nearest existing class: mypkg\.models\.Widget$/);
    assert.match(checker.verdict("mypkg.modles.Nothing") ?? "", /no module mypkg\.modles in the repository; no class Nothing anywhere in mypkg; nearest existing module: mypkg\.models$/);
    // A nested class is no module attribute: the recorder's rsplit makes `Gadget` the module.
    assert.match(checker.verdict("mypkg.models.Gadget.Config") ?? "", /no module mypkg\.models\.Gadget/);
  });

  test("third-party modules are not judged without a virtualenv", () => {
    const checker = new StaleTypeChecker(env ?? assert.fail());
    assert.equal(checker.verdict("openai.types.chat.chat_completion.ChatCompletion"), null);
    assert.equal(checker.verdict("ollama._types.Missing"), null);
  });

  test("a re-export whose source lost the class breaks the import of the package", (t) => {
    const dir = tempRepo(t);
    put(join(dir, "src/mypkg/tools/results.py"), "class OtherResult: ...\n");
    const checker = new StaleTypeChecker(findPythonEnvironment(dir, null) ?? assert.fail());
    assert.match(checker.verdict("mypkg.tools.ToolResult") ?? "", /mypkg\.tools has no ToolResult at run time/);
  });

  test("with a virtualenv (.venv, or $VIRTUAL_ENV first), third-party modules are read from site-packages", (t) => {
    const dir = tempRepo(t);
    const site = join(dir, ".venv/lib/python3.12/site-packages");
    put(join(site, "openai/__init__.py"), "from . import types\n");
    put(join(site, "openai/types/__init__.py"), "from .chat import *\n");
    put(join(site, "openai/types/chat/__init__.py"), "from .chat_completion import ChatCompletion as ChatCompletion\n");
    put(join(site, "openai/types/chat/chat_completion.py"), "from .._models import BaseModel\n\nclass ChatCompletion(BaseModel):\n    id: str\n");
    put(join(site, "openai/types/_models.py"), "class BaseModel: ...\n");
    const withVenv = findPythonEnvironment(dir, null) ?? assert.fail();
    assert.equal(withVenv.venv, join(dir, ".venv"));
    assert.deepEqual(pythonNotices(withVenv), []);
    const checker = new StaleTypeChecker(withVenv);
    assert.equal(checker.verdict("openai.types.chat.chat_completion.ChatCompletion"), null);
    assert.equal(checker.verdict("openai.types.chat.ChatCompletion"), null);
    assert.match(
      checker.verdict("openai.types.chat.completion_old.ChatCompletion") ?? "",
      /no module openai\.types\.chat\.completion_old in the virtualenv .*; nearest existing class: openai\.types\.chat\.chat_completion\.ChatCompletion$/,
    );
    // A package that is neither the repository's nor installed (left over from a rename).
    assert.match(checker.verdict("oldpkg.models.Widget") ?? "", /no module oldpkg\.models in the virtualenv .*; nearest existing class: mypkg\.models\.Widget$/);
    // $VIRTUAL_ENV is looked at first.
    const other = join(dir, "elsewhere");
    put(join(other, "lib/python3.11/site-packages/ollama/_types.py"), "class ChatResponse: ...\n");
    const fromEnv = findPythonEnvironment(dir, other) ?? assert.fail();
    assert.equal(fromEnv.venv, other);
    assert.equal(new StaleTypeChecker(fromEnv).verdict("ollama._types.ChatResponse"), null);
  });

  test("no packages and no virtualenv: the rule has nothing to read", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "recctl-staletype-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    assert.equal(findPythonEnvironment(dir, null), null);
    assert.deepEqual(pythonNotices(null), []);
  });

  test("the cache salt follows the Python sources: a rename changes it", (t) => {
    const dir = tempRepo(t);
    const before = pythonSourcesDigest(findPythonEnvironment(dir, null) ?? assert.fail());
    assert.equal(pythonSourcesDigest(findPythonEnvironment(dir, null) ?? assert.fail()), before);
    renameSync(join(dir, "src/mypkg/responses.py"), join(dir, "src/mypkg/old_responses.py"));
    assert.notEqual(pythonSourcesDigest(findPythonEnvironment(dir, null) ?? assert.fail()), before);
  });

  test("only the values the recorder deserializes are read: the body, or each chunk", () => {
    const data = {
      request: { body: { __type__: "x.Y", __data__: {} } },
      response: { body: [{ __type__: "a.B", __data__: {} }, { __type__: "a.C" }, { __data__: { __type__: "n.N", __data__: {} } }] },
    };
    assert.deepEqual(typeUses(data), [{ pointer: "/response/body/0/__type__", type: "a.B" }]);
    assert.deepEqual(typeUses({ response: { body: { __type__: "a.B", __data__: null } } }), [{ pointer: "/response/body/__type__", type: "a.B" }]);
  });
});

describe("migrate-types mappings", () => {
  test("<old>=<new> takes dotted names; a prefix matches at a dot boundary only", () => {
    const m = parseTypeMapping("llama_stack_api=ogx_api");
    assert.deepEqual(m, { from: "llama_stack_api", to: "ogx_api" });
    assert.equal(migrateType("llama_stack_api.file_processors.models.ProcessFileResponse", [m]), "ogx_api.file_processors.models.ProcessFileResponse");
    assert.equal(migrateType("llama_stack_api_extra.models.X", [m]), null);
    assert.equal(migrateType("llama_stack_api", [m]), "ogx_api");
    // The longest matching prefix wins.
    assert.equal(migrateType("a.b.C", [parseTypeMapping("a=x"), parseTypeMapping("a.b=y")]), "y.C");
    for (const bad of ["noequals", "a=", "=b", "a b=c", "a=a", "a.=b"]) assert.throws(() => parseTypeMapping(bad), MappingError, bad);
  });

  test("only response __type__ values are rewritten, in place", () => {
    const text = '{\n  "request": {\n    "__type__": "old.m.A",\n    "prompt": "old.m.A"\n  },\n  "response": {\n    "body": {\n      "__type__": "old.m.A",\n      "__data__": {"note": "old.m.A"}\n    }\n  }\n}\n';
    const plan = planTypeMigration(text, [parseTypeMapping("old=new")]);
    assert.equal(plan.text, text.replace('      "__type__": "old.m.A"', '      "__type__": "new.m.A"'));
    assert.deepEqual(plan.rewrites, [{ pointer: "/response/body/__type__", from: "old.m.A", to: "new.m.A" }]);
  });
});
