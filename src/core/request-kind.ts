/** The request kinds of SPEC "A recording", decided by which fields the request has. */
import type { RequestKind } from "./types.js";

export function requestKindFromKeys(has: (key: string) => boolean): RequestKind {
  if (has("tool_name") && has("provider")) return "tool";
  if (has("payload") && has("url")) return "raw-http";
  if (has("url") && has("method")) return "inference";
  if (has("file_id") && has("api")) return "file-processor";
  return "unknown";
}
