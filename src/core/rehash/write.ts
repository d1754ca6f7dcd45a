/**
 * Writing without ever overwriting: a stand-in with the signatures of `src/core/write.ts`
 * (`createAtomic` is what rehash needs; point this module at that one when both are merged).
 */
import { link, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

async function tempBeside(file: string, data: string, mode?: number): Promise<string> {
  const temp = join(dirname(file), `.${basename(file)}.recctl-tmp-${process.pid}`);
  const handle = await open(temp, "wx", mode);
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return temp;
}

/**
 * Creates `file` holding `data`, atomically, and only if nothing is there: the data is written
 * and flushed to a temporary file beside it, then hard-linked to the name (`link` fails with
 * EEXIST rather than replace anything), then the temporary name is removed.
 */
export async function createAtomic(file: string, data: string): Promise<void> {
  const temp = await tempBeside(file, data);
  try {
    await link(temp, file);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Replaces `file` with `data` atomically (temporary file, flushed, renamed over it; mode kept). */
export async function writeAtomic(file: string, data: string): Promise<void> {
  const { mode } = await stat(file);
  const temp = await tempBeside(file, data, mode & 0o7777);
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
