import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { createAtomic, findStaleTemps, FS_STEPS, putAtomicSync, removeTempsInFlight, sweepStaleTemps, tempsInFlight, writeAtomic, WriteError, type WriteSteps } from "../../src/core/write.js";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recctl-write-"));
  dirs.push(dir);
  return dir;
}

/** A process id that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

/** Runs `fn` with the process umask set to `mask`. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const old = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(old);
  }
}

describe("writeAtomic", () => {
  test("replaces the file, keeps its mode exactly (664 stays 664 under umask 022), and leaves no temporary file", async () => {
    const dir = tmp();
    const file = path.join(dir, "a.json");
    fs.writeFileSync(file, "old\n");
    fs.chmodSync(file, 0o664);
    await withUmask(0o022, () => writeAtomic(file, "new\n"));
    assert.equal(fs.readFileSync(file, "utf8"), "new\n");
    assert.equal(fs.statSync(file).mode & 0o7777, 0o664);
    assert.deepEqual(fs.readdirSync(dir), ["a.json"]);
  });

  test("keeps a narrower mode too (640) and writes bytes as given", async () => {
    const dir = tmp();
    const file = path.join(dir, "index.sqlite");
    fs.writeFileSync(file, "old");
    fs.chmodSync(file, 0o640);
    await writeAtomic(file, new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual([...fs.readFileSync(file)], [0, 1, 2, 255]);
    assert.equal(fs.statSync(file).mode & 0o7777, 0o640);
  });

  test("follows a symlink: the link stays a link, its target gets the new text", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "real.json"), "old\n");
    fs.symlinkSync("real.json", path.join(dir, "link.json"));
    await writeAtomic(path.join(dir, "link.json"), "new\n");
    assert.ok(fs.lstatSync(path.join(dir, "link.json")).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, "real.json"), "utf8"), "new\n");
    assert.deepEqual(fs.readdirSync(dir).sort(), ["link.json", "real.json"]);
  });

  test("when the final rename fails the original is untouched and the temporary file removed", async () => {
    const dir = tmp();
    const target = path.join(dir, "occupied.json");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "keep"), "x");
    await assert.rejects(writeAtomic(target, "new\n"), (err: unknown) => err instanceof WriteError && /cannot write: .*\(left untouched\)/.test(err.message));
    assert.deepEqual(fs.readdirSync(dir), ["occupied.json"]);
    assert.deepEqual(fs.readdirSync(target), ["keep"]);
  });

  test("a file that does not exist is not created", async () => {
    const dir = tmp();
    await assert.rejects(writeAtomic(path.join(dir, "absent.json"), "new\n"), /cannot write: no such file/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test("when the write itself fails after the temporary file is open, the target keeps its bytes and no temporary file is left", async () => {
    const dir = tmp();
    const file = path.join(dir, "a.json");
    fs.writeFileSync(file, "old bytes\n");
    const failing: WriteSteps = {
      ...FS_STEPS,
      write: async (handle, data) => {
        // Half the data reaches the temporary file, then the disk is full.
        await handle.write(String(data).slice(0, 3));
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      },
    };
    await assert.rejects(writeAtomic(file, "new bytes, longer than the old ones\n", failing), (err: unknown) => err instanceof WriteError && /no space left/.test(err.message));
    assert.equal(fs.readFileSync(file, "utf8"), "old bytes\n");
    assert.deepEqual(fs.readdirSync(dir), ["a.json"]);
    assert.deepEqual(tempsInFlight(), []);
  });

  test("the data is written and synced to disk before the temporary file takes the target's place", async () => {
    const dir = tmp();
    const file = path.join(dir, "a.json");
    fs.writeFileSync(file, "old\n");
    const calls: string[] = [];
    let temp = "";
    const watched: WriteSteps = {
      write: async (handle, data) => {
        calls.push("write");
        await FS_STEPS.write(handle, data);
      },
      sync: async (handle) => {
        calls.push("sync");
        await FS_STEPS.sync(handle);
      },
      rename: async (from, to) => {
        calls.push("rename");
        temp = from;
        // At the rename the temporary file already holds everything, and the target is untouched.
        assert.equal(fs.readFileSync(from, "utf8"), "the whole new text\n");
        assert.equal(fs.readFileSync(to, "utf8"), "old\n");
        assert.deepEqual(tempsInFlight(), [from]);
        await FS_STEPS.rename(from, to);
      },
    };
    await writeAtomic(file, "the whole new text\n", watched);
    assert.deepEqual(calls, ["write", "sync", "rename"]);
    assert.match(path.basename(temp), /^a\.json\.recctl-tmp-\d+-[0-9a-f]+$/);
    assert.equal(fs.readFileSync(file, "utf8"), "the whole new text\n");
    assert.deepEqual(tempsInFlight(), []);
  });

  test("an interrupt that cannot wait removes the temporary file being written", async () => {
    const dir = tmp();
    const file = path.join(dir, "a.json");
    fs.writeFileSync(file, "old\n");
    let removed = -1;
    const interrupted: WriteSteps = {
      ...FS_STEPS,
      sync: async () => {
        removed = removeTempsInFlight();
        throw Object.assign(new Error("interrupted"), { code: "EINTR" });
      },
    };
    await assert.rejects(writeAtomic(file, "new\n", interrupted), WriteError);
    assert.equal(removed, 1);
    assert.equal(fs.readFileSync(file, "utf8"), "old\n");
    assert.deepEqual(fs.readdirSync(dir), ["a.json"]);
  });
});

describe("putAtomicSync", () => {
  test("creates or replaces a file of recctl's own, leaving no temporary file", () => {
    const dir = tmp();
    const file = path.join(dir, "validate.json");
    putAtomicSync(file, "first");
    putAtomicSync(file, "second");
    assert.equal(fs.readFileSync(file, "utf8"), "second");
    assert.deepEqual(fs.readdirSync(dir), ["validate.json"]);
  });

  test("a failed rename leaves the old file and no temporary file", () => {
    const dir = tmp();
    const file = path.join(dir, "validate.json");
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, "keep"), "x");
    assert.throws(() => putAtomicSync(file, "new"));
    assert.deepEqual(fs.readdirSync(dir), ["validate.json"]);
    assert.deepEqual(tempsInFlight(), []);
  });
});

describe("createAtomic", () => {
  test("creates a new file with the whole content and no temporary file beside it", async () => {
    const dir = tmp();
    const file = path.join(dir, "new.json");
    await withUmask(0o022, () => createAtomic(file, "{}\n"));
    assert.equal(fs.readFileSync(file, "utf8"), "{}\n");
    assert.equal(fs.statSync(file).mode & 0o777, 0o644);
    assert.deepEqual(fs.readdirSync(dir), ["new.json"]);
  });

  test("never overwrites: an existing target fails with EEXIST and keeps its content", async () => {
    const dir = tmp();
    const file = path.join(dir, "taken.json");
    fs.writeFileSync(file, "mine\n");
    await assert.rejects(createAtomic(file, "theirs\n"), (err: unknown) => err instanceof WriteError && err.code === "EEXIST" && /already exists/.test(err.message));
    assert.equal(fs.readFileSync(file, "utf8"), "mine\n");
    assert.deepEqual(fs.readdirSync(dir), ["taken.json"]);
  });

  test("a given mode is set exactly", async () => {
    const dir = tmp();
    const file = path.join(dir, "m.json");
    await withUmask(0o077, () => createAtomic(file, "x", 0o664));
    assert.equal(fs.statSync(file).mode & 0o777, 0o664);
  });
});

describe("temporary files left behind", () => {
  test("one from a run that ended is found and removed; one from a running process is left alone", async () => {
    const dir = tmp();
    const dead = path.join(dir, `a.json.recctl-tmp-${deadPid()}-0a1b2c3d`);
    const live = path.join(dir, `b.json.recctl-tmp-${process.ppid}-00000000`);
    fs.writeFileSync(dead, "half");
    fs.writeFileSync(live, "half");
    fs.writeFileSync(path.join(dir, "c.json"), "{}");
    const found = await findStaleTemps([dir]);
    assert.deepEqual(found.map((t) => [path.basename(t.file), t.inUse]), [
      [path.basename(dead), false],
      [path.basename(live), true],
    ]);
    const dry = await sweepStaleTemps(found, false);
    assert.deepEqual(dry.map((t) => t.removed), [false, false]);
    assert.ok(fs.existsSync(dead));
    const swept = await sweepStaleTemps(found, true);
    assert.deepEqual(swept.map((t) => [t.removed, t.message]), [
      [true, null],
      [false, `in use by running process ${process.ppid}`],
    ]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["c.json", path.basename(live)].sort());
  });
});
