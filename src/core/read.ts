/**
 * Reading a file's bytes, the one way recctl does it: plain files, standard input (`-`) and the
 * pipes a shell hands over by name (`/dev/fd/63` from `<(…)`), with one table that turns an
 * errno into the words a person reads.
 */
import { readFileSync, readSync } from "node:fs";

/** What an errno means, said plainly; anything else keeps Node's own message. */
const ERRNO_MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  ENOTDIR: "a parent is not a directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  EIO: "input/output error",
  ENXIO: "no such device or address",
  EEXIST: "already exists",
};

/** `permission denied`, `no such file`, …; the error's own message when its code is not in the table. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : ERRNO_MESSAGES[code];
  if (known !== undefined) return known;
  return err instanceof Error ? err.message : String(err);
}

/** The errno of a failed file operation, or "" for anything else. */
export function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? "";
}

export class ReadError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ReadError";
  }
}

/** Standard input, as a path argument. */
export const STDIN = "-";

/** Standard input by either of its names (`-`, `/dev/stdin`). */
export function isStdin(path: string): boolean {
  return path === STDIN || path === "/dev/stdin";
}

/**
 * A path that names a stream rather than a file: `-` (standard input), and the descriptors a
 * shell passes for process substitution (`/dev/fd/N`, `/proc/self/fd/N`, `/dev/stdin`). They are
 * pipes, so they can be read once only, and they are read whatever their file type.
 */
export function isStreamPath(path: string): boolean {
  return isStdin(path) || /^\/(?:dev|proc\/self)\/fd\/\d+$/.test(path);
}

/** Streams already read in this thread: a second read of `-` gets the same bytes, not nothing. */
const streams = new Map<string, Buffer>();

/** The bytes of a file or stream; a ReadError (`cannot read: permission denied`) when it cannot be read. */
export function readBytes(file: string): Buffer {
  const cached = streams.get(file);
  if (cached !== undefined) return cached;
  try {
    if (!isStreamPath(file)) return readFileSync(file);
    const bytes = file === STDIN ? readStdin() : readFileSync(file);
    streams.set(file, bytes);
    return bytes;
  } catch (err) {
    throw new ReadError(file, errnoOf(err), `cannot read: ${describeFsError(err)}`);
  }
}

/**
 * All of standard input. A non-blocking descriptor (a socket, or a pipe some parent made
 * non-blocking) answers EAGAIN when it has nothing yet: wait a moment and read on.
 */
function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch (err) {
    if (errnoOf(err) !== "EAGAIN") throw err;
  }
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(1 << 16);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (err) {
      if (errnoOf(err) !== "EAGAIN") throw err;
      Atomics.wait(pause, 0, 0, 10);
      continue;
    }
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
}

/** A file's text, decoded as UTF-8 without checks (for `show --raw`, manifests, schemas). */
export function readText(file: string): string {
  return readBytes(file).toString("utf8");
}
