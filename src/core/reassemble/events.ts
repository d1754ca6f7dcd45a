/**
 * Event streams: a body of raw SSE lines (`event: …`, `data: {…}`, `""`, as the raw-HTTP recorder
 * stores Anthropic messages and Google interactions) or of serialized event objects (OpenAI
 * Responses), read as one list of named JSON events.
 */
import { dataOf, isObject, strAt, type JsonObject } from "./util.js";

export interface StreamEvent {
  /** The SSE `event:` name, else the payload's own `type` / `event_type`. */
  name: string;
  data: JsonObject;
}

interface SseMessage {
  event: string | null;
  data: string;
}

/** The server-sent events in a list of lines, per the WHATWG event-stream rules. */
export function parseSse(items: readonly string[]): SseMessage[] {
  const messages: SseMessage[] = [];
  let event: string | null = null;
  let data: string[] = [];
  const dispatch = (): void => {
    if (data.length > 0) messages.push({ event, data: data.join("\n") });
    event = null;
    data = [];
  };
  for (const line of items.flatMap((item) => item.split(/\r\n|\r|\n/))) {
    if (line === "") {
      dispatch();
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "event") event = value;
    else if (name === "data") data.push(value);
  }
  dispatch();
  return messages;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function nameOf(data: JsonObject, event: string | null): string {
  return event ?? strAt(data, "type") ?? strAt(data, "event_type") ?? "";
}

/**
 * The events of a body. Lines whose data is not a JSON object (`data: [DONE]`) are skipped;
 * a body that is neither SSE lines nor event objects gives no events.
 */
export function streamEvents(items: readonly unknown[]): StreamEvent[] {
  if (items.length > 0 && items.every((item): item is string => typeof item === "string")) {
    return parseSse(items).flatMap((m) => {
      const data = parseJson(m.data);
      return isObject(data) ? [{ name: nameOf(data, m.event), data }] : [];
    });
  }
  return items.flatMap((item) => {
    const data = dataOf(item);
    return isObject(data) ? [{ name: nameOf(data, null), data }] : [];
  });
}
