/** The one interface every response family's adapter implements, and what they share. */
import type { Choice, RecordedError, Reassembled, RequestKind, ResponseFamily } from "../types.js";
import type { JsonObject } from "./util.js";

/** What reassembly may need besides the body. */
export interface ReassembleContext {
  /** `response.is_streaming` as recorded. */
  streaming: boolean;
  /** The HTTP status of a raw-HTTP recording; null for SDK-level recordings. */
  status: number | null;
}

/** What detection may look at besides the body: the request, where the body alone cannot tell. */
export interface DetectContext extends ReassembleContext {
  isException: boolean;
  requestKind: RequestKind;
  /** The request's `endpoint`, else the path of its `url`; null when it has neither. */
  endpoint: string | null;
}

export interface FamilyAdapter {
  family: ResponseFamily;
  /** Endpoint paths (matched as a suffix) that name the family when the body cannot, e.g. an empty stream. */
  endpoints: readonly string[];
  /** Whether `items` (the body's chunks, or its one value) are this family's. */
  detect(items: readonly unknown[], ctx: DetectContext): boolean;
  /** The final answer; null for families that carry none (embeddings, model lists, …). */
  reassemble: ((items: readonly unknown[], ctx: ReassembleContext) => Reassembled) | null;
}

/** How the CLI names a family that has no text: "…has no text to reassemble (embeddings)". */
const NO_ANSWER_LABELS: Partial<Record<ResponseFamily, string>> = {
  "openai-embeddings": "embeddings",
  "ollama-embed": "embeddings",
  "openai-models": "model list",
  "ollama-admin": "ollama admin",
  "tool-result": "tool result",
  "file-processor": "file processor result",
  "http-json": "unrecognized HTTP body",
  unknown: "unrecognized body",
};

/** Thrown by `reassemble` for a recording whose response carries no answer to join. */
export class NoAnswerError extends Error {
  readonly label: string;

  constructor(readonly family: ResponseFamily) {
    const label = NO_ANSWER_LABELS[family] ?? family;
    super(`has no text to reassemble (${label})`);
    this.name = "NoAnswerError";
    this.label = label;
  }
}

export interface AnswerParts {
  model: string | null;
  choices: Choice[];
  usage: JsonObject | null;
  error?: RecordedError | null;
}

export function answer(kind: ResponseFamily, ctx: ReassembleContext, parts: AnswerParts): Reassembled {
  return {
    kind,
    streaming: ctx.streaming,
    model: parts.model,
    choices: parts.choices,
    usage: parts.usage,
    error: parts.error ?? null,
  };
}
