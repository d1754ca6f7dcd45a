/**
 * Finding replay misses in text: pytest output (failure sections with `E   ` lines, the short
 * summary's `FAILED <node id> - …`), a `server.log`, or pasted text. Every miss message any
 * recorder version raises (reference/recorder-history), and the recorder's debug lines
 * (`[RECORDING DEBUG] …`, written with OGX_TEST_DEBUG / LLAMA_STACK_TEST_DEBUG) for what they add.
 */

/** What kind of call missed: decides the message format and which recordings are candidates. */
export type MissKind = "inference" | "genai" | "tool" | "rerank" | "httpx" | "file-processor";

export interface Miss {
  kind: MissKind;
  /** The request hash, or the prefix a log cut it to (`2b8f64dc...`); null when the message has none. */
  hash: string | null;
  model: string | null;
  method: string | null;
  url: string | null;
  endpoint: string | null;
  test_id: string | null;
  provider: string | null;
  tool_name: string | null;
  /** A Python repr of the request the message itself carries (tool kwargs, a 2025 inference body). */
  repr: string | null;
  /** Where the miss was first seen: input name and 1-based line. */
  source: string;
  line: number;
}

// ---------------------------------------------------------------------------------------------
// Lines

/** ANSI colour codes (pytest --color=yes, rich handlers). */
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** A line as the message wrote it: colour codes and pytest's `E   ` gutter removed. */
function clean(line: string): string {
  return line.replace(ANSI, "").replace(/^E(?: {2,}|\t|$)/, "").replace(/\s+$/, "");
}

const HASH = "([0-9a-f]{4,64})";
const HEX_DIGITS = /^[0-9a-f]{4,64}$/;

type Facts = Partial<Omit<Miss, "source" | "line">>;

interface Start {
  pattern: RegExp;
  facts: (m: RegExpExecArray) => Facts;
}

const nonEmpty = (s: string | undefined): string | null => (s === undefined || s === "" ? null : s);

/**
 * The first line of every miss message, newest formats first. Tool messages come last: their
 * `P.T | Request:` shape would also read rerank and httpx lines.
 */
const STARTS: readonly Start[] = [
  { pattern: new RegExp(`Recording not found for genai request hash: ${HASH}`), facts: (m) => ({ kind: "genai", hash: m[1] ?? null }) },
  { pattern: new RegExp(`(?:Recording not found|No recorded response found) for request hash: ${HASH}`), facts: (m) => ({ kind: "inference", hash: m[1] ?? null }) },
  { pattern: /Recording not found for rerank request \| URL: (\S+)/, facts: (m) => ({ kind: "rerank", url: nonEmpty(m[1]), method: "POST" }) },
  { pattern: /Recording not found for httpx (?:stream )?([A-Z]+) (\S+)/, facts: (m) => ({ kind: "httpx", method: nonEmpty(m[1]), url: nonEmpty(m[2]) }) },
  {
    pattern: /Recording not found for (\S+)\.process_file \| file_id: (\S+)/,
    facts: (m) => ({ kind: "file-processor", provider: nonEmpty(m[1]), tool_name: "process_file" }),
  },
  {
    pattern: /Recording not found for (\S+)\.(\w+) \| Request: (.*)$/,
    facts: (m) => ({ kind: "tool", provider: nonEmpty(m[1]), tool_name: nonEmpty(m[2]), repr: nonEmpty(m[3]?.trim()) }),
  },
  { pattern: /No recorded tool result found for (\S+)\.(\w+)/, facts: (m) => ({ kind: "tool", provider: nonEmpty(m[1]), tool_name: nonEmpty(m[2]) }) },
];

/** Lines after the first that the message may hold, by recorder version (and drift). */
const FOLLOWS: readonly { pattern: RegExp; facts: (m: RegExpExecArray) => Facts }[] = [
  { pattern: /Model: (\S+) \| Request: ([A-Z]+) (\S+)/, facts: (m) => ({ model: nonEmpty(m[1]), method: nonEmpty(m[2]), url: nonEmpty(m[3]) }) },
  { pattern: /Model: (\S+) \| Endpoint: (\S+)/, facts: (m) => ({ model: nonEmpty(m[1]), endpoint: nonEmpty(m[2]) }) },
  { pattern: /Model: (\S+) \| ([A-Z]+) (\S+)/, facts: (m) => ({ model: nonEmpty(m[1]), method: nonEmpty(m[2]), url: nonEmpty(m[3]) }) },
  { pattern: /(?:^|\s)Request: ([A-Z]+) (\S+) (\{.*\})$/, facts: (m) => ({ method: nonEmpty(m[1]), url: nonEmpty(m[2]), repr: nonEmpty(m[3]) }) },
  { pattern: /(?:^|\s)Request: ([A-Z]+) (\S+)$/, facts: (m) => ({ method: nonEmpty(m[1]), url: nonEmpty(m[2]) }) },
  { pattern: /(?:^|\s)Request: (\{.*\})$/, facts: (m) => ({ repr: nonEmpty(m[1]) }) },
  { pattern: /(?:^|\s)Endpoint: (\S+)$/, facts: (m) => ({ endpoint: nonEmpty(m[1]) }) },
  { pattern: /(?:^|\s)Model: (\S+)$/, facts: (m) => ({ model: nonEmpty(m[1]) }) },
];

/** The message's last line (every version ends with how to record). */
const MESSAGE_END = /Run '\.\/scripts\/integration-tests\.sh|To record this response, run with/;
/** How far a message's lines may reach below its first (with blank lines and log prefixes). */
const FOLLOW_LINES = 6;

/** "unknown" / "N/A" / "None" are what the recorder prints when it has no value. */
function known(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return ["unknown", "N/A", "None", ""].includes(value) ? null : value;
}

/** A hash as printed: a log or pytest's summary may have cut it (`2b8f64dc...`, `2b8f…`). */
function hashOf(text: string | null | undefined): string | null {
  return text !== null && text !== undefined && HEX_DIGITS.test(text) ? text : null;
}

// ---------------------------------------------------------------------------------------------
// Debug lines

/** One `[RECORDING DEBUG] <title>:` block and the `  Key: value` lines under it. */
interface DebugBlock {
  title: string;
  values: Map<string, string>;
  line: number;
}

const DEBUG_TITLE = /\[RECORDING DEBUG\] (.+?):?$/;
const DEBUG_KEYS = ["Test ID", "Test context", "Request hash", "Computed hash", "Method", "URL", "Endpoint", "Model", "Mode", "Client type", "Primary path", "File"];
const DEBUG_VALUE = new RegExp(`(?:^|\\s)(${DEBUG_KEYS.join("|")}): ?(.*)$`);

// ---------------------------------------------------------------------------------------------
// pytest's layout

/** `____ test_name[param] ____`: the head of one failure section. */
const SECTION_HEAD = /^_+ (.+?) _+$/;
/** `_ _ _ _`: pytest's separator between traceback entries, not a section head. */
const ENTRY_SEPARATOR = /^[_ ]+$/;
/** `==== short test summary info ====` and the like end the failure sections. */
const BANNER = /^={3,}.*={3,}$/;
/** `tests/x/test_y.py:42: in test_z` (or `: RuntimeError`): a traceback location. */
const LOCATION = /^(\S+\.py):\d+: /;
const TEST_FILE = /(?:^|\/)(?:test_[^/]*|[^/]*_test)\.py$/;
/** `FAILED <node id> - <first line of the message>` (ERROR for fixtures that raised). */
const SUMMARY = /^(?:FAILED|ERROR) (\S.*?)(?: - (.*))?$/;

interface Section {
  name: string;
  file: string | null;
}

interface Found extends Miss {
  section: Section | null;
  /** Seen in pytest's short summary (`FAILED <id> - …`), which may cut the message short. */
  summary: boolean;
}

/** A node id for a section: `TestX.test_y[p]` names `…::TestX::test_y[p]` (dots in params stay). */
function sectionNodeId(section: Section, failed: readonly string[]): string | null {
  const bracket = section.name.indexOf("[");
  const head = bracket < 0 ? section.name : section.name.slice(0, bracket);
  const tail = `::${head.replace(/\./g, "::")}${bracket < 0 ? "" : section.name.slice(bracket)}`;
  const matching = failed.filter((id) => id.endsWith(tail));
  if (matching.length === 1) return matching[0] ?? null;
  return section.file === null ? null : `${section.file}${tail}`;
}

// ---------------------------------------------------------------------------------------------
// Merging what several places say about one miss

function compatibleHash(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.startsWith(b) || b.startsWith(a);
}

/** Two sightings of one miss: the same hash (a cut one matches its prefix), or the same call. */
function sameMiss(a: Miss, b: Miss): boolean {
  if (a.kind !== b.kind) return false;
  if (a.hash !== null && b.hash !== null) return compatibleHash(a.hash, b.hash);
  if (a.test_id !== null && b.test_id !== null && a.test_id !== b.test_id) return false;
  if (a.kind === "tool" || a.kind === "file-processor") return a.provider === b.provider && a.tool_name === b.tool_name && (a.repr === null || b.repr === null || a.repr === b.repr);
  return a.url !== null && a.url === b.url && a.hash === null && b.hash === null;
}

/** Whether a summary line's miss is the cut-short repeat of a failure section's miss. */
function summaryOf(section: Found, summary: Found, failed: readonly string[]): boolean {
  if (section.kind !== summary.kind || !compatibleHash(section.hash, summary.hash)) return false;
  const testId = section.test_id ?? (section.section === null ? null : sectionNodeId(section.section, failed));
  return testId === summary.test_id;
}

function merge(into: Found, from: Found): void {
  if (from.hash !== null && (into.hash === null || from.hash.length > into.hash.length)) into.hash = from.hash;
  for (const key of ["model", "method", "url", "endpoint", "test_id", "provider", "tool_name", "repr"] as const) {
    if (into[key] === null) into[key] = from[key];
  }
  into.section ??= from.section;
}

// ---------------------------------------------------------------------------------------------
// The scan

function newMiss(kind: MissKind, source: string, line: number, section: Section | null): Found {
  const none = { hash: null, model: null, method: null, url: null, endpoint: null, test_id: null, provider: null, tool_name: null, repr: null };
  return { kind, ...none, source, line, section, summary: false };
}

function apply(miss: Found, facts: Facts): void {
  for (const [key, value] of Object.entries(facts) as [keyof Facts, string | null][]) {
    if (key === "kind" || value === null) continue;
    const v = key === "model" ? known(value) : key === "hash" ? hashOf(value) : value;
    if (v !== null && miss[key] === null) (miss as unknown as Record<string, string>)[key] = v;
  }
}

/** The lines after a message's first: what they add, up to its last line or the next message. */
function readRest(miss: Found, lines: readonly string[], first: number): void {
  for (let j = first + 1; j <= first + FOLLOW_LINES && j < lines.length; j++) {
    const next = clean(lines[j] ?? "");
    if (STARTS.some((s) => s.pattern.test(next)) || SUMMARY.test(next)) break;
    const follow = FOLLOWS.find((f) => f.pattern.test(next));
    if (follow !== undefined) apply(miss, follow.facts(follow.pattern.exec(next) as RegExpExecArray));
    if (MESSAGE_END.test(next)) break;
  }
}

/** The miss whose message starts on line `i`, or null. `nodeId`: the line is pytest's summary for it. */
function missAt(lines: readonly string[], i: number, source: string, section: Section | null, nodeId: string | null): Found | null {
  const line = clean(lines[i] ?? "");
  for (const start of STARTS) {
    const m = start.pattern.exec(line);
    if (m === null) continue;
    const facts = start.facts(m);
    const miss = newMiss(facts.kind ?? "inference", source, i + 1, nodeId === null ? section : null);
    apply(miss, facts);
    if (nodeId !== null) {
      miss.test_id = nodeId;
      miss.summary = true;
      // A value running into the cut (`http://0.0.0...`) is no value.
      for (const key of ["url", "repr", "provider"] as const) if (/(?:\.\.\.|…)$/.test(miss[key] ?? "")) miss[key] = null;
    }
    // The rest of the message (pytest on CI prints it whole after FAILED too).
    readRest(miss, lines, i);
    return miss;
  }
  return null;
}

/** Where pytest's failure sections begin and end, and the test file each traceback starts in. */
function trackSection(raw: string, section: Section | null): Section | null {
  const head = SECTION_HEAD.exec(raw);
  // A fixture's failure is titled `ERROR at setup of test_x[p]`.
  if (head?.[1] !== undefined && !ENTRY_SEPARATOR.test(raw)) return { name: head[1].replace(/^ERROR at (?:setup|teardown) of /, ""), file: null };
  if (BANNER.test(raw)) return null;
  const at = LOCATION.exec(raw);
  if (section !== null && section.file === null && at?.[1] !== undefined && TEST_FILE.test(at[1]) && !at[1].includes("site-packages")) section.file = at[1];
  return section;
}

/** One miss per request: sightings merged; a summary line joins the section it repeats. */
function mergeSightings(found: readonly Found[], failed: readonly string[]): Found[] {
  const misses: Found[] = [];
  for (const miss of found.filter((m) => !m.summary)) {
    const same = misses.find((m) => sameMiss(m, miss));
    if (same === undefined) misses.push(miss);
    else merge(same, miss);
  }
  for (const miss of found.filter((m) => m.summary)) {
    const same = misses.find((m) => sameMiss(m, miss) || summaryOf(m, miss, failed));
    if (same === undefined) misses.push(miss);
    else merge(same, miss);
  }
  return misses;
}

/** Every miss in one input, with the test id attached where the text says which test it was. */
export function findMisses(text: string, source: string): Miss[] {
  const lines = text.split(/\r?\n/);
  const found: Found[] = [];
  const failed: string[] = [];
  const blocks: DebugBlock[] = [];
  let section: Section | null = null;
  let block: DebugBlock | null = null;

  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? "").replace(ANSI, "").replace(/\s+$/, "");
    const line = clean(lines[i] ?? "");
    section = trackSection(raw, section);

    const title = DEBUG_TITLE.exec(line);
    if (title?.[1] !== undefined) {
      block = { title: title[1], values: new Map(), line: i + 1 };
      blocks.push(block);
      continue;
    }
    const kv = block === null ? null : DEBUG_VALUE.exec(line);
    if (block !== null && kv?.[1] !== undefined && !STARTS.some((s) => s.pattern.test(line))) {
      block.values.set(kv[1], (kv[2] ?? "").trim());
      continue;
    }
    block = null;

    const summary = SUMMARY.exec(raw);
    const nodeId = summary?.[1] !== undefined && summary[1].includes("::") ? summary[1] : null;
    if (nodeId !== null) failed.push(nodeId);
    const miss = missAt(lines, i, source, section, nodeId);
    if (miss !== null) found.push(miss);
  }

  attachDebug(found, blocks, source);
  return mergeSightings(found, failed).map(({ section: s, summary: _summary, ...miss }) => {
    if (miss.test_id === null && s !== null) miss.test_id = sectionNodeId(s, failed);
    if (miss.kind === "genai" && miss.url === null && miss.endpoint !== null) miss.url = `vertexai://${miss.endpoint}`;
    return miss;
  });
}

/** A debug value, with the recorder's "None" for no test read as none. */
function debugValue(block: DebugBlock, ...keys: string[]): string | null {
  for (const key of keys) {
    const v = known(block.values.get(key));
    if (v !== null) return v;
  }
  return null;
}

/**
 * What debug blocks add: "Recording not found!" is itself a miss (with its test context); the
 * hash computations tie a hash to its test id, and for HTTP calls (whose messages carry no hash)
 * the URL to its hash.
 */
function attachDebug(found: Found[], blocks: readonly DebugBlock[], source: string): void {
  const testOfHash = new Map<string, string>();
  for (const b of blocks) {
    const hash = hashOf(debugValue(b, "Request hash", "Computed hash"));
    const testId = debugValue(b, "Test ID", "Test context");
    if (hash !== null && testId !== null) testOfHash.set(hash, testId);
    if (b.title.startsWith("Recording not found") && hash !== null) {
      const miss = newMiss("inference", source, b.line, null);
      apply(miss, { hash, method: debugValue(b, "Method"), url: debugValue(b, "URL"), endpoint: debugValue(b, "Endpoint"), model: debugValue(b, "Model") });
      miss.test_id = testId;
      found.push(miss);
    }
  }
  for (const miss of found) {
    if (miss.hash !== null && miss.test_id === null) {
      for (const [hash, testId] of testOfHash) if (compatibleHash(hash, miss.hash)) miss.test_id = testId;
    }
    if ((miss.kind === "httpx" || miss.kind === "rerank") && miss.hash === null && miss.url !== null) {
      // The HTTP hash computation just before the miss, for the same URL.
      const before = blocks.filter((b) => b.line < miss.line && b.title.startsWith("HTTP request hash") && debugValue(b, "URL") === miss.url);
      const last = before[before.length - 1];
      if (last !== undefined) {
        miss.hash = hashOf(debugValue(last, "Computed hash"));
        miss.test_id ??= debugValue(last, "Test ID");
      }
    }
  }
}
