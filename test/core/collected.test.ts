import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isErrored, ManifestError, mergeManifests, parseManifest, testFileOf } from "../../src/core/collected.js";

/** What pytest 9 prints for `--collect-only -q` when one module has a syntax error. */
const WITH_ERROR = `tests/a/test_a.py::test_one[x y]
tests/a/test_a.py::test_one[\\xe9]
tests/a/test_a.py::TestK::test_k
tests/b/test_c.py::test_c

==================================== ERRORS ====================================
______________________ ERROR collecting tests/b/test_b.py ______________________
/usr/lib/python3/dist-packages/_pytest/python.py:507: in importtestmodule
    mod = import_path(
<frozen importlib._bootstrap>:1204: in _gcd_import
    ???
E     File "/tmp/x/tests/b/test_b.py", line 1
E       def test_b(:
E                  ^
E   SyntaxError: invalid syntax
=============================== warnings summary ===============================
tests/b/test_c.py:2
  /tmp/x/tests/b/test_c.py:2: UserWarning: hey
    warnings.warn("hey")
tests/a/test_a.py::test_warned
  /tmp/x/tests/a/test_a.py:9: DeprecationWarning: old

-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html
=========================== short test summary info ============================
ERROR tests/b/test_b.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
4 tests collected, 1 error in 1.46s
`;

describe("pytest --collect-only -q", () => {
  test("node-id lines are read; blank lines and the summary line are skipped", () => {
    const m = parseManifest("tests/x/test_a.py::test_b[p1]\ntests/x/test_a.py::test_b[p2]\n\n2 tests collected in 0.12s\n", "ids.txt");
    assert.deepEqual([...m.ids], ["tests/x/test_a.py::test_b[p1]", "tests/x/test_a.py::test_b[p2]"]);
    assert.equal(m.erroredFiles.size, 0);
    assert.deepEqual(m.problems, []);
    assert.equal(m.unnamedErrors, false);
  });

  test("a collection error names its file, with the traceback's last line as the reason", () => {
    const m = parseManifest(WITH_ERROR, "stdin");
    assert.deepEqual([...m.ids], [
      "tests/a/test_a.py::test_one[x y]",
      "tests/a/test_a.py::test_one[\\xe9]",
      "tests/a/test_a.py::TestK::test_k",
      "tests/b/test_c.py::test_c",
    ]);
    assert.deepEqual([...m.erroredFiles], ["tests/b/test_b.py"]);
    assert.deepEqual(m.problems, ["stdin: pytest could not collect tests/b/test_b.py (SyntaxError: invalid syntax)"]);
    assert.equal(m.unnamedErrors, false);
  });

  test("lines in the warnings summary that look like node ids are not collected tests", () => {
    const m = parseManifest(WITH_ERROR, "stdin");
    assert.equal(m.ids.has("tests/a/test_a.py::test_warned"), false);
  });

  test("`ERROR path - reason` lines give the file and the reason", () => {
    const text = "tests/x/test_a.py::test_b\n\nERROR tests/x/test_c.py - ModuleNotFoundError: No module named 'foo'\n1 test collected, 1 error in 0.3s\n";
    const m = parseManifest(text, "ids.txt");
    assert.deepEqual([...m.erroredFiles], ["tests/x/test_c.py"]);
    assert.deepEqual(m.problems, ["ids.txt: pytest could not collect tests/x/test_c.py (ModuleNotFoundError: No module named 'foo')"]);
  });

  test("more errors counted in the summary than named makes the errors unnamed", () => {
    const text = "tests/x/test_a.py::test_b\nERROR tests/x/test_c.py\n1 test collected, 2 errors in 0.3s\n";
    const m = parseManifest(text, "ids.txt");
    assert.equal(m.unnamedErrors, true);
    assert.match(m.problems.join("\n"), /reported 2 collection errors but named 1/);
  });

  test("an interruption without named errors makes the errors unnamed", () => {
    const text = "tests/x/test_a.py::test_b\n!!!!!!!!!!!! Interrupted: KeyboardInterrupt !!!!!!!!!!!!\nno tests ran in 0.30s\n";
    const m = parseManifest(text, "ids.txt");
    assert.equal(m.unnamedErrors, true);
    assert.match(m.problems.join("\n"), /interrupted/);
  });

  test("an empty manifest is an error, never an empty set of tests", () => {
    assert.throws(() => parseManifest("", "ids.txt"), ManifestError);
    assert.throws(() => parseManifest("\nno tests ran in 0.01s\n", "stdin"), /stdin: no test node ids found/);
  });

  test("a manifest with only collection errors is an error that says why", () => {
    assert.throws(
      () => parseManifest("ERROR tests/x/test_c.py - SyntaxError: bad\nno tests collected, 1 error in 0.1s\n", "ids.txt"),
      /no test node ids found.*could not collect tests\/x\/test_c\.py/,
    );
  });

  test("`-qq` output (counts per file) is refused with a hint", () => {
    assert.throws(() => parseManifest("tests/a/test_a.py: 3\ntests/b/test_c.py: 1\n", "ids.txt"), /pytest -qq.*--collect-only -q/);
  });

  test("the collection tree (no -q) is refused with a hint", () => {
    assert.throws(() => parseManifest("<Dir x>\n  <Module test_a.py>\n    <Function test_b>\n", "ids.txt"), /collection tree/);
  });

  test("deselected tests are a notice: their recordings will count as not collected", () => {
    const m = parseManifest("tests/a/test_a.py::TestK::test_k\n\n1/4 tests collected (3 deselected) in 0.54s\n", "ids.txt");
    assert.match(m.notices.join("\n"), /3 tests deselected/);
  });

  test("CRLF line ends, colour codes and Windows separators are tolerated", () => {
    const m = parseManifest("\u001b[32mtests\\x\\test_a.py::test_b\u001b[0m\r\n\r\n1 test collected in 0.1s\r\n", "ids.txt");
    assert.deepEqual([...m.ids], ["tests/x/test_a.py::test_b"]);
  });
});

describe("pytest-json-report", () => {
  const report = {
    created: 1,
    root: "/repo",
    summary: { collected: 3, total: 3 },
    collectors: [
      { nodeid: "", outcome: "passed", result: [{ nodeid: "tests/x/test_a.py", type: "Module" }, { nodeid: "tests/x/test_bad.py", type: "Module" }] },
      {
        nodeid: "tests/x/test_a.py",
        outcome: "passed",
        result: [
          { nodeid: "tests/x/test_a.py::test_b[p1]", type: "Function", lineno: 3 },
          { nodeid: "tests/x/test_a.py::TestK", type: "Class" },
        ],
      },
      { nodeid: "tests/x/test_a.py::TestK", outcome: "passed", result: [{ nodeid: "tests/x/test_a.py::TestK::test_k", type: "Function" }] },
      { nodeid: "tests/x/test_bad.py", outcome: "failed", result: [], longrepr: "Traceback…\nE   ImportError: cannot import name 'gone'" },
    ],
  };

  test("collectors[].result[].nodeid of tests are the ids; classes and modules are not", () => {
    const m = parseManifest(JSON.stringify(report), "report.json");
    assert.deepEqual([...m.ids].sort(), ["tests/x/test_a.py::TestK::test_k", "tests/x/test_a.py::test_b[p1]"]);
    assert.equal(m.rootdir, "/repo");
  });

  test("a collector with outcome failed names an errored file", () => {
    const m = parseManifest(JSON.stringify(report), "report.json");
    assert.deepEqual([...m.erroredFiles], ["tests/x/test_bad.py"]);
    assert.deepEqual(m.problems, ["report.json: pytest could not collect tests/x/test_bad.py (ImportError: cannot import name 'gone')"]);
  });

  test("invalid JSON, or JSON that is not a report, is an error", () => {
    assert.throws(() => parseManifest("{ nope", "r.json"), /r\.json: invalid JSON/);
    assert.throws(() => parseManifest('{"tests": []}', "r.json"), /not a pytest-json-report/);
  });
});

describe("several manifests and errored paths", () => {
  test("manifests are unioned", () => {
    const a = parseManifest("tests/a/test_a.py::test_1\n", "a.txt");
    const b = parseManifest(WITH_ERROR, "b.txt");
    const m = mergeManifests([a, b]);
    assert.equal(m.ids.size, 5);
    assert.deepEqual([...m.erroredFiles], ["tests/b/test_b.py"]);
    assert.equal(m.problems.length, 1);
  });

  test("an error in a conftest.py covers its folder; a file error covers only that file", () => {
    const m = parseManifest("tests/a/test_a.py::t\nERROR tests/b/conftest.py\nERROR tests/c/test_c.py\n", "x");
    assert.equal(isErrored(m, "tests/b/sub/test_x.py"), true);
    assert.equal(isErrored(m, "tests/c/test_c.py"), true);
    assert.equal(isErrored(m, "tests/c/test_cc.py"), false);
    assert.equal(isErrored(m, "tests/bb/test_x.py"), false);
  });

  test("the test file of a node id is the part before the first ::", () => {
    assert.equal(testFileOf("tests/x/test_a.py::TestK::test_k[a::b]"), "tests/x/test_a.py");
  });
});
