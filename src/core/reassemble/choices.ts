/**
 * Drafts that adapters fill while walking a body, then turn into `Choice`s. Text is only ever
 * appended: no trimming, no separators, so split characters and whitespace come out exactly.
 */
import type { Choice, ToolCall } from "../types.js";
import { nonEmpty } from "./util.js";

/** One piece of a tool call as a chunk carries it; null where the chunk does not carry a field. */
export interface ToolCallPiece {
  index: number;
  id: string | null;
  type: string | null;
  name: string | null;
  arguments: string | null;
}

interface ToolCallDraft {
  index: number;
  id: string | null;
  type: string | null;
  name: string | null;
  arguments: string;
}

export class ToolCallDrafts {
  private readonly drafts: ToolCallDraft[] = [];
  /** Which draft a streamed `index` currently continues. */
  private readonly byKey = new Map<number, ToolCallDraft>();

  /**
   * Merges a streamed piece into the call its index names: id, type and name are taken from the
   * piece that carries them, arguments are appended in order. A piece that carries a different
   * id than the call already has starts a new call (servers that reuse index 0 for every call).
   */
  merge(piece: ToolCallPiece): void {
    const id = nonEmpty(piece.id);
    let draft = this.byKey.get(piece.index);
    if (draft !== undefined && id !== null && draft.id !== null && draft.id !== id) draft = undefined;
    if (draft === undefined) {
      const taken = this.drafts.some((d) => d.index === piece.index);
      draft = { index: taken ? this.nextIndex() : piece.index, id: null, type: null, name: null, arguments: "" };
      this.drafts.push(draft);
      this.byKey.set(piece.index, draft);
    }
    draft.id = id ?? draft.id;
    draft.type = nonEmpty(piece.type) ?? draft.type;
    draft.name = nonEmpty(piece.name) ?? draft.name;
    if (piece.arguments !== null) draft.arguments += piece.arguments;
  }

  /** Adds a call that arrived whole; without an index (or a taken one) it goes after the others. */
  add(call: Omit<ToolCallPiece, "index"> & { index?: number | null }): void {
    const wanted = call.index ?? null;
    const index = wanted !== null && !this.drafts.some((d) => d.index === wanted) ? wanted : this.nextIndex();
    this.drafts.push({ index, id: call.id, type: call.type, name: call.name, arguments: call.arguments ?? "" });
  }

  /** Replaces the arguments of the call at a streamed index (APIs that resend them whole). */
  setArguments(key: number, text: string): void {
    const draft = this.byKey.get(key);
    if (draft !== undefined) draft.arguments = text;
  }

  get size(): number {
    return this.drafts.length;
  }

  toToolCalls(defaultType: string): ToolCall[] {
    return [...this.drafts]
      .sort((a, b) => a.index - b.index)
      .map((d) => ({ index: d.index, id: d.id, type: d.type ?? defaultType, name: d.name ?? "", arguments: d.arguments }));
  }

  private nextIndex(): number {
    return this.drafts.reduce((max, d) => Math.max(max, d.index + 1), 0);
  }
}

export class ChoiceDraft {
  role: string | null = null;
  content = "";
  reasoning = "";
  refusal: string | null = null;
  finishReason: string | null = null;
  readonly toolCalls = new ToolCallDrafts();

  constructor(readonly index: number) {}

  /** The role of the first delta that has one. */
  takeRole(role: string | null): void {
    if (this.role === null) this.role = nonEmpty(role);
  }

  addRefusal(text: string | null): void {
    if (text !== null) this.refusal = (this.refusal ?? "") + text;
  }

  /** The last finish reason a chunk reports wins (earlier chunks report null). */
  finish(reason: string | null): void {
    if (reason !== null) this.finishReason = reason;
  }

  toChoice(defaultRole: string, defaultToolType: string): Choice {
    return {
      index: this.index,
      role: this.role ?? defaultRole,
      content: this.content,
      reasoning: this.reasoning,
      refusal: this.refusal,
      tool_calls: this.toolCalls.toToolCalls(defaultToolType),
      finish_reason: this.finishReason,
    };
  }
}

/** Choices kept apart by their index (n > 1, several candidates). */
export class ChoiceDrafts {
  private readonly drafts = new Map<number, ChoiceDraft>();

  at(index: number): ChoiceDraft {
    let draft = this.drafts.get(index);
    if (draft === undefined) {
      draft = new ChoiceDraft(index);
      this.drafts.set(index, draft);
    }
    return draft;
  }

  toChoices(defaultRole = "assistant", defaultToolType = "function"): Choice[] {
    return [...this.drafts.values()]
      .sort((a, b) => a.index - b.index)
      .map((d) => d.toChoice(defaultRole, defaultToolType));
  }
}
