/**
 * Raw-HTTP recordings whose body is no known family: an error status (>= 400) yields the body's
 * error message; anything else has no text.
 */
import type { RecordedError } from "../types.js";
import { answer, NoAnswerError, type FamilyAdapter } from "./adapter.js";
import { field, isObject, numAt, strAt } from "./util.js";

/**
 * The error a JSON error body describes: `{error: {message, type|code}}` (OpenAI, Anthropic,
 * Google), `{error: "…"}`, `{detail: "…"}` (FastAPI) or `{message, type|code}`.
 */
export function httpError(body: unknown, status: number | null): RecordedError | null {
  const error = field(body, "error");
  if (isObject(error)) {
    const code = numAt(error, "code");
    return {
      message: strAt(error, "message") ?? JSON.stringify(error),
      type: strAt(error, "type") ?? strAt(error, "code") ?? (code === null ? null : String(code)),
    };
  }
  const message = (typeof error === "string" ? error : null) ?? strAt(body, "detail") ?? strAt(body, "message");
  if (message !== null) return { message, type: strAt(body, "type") ?? strAt(body, "code") };
  if (status !== null && status >= 400) return { message: `HTTP ${status}`, type: null };
  return null;
}

export const httpJson: FamilyAdapter = {
  family: "http-json",
  endpoints: [],
  detect: (_items, ctx) => ctx.requestKind === "raw-http" || ctx.status !== null,
  reassemble(items, ctx) {
    const failed = ctx.status !== null && ctx.status >= 400;
    const error = failed ? httpError(items[0], ctx.status) : null;
    if (error === null) throw new NoAnswerError("http-json");
    return answer("http-json", ctx, { model: null, choices: [], usage: null, error });
  },
};
