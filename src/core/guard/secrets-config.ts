/**
 * `[tool.recctl.secrets]` read from the config: what the `secret` and `infra-id` rules accept.
 * Apart from the scanner (guard/secrets.ts), so the main thread reads it without loading that.
 */

/** The allow-list. Globs are absolute (the config resolves them against its folder). */
export interface SecretsAllowList {
  /** Infrastructure ids accepted: exact values, or host patterns with `*` (`*.openai.azure.com`). */
  allowInfra: string[];
  /** Findings accepted by place (`pointer`, optionally only in `files`) or by a sha256 prefix of the value. */
  allow: { pointer?: string; files?: string; sha256?: string }[];
}

export const NO_ALLOWANCES: SecretsAllowList = { allowInfra: [], allow: [] };

/** Reads the config's `secrets` table (already checked against the schema); `file` is taken as `files`. */
export function allowListFrom(table: unknown): SecretsAllowList {
  if (typeof table !== "object" || table === null) return NO_ALLOWANCES;
  const t = table as { "allow-infra"?: unknown; allow?: unknown };
  const allowInfra = Array.isArray(t["allow-infra"]) ? t["allow-infra"].filter((v): v is string => typeof v === "string") : [];
  const allow = Array.isArray(t.allow)
    ? t.allow.map((a: Record<string, unknown>) => {
        const out: { pointer?: string; files?: string; sha256?: string } = {};
        if (typeof a["pointer"] === "string") out.pointer = a["pointer"];
        const files = a["files"] ?? a["file"];
        if (typeof files === "string") out.files = files;
        if (typeof a["sha256"] === "string") out.sha256 = a["sha256"].toLowerCase();
        return out;
      })
    : [];
  return { allowInfra, allow };
}
