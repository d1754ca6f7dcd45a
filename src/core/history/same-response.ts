/**
 * Whether two recordings hold the same answer, as `diff` judges it (its noise ignored: ids,
 * `created`, chunk boundaries…): the test for a duplicate, whose removal loses nothing.
 */
import { diffRecordings, diffSide } from "../diff/index.js";
import { readRecordingSync } from "../recording.js";

export function sameResponseData(a: unknown, b: unknown): boolean {
  const options = { raw: false, ignore: [] };
  return diffRecordings(diffSide(a, options), diffSide(b, options), options).response.length === 0;
}

export function sameResponse(a: string, b: string): boolean {
  return sameResponseData(readRecordingSync(a).data, readRecordingSync(b).data);
}
