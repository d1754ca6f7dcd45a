/**
 * Reassembly: which response family a recording's body is, and the final answer it carries —
 * streamed chunks joined, or the one object read — as a `Reassembled` (SPEC, `reassemble --json`).
 * Pure: no I/O, no printing.
 */
import { pyUrlParse } from "../pyurl.js";
import { requestKindFromKeys } from "../request-kind.js";
import type { RecordedError, Reassembled, RequestKind, ResponseFamily } from "../types.js";
import { NoAnswerError, type DetectContext, type FamilyAdapter, type ReassembleContext } from "./adapter.js";
import { anthropicMessages } from "./anthropic-messages.js";
import { exception } from "./exception.js";
import { googleGenai } from "./google-genai.js";
import { googleInteractions } from "./google-interactions.js";
import { httpError, httpJson } from "./http-json.js";
import { fileProcessor, ollamaAdmin, ollamaEmbed, openaiEmbeddings, openaiModels, toolResult } from "./no-answer.js";
import { ollamaChat } from "./ollama-chat.js";
import { ollamaGenerate } from "./ollama-generate.js";
import { openaiChat } from "./openai-chat.js";
import { openaiCompletion } from "./openai-completion.js";
import { openaiResponses } from "./openai-responses.js";
import { bodyItems, field, isObject, nonEmpty, numAt, objAt, strAt } from "./util.js";

export { NoAnswerError } from "./adapter.js";

/**
 * Every family, in the order detection tries them: an exception with nothing streamed first,
 * then the request kinds that decide alone (tools, file processors), then body shapes, and
 * raw HTTP whose body is none of them last.
 */
const ADAPTERS: readonly FamilyAdapter[] = [
  exception,
  toolResult,
  fileProcessor,
  openaiChat,
  openaiCompletion,
  openaiResponses,
  openaiEmbeddings,
  openaiModels,
  ollamaGenerate,
  ollamaChat,
  ollamaEmbed,
  ollamaAdmin,
  googleGenai,
  anthropicMessages,
  googleInteractions,
  httpJson,
];

const BY_FAMILY = new Map<ResponseFamily, FamilyAdapter>(ADAPTERS.map((a) => [a.family, a]));

/** The request kinds of SPEC "A recording", read from a JSON.parse'd request. */
function requestKindOf(request: unknown): RequestKind {
  return isObject(request) ? requestKindFromKeys((key) => key in request) : "unknown";
}

function endpointOf(request: unknown): string | null {
  const url = strAt(request, "url");
  return nonEmpty(strAt(request, "endpoint")) ?? (url === null ? null : nonEmpty(pyUrlParse(url).path));
}

function reassembleContext(response: unknown): ReassembleContext {
  return { streaming: field(response, "is_streaming") === true, status: numAt(response, "status") };
}

/**
 * The family of a recording's response: from `__type__` names and body shapes, the request where
 * the body cannot tell (tool and file-processor recordings, an empty stream's endpoint).
 */
export function detectFamily(response: unknown, request: unknown): ResponseFamily {
  const items = bodyItems(field(response, "body"));
  const ctx: DetectContext = {
    ...reassembleContext(response),
    isException: field(response, "is_exception") === true,
    requestKind: requestKindOf(request),
    endpoint: endpointOf(request),
  };
  const byBody = ADAPTERS.find((adapter) => adapter.detect(items, ctx));
  if (byBody !== undefined) return byBody.family;
  const endpoint = ctx.endpoint;
  if (endpoint === null) return "unknown";
  const byEndpoint = ADAPTERS.find((adapter) => adapter.endpoints.some((path) => endpoint.endsWith(path)));
  return byEndpoint?.family ?? "unknown";
}

/** The recorder's exception (`is_exception`): its message, and its class from `exception_data`. */
function recordedException(response: unknown): RecordedError | null {
  if (field(response, "is_exception") !== true) return null;
  const data = objAt(response, "exception_data");
  return {
    message: strAt(response, "exception_message") ?? strAt(data, "message") ?? "",
    type: strAt(data, "type"),
  };
}

/**
 * The final answer of a recording's `response` (the whole object as parsed: body, is_streaming,
 * is_exception, exception_*, status), read as `family`. A recorded exception or HTTP error is in
 * `error`, next to whatever was streamed before it.
 * @throws NoAnswerError for families that carry no answer (see `yieldsAnswer`), and for raw-HTTP
 *   bodies that are neither a known family nor an error.
 */
export function reassemble(response: unknown, family: ResponseFamily): Reassembled {
  const join = BY_FAMILY.get(family)?.reassemble ?? null;
  if (join === null) throw new NoAnswerError(family);
  const ctx = reassembleContext(response);
  const body = field(response, "body");
  const result = join(bodyItems(body), ctx);
  const failed = ctx.status !== null && ctx.status >= 400;
  const error = recordedException(response) ?? result.error ?? (failed ? httpError(body, ctx.status) : null);
  return { ...result, error };
}

/**
 * Whether a family carries an answer at all. False for embeddings, model lists, Ollama admin
 * calls, tool results, file-processor results and unknown bodies: `reassemble` throws
 * `NoAnswerError` for those.
 */
export function yieldsAnswer(family: ResponseFamily): boolean {
  const adapter = BY_FAMILY.get(family);
  return adapter !== undefined && adapter.reassemble !== null;
}

/** Whether a reassembled answer has anything to show: text, reasoning, a refusal or a tool call. */
export function hasText(answer: Reassembled): boolean {
  return answer.choices.some(
    (c) => c.content !== "" || c.reasoning !== "" || (c.refusal ?? "") !== "" || c.tool_calls.length > 0,
  );
}
