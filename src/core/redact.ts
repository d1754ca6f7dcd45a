/**
 * `redact`: replaces `infra-id` findings (and, asked, `secret` findings) by stable placeholders,
 * the way the recorder scrubs Databricks hosts (`__databricks__`), at their exact place in the
 * text so every other byte stays. A value may be replaced only when the file's request hash under
 * the rules in use stays what it was (the recorder strips Watsonx's `project_id` from the hash but
 * a body field, a URL path or a model name takes part): each rewritten file is hashed again, and a
 * file where a value takes part in the hash is refused whole, naming the pointers, nothing written.
 */
import { requestHash } from "./hash.js";
import { exactRequest, parseRecordingText, readRecordingSync, type Recording } from "./recording.js";
import { rulesFromTask } from "./rules/detect.js";
import type { Era } from "./rules/eras.js";
import { maskToken, placeholderFor, secretFindings, secretsPolicy, type SecretFinding, type SecretRule } from "./guard/secrets.js";
import type { SecretsAllowList } from "./guard/secrets-config.js";
import type { Rule } from "./types.js";
import { rewriteFailure, writeInside } from "./rewrite.js";

/** One value replaced (a secret shown masked, an id in full). */
export interface Replacement {
  pointer: string;
  line: number;
  column: number;
  rule: SecretRule;
  kind: string;
  value: string;
  placeholder: string;
}

/** The text with each finding replaced by its kind's placeholder. */
export function applyRedactions(text: string, findings: readonly SecretFinding[]): string {
  let out = "";
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.start < at) continue;
    out += text.slice(at, f.start) + placeholderFor(f.kind, f.value);
    at = f.end;
  }
  return out + text.slice(at);
}

function hashOf(rec: Recording, era: Era): string {
  const h = requestHash(exactRequest(rec), era);
  return JSON.stringify([h.hash, h.note ?? null]);
}

export interface RedactTaskOptions {
  /** Replace `secret` findings too (`--secrets`). */
  secrets: boolean;
  write: boolean;
  /** The write gate's repository (null: the whole path is judged); asked only when writing. */
  repoRoot: string | null;
  /** The hash rules in use (`rulesTask`). */
  rules: string;
  layout: boolean;
  allowList: SecretsAllowList;
}

export interface RedactOutcome {
  file: string;
  replacements: Replacement[];
  written: boolean;
}

export interface RedactFailure {
  file: string;
  error: string;
  rule: Rule;
  line: number | null;
  column: number | null;
  /** The values that take part in the request hash (refused); empty for other failures. */
  pointers: string[];
}

export type RedactResult = RedactOutcome | RedactFailure;

export function isRedactFailure(r: RedactResult): r is RedactFailure {
  return "error" in r;
}

const failure = (file: string, error: string, rule: Rule, line: number | null = null, column: number | null = null, pointers: string[] = []): RedactFailure => ({ file, error, rule, line, column, pointers });

type Prepared = { options: RedactTaskOptions; eraFor: (file: string) => Era; policy: Awaited<ReturnType<typeof secretsPolicy>> };

async function redactFile(file: string, p: Prepared): Promise<RedactResult> {
  const { options } = p;
  try {
    const rec = readRecordingSync(file);
    const findings = secretFindings(file, rec.text, p.policy, { secret: options.secrets, infra: true });
    if (findings.length === 0) return { file, replacements: [], written: false };
    const era = p.eraFor(file);
    const before = hashOf(rec, era);
    const text = applyRedactions(rec.text, findings);
    // The promise: the request hash is what it was. Otherwise find the values that take part.
    if (hashOf(parseRecordingText(file, text), era) !== before) {
      const culprits = findings.filter((f) => hashOf(parseRecordingText(file, applyRedactions(rec.text, [f])), era) !== before);
      const named = culprits.length > 0 ? culprits : findings;
      const first = named[0] as SecretFinding;
      const pointers = [...new Set(named.map((f) => f.pointer))];
      return failure(file, `refused: ${pointers.join(", ")} take${pointers.length === 1 ? "s" : ""} part in the request hash, so replacing it would lose the recording (nothing written)`, "name-hash", first.line, first.column, pointers);
    }
    const replacements = findings.map((f) => ({
      pointer: f.pointer,
      line: f.line,
      column: f.column,
      rule: f.rule,
      kind: f.kind,
      value: f.rule === "secret" ? maskToken(f.value) : f.value,
      placeholder: placeholderFor(f.kind, f.value),
    }));
    if (!options.write) return { file, replacements, written: false };
    const refused = await writeInside(file, text, options.repoRoot);
    return refused === null ? { file, replacements, written: true } : failure(file, refused, "io");
  } catch (err) {
    return { ...rewriteFailure(file, err), pointers: [] };
  }
}

/** Runs in each thread: the rules and the allow-list once, then file by file. */
export async function prepareTask(options: RedactTaskOptions): Promise<(file: string) => Promise<RedactResult>> {
  const rules = rulesFromTask({ rules: options.rules, layout: options.layout });
  const prepared: Prepared = { options, eraFor: rules.eraFor, policy: await secretsPolicy(options.allowList) };
  return (file) => redactFile(file, prepared);
}

/** The task worker threads run (commands/rewrite.ts spreads it over the files). */
export const REDACT_TASK = { url: new URL(import.meta.url), prepare: prepareTask };
