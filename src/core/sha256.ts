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
