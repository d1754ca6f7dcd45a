/**
 * What `show` tells a person debugging a replay miss: the request as the provider saw it (who
 * said what, which tools) and what came back. Pure: built from a parsed recording.
 */
import { pyUrlParse } from "./pyurl.js";
import { exactRequest, isObject, type Recording } from "./recording.js";
import { detectFamily, NoAnswerError, reassemble } from "./reassemble/index.js";
import type { Reassembled, RequestKind, ResponseFamily } from "./types.js";
import { NEWEST_ERA, type Era } from "./rules/eras.js";
import type { NameOrigin } from "./rules/judge.js";
import { isUnreachable, originOf, verdictOf, type VerdictStatus } from "./rules/verdict.js";

export interface MessageSummary {
  role: string;
  content: string;
}

export interface Inspection {
  file: string;
  hash: string | null;
  name_hash: string | null;
  matches: boolean;
  /** The one verdict (core/rules/verdict.ts). */
  verdict: VerdictStatus;
  /** The era whose hash rules computed `hash`. */
  rules: string;
  /** The eras whose rules give the file's name, when it disagrees with `hash` (maybe none). */
  named_by: string[] | null;
  /** Why the name disagrees: which era named it and what changed since, or that none did. */
  why: string | null;
  kind: RequestKind;
  test_id: string | null;
  request: {
    method: string | null;
    url: string | null;
    endpoint: string | null;
    model: string | null;
    messages: MessageSummary[];
    tools: string[];
    params: Record<string, unknown>;
    /** Tool invocations and file-processor calls: who was called with what. */
    call: { provider: string | null; name: string | null; arguments: unknown } | null;
  };
  response: {
    family: ResponseFamily;
    streaming: boolean;
    chunks: number;
    status: number | null;
    finish_reason: string | null;
    usage: Record<string, unknown> | null;
    answer: Reassembled | null;
    error: string | null;
    /** A model list's model ids, in the order listed (null for any other response). */
    models: string[] | null;
  };
}

/**
 * The ids of a model list: OpenAI's `Model` objects (each `{__type__, __data__: {id}}` or a page
 * `{data: [{id}]}`), Ollama's `/api/tags` and `/api/ps` (`{models: [{model|name}]}`).
 */
export function modelIds(body: unknown): string[] | null {
  const unwrap = (v: unknown): unknown => (isObject(v) && "__data__" in v ? v["__data__"] : v);
  const idOf = (m: unknown): string | null => {
    const d = unwrap(m);
    return isObject(d) ? (str(d["id"]) ?? str(d["model"]) ?? str(d["name"])) : null;
  };
  const items: unknown[] = [];
  for (const part of Array.isArray(body) ? body : [body]) {
    const d = unwrap(part);
    if (isObject(d) && Array.isArray(d["data"])) items.push(...d["data"]);
    else if (isObject(d) && Array.isArray(d["models"])) items.push(...d["models"]);
    else items.push(part);
  }
  const ids = items.map(idOf).filter((x): x is string => x !== null);
  return ids.length > 0 ? ids : null;
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** Text of a message's content in any of the shapes APIs use (string, parts, blocks). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map(contentText).filter((t) => t !== "").join("\n");
  if (!isObject(content)) return content === null || content === undefined ? "" : JSON.stringify(content);
  for (const key of ["text", "thinking", "content"]) {
    const t = content[key];
    if (typeof t === "string") return t;
  }
  if (Array.isArray(content["parts"])) return contentText(content["parts"]);
  const type = str(content["type"]) ?? Object.keys(content)[0] ?? "part";
  return `[${type}]`;
}

const MESSAGE_LISTS = ["messages", "contents", "input"];

function messagesOf(body: Record<string, unknown>): MessageSummary[] {
  const out: MessageSummary[] = [];
  const system = body["system"] ?? body["instructions"];
  if (system !== undefined && system !== null) out.push({ role: "system", content: contentText(system) });
  for (const key of MESSAGE_LISTS) {
    const list = body[key];
    if (typeof list === "string") out.push({ role: "user", content: list });
    if (!Array.isArray(list)) continue;
    for (const m of list) {
      if (!isObject(m)) {
        out.push({ role: "user", content: contentText(m) });
        continue;
      }
      const calls = Array.isArray(m["tool_calls"]) ? m["tool_calls"].length : 0;
      const text = contentText(m["content"] ?? m["parts"] ?? m["text"] ?? m["output"] ?? "");
      out.push({ role: str(m["role"]) ?? str(m["type"]) ?? "user", content: calls > 0 && text === "" ? `[${calls} tool call${calls > 1 ? "s" : ""}]` : text });
    }
  }
  if (typeof body["prompt"] === "string") out.push({ role: "user", content: body["prompt"] });
  return out;
}

function toolNames(body: Record<string, unknown>): string[] {
  const tools = body["tools"] ?? (isObject(body["config"]) ? body["config"]["tools"] : undefined);
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const t of tools) {
    if (!isObject(t)) continue;
    const fn = isObject(t["function"]) ? t["function"] : t;
    const name = str(fn["name"]);
    if (name !== null) names.push(name);
    const decls = t["function_declarations"];
    if (Array.isArray(decls)) for (const d of decls) if (isObject(d) && typeof d["name"] === "string") names.push(d["name"]);
    if (name === null && !Array.isArray(decls) && typeof t["type"] === "string") names.push(`(${t["type"]})`);
  }
  return names;
}

const SHOWN_PARAMS = ["stream", "temperature", "top_p", "max_tokens", "max_completion_tokens", "n", "seed", "tool_choice", "response_format", "stop"];

function paramsOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SHOWN_PARAMS) if (key in body) out[key] = body[key];
  return out;
}

function callOf(request: Record<string, unknown>): Inspection["request"]["call"] {
  if ("tool_name" in request) return { provider: str(request["provider"]), name: str(request["tool_name"]), arguments: request["kwargs"] ?? null };
  if ("file_id" in request) return { provider: str(request["provider"]), name: str(request["api"]), arguments: { file_id: request["file_id"] } };
  return null;
}

export function inspect(rec: Recording, era: Era = NEWEST_ERA): Inspection {
  const data = isObject(rec.data) ? rec.data : {};
  const request = isObject(data["request"]) ? data["request"] : {};
  const response = isObject(data["response"]) ? data["response"] : {};
  const input = exactRequest(rec);
  const hashed = verdictOf(input, rec.name, era);
  const matches = hashed.status === "reachable";
  const origin: NameOrigin | null = rec.name !== null && isUnreachable(hashed) ? originOf(input, rec.name, hashed) : null;
  const body = isObject(request["body"]) ? request["body"] : isObject(request["payload"]) ? request["payload"] : isObject(request["kwargs"]) ? request["kwargs"] : {};
  const url = str(request["url"]);
  const family = detectFamily(response, request);
  let answer: Reassembled | null = null;
  let error: string | null = str(response["exception_message"]);
  try {
    answer = reassemble(response, family);
    error = answer.error?.message ?? error;
  } catch (err) {
    if (!(err instanceof NoAnswerError)) error = `cannot reassemble: ${(err as Error).message}`;
  }
  const first = answer?.choices[0];
  const respBody = response["body"];
  return {
    file: rec.file,
    hash: hashed.hash,
    name_hash: rec.name?.hash ?? null,
    matches,
    verdict: hashed.status,
    rules: era.id,
    named_by: origin?.eras ?? null,
    why: origin?.message ?? null,
    kind: hashed.kind,
    test_id: str(data["test_id"]) ?? str(request["test_id"]),
    request: {
      method: str(request["method"]),
      url,
      endpoint: str(request["endpoint"]) ?? (url === null ? null : pyUrlParse(url).path),
      model: str(request["model"]) || str(body["model"]),
      messages: messagesOf(body),
      tools: toolNames(body),
      params: paramsOf(body),
      call: callOf(request),
    },
    response: {
      family,
      streaming: response["is_streaming"] === true,
      chunks: Array.isArray(respBody) ? respBody.length : respBody === null || respBody === undefined ? 0 : 1,
      status: typeof response["status"] === "number" ? response["status"] : null,
      finish_reason: first?.finish_reason ?? null,
      usage: answer?.usage ?? null,
      answer,
      error,
      models: family === "openai-models" || family === "ollama-admin" ? modelIds(respBody) : null,
    },
  };
}
