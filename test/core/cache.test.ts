import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, type Stats } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { contentKey, ResultCache, saltDigest, type CacheSalt, type CachedResult } from "../../src/core/cache/store.js";

const SALT: CacheSalt = { version: "1.0.0", code: "c0de", schema: "{}", ignore: [], rules: "current" };
const VALID: CachedResult = { valid: true, errors: [], warnings: [] };

function stats(size: number, mtimeMs: number, ctimeMs = mtimeMs, ino = 7): Stats {
  return { size, mtimeMs, ctimeMs, ino } as Stats;
}

function fresh(t: { after: (fn: () => void) => void }): { dir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), "recctl-cache-unit-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return { dir: join(root, ".recctl_cache"), root };
}

test("times are trusted only for a file last changed more than 2 s before the run that recorded it", (t) => {
  const { dir, root } = fresh(t);
  const now = 1_800_000_000_000;
  const old = join(root, "old.json");
  const racy = join(root, "racy.json");
  const first = ResultCache.open(dir, root, SALT, now);
  first.record(old, stats(10, now - 5000), contentKey(old, Buffer.from("a")), VALID);
  first.record(racy, stats(10, now - 1000), contentKey(racy, Buffer.from("b")), VALID);
  assert.equal(first.save(true), null);
  const next = ResultCache.open(dir, root, SALT, now + 60_000);
  assert.deepEqual(next.byStat(old, stats(10, now - 5000)), VALID);
  assert.equal(next.byStat(racy, stats(10, now - 1000)), undefined);
  // Any field that differs sends the file to its content.
  for (const changed of [stats(11, now - 5000), stats(10, now - 4000), stats(10, now - 5000, now - 10), stats(10, now - 5000, now - 5000, 8)]) {
    assert.equal(next.byStat(old, changed), undefined);
  }
});

test("the content key covers the file's name and bytes", () => {
  const bytes = Buffer.from('{"a": 1}\n');
  assert.equal(contentKey("/x/a.json", bytes), contentKey("/y/a.json", bytes));
  assert.notEqual(contentKey("/x/a.json", bytes), contentKey("/x/b.json", bytes));
  assert.notEqual(contentKey("/x/a.json", bytes), contentKey("/x/a.json", Buffer.from('{"a": 2}\n')));
});

test("the salt changes with the version, code, schema text, --ignore set (not its order) and rules", () => {
  const base = saltDigest(SALT);
  assert.equal(saltDigest({ ...SALT, ignore: ["format", "rec-id"] }), saltDigest({ ...SALT, ignore: ["rec-id", "format"] }));
  for (const other of [{ version: "1.0.1" }, { code: "c0df" }, { schema: "{ }" }, { ignore: ["format"] }, { rules: "2025-08-01" }]) {
    assert.notEqual(saltDigest({ ...SALT, ...other }), base, JSON.stringify(other));
  }
});

test("a cache written under another salt is not used", (t) => {
  const { dir, root } = fresh(t);
  const file = join(root, "a.json");
  const key = contentKey(file, Buffer.from("a"));
  const first = ResultCache.open(dir, root, SALT, 1_800_000_000_000);
  first.record(file, stats(1, 1), key, VALID);
  first.save(true);
  const other = ResultCache.open(dir, root, { ...SALT, rules: "2025-08-01" });
  assert.equal(other.warm, false);
  assert.equal(other.byContent(file, stats(1, 1), key), undefined);
  assert.match(other.stats.discarded ?? "", /other options or another recctl/);
});

test("a partial run keeps the entries of files it did not see; a whole-tree run drops them", (t) => {
  const { dir, root } = fresh(t);
  const a = join(root, "a.json");
  const b = join(root, "b.json");
  const now = 1_800_000_000_000;
  const first = ResultCache.open(dir, root, SALT, now);
  first.record(a, stats(1, 1), contentKey(a, Buffer.from("a")), VALID);
  first.record(b, stats(1, 1), contentKey(b, Buffer.from("b")), VALID);
  first.save(true);
  const files = (): string[] => Object.keys((JSON.parse(readFileSync(join(dir, "validate.json"), "utf8")) as { files: object }).files).sort();
  const partial = ResultCache.open(dir, root, SALT, now);
  partial.record(a, stats(2, 2), contentKey(a, Buffer.from("aa")), VALID);
  partial.save(false);
  assert.deepEqual(files(), ["a.json", "b.json"]);
  const whole = ResultCache.open(dir, root, SALT, now);
  assert.ok(whole.byStat(a, stats(2, 2)));
  whole.save(true);
  assert.deepEqual(files(), ["a.json"]);
});

test("a cache whose finding names a rule recctl does not know is foreign: ignored, not trusted", (t) => {
  const { dir, root } = fresh(t);
  const file = join(root, "a.json");
  const key = contentKey(file, Buffer.from("a"));
  const finding = { pointer: "", line: 1, column: 1, message: "is wrong", rule: "format" as const };
  const first = ResultCache.open(dir, root, SALT, 1_800_000_000_000);
  first.record(file, stats(1, 1), key, { valid: true, errors: [], warnings: [finding] });
  first.save(true);
  const cacheFile = join(dir, "validate.json");
  const text = readFileSync(cacheFile, "utf8");
  assert.ok(text.includes('"format"]'), "the stored finding carries its rule last");
  writeFileSync(cacheFile, text.replace('"format"]', '"made-up-rule"]'));
  const next = ResultCache.open(dir, root, SALT);
  assert.equal(next.warm, false);
  assert.equal(next.byContent(file, stats(1, 1), key), undefined);
  assert.notEqual(next.stats.discarded, null);
});
