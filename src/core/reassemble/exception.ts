/**
 * A recorded exception that nothing was streamed before (`is_exception`, body null): no answer,
 * only the error, which `reassemble` takes from `exception_message` / `exception_data`.
 */
import { answer, type FamilyAdapter } from "./adapter.js";

export const exception: FamilyAdapter = {
  family: "exception",
  endpoints: [],
  detect: (items, ctx) => ctx.isException && items.length === 0,
  reassemble: (_items, ctx) => answer("exception", ctx, { model: null, choices: [], usage: null }),
};
