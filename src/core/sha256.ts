/**
 * sha256 of a string as UTF-8, hex. Hashing a long string hands node a fresh UTF-8 copy of it
 * (megabytes of new memory per recording with an image: measured at 4–6× the hash itself); the
 * text is written into one buffer per thread instead, reused from file to file, in pieces cut
 * between characters.
 */
import { createHash, type Hash } from "node:crypto";

/** UTF-16 units per piece; a piece takes at most 3 bytes per unit. */
const PIECE = 256 * 1024;
let scratch: Buffer | null = null;

/** Feeds `text` to `hash` as UTF-8, through the reused buffer. */
export function updateUtf8(hash: Hash, text: string): Hash {
  if (text.length < 4096) return hash.update(text, "utf8");
  scratch ??= Buffer.allocUnsafe(PIECE * 3);
  for (let i = 0; i < text.length; ) {
    let end = Math.min(i + PIECE, text.length);
    // Never between the two halves of a surrogate pair: each half alone would become U+FFFD.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    const n = scratch.write(text.slice(i, end), 0, "utf8");
    hash.update(scratch.subarray(0, n));
    i = end;
  }
  return hash;
}

export function sha256Hex(text: string): string {
  return updateUtf8(createHash("sha256"), text).digest("hex");
}

/** Text that is written shorter than this is gathered first (one update per block, not per piece). */
const BLOCK = 32 * 1024;

/**
 * A writer's sink (pydumps.ts `Sink`) that hashes what it is handed: small pieces gathered into
 * blocks of 32 K characters (a rope that small is flattened in the young generation), a long one
 * (a base64 image) hashed as it is, never copied into a bigger string first.
 */
export class Sha256Sink {
  private readonly hash = createHash("sha256");
  private pending = "";

  push(text: string): void {
    if (text.length >= BLOCK) {
      this.flush();
      updateUtf8(this.hash, text);
      return;
    }
    this.pending += text;
    if (this.pending.length >= BLOCK) this.flush();
  }

  private flush(): void {
    if (this.pending === "") return;
    updateUtf8(this.hash, this.pending);
    this.pending = "";
  }

  hex(): string {
    this.flush();
    return this.hash.digest("hex");
  }
}
