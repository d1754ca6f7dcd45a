/**
 * history/response-dates.ts: a response's date is the last commit that introduced it in its
 * folder, as the recorder's normalization sees it. Repositories are built here with dated commits.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { compareResponseDates, responseDates, type ResponseDate } from "../../src/core/history/response-dates.js";

const hasGit = spawnSync("git", ["--version"]).status === 0;

function repo(t: { after: (fn: () => void) => void }): { root: string; dir: string; commit: (date: string) => void; put: (name: string, answer: string, extra?: Record<string, unknown>) => string } {
  const root = mkdtempSync(join(tmpdir(), "recctl-dates-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = (date: string): NodeJS.ProcessEnv => ({
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CEILING_DIRECTORIES: dirname(root),
  });
  const git = (args: string[], date = "2024-01-01T00:00:00Z"): void => {
    const r = spawnSync("git", args, { cwd: root, env: env(date), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  };
  git(["init", "-q"]);
  const dir = join(root, "tests", "recordings");
  mkdirSync(dir, { recursive: true });
  return {
    root,
    dir,
    commit: (date) => {
      git(["add", "-A"], date);
      git(["commit", "-q", "-m", date], date);
    },
    put: (name, answer, extra = {}) => {
      const file = join(dir, name);
      const recording = {
        request: { method: "POST", url: "http://x/v1/chat/completions", body: { model: "m", messages: [{ role: "user", content: "hi" }] }, ...extra },
        response: { body: { __type__: "openai.types.chat.ChatCompletion", __data__: { id: extra["id"] ?? "rec-aaaaaaaaaaaa", created: extra["created"] ?? 0, choices: [{ message: { content: answer } }] } }, is_streaming: false },
      };
      writeFileSync(file, `${JSON.stringify(recording, null, Number(extra["indent"] ?? 2))}\n`);
      return file;
    },
  };
}

const at = (d: ResponseDate | null | undefined): string | null => (d === null || d === undefined ? null : d.source === "working-tree" ? "working-tree" : new Date(d.date).toISOString());

test("a request edit, a normalize run and a reformatting do not make an old answer new", { skip: !hasGit && "git is not installed" }, async (t) => {
  const r = repo(t);
  const f = r.put("a.json", "old answer", { id: "chatcmpl-123", created: 1733000000 });
  r.commit("2025-01-01T00:00:00Z");
  r.put("a.json", "old answer", { id: "chatcmpl-123", created: 1733000000, headers: { "X-Edited": "1" } });
  r.commit("2025-02-01T00:00:00Z");
  r.put("a.json", "old answer", { headers: { "X-Edited": "1" }, indent: 4 });
  r.commit("2025-03-01T00:00:00Z");
  const dates = await responseDates(r.root, [f]);
  assert.equal(at(dates.get(f)), "2025-01-01T00:00:00.000Z");
  assert.match(dates.get(f)?.commit ?? "", /^[0-9a-f]{40}$/);
});

test("a new answer dates from its commit; a rename keeps the answer's date", { skip: !hasGit && "git is not installed" }, async (t) => {
  const r = repo(t);
  const f = r.put("a.json", "first");
  r.commit("2025-01-01T00:00:00Z");
  r.put("a.json", "second");
  r.commit("2025-02-01T00:00:00Z");
  const moved = join(r.dir, "b.json");
  renameSync(f, moved);
  r.commit("2025-03-01T00:00:00Z");
  const dates = await responseDates(r.root, [moved]);
  assert.equal(at(dates.get(moved)), "2025-02-01T00:00:00.000Z");
});

test("an uncommitted answer, changed or untracked, is newer than any commit; an uncommitted rename is not", { skip: !hasGit && "git is not installed" }, async (t) => {
  const r = repo(t);
  const a = r.put("a.json", "committed");
  const b = r.put("b.json", "committed too");
  r.commit("2025-01-01T00:00:00Z");
  r.put("a.json", "re-recorded, not committed");
  const c = r.put("c.json", "new file");
  const moved = join(r.dir, "d.json");
  renameSync(b, moved);
  const dates = await responseDates(r.root, [a, c, moved]);
  assert.deepEqual([at(dates.get(a)), at(dates.get(c)), at(dates.get(moved))], ["working-tree", "working-tree", "2025-01-01T00:00:00.000Z"]);
  assert.equal(dates.get(a)?.commit, null);
});

test("without git every date is unknown", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "recctl-nogit-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const f = join(root, "a.json");
  writeFileSync(f, "{}\n");
  const saved = process.env["GIT_CEILING_DIRECTORIES"];
  process.env["GIT_CEILING_DIRECTORIES"] = dirname(root);
  t.after(() => (saved === undefined ? delete process.env["GIT_CEILING_DIRECTORIES"] : (process.env["GIT_CEILING_DIRECTORIES"] = saved)));
  assert.equal((await responseDates(root, [f])).get(f), null);
});

test("the one comparison: uncommitted beats any commit, equal instants tie, no history is unknown", () => {
  const commit = (date: string): ResponseDate => ({ date, commit: "c".repeat(40), source: "git" });
  const wt: ResponseDate = { date: "2020-01-01T00:00:00.000Z", commit: null, source: "working-tree" };
  assert.equal(compareResponseDates(commit("2025-02-01T00:00:00+00:00"), commit("2025-01-01T00:00:00Z")), "newer");
  assert.equal(compareResponseDates(commit("2025-01-01T01:00:00+01:00"), commit("2025-01-01T00:00:00Z")), "same-date");
  assert.equal(compareResponseDates(wt, commit("2030-01-01T00:00:00Z")), "newer");
  assert.equal(compareResponseDates(commit("2030-01-01T00:00:00Z"), wt), "older");
  assert.equal(compareResponseDates(wt, wt), "same-date");
  assert.equal(compareResponseDates(null, wt), "unknown");
});
