/** Shared domain types. Terms follow SPEC.md ("A recording", "The request hash"). */

/** How a recording's request was captured, which decides how it is hashed. */
export type RequestKind = "inference" | "raw-http" | "tool" | "file-processor" | "unknown";

/**
 * What a recording's response body is. One entry per family of response formats that real
 * recordings carry; `src/core/reassemble/index.ts` owns the detection.
 */
export type ResponseFamily =
  | "openai-chat"
  | "openai-completion"
  | "openai-embeddings"
  | "openai-models"
  | "openai-responses"
  | "ollama-generate"
  | "ollama-chat"
  | "ollama-embed"
  | "ollama-admin"
  | "google-genai"
  | "anthropic-messages"
  | "google-interactions"
  | "http-json"
  | "tool-result"
  | "file-processor"
  | "exception"
  | "unknown";

/** One tool call of a reassembled answer (SPEC, `reassemble --json`). */
export interface ToolCall {
  index: number;
  id: string | null;
  type: string;
  name: string;
  /** The arguments exactly as streamed/stored: a JSON string where the API sends one. */
  arguments: string;
}

/** One choice of a reassembled answer; `content` and `reasoning` are "" when there is none. */
export interface Choice {
  index: number;
  role: string;
  content: string;
  reasoning: string;
  refusal: string | null;
  tool_calls: ToolCall[];
  finish_reason: string | null;
}

/** A recorded error (the recorder's `exception_message`, or an HTTP error status/body). */
export interface RecordedError {
  message: string;
  type: string | null;
}

/** The final answer a response carried, joined from its stream when it was streamed. */
export interface Reassembled {
  kind: ResponseFamily;
  streaming: boolean;
  model: string | null;
  choices: Choice[];
  usage: Record<string, unknown> | null;
  error: RecordedError | null;
}

/**
 * The rules a finding comes from (SPEC, validate): stable names, printed and in `--json`. This is
 * the one list; everything else imports it.
 */
/** Error rules: a finding of one makes the file invalid (`io`, `utf8`, `json` come from reading it). */
export const ERROR_RULES = ["io", "utf8", "json", "schema", "stream-shape", "chunk-type", "test-id", "secret"] as const;
/** Warning rules: the findings `--strict` fails on and `--ignore` leaves unchecked. */
export const WARNING_RULES = ["name-hash", "rec-id", "format", "stale-type", "infra-id"] as const;
export type ErrorRule = (typeof ERROR_RULES)[number];
export type WarningRule = (typeof WARNING_RULES)[number];
export type Rule = ErrorRule | WarningRule;

const RULES: ReadonlySet<string> = new Set<Rule>([...ERROR_RULES, ...WARNING_RULES]);

/** A rule name recctl knows (a cache written by another build may hold others). */
export function isRule(name: unknown): name is Rule {
  return typeof name === "string" && RULES.has(name);
}

/**
 * A file a command could not read, parse or change: the one failure type of every command
 * (list, hash, show, reassemble, normalize, migrate-types, prune, rehash), printed on stderr as
 * `file:line:col: error` and in `--json` as `{file, error, rule, line, column}`. Line and column
 * are 1-based, null when unknown; `rule` is the reading step that failed (`io`, `utf8`, `json`…).
 */
export interface FileFailure {
  file: string;
  error: string;
  rule: Rule;
  line: number | null;
  column: number | null;
}

/** A result that is a failure: only failures carry `error` (a string) and `rule`. */
export function isFileFailure<T extends object>(r: T | FileFailure): r is FileFailure {
  return "error" in r && typeof r.error === "string" && "rule" in r;
}

/** A `<ref>` that named no recording, or several: `{ref, error, candidates}` in `--json`. */
export interface RefFailure {
  ref: string;
  error: string;
  /** The recordings an ambiguous prefix matched (absolute paths); empty when it matched none. */
  candidates: string[];
}

/** What a command could not do for one of its inputs: a file it could not read, or a ref it could not resolve. */
export type InputFailure = FileFailure | RefFailure;

export function isRefFailure(f: InputFailure): f is RefFailure {
  return "ref" in f;
}
