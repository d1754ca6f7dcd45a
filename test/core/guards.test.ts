/**
 * The partial-collection guard in pieces (SPEC, "Orphan reasons"): a manifest that shows
 * collection errors leaves the test files named there unjudged by `not-collected`, fires the
 * `partial-collection` guard so `--delete` refuses, and `--allow-partial` lets the deletion go
 * on. The manifests are pytest's own output (`--collect-only -q`, pytest-json-report), cut down.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManifestError, parseManifest, type Manifest } from "../../src/core/collected.js";
import { checkGuards, type GuardInput } from "../../src/core/prune/guards.js";
import { testJudge, type Existence, type ScannedRecording } from "../../src/core/prune/judge.js";
import { orphanOf, type Orphan } from "../../src/core/prune/plan.js";

/** A reachable recording of `testId` (its only possible reasons are test reasons). */
function recording(name: string, testId: string | null): ScannedRecording {
  return { file: `/repo/tests/x/recordings/${name}.json`, testId, size: 10, mtimeMs: 1, nameHash: name, requestHash: name, verdict: "reachable" };
}

const RECORDINGS = [
  recording("a1", "tests/x/test_a.py::test_kept"),
  recording("a2", "tests/x/test_a.py::test_gone"),
  recording("b1", "tests/x/test_broken.py::test_b"),
  recording("c1", "tests/x/test_c.py::test_c"),
];
const EXISTS = new Map<string, Existence>([
  ["tests/x/test_a.py", "present"],
  ["tests/x/test_broken.py", "present"],
  ["tests/x/test_c.py", "present"],
]);

/** What prune does with a manifest: judge every recording, then ask the guards about the orphans. */
function judge(manifest: Manifest, allowPartial: boolean) {
  const j = testJudge(manifest, EXISTS);
  const orphans: Orphan[] = [];
  for (const r of RECORDINGS) {
    const reasons = j.reasons(r);
    if (reasons.length > 0) orphans.push(orphanOf(r, reasons, null, null));
  }
  const input: GuardInput = {
    scanned: RECORDINGS.length,
    readable: RECORDINGS,
    exists: EXISTS,
    manifest,
    toDelete: orphans,
    rowsToDelete: 0,
    missingPaths: [],
    allowPartial,
    maxDelete: { percent: 100 },
  };
  return { orphans: orphans.map((o) => o.test_id), unjudged: j.unjudged.map((u) => u.testFile), guards: checkGuards(input).map((g) => g.guard) };
}

describe("errored files (pytest's `ERROR <path>` lines)", () => {
  const manifest = parseManifest(
    ["tests/x/test_a.py::test_kept", "tests/x/test_c.py::test_c", "", "ERROR tests/x/test_broken.py - ImportError: cannot import name 'gone'", "2 tests collected, 1 error in 0.21s", ""].join("\n"),
    "ids.txt",
  );

  test("the errored file's recordings are not judged not-collected; the others are; --delete refuses", () => {
    const r = judge(manifest, false);
    assert.deepEqual(r.orphans, ["tests/x/test_a.py::test_gone"]);
    assert.deepEqual(r.unjudged, ["tests/x/test_broken.py"]);
    assert.deepEqual(r.guards, ["partial-collection"]);
  });

  test("--allow-partial lets the deletion proceed, still never listing the errored file's recordings", () => {
    const r = judge(manifest, true);
    assert.deepEqual(r.orphans, ["tests/x/test_a.py::test_gone"]);
    assert.deepEqual(r.guards, []);
  });
});

describe("unnamed errors", () => {
  test("`N errors` in the summary with fewer paths named: a file with no collected id is not judged; --delete refuses", () => {
    const manifest = parseManifest(["tests/x/test_a.py::test_kept", "tests/x/test_c.py::test_c", "2 tests collected, 3 errors in 0.40s", ""].join("\n"), "ids.txt");
    assert.equal(manifest.unnamedErrors, true);
    const r = judge(manifest, false);
    // test_broken.py collected nothing: it may be the file that failed. test_a.py was collected, so its missing test is gone.
    assert.deepEqual(r.unjudged, ["tests/x/test_broken.py"]);
    assert.deepEqual(r.orphans, ["tests/x/test_a.py::test_gone"]);
    assert.deepEqual(r.guards, ["partial-collection"]);
    assert.deepEqual(judge(manifest, true).guards, []);
  });

  test("`Interrupted: …` without a path: the same", () => {
    const manifest = parseManifest(["tests/x/test_a.py::test_kept", "tests/x/test_c.py::test_c", "!!!!!!!! Interrupted: 1 error during collection !!!!!!!!", "2 tests collected in 0.30s", ""].join("\n"), "ids.txt");
    assert.equal(manifest.unnamedErrors, true);
    const r = judge(manifest, false);
    assert.deepEqual(r.unjudged, ["tests/x/test_broken.py"]);
    assert.deepEqual(r.guards, ["partial-collection"]);
  });
});

describe("a JSON report (pytest-json-report)", () => {
  test("a collector with outcome failed: its file is not judged; --delete refuses unless --allow-partial", () => {
    const report = {
      root: "/repo",
      collectors: [
        { nodeid: "tests/x/test_a.py", outcome: "passed", result: [{ nodeid: "tests/x/test_a.py::test_kept", type: "Function" }] },
        { nodeid: "tests/x/test_c.py", outcome: "passed", result: [{ nodeid: "tests/x/test_c.py::test_c", type: "Function" }] },
        { nodeid: "tests/x/test_broken.py", outcome: "failed", result: [], longrepr: "E   SyntaxError: invalid syntax" },
      ],
    };
    const manifest = parseManifest(JSON.stringify(report), "report.json");
    const r = judge(manifest, false);
    assert.deepEqual(r.unjudged, ["tests/x/test_broken.py"]);
    assert.deepEqual(r.orphans, ["tests/x/test_a.py::test_gone"]);
    assert.deepEqual(r.guards, ["partial-collection"]);
    assert.deepEqual(judge(manifest, true).guards, []);
  });
});

describe("a complete collection", () => {
  test("no errors: every recording is judged and no guard fires", () => {
    const manifest = parseManifest(["tests/x/test_a.py::test_kept", "tests/x/test_broken.py::test_b", "tests/x/test_c.py::test_c", "3 tests collected in 0.1s", ""].join("\n"), "ids.txt");
    const r = judge(manifest, false);
    assert.deepEqual(r.unjudged, []);
    assert.deepEqual(r.orphans, ["tests/x/test_a.py::test_gone"]);
    assert.deepEqual(r.guards, []);
  });
});

describe("an empty manifest", () => {
  test("is an error, never 'every recording is orphaned'", () => {
    assert.throws(() => parseManifest("no tests collected in 0.01s\n", "ids.txt"), (err: unknown) => err instanceof ManifestError && /no test node ids found/.test(err.message));
    assert.throws(() => parseManifest(JSON.stringify({ root: "/repo", collectors: [] }), "report.json"), ManifestError);
  });
});
