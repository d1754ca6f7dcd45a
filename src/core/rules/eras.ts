/**
 * The recorder's hashing rules, era by era (SPEC, "Hash rules by era"). One table: each era is
 * named by the date of the first recorder version that hashed this way, with what changed and
 * the upstream commit. Every recorder version the project knows of maps to one era
 * (`RECORDER_VERSIONS`); for a date, the era in force is the last one that began on or before it.
 */

/** What the recorder in force hashed, and how (see `src/core/hash.ts`, which applies them). */
export interface HashRules {
  /** `test_id` is hashed (null outside a test, and for a file without the key). */
  testIsolation: boolean;
  /** Request paths whose hash leaves `test_id` out (model lists are shared across tests). */
  modelListPaths: readonly string[];
  /** `_normalize_body_for_hash`: floats rounded to 5 places, long decimals in strings. */
  normalizeBody: boolean;
  /** Tool invocations are recorded and hashed (`provider`, `tool_name`, `kwargs`). */
  toolRequests: boolean;
  /** Where the url's host contains `bedrock`, the body's top-level `stream_options` is dropped. */
  bedrockStreamOptions: boolean;
  /** Raw HTTP requests are recorded and hashed (`test_id`, `url`, `method`, `payload`). */
  rawHttpRequests: boolean;
  /** `project_id` is dropped from a root dict's `extra_body` / `extra_query`. */
  stripProjectId: boolean;
  /** File-search scores, attributes, document ids and citations are blanked in strings. */
  fileSearch: boolean;
  /** Files are named after the whole hash (before: its first 12 hex digits). */
  fullHashNames: boolean;
}

export interface Era {
  /** The date its first recorder version was committed (YYYY-MM-DD): the era's stable id. */
  id: string;
  /** What changed, in a few words (used in "… (2026-04-09) changed its hash"). */
  change: string;
  /** One line: what the recorder hashed from this era on. */
  note: string;
  commit: string;
  pr: number | null;
  rules: HashRules;
}

const BASE_MODEL_LISTS = ["/api/tags", "/v1/models"] as const;
const ALL_MODEL_LISTS = [...BASE_MODEL_LISTS, "/v1/openai/v1/models"] as const;

const FIRST: HashRules = {
  testIsolation: false,
  modelListPaths: BASE_MODEL_LISTS,
  normalizeBody: false,
  toolRequests: false,
  bedrockStreamOptions: false,
  rawHttpRequests: false,
  stripProjectId: false,
  fileSearch: false,
  fullHashNames: false,
};

function after(previous: Era, changes: Partial<HashRules>): HashRules {
  return { ...previous.rules, ...changes };
}

function era(id: string, change: string, note: string, commit: string, pr: number | null, rules: HashRules): Era {
  return { id, change, note, commit, pr, rules };
}

const RECORD_REPLAY = era(
  "2025-07-29",
  "the first recorder",
  "method, url path and body as sent; no test_id; files named by the first 12 hex of the hash",
  "08b4a1deb",
  2941,
  FIRST,
);
const TEST_ISOLATION = era(
  "2025-10-04",
  "test isolation",
  "test_id hashed (null outside a test) except for /api/tags and /v1/models; files named by the whole hash",
  "045a0c1d5",
  3681,
  after(RECORD_REPLAY, { testIsolation: true, fullHashNames: true }),
);
const BODY_NORMALIZATION = era(
  "2025-10-09",
  "body normalization",
  "floats rounded to 5 places and long decimals in strings rewritten; tool invocations hashed",
  "f50ce11a3",
  3403,
  after(TEST_ISOLATION, { normalizeBody: true, toolRequests: true }),
);
const OPENAI_MODELS = era(
  "2025-11-03",
  "the /v1/openai/v1/models model list",
  "/v1/openai/v1/models is a model list too: hashed without test_id",
  "cb40da210",
  4053,
  after(BODY_NORMALIZATION, { modelListPaths: ALL_MODEL_LISTS }),
);
const BEDROCK = era(
  "2026-01-21",
  "Bedrock stream_options",
  "stream_options dropped from the body's top level where the host contains bedrock",
  "393e7dbde",
  4292,
  after(OPENAI_MODELS, { bedrockStreamOptions: true }),
);
const RAW_HTTP = era(
  "2026-02-12",
  "raw HTTP hashing",
  "raw HTTP requests hashed: test_id, url, method and normalized payload",
  "f68c98a3c",
  4903,
  after(BEDROCK, { rawHttpRequests: true }),
);
const PROJECT_ID = era(
  "2026-03-18",
  "project_id stripping",
  "project_id dropped from extra_body / extra_query of a root dict (also a dict directly in a list)",
  "bc8f45b1a",
  5120,
  after(RAW_HTTP, { stripProjectId: true }),
);
const FILE_SEARCH = era(
  "2026-04-09",
  "file-search normalization",
  "file-search scores, attributes, document ids and citations blanked in strings before decimals",
  "5d63477df",
  5173,
  after(PROJECT_ID, { fileSearch: true }),
);

/** Oldest first. */
export const ERAS: readonly Era[] = [RECORD_REPLAY, TEST_ISOLATION, BODY_NORMALIZATION, OPENAI_MODELS, BEDROCK, RAW_HTTP, PROJECT_ID, FILE_SEARCH];

export const NEWEST_ERA: Era = FILE_SEARCH;
export const OLDEST_ERA: Era = RECORD_REPLAY;

/** One upstream commit that changed the recorder module (reference/recorder-history/). */
export interface RecorderVersion {
  date: string;
  commit: string;
  pr: number;
  path: string;
}

/** Every upstream version of the recorder, oldest first, as the maintainers' history lists them. */
export const RECORDER_VERSIONS: readonly RecorderVersion[] = [
  ["2025-07-29", "08b4a1deb", 2941],
  ["2025-08-01", "6ac710f3b", 3013],
  ["2025-08-18", "eb07a0f86", 3193],
  ["2025-08-26", "7ca823388", 3254],
  ["2025-09-03", "c3d3a0b83", 3320],
  ["2025-09-08", "ef02b9ea1", 3374],
  ["2025-09-11", "c2d281e01", 3414],
  ["2025-09-12", "f67081d2d", 3423],
  ["2025-09-12", "3de9ad0a8", 3426],
  ["2025-09-13", "6787755c0", 3430],
  ["2025-09-15", "01bdcce4d", 3442],
  ["2025-09-21", "e3f77c100", 3470],
  ["2025-09-23", "d07ebce4d", 3500],
  ["2025-10-03", "3f36bfaea", 3676],
  ["2025-10-04", "045a0c1d5", 3681],
  ["2025-10-08", "79bed44b0", 3737],
  ["2025-10-09", "f50ce11a3", 3403],
  ["2025-10-09", "841d0c358", 3760],
  ["2025-10-16", "cd152f424", 3832],
  ["2025-10-27", "471b1b248", 3920],
  ["2025-10-28", "d009dc29f", 3935],
  ["2025-10-28", "94b059224", 3938],
  ["2025-11-03", "cb40da210", 4053],
  ["2025-11-14", "eb545034a", 4052],
  ["2026-01-21", "393e7dbde", 4292],
  ["2026-02-12", "f68c98a3c", 4903],
  ["2026-02-24", "504231040", 4880],
  ["2026-03-12", "57cdfaf35", 5115],
  ["2026-03-18", "bc8f45b1a", 5120],
  ["2026-03-26", "37616f189", 5267],
  ["2026-04-02", "725a0c3fc", 5339],
  ["2026-04-06", "adb81a7c9", 5386],
  ["2026-04-09", "5d63477df", 5173],
  ["2026-04-16", "879f1b34b", 5555],
  ["2026-04-24", "379d0720c", 5613],
  ["2026-04-27", "aaa303e78", 5219],
  ["2026-05-01", "f222f2929", 5635],
].map(([date, commit, pr]) => ({ date: date as string, commit: commit as string, pr: pr as number, path: recorderPath(date as string) }));

/** Where the module lived upstream on a date (renamed twice, moved to src/ once). */
function recorderPath(date: string): string {
  if (date < "2025-10-09") return "llama_stack/testing/inference_recorder.py";
  if (date < "2025-10-27") return "llama_stack/testing/api_recorder.py";
  if (date < "2026-04-24") return "src/llama_stack/testing/api_recorder.py";
  return "src/ogx/testing/api_recorder.py";
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  if (m === null) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The era in force on a date (YYYY-MM-DD); null before the first recorder. */
export function eraOn(date: string): Era | null {
  let found: Era | null = null;
  for (const e of ERAS) if (e.id <= date) found = e;
  return found;
}

/** The era with this id (its first date); null when no era has it. */
export function eraById(id: string): Era | null {
  return ERAS.find((e) => e.id === id) ?? null;
}

/** The era after this one; null for the newest. */
export function nextEra(era: Era): Era | null {
  return ERAS[ERAS.indexOf(era) + 1] ?? null;
}

/** The last day of an era (the day before the next began); null while it lasts. */
export function lastDay(era: Era): string | null {
  const next = nextEra(era);
  if (next === null) return null;
  const d = new Date(`${next.id}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** "2026-04-09 (file-search normalization, #5173)". */
export function describeEra(era: Era): string {
  return `${era.id} (${era.change}${era.pr === null ? "" : `, #${era.pr}`})`;
}
