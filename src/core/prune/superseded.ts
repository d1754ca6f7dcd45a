/**
 * `superseded` (SPEC, orphan reasons): an unreachable recording whose correctly named twin (the
 * same request, in the same folder) holds the same response, or another one at least as new
 * (history/response-dates.ts, the comparison `rehash` uses too). A stale recording with a newer
 * response than its twin's — or one whose age cannot be told — is the answer to keep: it stays
 * `unreachable`, is listed with the remedy, and `--delete` never removes it.
 */
import { compareResponseDates, responseDates, type ResponseDate } from "../history/response-dates.js";
import { sameResponse } from "../history/same-response.js";

export interface Superseded {
  /** The correctly named recording of the same request. */
  by: string;
  /** False: the same answer (a duplicate), deleting it loses nothing; true: an older answer. */
  responsesDiffer: boolean;
}

/** Why a listed recording is kept by `--delete` (the reporter says what to do instead). */
export interface Kept {
  twin: string;
  /** Its response is newer than the twin's, or no history tells which is. */
  why: "newer-than-twin" | "no-history";
  date: ResponseDate | null;
  twinDate: ResponseDate | null;
}

export type TwinVerdict = { superseded: Superseded; kept: null } | { superseded: null; kept: Kept };

function kept(twin: string, newer: boolean, date: ResponseDate | null, twinDate: ResponseDate | null): TwinVerdict {
  return { superseded: null, kept: { twin, why: newer ? "newer-than-twin" : "no-history", date, twinDate } };
}

/**
 * Judges each unreachable file against its correctly named twin (`twins`: file → twin). Response
 * dates are read once for all pairs whose responses differ; `gitFrom` is where git is asked.
 */
export async function judgeTwins(twins: ReadonlyMap<string, string>, gitFrom: string): Promise<Map<string, TwinVerdict>> {
  const out = new Map<string, TwinVerdict>();
  const differ: [string, string][] = [];
  for (const [file, twin] of twins) {
    let same: boolean | null;
    try {
      same = sameResponse(file, twin);
    } catch {
      same = null; // unreadable: judged below as having no known age
    }
    if (same === true) out.set(file, { superseded: { by: twin, responsesDiffer: false }, kept: null });
    else differ.push([file, twin]);
  }
  if (differ.length === 0) return out;
  const dates = await responseDates(gitFrom, [...new Set(differ.flat())]);
  for (const [file, twin] of differ) {
    const date = dates.get(file) ?? null;
    const twinDate = dates.get(twin) ?? null;
    const newness = compareResponseDates(date, twinDate);
    if (newness === "older" || newness === "same-date") out.set(file, { superseded: { by: twin, responsesDiffer: true }, kept: null });
    else out.set(file, kept(twin, newness === "newer", date, twinDate));
  }
  return out;
}
