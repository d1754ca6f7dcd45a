/** The facts `list` shows for one recording, read from its JSON.parse value. */
import { pyUrlParse } from "./pyurl.js";
import { isObject, nameHash, readRecordingSync, RecordingError } from "./recording.js";

export interface RecordingSummary {
  file: string;
  hash: string | null;
  test_id: string | null;
  model: string | null;
  endpoint: string | null;
  method: string | null;
  streaming: boolean | null;
  chunks: number | null;
  /** Holds a request and a response object: a recording (a package.json in a recordings folder is not). */
  recording: boolean;
}

export interface SummaryFailure {
  file: string;
  error: string;
  line: number | null;
  column: number | null;
}

function text(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

export function summarizeData(file: string, data: unknown): RecordingSummary {
  const top = isObject(data) ? data : {};
  const request = isObject(top["request"]) ? top["request"] : {};
  const response = isObject(top["response"]) ? top["response"] : {};
  const body = isObject(request["body"]) ? request["body"] : isObject(request["payload"]) ? request["payload"] : {};
  const url = text(request["url"]);
  let endpoint = text(request["endpoint"]) ?? (url === null ? null : pyUrlParse(url).path);
  if (endpoint === null && text(request["tool_name"]) !== null) endpoint = `tool:${String(request["provider"])}/${String(request["tool_name"])}`;
  if (endpoint === null && text(request["api"]) !== null) endpoint = `${String(request["api"])}:${String(request["provider"])}`;
  const respBody = response["body"];
  return {
    file,
    hash: nameHash(file)?.hash ?? null,
    test_id: text(top["test_id"]) ?? text(request["test_id"]),
    model: text(request["model"]) ?? text(body["model"]),
    endpoint,
    method: text(request["method"])?.toUpperCase() ?? null,
    streaming: typeof response["is_streaming"] === "boolean" ? response["is_streaming"] : null,
    chunks: Array.isArray(respBody) ? respBody.length : respBody === undefined ? null : 1,
    recording: isObject(top["request"]) && isObject(top["response"]),
  };
}

async function summarizeFile(file: string): Promise<RecordingSummary | SummaryFailure> {
  try {
    return summarizeData(file, readRecordingSync(file).data);
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    return { file, error: err.message, line: err.line, column: err.column };
  }
}

/** Runs in each thread for `list`. */
export async function prepareTask(): Promise<(file: string) => Promise<RecordingSummary | SummaryFailure>> {
  return summarizeFile;
}

export function isFailure(r: RecordingSummary | SummaryFailure): r is SummaryFailure {
  return "error" in r;
}
