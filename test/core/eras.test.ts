/**
 * Hash rules by era (SPEC, "Hash rules by era"): the era table, recognising a repository's
 * recorder, and judging a recording under an era (what prune's `unreachable` and `superseded`
 * use). Expected values come from the recorder versions' own functions, run in Python by
 * test/fixtures/eras/make-repo.py (test/fixtures/eras/repo-expected.json).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { requestHash, ruleKeys } from "../../src/core/hash.js";
import { exactRequest, nameHash, readRecording } from "../../src/core/recording.js";
import { detectEra, findRecorderSources, parseRulesChoice, resolveRules, RulesChoiceError } from "../../src/core/rules/detect.js";
import { eraById, eraOn, ERAS, lastDay, NEWEST_ERA, RECORDER_VERSIONS } from "../../src/core/rules/eras.js";
import { findTwins, type JudgedFile } from "../../src/core/rules/judge.js";
import { originOf, verdictOf, type Verdict } from "../../src/core/rules/verdict.js";
import type { NameHash } from "../../src/core/recording.js";
import type { HashInput } from "../../src/core/hash.js";

/** The one verdict, as the old judge's tests read it: reachable or not, and which era named it. */
function judgeRecording(input: HashInput, name: NameHash | null, era: ReturnType<typeof eraById> & object): { hash: string | null; reachable: boolean | null; origin: ReturnType<typeof originOf> | null; verdict: Verdict } {
  const verdict = verdictOf(input, name, era);
  const reachable = verdict.status === "unknown" ? null : verdict.status === "reachable";
  return { hash: verdict.hash, reachable, origin: name !== null && reachable === false ? originOf(input, name, verdict) : null, verdict };
}
import { jsonFiles } from "../files.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
const REPO_FIXTURE = path.join(FIXTURES, "eras", "repo");
const EXPECTED = JSON.parse(fs.readFileSync(path.join(FIXTURES, "eras", "repo-expected.json"), "utf8")) as {
  repository_era: string;
  unreachable_under_repository_recorder: string[];
  unreachable_under_newest: string[];
};
const ERA_CASES = JSON.parse(fs.readFileSync(path.join(FIXTURES, "era-cases.json"), "utf8")) as { versions: { date: string; commit: string }[] };

describe("the era table", () => {
  test("every recorder version maps to one era: the last that began on or before its date", () => {
    assert.equal(RECORDER_VERSIONS.length, ERA_CASES.versions.length);
    for (const v of ERA_CASES.versions) {
      assert.ok(RECORDER_VERSIONS.some((r) => r.date === v.date && r.commit === v.commit), `${v.date} ${v.commit} listed`);
      assert.ok(eraOn(v.date) !== null, v.date);
    }
    for (const era of ERAS) assert.ok(RECORDER_VERSIONS.some((v) => v.date === era.id && v.commit === era.commit), `${era.id} begins with a version`);
  });

  test("for a date, the era in force is the last one that began on or before it", () => {
    assert.equal(eraOn("2025-07-28"), null);
    assert.equal(eraOn("2025-07-29")?.id, "2025-07-29");
    assert.equal(eraOn("2025-10-03")?.id, "2025-07-29");
    assert.equal(eraOn("2025-10-04")?.id, "2025-10-04");
    assert.equal(eraOn("2026-04-08")?.id, "2026-03-18");
    assert.equal(eraOn("2030-01-01")?.id, NEWEST_ERA.id);
    assert.equal(lastDay(eraById("2026-03-18") ?? NEWEST_ERA), "2026-04-08");
    assert.equal(lastDay(NEWEST_ERA), null);
  });

  test("--rules takes a date or 'current'; anything else, or a date before the first recorder, is refused", () => {
    assert.deepEqual(parseRulesChoice("current"), { kind: "current" });
    assert.deepEqual(parseRulesChoice("2025-11-01"), { kind: "date", date: "2025-11-01" });
    for (const bad of ["2025-13-01", "2025-02-30", "yesterday", "2025-7-29", "2025-07-28"]) assert.throws(() => parseRulesChoice(bad), RulesChoiceError, bad);
  });
});

describe("the repository's own recorder", () => {
  test("a recorder source is recognised by what its era added", () => {
    const base = "def normalize_request(method, url, headers, body):\n    normalized = {}\n";
    assert.equal(detectEra(base)?.id, "2025-07-29");
    assert.equal(detectEra(`${base}    normalized["test_id"] = _test_context.get()\n`)?.id, "2025-10-04");
    assert.equal(detectEra("def _normalize_body_for_hash(value):\ndef normalize_inference_request(m, u, h, b):\n")?.id, "2025-10-09");
    assert.equal(detectEra('if parsed.path not in ("/api/tags", "/v1/models", "/v1/openai/v1/models"):\ndef _normalize_body_for_hash(v):')?.id, "2025-11-03");
    assert.equal(detectEra("def _normalize_body_for_hash(value, exclude_stream_options=False):")?.id, "2026-01-21");
    assert.equal(detectEra("def normalize_http_request(url, method, payload):")?.id, "2026-02-12");
    assert.equal(detectEra('extra.pop("project_id", None)')?.id, "2026-03-18");
    assert.equal(detectEra("def _normalize_file_search_metadata(value):")?.id, "2026-04-09");
    assert.equal(detectEra("print('hello')"), null);
  });

  test("found under the repository root where upstream keeps it (<pkg>/testing/, src/<pkg>/testing/)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-eras-"));
    try {
      fs.mkdirSync(path.join(dir, "src", "ogx", "testing"), { recursive: true });
      fs.writeFileSync(path.join(dir, "src", "ogx", "testing", "api_recorder.py"), "def normalize_http_request(url, method, payload):\n");
      fs.writeFileSync(path.join(dir, "pyproject.toml"), "");
      assert.deepEqual(await findRecorderSources(dir), [path.join(dir, "src", "ogx", "testing", "api_recorder.py")]);
      const rules = await resolveRules(null, dir);
      assert.equal(rules.era.id, "2026-02-12");
      assert.equal(rules.source, "recorder");
      assert.equal((await resolveRules({ kind: "current" }, dir)).era, NEWEST_ERA);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("no recorder source: each file by its layout (2025 recordings/responses/ folders by the 2025-07-29 rules, per-test folders by the newest)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-eras-"));
    try {
      const rules = await resolveRules(null, dir);
      assert.equal(rules.era, NEWEST_ERA);
      assert.equal(rules.source, "layout");
      assert.equal(rules.eraFor(path.join(dir, "tests/integration/recordings/responses/6cb0285a7638.json")).id, "2025-07-29");
      assert.equal(rules.eraFor(path.join(dir, "tests/integration/responses/recordings/6cb0285a7638.json")), NEWEST_ERA);
      assert.equal(rules.eraFor(path.join(dir, "tests/integration/inference/recordings/ab.json")), NEWEST_ERA);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function judgeAll(era: ReturnType<typeof eraOn>): Promise<JudgedFile[]> {
  const out: JudgedFile[] = [];
  for (const file of jsonFiles(path.join(REPO_FIXTURE, "tests"))) {
    const name = nameHash(file);
    const j = judgeRecording(exactRequest(await readRecording(file)), name, era ?? NEWEST_ERA);
    out.push({ file, name, hash: j.hash, reachable: j.hash === null ? false : j.reachable });
  }
  return out;
}

describe("the one verdict on a recording under an era (core/rules/verdict.ts)", () => {
  test("under the repository's era: unreachable are exactly the files that recorder cannot find", async () => {
    const judged = await judgeAll(eraById(EXPECTED.repository_era));
    const unreachable = judged.filter((j) => j.reachable !== true).map((j) => path.basename(j.file));
    assert.deepEqual(unreachable.sort(), [...EXPECTED.unreachable_under_repository_recorder].sort());
  });

  test("under the newest rules: unreachable are exactly the files the newest recorder cannot find", async () => {
    const judged = await judgeAll(NEWEST_ERA);
    const unreachable = judged.filter((j) => j.reachable !== true).map((j) => path.basename(j.file));
    assert.deepEqual(unreachable.sort(), [...EXPECTED.unreachable_under_newest].sort());
  });

  test("an unreachable file names the era whose rules produced its name and the change that stranded it", async () => {
    const floaty = EXPECTED.unreachable_under_newest.find((f) => !f.startsWith("cf185c86")) ?? "";
    const file = path.join(REPO_FIXTURE, "tests", "integration", "demo", "recordings", floaty);
    const j = judgeRecording(exactRequest(await readRecording(file)), nameHash(file), NEWEST_ERA);
    assert.equal(j.reachable, false);
    assert.equal(j.origin?.message, "named under the rules of 2025-10-04 … 2025-10-08; body normalization (2025-10-09) changed its hash");
    assert.equal(j.origin?.changedBy, "2025-10-09");
  });

  test("a request edited after recording: no known era names it", async () => {
    const file = path.join(FIXTURES, "samples/current/tests/integration/tool_runtime/recordings/632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db.json");
    const j = judgeRecording(exactRequest(await readRecording(file)), nameHash(file), NEWEST_ERA);
    assert.equal(j.reachable, false);
    assert.deepEqual(j.origin?.eras, []);
    assert.match(j.origin?.message ?? "", /^no known era's rules give this name/);
  });
});

describe("superseded: unreachable, and a correctly named recording of the same request exists", () => {
  test("the stale file of a re-recorded request is superseded by its correctly named twin", async () => {
    const dir = path.join(FIXTURES, "rehash", "tree", "tests", "integration", "responses", "recordings");
    const judged: JudgedFile[] = [];
    for (const file of jsonFiles(dir)) {
      const name = nameHash(file);
      const j = judgeRecording(exactRequest(await readRecording(file)), name, NEWEST_ERA);
      judged.push({ file, name, hash: j.hash, reachable: j.reachable });
    }
    const superseded = findTwins(judged);
    const pairs = [...superseded].map(([stale, twin]) => [path.basename(stale).slice(0, 8), path.basename(twin).slice(0, 8)]);
    // fad0a10b (re-recorded) and 1e171766 (an exact duplicate) both have a correctly named twin.
    assert.deepEqual(pairs.sort(), [
      ["1e171766", "35c12d70"],
      ["fad0a10b", "a6a67509"],
    ]);
  });
});

describe("eras that hash a request alike are hashed once", () => {
  test("two eras with the same rule key give the same hash, for every fixture recording", async () => {
    let shared = 0;
    for (const file of jsonFiles(FIXTURES)) {
      let input;
      try {
        input = exactRequest(await readRecording(file));
      } catch {
        continue; // the invalid fixtures
      }
      const keys = ruleKeys(input, ERAS);
      const hashes = ERAS.map((era) => requestHash(input, era).hash);
      for (let i = 0; i < ERAS.length; i++) {
        for (let j = i + 1; j < ERAS.length; j++) {
          if (keys[i] !== keys[j]) continue;
          shared++;
          assert.equal(hashes[i], hashes[j], `${file}: ${ERAS[i]?.id} and ${ERAS[j]?.id}`);
        }
      }
    }
    assert.ok(shared > 0);
  });
});
