#!/usr/bin/env node
/**
 * gen-corpus.mjs — write a realistic, deterministic synthetic corpus of API recordings
 * (llama-stack / OGX test-recorder format, current layout) for benchmarks.
 *
 *   node scripts/gen-corpus.mjs <outdir> [--files 3000] [--seed 1] [--small] [--size-scale F]
 *                                        [--unreachable 0.02] [--missing-tests 0.03]
 *                                        [--not-collected 0.02] [--unnormalized 0.01] [--force]
 *
 * Dependency-free (node: built-ins only). What it writes under <outdir>:
 *   tests/integration/<suite>/recordings/<sha256>.json                  recordings
 *   tests/integration/<suite>/recordings/models-<sha256>-<digest8>.json model lists
 *   tests/integration/<suite>/test_<name>.py                            the test files
 *   collected.txt          what `pytest --collect-only -q` would print for those test files
 *   corpus-manifest.json   seed, profile, counts and the deliberate findings (relative paths)
 *
 * Every file is named after the recorder's real request hash (SPEC "The request hash"):
 * sha256 of Python `json.dumps({"method", "endpoint": urlparse(url).path, "body": norm(body),
 * "test_id"}, sort_keys=True)`; `rec-` ids are `rec-<first 12 hex of the name>`; files are
 * written byte for byte as Python's `json.dump(obj, f, indent=2)` + "\n" (ASCII only, Python
 * float repr — see pyFloat()). Request bodies contain only floats that survive round(x, 5) and
 * strings whose file-search noise is known at build time (their normalized form is registered in
 * NORM, see noisy()), so the hashed form is exact without re-implementing the recorder's regexes.
 *
 * Deliberate findings (rates of the non-model recordings, configurable):
 *   unreachable    the request was edited after the file was named (name hash != request hash)
 *   missing-tests  the test_id's file part does not exist (prune: test-file-missing)
 *   not-collected  the test file exists but the test function is gone (absent from collected.txt)
 *   unnormalized   response ids/timestamps left as the provider sent them (normalize finds them)
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";

const t0 = process.hrtime.bigint();

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------
const USAGE = `usage: node scripts/gen-corpus.mjs <outdir> [options]

  --files N            recordings to write (default 3000; ~90 MB at 3000, linear)
  --seed N             PRNG seed (default 1); same seed and options give the same bytes
  --small              ~3 KB recordings (short streams, tiny vectors, no 1 MB files), e.g.
                       --files 30000 --small for "show stays flat as the corpus grows"
  --size-scale F       multiply stream lengths and vector sizes by F (default 1; --small: 0.03)
  --unreachable R      share of recordings whose request no longer matches the name (0.02)
  --missing-tests R    share whose test file does not exist (0.03)
  --not-collected R    share whose test function was removed from an existing file (0.02)
  --unnormalized R     share whose response ids/timestamps were never normalized (0.01)
  --force              replace a corpus previously generated in <outdir> (never a real tests/ tree)
  -h, --help           this text
`;

function die(msg, showUsage = true) {
  process.stderr.write(`gen-corpus: ${msg}\n${showUsage ? `\n${USAGE}` : ""}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    outdir: null,
    files: 3000,
    seed: 1,
    small: false,
    sizeScale: null,
    unreachable: 0.02,
    missingTests: 0.03,
    notCollected: 0.02,
    unnormalized: 0.01,
    force: false,
  };
  const num = (name, v, { int = false, min = 0, max = Infinity } = {}) => {
    if (v === undefined) die(`${name} needs a value`);
    const n = Number(v);
    if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min || n > max) die(`bad value for ${name}: ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) [a, v] = [a.slice(0, eq), a.slice(eq + 1)];
    const next = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case "-h":
      case "--help":
        process.stdout.write(USAGE);
        process.exit(0);
      case "--files": opts.files = num(a, next(), { int: true, min: 1, max: 10_000_000 }); break;
      case "--seed": opts.seed = num(a, next(), { int: true, min: 0, max: 2 ** 32 - 1 }); break;
      case "--small": opts.small = true; break;
      case "--size-scale": opts.sizeScale = num(a, next(), { min: 0.001, max: 100 }); break;
      case "--unreachable": opts.unreachable = num(a, next(), { max: 1 }); break;
      case "--missing-tests": opts.missingTests = num(a, next(), { max: 1 }); break;
      case "--not-collected": opts.notCollected = num(a, next(), { max: 1 }); break;
      case "--unnormalized": opts.unnormalized = num(a, next(), { max: 1 }); break;
      case "--force": opts.force = true; break;
      default:
        if (a.startsWith("-")) die(`unknown option ${a}`);
        if (opts.outdir !== null) die(`unexpected argument ${a}`);
        opts.outdir = a;
    }
  }
  if (opts.outdir === null) die("missing <outdir>");
  if (opts.sizeScale === null) opts.sizeScale = opts.small ? 0.03 : 1;
  return opts;
}

const OPTS = parseArgs(process.argv.slice(2));
const SMALL = OPTS.small;
const SCALE = OPTS.sizeScale;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (splitmix32 to seed sfc32)
// ---------------------------------------------------------------------------------------------
function makeRng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}
const rand = makeRng(OPTS.seed);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
const chance = (p) => rand() < p;
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
function weighted(pairs) {
  let total = 0;
  for (const [, w] of pairs) total += w;
  let r = rand() * total;
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1][0];
}
const HEX = "0123456789abcdef";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randStr(n, alphabet) {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}
const hex = (n) => randStr(n, HEX);
const alnum = (n) => randStr(n, ALNUM);
function gauss() {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
const scaled = (n, min = 1) => Math.max(min, Math.round(n * SCALE));
/** Content chunks of a streamed answer: 20..300, log-skewed (median ~23, p90 ~108, mean ~46). */
const streamLength = () => Math.round(20 * 15 ** (rand() ** 4.5));

// ---------------------------------------------------------------------------------------------
// Python-compatible JSON: json.dumps(sort_keys=True) for the hash, json.dump(indent=2) for files
// ---------------------------------------------------------------------------------------------

/** A float whose value is an integer (0.0, 1.0): JS numbers cannot tell it from an int. */
class PyFloat {
  constructor(v) { this.v = v; }
}
const F = (v) => new PyFloat(v);

/** Python's repr(float): shortest round-trip digits; exponent form below 1e-4 or from 1e16. */
function pyFloat(x) {
  if (!Number.isFinite(x)) throw new Error(`non-finite float ${x}`);
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  let [mant, expStr] = x.toExponential().split("e");
  const exp = Number(expStr);
  let sign = "";
  if (mant[0] === "-") { sign = "-"; mant = mant.slice(1); }
  const digits = mant.replace(".", "");
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  const ea = Math.abs(exp);
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${ea < 10 ? "0" : ""}${ea}`;
}

function pyNumber(x) {
  if (Number.isInteger(x)) {
    if (!Number.isSafeInteger(x)) throw new Error(`unsafe integer ${x}`);
    return String(x);
  }
  return pyFloat(x);
}

const PLAIN_ASCII = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
/** json.dumps(str) with ensure_ascii=True. */
function pyStr(s) {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Strings with file-search noise, mapped to what the recorder's norm() turns them into. */
const NORM = new Map();
function noisy(raw, normalized) {
  if (raw !== normalized) NORM.set(raw, normalized);
  return raw;
}

/** json.dumps(norm(v), sort_keys=True): separators ", " and ": ". */
function dumpsSorted(v) {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean": return v ? "true" : "false";
    case "number": return pyNumber(v);
    case "string": return pyStr(NORM.get(v) ?? v);
  }
  if (v instanceof PyFloat) return pyFloat(v.v);
  if (Array.isArray(v)) return v.length ? `[${v.map(dumpsSorted).join(", ")}]` : "[]";
  const keys = Object.keys(v).sort();
  return keys.length ? `{${keys.map((k) => `${pyStr(k)}: ${dumpsSorted(v[k])}`).join(", ")}}` : "{}";
}

/** json.dump(v, f, indent=2): separators "," and ": ", empty containers as [] and {}. */
function dumpIndent(v, ind, out) {
  if (v === null) { out.push("null"); return; }
  switch (typeof v) {
    case "boolean": out.push(v ? "true" : "false"); return;
    case "number": out.push(pyNumber(v)); return;
    case "string": out.push(pyStr(v)); return;
  }
  if (v instanceof PyFloat) { out.push(pyFloat(v.v)); return; }
  const inner = ind + "  ";
  if (Array.isArray(v)) {
    if (v.length === 0) { out.push("[]"); return; }
    out.push("[\n", inner);
    for (let i = 0; i < v.length; i++) {
      if (i) out.push(",\n", inner);
      dumpIndent(v[i], inner, out);
    }
    out.push("\n", ind, "]");
    return;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) { out.push("{}"); return; }
  out.push("{\n", inner);
  for (let i = 0; i < keys.length; i++) {
    if (i) out.push(",\n", inner);
    out.push(pyStr(keys[i]), ": ");
    dumpIndent(v[keys[i]], inner, out);
  }
  out.push("\n", ind, "}");
}
function pyDumpFile(v) {
  const out = [];
  dumpIndent(v, "", out);
  out.push("\n");
  return out.join("");
}

const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");

/** Python urlparse(url).path for the urls generated here (scheme://host[:port]/path). */
function urlPath(url) {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
  return m ? m[1] : url;
}

const MODEL_LIST_PATHS = new Set(["/api/tags", "/v1/models", "/v1/openai/v1/models"]);
function inferenceHash(method, url, body, testId) {
  const p = urlPath(url);
  const obj = { method: method.toUpperCase(), endpoint: p, body };
  if (!MODEL_LIST_PATHS.has(p)) obj.test_id = testId;
  return sha256(dumpsSorted(obj));
}
function toolHash(provider, toolName, kwargs) {
  return sha256(dumpsSorted({ provider, tool_name: toolName, kwargs }));
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------
const TOPICS = [
  "photosynthesis", "the water cycle", "plate tectonics", "black holes", "the French Revolution",
  "the Roman Empire", "machine learning", "neural networks", "quantum computing", "climate change",
  "renewable energy", "the human immune system", "DNA replication", "the stock market", "inflation",
  "supply chains", "the Python programming language", "TCP congestion control", "public key cryptography",
  "database indexing", "the Saturn rings", "the Moon landing", "coral reefs", "volcanoes",
  "the history of jazz", "impressionist painting", "the Olympic Games", "honey bees", "sleep cycles",
  "the Silk Road", "electric vehicles", "the printing press", "Mars exploration", "mixture of experts models",
  "vector databases", "retrieval augmented generation", "container orchestration", "sourdough baking",
  "the Amazon rainforest", "the theory of relativity",
];
const CITIES = [
  "Paris, France", "Tokyo, Japan", "New York, USA", "London, UK", "Berlin, Germany", "Sydney, Australia",
  "Toronto, Canada", "Sao Paulo, Brazil", "Cairo, Egypt", "Mumbai, India", "Seoul, South Korea",
  "Mexico City, Mexico", "Lagos, Nigeria", "Madrid, Spain", "Rome, Italy", "Stockholm, Sweden",
];
const LIQUIDS = ["polyjuice", "water", "ethanol", "mercury", "liquid nitrogen", "olive oil", "acetone", "glycerin"];
const QUESTION_TEMPLATES = [
  (t) => `Explain ${t} to a high school student.`,
  (t) => `Write a short paragraph about ${t}.`,
  (t) => `Summarize the main ideas behind ${t} in a few sentences.`,
  (t) => `What are the three most important facts about ${t}?`,
  (t) => `Give me a detailed overview of ${t}, with examples.`,
  (t) => `How would you teach ${t} in a single lesson?`,
  (t) => `What are common misconceptions about ${t}?`,
  (t) => `Compare ${t} with a related idea and list the differences.`,
  (t) => `Write a haiku about ${t}.`,
  (t) => `Tell me a fun fact about ${t}.`,
];
const SYSTEM_PROMPTS = [
  "You are a helpful assistant.",
  "You are a helpful assistant. Answer concisely and cite your sources when you can.",
  "You are a helpful assistant Always respond with tool calls no matter what. ",
  "You are an expert science teacher. Explain things clearly, step by step, and avoid jargon.",
  "You are a careful assistant. If you are not sure, say so. Use markdown for lists.",
  "You are a customer support agent for an online store. Be polite and brief.",
];
const WORDS = (
  "the a an of to and in is that for it as with was on be by this are or from at which can " +
  "its also these more into has have one two three their when between over such many most " +
  "process system energy structure important example different result large small first " +
  "because however therefore while often usually typically known called used using form " +
  "water light heat surface model data value time year change level rate called produce " +
  "important scientists researchers people world history modern early later during after " +
  "before through around within across along under above several various certain similar " +
  "approach method theory evidence experiment observation pattern feature property element " +
  "layer network signal memory cell protein molecule planet orbit ring gravity pressure " +
  "temperature carbon oxygen growth market price demand supply policy effect impact role " +
  "factor key main major significant complex simple natural human global local environment " +
  "technology computer software hardware algorithm function variable input output training " +
  "learning parameter expert token context answer question information knowledge search result"
).split(/\s+/);
const SPLITTABLE = [["Viol", "ent"], ["photos", "ynthesis"], ["struct", "ure"], ["import", "ant"], ["differ", "ent"], ["observ", "ation"],
  ["environ", "ment"], ["algor", "ithm"], ["technol", "ogy"], ["signif", "icant"]];

/** Content tokens as a chat model streams them: leading spaces, punctuation, sub-words, markdown. */
function answerTokens(n, topic) {
  const topicWords = topic.split(" ");
  const out = [];
  let sentenceLen = 0;
  let startSentence = true;
  while (out.length < n) {
    if (startSentence) {
      if (out.length && chance(0.12)) out.push(chance(0.5) ? "\n\n" : "\n\n-");
      if (chance(0.05)) out.push(out.length ? " **" : "**");
    }
    let w = chance(0.15) ? pick(topicWords) : pick(WORDS);
    if (startSentence) w = w[0].toUpperCase() + w.slice(1);
    const lead = out.length && !out[out.length - 1].endsWith("\n") && out[out.length - 1] !== "**" ? " " : "";
    if (w.length > 7 && chance(0.25)) {
      const cut = int(3, w.length - 3);
      out.push(lead + w.slice(0, cut), w.slice(cut));
    } else if (chance(0.01)) {
      const [head, tail] = pick(SPLITTABLE);
      out.push(lead + (startSentence ? head : head.toLowerCase()), tail);
    } else {
      out.push(lead + w);
    }
    startSentence = false;
    sentenceLen++;
    if (sentenceLen > 4 && chance(0.1)) out.push(",");
    if (sentenceLen > 7 && chance(0.14)) {
      if (out[out.length - 1] === "**" || chance(0.03)) out.push("**");
      out.push(chance(0.9) ? "." : "!");
      sentenceLen = 0;
      startSentence = true;
    }
  }
  out.length = n;
  if (n > 1 && !/[.!]$/.test(out[n - 1])) out[n - 1] = ".";
  return out;
}
function sentence(topic, words) {
  const toks = answerTokens(words, topic);
  return toks.join("").replace(/^\s+/, "");
}
const estTokens = (s) => Math.max(1, Math.round(s.length / 4));

// ---------------------------------------------------------------------------------------------
// Suites, test files, test ids
// ---------------------------------------------------------------------------------------------
const SUITES = [
  ["inference", ["openai_completion", "openai_embeddings", "text_inference", "vision_inference", "streaming", "batch_inference"], 0.22],
  ["responses", ["basic_responses", "tool_responses", "openai_responses", "reasoning", "file_search", "conversation_responses"], 0.24],
  ["agents", ["openai_responses", "agents", "custom_tool", "persistence", "multi_turn"], 0.14],
  ["safety", ["safety", "llama_guard", "shields", "vision_safety"], 0.06],
  ["tool_runtime", ["builtin_tools", "mcp", "rag_tool", "web_search"], 0.07],
  ["vector_io", ["vector_io", "openai_vector_stores", "hybrid_search"], 0.06],
  ["batches", ["batches", "batches_idempotency", "batches_errors"], 0.04],
  ["eval", ["eval", "scoring", "benchmarks"], 0.05],
  ["telemetry", ["telemetry", "openai_telemetry", "metrics"], 0.04],
  ["conversations", ["conversations", "openai_conversations", "conversation_context"], 0.08],
];
const FN_VERBS = ["basic", "streaming", "non_streaming", "multi_turn", "with_tools", "tool_choice", "structured_output",
  "long_context", "system_prompt", "temperature", "max_tokens", "stop_sequence", "parallel_tool_calls", "image_input",
  "error_handling", "incremental_content", "sequential", "citations", "usage", "logprobs", "guardrails", "retrieval"];
const CASES = ["earth", "saturn", "mars", "paris", "weather", "boiling_point", "llama_experts", "math", "poem",
  "summary", "translation", "code", "joke", "history", "recipe", "json_schema", "calendar", "stock"];

/** Provider families: url, request model, response model and the test-id parameter. */
const PROVIDERS = {
  openai: { base: "https://api.openai.com/v1", models: [["gpt-4o", "gpt-4o-2024-08-06"], ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"], ["gpt-4.1", "gpt-4.1-2025-04-14"]], meta: null },
  azure: { base: "https://ogx-test.openai.azure.com/openai/v1", models: [["gpt-4o", "gpt-4o-2024-11-20"]], meta: { openai_sdk_version: "2.5.0" } },
  ollama: { base: "http://0.0.0.0:11434/v1", models: [["llama3.2:3b-instruct-fp16", "llama3.2:3b-instruct-fp16"], ["gpt-oss:20b", "gpt-oss:20b"], ["llama-guard3:1b", "llama-guard3:1b"]], meta: { openai_sdk_version: "2.5.0" } },
  vllm: { base: "http://localhost:8000/v1", models: [["Qwen/Qwen3-0.6B", "Qwen/Qwen3-0.6B"]], meta: null },
};
const PROVIDER_WEIGHTS = [["openai", 0.45], ["ollama", 0.3], ["azure", 0.1], ["vllm", 0.15]];

const suites = [];
for (const [name, fileNames, weight] of SUITES) {
  const files = fileNames.map((fname) => {
    const fns = [];
    const nFns = int(6, 22);
    const className = chance(0.25) ? `Test${fname.split("_").map((p) => p[0].toUpperCase() + p.slice(1)).join("")}` : null;
    const seen = new Set();
    while (fns.length < nFns + 2) {
      const fn = `test_${fname.split("_")[0]}_${pick(FN_VERBS)}${chance(0.3) ? `_${pick(CASES)}` : ""}`;
      if (!seen.has(fn)) { seen.add(fn); fns.push(fn); }
    }
    // The last two functions were deleted from the file: their recordings are not collected.
    return { name: `test_${fname}.py`, className, fns: fns.slice(0, nFns), removedFns: fns.slice(nFns) };
  });
  // Test files that were deleted (their recordings were left behind).
  const gone = [`test_legacy_${fileNames[0]}.py`, `test_${fileNames[fileNames.length - 1]}_v1.py`].map((n) => ({
    name: n, className: null, fns: [`test_${name}_legacy_${pick(FN_VERBS)}`, `test_${name}_old_${pick(FN_VERBS)}`], removedFns: [],
  }));
  suites.push({ name, files, gone, weight });
}
const SUITE_WEIGHTS = suites.map((s) => [s, s.weight]);

const findings = { unreachable: [], testFileMissing: [], notCollected: [], unnormalized: [] };
const liveTestIds = new Set();

/** A test id for a recording; `flags` records whether it was made an orphan on purpose. */
function makeTestId(suite, param, flags, allowOrphans = true) {
  let file, fn;
  if (allowOrphans && chance(OPTS.missingTests)) {
    file = pick(suite.gone);
    fn = pick(file.fns);
    flags.testFileMissing = true;
  } else {
    file = pick(suite.files);
    if (allowOrphans && chance(OPTS.notCollected)) {
      fn = pick(file.removedFns);
      flags.notCollected = true;
    } else fn = pick(file.fns);
  }
  const cls = file.className ? `${file.className}::` : "";
  const id = `tests/integration/${suite.name}/${file.name}::${cls}${fn}[${param}]`;
  if (!flags.testFileMissing && !flags.notCollected) liveTestIds.add(id);
  return id;
}

function txtParam(provider, model, withCase = true) {
  const client = pick(["client_with_models", "openai_client", "ogx_client"]);
  return `${client}-txt=${provider}/${model}${withCase && chance(0.7) ? `-${pick(CASES)}` : ""}`;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------
const TOOLS = {
  get_weather: {
    description: "Get current temperature for a given location.",
    props: { location: { type: "string", description: "City and country e.g. Bogota, Colombia" } },
    required: ["location"],
    args: () => ({ location: pick(CITIES) }),
    result: (a) => JSON.stringify({ location: a.location, temperature: int(-5, 35), unit: "celsius", conditions: pick(["sunny", "cloudy", "rain", "snow", "windy"]) }),
  },
  get_boiling_point: {
    description: "Returns the boiling point of a liquid in Celsius or Fahrenheit.",
    props: { liquid_name: { type: "string", description: "The name of the liquid" }, celcius: { type: "boolean", description: "Whether to return the boiling point in Celsius" } },
    required: ["liquid_name"],
    args: () => ({ celcius: "true", liquid_name: pick(LIQUIDS) }),
    result: () => String(int(-200, 400)),
  },
  knowledge_search: {
    description: "Search for information in a database.",
    props: { query: { type: "string", description: "The query to search for. Can be a natural language sentence or keywords." } },
    required: ["query"],
    args: () => ({ query: `${pick(TOPICS)} ${pick(["overview", "key facts", "history", "definition", "examples"])}` }),
    result: null, // file-search results, see fileSearchContent()
  },
  web_search: {
    description: "Search the web for current information.",
    props: { query: { type: "string", description: "The search query" } },
    required: ["query"],
    args: () => ({ query: `latest news about ${pick(TOPICS)}` }),
    result: (a) => JSON.stringify({ query: a.query, top_k: [{ url: `https://example.com/${alnum(8)}`, title: `About ${a.query}`, content: sentence(a.query, 25) }] }),
  },
  get_time: {
    description: "Get current time for a specified location",
    props: { location: { type: "string", description: "The city name (e.g., 'New York', 'London')" } },
    required: ["location"],
    args: () => ({ location: pick(CITIES).split(",")[0] }),
    result: () => `${int(0, 23)}:${String(int(0, 59)).padStart(2, "0")}`,
  },
  calculate: {
    description: "Evaluate a basic arithmetic expression.",
    props: { expression: { type: "string", description: "The expression, e.g. 2 + 2 * 3" } },
    required: ["expression"],
    args: () => ({ expression: `${int(2, 999)} ${pick(["+", "-", "*"])} ${int(2, 99)}` }),
    result: () => String(int(0, 99999)),
  },
  lookup_order: {
    description: "Look up an order by its id and return its status.",
    props: { order_id: { type: "string", description: "The order id, e.g. ORD-12345" }, include_items: { type: "boolean", description: "Include the line items" } },
    required: ["order_id"],
    args: () => ({ order_id: `ORD-${int(10000, 99999)}` }),
    result: (a) => JSON.stringify({ order_id: a.order_id, status: pick(["shipped", "processing", "delivered"]), items: int(1, 5) }),
  },
};
const TOOL_NAMES = Object.keys(TOOLS);

function toolDef(name, variant) {
  const t = TOOLS[name];
  const fn = { name, description: t.description, parameters: { type: "object", properties: t.props, required: t.required } };
  if (variant) return { type: "function", function: { type: "function", ...fn } }; // responses-API style
  return { type: "function", function: fn };
}

/** A file_search result block the way the responses tests feed it back; noise registered in NORM. */
function fileSearchContent(query) {
  const parts = [{ type: "text", text: "knowledge_search tool found 2 chunks:\nBEGIN of knowledge_search tool results.\n" }];
  for (let i = 1; i <= 2; i++) {
    const fileId = `file-${int(100000000000, 999999999999)}`;
    const uuid = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    const score = `0.0${int(10000000, 99999999)}${int(10000000, 99999999)}`;
    const body = sentence(query, int(12, 30));
    const raw = `[${i}] document_id: ${uuid}, score: ${score}, attributes: {'filename': 'doc_${alnum(6)}.txt', 'chunk_id': '${uuid}', 'token_count': ${int(10, 99)}} cite as <|${fileId}|>\n${body}\n`;
    const norm = `[${i}] document_id: __NORMALIZED__, score: __NORMALIZED__ cite as <|${fileId}|>\n${body}\n`;
    parts.push({ type: "text", text: noisy(raw, norm) });
  }
  parts.push({ type: "text", text: "END of knowledge_search tool results.\n" });
  parts.push({ type: "text", text: `The above results were retrieved to help answer the user's query: "${query}". Use them as supporting information only in answering this query.\n` });
  return parts;
}

/** Long decimals inside strings are rewritten to 5 places by the recorder; these are exact. */
const DECIMAL_FACTS = [
  ["The value of pi is roughly 3.14159265, what is twice that?", "The value of pi is roughly 3.14159, what is twice that?"],
  ["Convert 2.718281828 to a fraction.", "Convert 2.71828 to a fraction."],
  ["The measured ratio was 0.333333333; round it to two places.", "The measured ratio was 0.33333; round it to two places."],
  ["Is 1.41421356 the square root of two?", "Is 1.41421 the square root of two?"],
];

const callId = () => `call_${alnum(24)}`;

/** Messages for a chat request; returns { messages, topic, toolNames }. */
function chatMessages({ provider, withTools, forceToolTurn }) {
  const topic = pick(TOPICS);
  const messages = [];
  if (chance(SMALL ? 0.25 : 0.45)) messages.push({ role: "system", content: pick(SYSTEM_PROMPTS) });
  const turns = SMALL ? 1 : weighted([[1, 0.6], [2, 0.25], [3, 0.1], [5, 0.05]]);
  for (let t = 0; t < turns - 1; t++) {
    messages.push({ role: "user", content: pick(QUESTION_TEMPLATES)(pick(TOPICS)) });
    messages.push({ role: "assistant", content: sentence(topic, int(15, SMALL ? 20 : 80)) });
  }
  let toolNames = [];
  let askArgs = null;
  if (withTools) {
    toolNames = [pick(TOOL_NAMES)];
    if (chance(0.4)) { const extra = pick(TOOL_NAMES); if (!toolNames.includes(extra)) toolNames.push(extra); }
  }
  if (chance(0.03)) {
    const [raw, norm] = pick(DECIMAL_FACTS);
    messages.push({ role: "user", content: noisy(raw, norm) });
  } else if (withTools && TOOLS[toolNames[0]].args) {
    const a = TOOLS[toolNames[0]].args();
    askArgs = a;
    const ask = { get_weather: `What is the weather in ${a.location}?`, get_boiling_point: `What is the boiling point of ${a.liquid_name}?`,
      get_time: `What time is it in ${a.location}?`, calculate: `What is ${a.expression}?`, lookup_order: `Where is my order ${a.order_id}?` }[toolNames[0]];
    messages.push({ role: "user", content: ask ?? pick(QUESTION_TEMPLATES)(topic) });
  } else {
    messages.push({ role: "user", content: pick(QUESTION_TEMPLATES)(topic) });
  }
  if (forceToolTurn && withTools) {
    // assistant called a tool, the tool answered; the model now answers in text
    const name = toolNames[0];
    const args = TOOLS[name].args();
    const id = provider === "ollama" ? `call_${alnum(8).toLowerCase()}` : callId();
    const call = { id, type: "function", function: { name, arguments: JSON.stringify(args) } };
    messages.push({ role: "assistant", content: "", tool_calls: [provider === "openai" ? { index: 0, ...call } : call] });
    const content = name === "knowledge_search" ? fileSearchContent(args.query) : TOOLS[name].result(args);
    messages.push({ role: "tool", tool_call_id: id, content });
  }
  return { messages, topic, toolNames, askArgs };
}

function chatBody({ model, messages, toolNames, stream, provider }) {
  const body = { model, messages };
  if (chance(0.2)) body.max_tokens = pick([256, 512, 1024, 4096]);
  if (chance(0.35)) body.temperature = pick([F(0), 0.7, 0.25, 0.5, 0.2, 0.1, 0.3, 0.9, 0.8, F(1), 0.6]);
  if (chance(0.08)) body.top_p = pick([0.9, 0.95, 0.5]);
  if (chance(0.05)) body.seed = int(1, 9999);
  if (chance(0.05)) body.response_format = { type: "text" };
  if (stream !== undefined) body.stream = stream;
  if (stream && chance(SMALL ? 0.15 : 0.7)) body.stream_options = { include_usage: true };
  if (toolNames.length) {
    if (chance(0.3)) body.parallel_tool_calls = chance(0.5);
    body.tools = toolNames.map((n) => toolDef(n, provider === "azure" && chance(0.5)));
    if (chance(0.15)) body.tool_choice = pick(["auto", "required"]);
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------
const T_CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk";
const T_COMPLETION = "openai.types.chat.chat_completion.ChatCompletion";
const fingerprint = () => `fp_${hex(10)}`;

function usageFor(provider, prompt, completion, reasoning = 0) {
  const u = { completion_tokens: completion, prompt_tokens: prompt, total_tokens: prompt + completion };
  if (provider === "openai" || provider === "azure") {
    u.completion_tokens_details = { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: reasoning, rejected_prediction_tokens: 0 };
    u.prompt_tokens_details = { audio_tokens: 0, cached_tokens: chance(0.1) ? 1024 : 0 };
  } else {
    u.completion_tokens_details = null;
    u.prompt_tokens_details = null;
  }
  return u;
}

/** Builds OpenAI-compatible chunks for one provider; ids/created per `ids`. */
function chunkFactory(provider, respModel, ids) {
  const fp = provider === "openai" || provider === "azure" ? fingerprint() : provider === "ollama" ? "fp_ollama" : null;
  const tier = provider === "openai" ? pick(["default", "default", "default", "priority"]) : null;
  return (choices, usage = null, extra = {}) => {
    const d = { id: ids.id, choices, created: ids.created(), model: respModel, object: "chat.completion.chunk", service_tier: tier, system_fingerprint: fp, usage };
    Object.assign(d, extra);
    if (provider === "openai" || provider === "azure") d.obfuscation = alnum(int(1, 15));
    return { __type__: T_CHUNK, __data__: d };
  };
}

function delta(provider, fields) {
  const d = { content: fields.content ?? null, function_call: null, refusal: null, role: fields.role ?? null, tool_calls: fields.tool_calls ?? null };
  if (provider === "vllm") {
    if (fields.reasoning !== undefined) d.reasoning = fields.reasoning;
    d.reasoning_content = fields.reasoning ?? null;
  }
  return d;
}

function choice(provider, d, finish = null, extra = {}) {
  const c = { delta: d, finish_reason: finish, index: 0, logprobs: null };
  if (provider === "azure") c.content_filter_results = {};
  if (provider === "vllm") {
    if (finish) c.stop_reason = null;
    c.token_ids = null;
  }
  return Object.assign(c, extra);
}

/** Streamed chat answer: text (optionally reasoning first) or tool calls. */
function streamChat({ provider, respModel, ids, nTokens, topic, toolCalls, includeUsage, promptTokens }) {
  const mk = chunkFactory(provider, respModel, ids);
  const chunks = [];
  if (provider === "azure") {
    chunks.push({ __type__: T_CHUNK, __data__: { id: ids.id, choices: [], created: ids.created(), model: "", object: "", service_tier: null, system_fingerprint: null, usage: null,
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" }, jailbreak: { detected: false, filtered: false }, self_harm: { filtered: false, severity: "safe" }, sexual: { filtered: false, severity: "safe" }, violence: { filtered: false, severity: "safe" } } }] } });
  }
  let completion = 0;
  let reasoningTokens = 0;
  const ollamaRole = provider === "ollama" ? "assistant" : undefined;
  if (toolCalls) {
    if (provider === "ollama") {
      // Ollama sends each call whole, in one chunk
      chunks.push(mk([choice(provider, delta(provider, { role: "assistant", content: "", tool_calls: toolCalls.map((tc, i) => ({ index: i, id: tc.id, function: { arguments: tc.arguments, name: tc.name }, type: "function" })) }))]));
      completion = toolCalls.reduce((n, tc) => n + estTokens(tc.arguments) + 5, 0);
    } else {
      toolCalls.forEach((tc, i) => {
        chunks.push(mk([choice(provider, delta(provider, { role: i === 0 ? "assistant" : undefined, tool_calls: [{ index: i, id: tc.id, function: { arguments: "", name: tc.name }, type: "function" }] }))]));
        // arguments arrive in small fragments
        const a = tc.arguments;
        let pos = 0;
        while (pos < a.length) {
          const len = SMALL ? a.length : Math.min(a.length - pos, int(1, 6));
          chunks.push(mk([choice(provider, delta(provider, { tool_calls: [{ index: i, id: null, function: { arguments: a.slice(pos, pos + len), name: null }, type: null }] }))]));
          pos += len;
          completion++;
        }
      });
    }
    chunks.push(mk([choice(provider, delta(provider, { role: ollamaRole, content: provider === "ollama" ? "" : undefined }), "tool_calls")]));
  } else {
    const toks = answerTokens(nTokens, topic);
    let start = 0;
    if (provider === "vllm") {
      chunks.push(mk([choice(provider, delta(provider, { role: "assistant", content: "" }), null, {})], null, { prompt_token_ids: null }));
      reasoningTokens = Math.floor(toks.length * 0.4);
      for (let i = 0; i < reasoningTokens; i++) chunks.push(mk([choice(provider, delta(provider, { reasoning: toks[i] }))]));
      start = reasoningTokens;
      if (start < toks.length) toks[start] = toks[start].replace(/^\s+/, "");
    } else if (provider === "openai" || provider === "azure") {
      chunks.push(mk([choice(provider, delta(provider, { role: "assistant", content: "" }))]));
    }
    for (let i = start; i < toks.length; i++) {
      chunks.push(mk([choice(provider, delta(provider, { role: ollamaRole, content: toks[i] }))]));
    }
    completion = toks.length;
    const finish = nTokens >= 4096 ? "length" : "stop";
    chunks.push(mk([choice(provider, delta(provider, { role: ollamaRole, content: provider === "ollama" || provider === "vllm" ? "" : undefined }), finish)]));
  }
  if (includeUsage) chunks.push(mk([], usageFor(provider, promptTokens, completion, reasoningTokens)));
  return chunks;
}

function completionBody({ provider, respModel, ids, text, toolCalls, promptTokens }) {
  const message = { content: toolCalls ? null : text, refusal: null, role: "assistant", annotations: provider === "openai" || provider === "azure" ? [] : null, audio: null, function_call: null,
    tool_calls: toolCalls ? toolCalls.map((tc) => ({ id: tc.id, function: { arguments: tc.arguments, name: tc.name }, type: "function" })) : null };
  if (provider === "vllm") message.reasoning_content = null;
  const c = { finish_reason: toolCalls ? "tool_calls" : "stop", index: 0, logprobs: null, message };
  if (provider === "azure") c.content_filter_results = {};
  return {
    __type__: T_COMPLETION,
    __data__: {
      id: ids.id, choices: [c], created: ids.created(), model: respModel, object: "chat.completion",
      service_tier: provider === "openai" ? "default" : null,
      system_fingerprint: provider === "openai" || provider === "azure" ? fingerprint() : provider === "ollama" ? "fp_ollama" : null,
      usage: usageFor(provider, promptTokens, toolCalls ? 20 : estTokens(text ?? "")),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Recording builders. Each returns { kind, request, response, hashFn, provider, ... }.
// ---------------------------------------------------------------------------------------------
function idsFor(provider, unnormalized) {
  // ids.id is filled in once the hash is known (normalized) or now (unnormalized)
  if (unnormalized) {
    const base = 1754000000 + int(0, 9_000_000);
    const id = provider === "ollama" ? `chatcmpl-${int(1, 999)}` : provider === "vllm" ? `chatcmpl-${hex(32)}` : `chatcmpl-${alnum(29)}`;
    return { id, created: () => base, fixed: true };
  }
  return { id: "rec-PENDING", created: () => 0, fixed: false };
}

function reqObj(url, body, model, meta) {
  const path = urlPath(url);
  const r = { method: "POST", url, headers: {}, body, endpoint: path.replace(/^.*?(\/v1\/|\/api\/)/, "$1").replace(/^\/v1\/v1\//, "/v1/"), model };
  if (meta) r.provider_metadata = meta;
  return r;
}

function buildChat(kind, suite, flags) {
  const provider = weighted(PROVIDER_WEIGHTS);
  const P = PROVIDERS[provider];
  const [model, respModel] = pick(P.models);
  const stream = kind !== "chat";
  const withTools = kind === "chat_stream_tools" || (kind === "chat" && chance(0.3)) || (kind === "chat_stream" && chance(0.15));
  const answerWithTool = kind === "chat_stream_tools" ? chance(0.75) : kind === "chat" && withTools && chance(0.5);
  const forceToolTurn = withTools && !answerWithTool;
  const { messages, topic, toolNames, askArgs } = chatMessages({ provider, withTools, forceToolTurn });
  const body = chatBody({ model, messages, toolNames, stream, provider });
  const url = `${P.base}/v1/chat/completions`;
  const testId = makeTestId(suite, txtParam(provider, model), flags);
  const promptTokens = estTokens(JSON.stringify(messages)) + (toolNames.length ? 60 * toolNames.length : 0);
  const ids = idsFor(provider, flags.unnormalized);
  let toolCalls = null;
  if (answerWithTool) {
    const n = body.parallel_tool_calls !== false && toolNames.length > 1 && chance(0.5) ? 2 : 1;
    toolCalls = toolNames.slice(0, n).map((name, i) => ({
      id: provider === "ollama" ? `call_${alnum(8).toLowerCase()}` : callId(), name, arguments: JSON.stringify(i === 0 && askArgs ? askArgs : TOOLS[name].args()),
    }));
  }
  let responseBody;
  let chunksN = 0;
  if (stream) {
    let nTokens;
    if (kind === "long_stream") nTokens = scaled(int(1150, 1280), 3);
    else nTokens = scaled(streamLength(), SMALL ? 1 : 3);
    responseBody = streamChat({ provider, respModel, ids, nTokens, topic, toolCalls, includeUsage: !!body.stream_options, promptTokens });
    chunksN = responseBody.length;
  } else {
    const text = toolCalls ? null : sentence(topic, scaled(int(20, 260), 3));
    responseBody = completionBody({ provider, respModel, ids, text, toolCalls, promptTokens });
  }
  return {
    kind, provider, testId, chunks: chunksN, ids,
    request: reqObj(url, body, model, chance(0.6) ? P.meta : null),
    response: { body: responseBody, is_streaming: stream },
    hash: () => inferenceHash("POST", url, body, testId),
    mutate: () => mutateBody(body),
  };
}

function buildOllamaGenerate(kind, suite, flags) {
  const model = pick(["llama3.2:3b-instruct-fp16", "llama-guard3:1b", "llama3.2:3b"]);
  const stream = kind === "ollama_generate_stream";
  const topic = pick(TOPICS);
  const sys = chance(0.5) ? pick(SYSTEM_PROMPTS) : "";
  const question = pick(QUESTION_TEMPLATES)(topic);
  const prompt = `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${sys}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n${question}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`;
  const body = { model, raw: true, prompt, options: { temperature: pick([F(0), 0.7, 0.5, 0.25]) }, stream };
  if (chance(0.2)) body.options.num_predict = pick([128, 256, 512]);
  const url = "http://localhost:11434/api/generate";
  const testId = makeTestId(suite, txtParam("ollama", model), flags);
  const un = flags.unnormalized;
  let ts = 1754000000000 + int(0, 9_000_000_000);
  const createdAt = () => {
    if (!un) return "1970-01-01T00:00:00.000000Z";
    ts += int(20, 90);
    return new Date(ts).toISOString().replace("Z", `${int(100, 999)}Z`);
  };
  const dur = (lo, hi) => (un ? int(lo, hi) : 0);
  const promptEval = estTokens(prompt);
  const data = (response, done, evalCount) => ({
    model, created_at: createdAt(), done, done_reason: done ? "stop" : null,
    total_duration: done ? dur(200_000_000, 9_000_000_000) : null, load_duration: done ? dur(10_000_000, 90_000_000) : null,
    prompt_eval_count: done ? promptEval : null, prompt_eval_duration: done ? dur(50_000_000, 1_500_000_000) : null,
    eval_count: done ? evalCount : null, eval_duration: done ? dur(100_000_000, 5_000_000_000) : null,
    response, thinking: null, context: null,
  });
  let responseBody;
  let chunksN = 0;
  const T = "ollama._types.GenerateResponse";
  if (stream) {
    const toks = answerTokens(scaled(streamLength(), SMALL ? 1 : 3), topic);
    responseBody = toks.map((t) => ({ __type__: T, __data__: data(t, false, null) }));
    responseBody.push({ __type__: T, __data__: data("", true, toks.length) });
    chunksN = responseBody.length;
  } else {
    const text = model.startsWith("llama-guard") ? pick(["safe", "unsafe\nS1", "safe"]) : sentence(topic, scaled(int(10, 200), 3));
    responseBody = { __type__: T, __data__: data(text, true, estTokens(text)) };
  }
  return {
    kind, provider: "ollama", testId, chunks: chunksN, ids: null,
    request: reqObj(url, body, model, chance(0.5) ? { ollama_sdk_version: "unknown" } : null),
    response: { body: responseBody, is_streaming: stream },
    hash: () => inferenceHash("POST", url, body, testId),
    mutate: () => { body.options.temperature = 0.45; },
  };
}

function buildTextCompletion(kind, suite, flags) {
  const provider = pick(["ollama", "openai", "vllm"]);
  const model = provider === "openai" ? "gpt-3.5-turbo-instruct" : PROVIDERS[provider].models[0][0];
  const topic = pick(TOPICS);
  const body = { model, prompt: `Respond to this question and explain your answer. ${pick(QUESTION_TEMPLATES)(topic)}` };
  if (chance(0.6)) body.max_tokens = pick([20, 50, 100]);
  if (chance(0.3)) body.temperature = pick([0.7, 0.25, F(0)]);
  body.stream = false;
  const url = `${PROVIDERS[provider].base}/v1/completions`;
  const testId = makeTestId(suite, txtParam(provider, model), flags);
  const ids = idsFor(provider, flags.unnormalized);
  const text = sentence(topic, scaled(body.max_tokens ? Math.min(body.max_tokens, 60) : int(20, 120), 3));
  const responseBody = {
    __type__: "openai.types.completion.Completion",
    __data__: {
      id: ids.id, choices: [{ finish_reason: body.max_tokens ? "length" : "stop", index: 0, logprobs: null, text }],
      created: ids.created(), model, object: "text_completion", system_fingerprint: provider === "ollama" ? "fp_ollama" : null,
      usage: { completion_tokens: estTokens(text), prompt_tokens: estTokens(body.prompt), total_tokens: estTokens(text) + estTokens(body.prompt), completion_tokens_details: null, prompt_tokens_details: null },
    },
  };
  return {
    kind, provider, testId, chunks: 0, ids,
    request: reqObj(url, body, model, null),
    response: { body: responseBody, is_streaming: false },
    hash: () => inferenceHash("POST", url, body, testId),
    mutate: () => { body.prompt += " Be brief."; },
  };
}

/** float32-looking embedding components: ~8 significant digits, small ones in exponent form. */
function embeddingVector(dims) {
  const v = new Array(dims);
  for (let i = 0; i < dims; i++) {
    let x = 0;
    while (x === 0) x = Number((gauss() * 0.035).toPrecision(int(7, 8)));
    v[i] = x;
  }
  return v;
}

function buildEmbeddings(kind, suite, flags) {
  const provider = pick(["openai", "openai", "ollama"]);
  const [model, dims] = provider === "openai" ? pick([["text-embedding-3-small", 1536], ["text-embedding-3-small", 512]]) : pick([["nomic-embed-text:latest", 768], ["all-minilm:l6-v2", 384]]);
  const nIn = weighted([[1, 0.6], [2, 0.25], [3, 0.15]]);
  const input = Array.from({ length: nIn }, () => sentence(pick(TOPICS), int(6, 20)));
  const body = { model, input };
  if (chance(0.7)) body.encoding_format = "float";
  if (dims === 512) body.dimensions = 512;
  const url = `${PROVIDERS[provider].base}/v1/embeddings`;
  const testId = makeTestId(suite, `${pick(["openai_client", "ogx_client"])}-emb=${provider}/${model}`, flags);
  const d = scaled(dims, 4);
  const responseBody = {
    __type__: "openai.types.create_embedding_response.CreateEmbeddingResponse",
    __data__: {
      data: input.map((_, i) => ({ embedding: embeddingVector(d), index: i, object: "embedding" })),
      model, object: "list", usage: { prompt_tokens: estTokens(input.join(" ")), total_tokens: estTokens(input.join(" ")) },
    },
  };
  return {
    kind, provider, testId, chunks: 0, ids: null, noMapping: true,
    request: reqObj(url, body, model, null),
    response: { body: responseBody, is_streaming: false },
    hash: () => inferenceHash("POST", url, body, testId),
    mutate: () => { body.input.push("extra"); },
  };
}

const usedToolKwargs = new Set();
function buildToolInvocation(kind, suite, flags) {
  const testId = makeTestId(suite, txtParam(weighted(PROVIDER_WEIGHTS), "gpt-4o"), flags);
  let query;
  do query = `${pick(TOPICS)} ${pick(["news", "overview", "2024", "latest research", "statistics", "history", "best practices"])} ${int(1, 99999)}`;
  while (usedToolKwargs.has(query));
  usedToolKwargs.add(query);
  const kwargs = { query };
  const results = Array.from({ length: scaled(int(2, 5), 1) }, () => ({
    url: `https://www.${alnum(8).toLowerCase()}.com/${alnum(10).toLowerCase()}`, title: sentence(query, 6), content: sentence(query, scaled(int(30, 90), 5)), score: Number((0.5 + rand() * 0.49).toPrecision(8)), raw_content: null,
  }));
  // the tool result is a JSON string written by Python's json.dumps (", " / ": " separators)
  const content = `{"query": ${pyStr(query)}, "top_k": [${results.map((r) => `{"url": ${pyStr(r.url)}, "title": ${pyStr(r.title)}, "content": ${pyStr(r.content)}, "score": ${pyFloat(r.score)}, "raw_content": null}`).join(", ")}]}`;
  const request = { test_id: testId, provider: "tavily", tool_name: "web_search", kwargs };
  return {
    kind, provider: "tavily", testId, chunks: 0, ids: null, noMapping: chance(0.5),
    request,
    response: { body: { __type__: "ogx_api.tools.ToolInvocationResult", __data__: { content, error_message: null, error_code: null, metadata: null } }, is_streaming: false },
    hash: () => toolHash("tavily", "web_search", kwargs),
    mutate: () => { kwargs.max_results = 3; },
  };
}

const OPENAI_MODEL_IDS = ["gpt-4-0613", "gpt-4", "gpt-3.5-turbo", "gpt-4o", "gpt-4o-mini", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20",
  "gpt-4o-mini-2024-07-18", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4.1-2025-04-14", "o1", "o1-mini", "o3", "o3-mini", "o4-mini",
  "gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5.1", "gpt-5.1-codex", "gpt-5.1-chat-latest", "davinci-002", "babbage-002",
  "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002", "tts-1", "tts-1-hd", "whisper-1", "dall-e-2", "dall-e-3",
  "omni-moderation-latest", "gpt-3.5-turbo-instruct", "gpt-4-turbo", "gpt-4-turbo-preview", "gpt-image-1", "gpt-realtime", "gpt-audio"];

function buildModelList(suite, index) {
  const nModels = SMALL ? int(3, 8) : int(40, 130);
  const ids = new Set();
  while (ids.size < Math.min(nModels, OPENAI_MODEL_IDS.length)) ids.add(pick(OPENAI_MODEL_IDS));
  while (ids.size < nModels) ids.add(`ft:gpt-4o-mini-2024-07-18:org-${alnum(6).toLowerCase()}::${alnum(8)}`);
  const list = [...ids];
  const ownedBy = (id) => (id.startsWith("ft:") ? `org-${alnum(10).toLowerCase()}` : pick(["openai", "system", "openai-internal"]));
  const body = {};
  const url = "https://api.openai.com/v1/v1/models";
  const testId = index % 4 === 3 ? null : makeTestId(suite, txtParam("openai", "gpt-4o"), {}, false);
  const responseBody = list.map((id) => ({ __type__: "openai.types.model.Model", __data__: { id, created: 1677610602 + int(0, 90_000_000), object: "model", owned_by: ownedBy(id) } }));
  const digest = sha256([...new Set(list)].sort().join("|")).slice(0, 8);
  return {
    kind: "models", provider: "openai", testId, chunks: 0, ids: null, digest,
    request: { method: "POST", url, headers: {}, body, endpoint: "/v1/models", model: "" },
    response: { body: responseBody, is_streaming: false },
    hash: () => inferenceHash("POST", url, body, testId),
    mutate: null,
  };
}

function mutateBody(body) {
  // an edit after the file was named: the hash of the request no longer matches the file name
  const r = rand();
  if (r < 0.4) body.temperature = pick([0.15, 0.35, 0.65]);
  else if (r < 0.7) { const m = body.messages[body.messages.length - 1]; if (typeof m.content === "string") m.content += " Please answer briefly."; else body.max_tokens = 333; }
  else body.max_tokens = pick([300, 700, 2000]);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
const outdir = path.resolve(OPTS.outdir);
const integ = path.join(outdir, "tests", "integration");
const manifestPath = path.join(outdir, "corpus-manifest.json");
const collectedPath = path.join(outdir, "collected.txt");
if (fs.existsSync(path.join(outdir, "tests")) || fs.existsSync(manifestPath)) {
  // --force only ever replaces a corpus this script wrote (its manifest is the proof), never a real tests/ tree
  if (!fs.existsSync(manifestPath)) die(`${outdir}/tests exists and is not a generated corpus (no corpus-manifest.json); choose another <outdir>`, false);
  if (!OPTS.force) die(`${outdir} already holds a generated corpus; pass --force to replace it`, false);
  fs.rmSync(path.join(outdir, "tests"), { recursive: true, force: true });
  fs.rmSync(manifestPath, { force: true });
  fs.rmSync(collectedPath, { force: true });
}

const KIND_WEIGHTS = SMALL
  ? [["chat_stream", 0.42], ["chat_stream_tools", 0.1], ["chat", 0.25], ["ollama_generate_stream", 0.07],
    ["ollama_generate", 0.04], ["completion", 0.05], ["embeddings", 0.03], ["tool_invocation", 0.04]]
  : [["chat_stream", 0.55], ["chat_stream_tools", 0.13], ["chat", 0.12], ["ollama_generate_stream", 0.07],
    ["ollama_generate", 0.02], ["completion", 0.03], ["embeddings", 0.03], ["tool_invocation", 0.02]];
const BUILDERS = {
  chat_stream: buildChat, chat_stream_tools: buildChat, chat: buildChat, long_stream: buildChat,
  ollama_generate_stream: buildOllamaGenerate, ollama_generate: buildOllamaGenerate,
  completion: buildTextCompletion, embeddings: buildEmbeddings, tool_invocation: buildToolInvocation,
};

const total = OPTS.files;
const nModels = Math.min(total, Math.max(total >= 20 ? 3 : 0, Math.round(total * 0.003)));
const nLong = SMALL ? 0 : Math.min(total - nModels, Math.max(total >= 100 ? 1 : 0, Math.round(total * 0.002)));
const plan = [];
for (let i = 0; i < nModels; i++) plan.push("models");
for (let i = 0; i < nLong; i++) plan.push("long_stream");
while (plan.length < total) plan.push(weighted(KIND_WEIGHTS));

const madeDirs = new Set();
const names = new Set();
const counts = {};
const kindBytes = {};
const kindChunks = {};
const byProvider = {};
let bytes = 0;
let maxBytes = 0;
let totalChunks = 0;
const sizeBuckets = { "<4KB": 0, "4-16KB": 0, "16-64KB": 0, "64-256KB": 0, "256KB-1MB": 0, ">=1MB": 0 };

for (let i = 0; i < plan.length; i++) {
  const kind = plan[i];
  const suite = kind === "models" && i % 3 === 2 ? { name: "common", files: [], gone: [] } : weighted(SUITE_WEIGHTS);
  let rec, nameHash;
  for (let attempt = 0; ; attempt++) {
    const flags = kind === "models" ? {} : { unnormalized: chance(OPTS.unnormalized) && kind !== "embeddings" && kind !== "tool_invocation" };
    rec = kind === "models" ? buildModelList(suite.name === "common" ? suites[0] : suite, i) : BUILDERS[kind](kind, suite, flags);
    rec.flags = flags;
    nameHash = rec.hash();
    const fname = kind === "models" ? `models-${nameHash}-${rec.digest}.json` : `${nameHash}.json`;
    if (!names.has(fname)) { names.add(fname); rec.fname = fname; break; }
    if (attempt > 50) throw new Error("could not make a unique request");
  }
  // normalized responses carry rec-<first 12 hex of the name>; the hash is only known now
  if (rec.ids && !rec.ids.fixed) {
    rec.ids.id = `rec-${nameHash.slice(0, 12)}`;
    for (const it of Array.isArray(rec.response.body) ? rec.response.body : [rec.response.body]) {
      if (it?.__data__?.id === "rec-PENDING") it.__data__.id = rec.ids.id;
    }
  }

  const rel = path.join("tests", "integration", suite.name, "recordings", rec.fname);
  if (kind !== "models" && rec.mutate && chance(OPTS.unreachable)) {
    rec.mutate();
    if (rec.hash() !== nameHash) findings.unreachable.push(rel);
  }
  if (rec.flags.testFileMissing) findings.testFileMissing.push(rel);
  if (rec.flags.notCollected) findings.notCollected.push(rel);
  if (rec.flags.unnormalized) findings.unnormalized.push(rel);

  // the recorder's key order: test_id, request, response, id_normalization_mapping
  const doc = { test_id: rec.testId, request: rec.request, response: rec.response };
  if (!rec.noMapping) doc.id_normalization_mapping = {};
  const text = pyDumpFile(doc);
  const dir = path.join(integ, suite.name, "recordings");
  if (!madeDirs.has(dir)) { fs.mkdirSync(dir, { recursive: true }); madeDirs.add(dir); }
  fs.writeFileSync(path.join(outdir, rel), text);

  const n = text.length; // ASCII only: chars == bytes
  bytes += n;
  maxBytes = Math.max(maxBytes, n);
  totalChunks += rec.chunks;
  counts[kind] = (counts[kind] ?? 0) + 1;
  kindBytes[kind] = (kindBytes[kind] ?? 0) + n;
  if (rec.chunks) kindChunks[kind] = (kindChunks[kind] ?? 0) + rec.chunks;
  byProvider[rec.provider] = (byProvider[rec.provider] ?? 0) + 1;
  sizeBuckets[n < 4096 ? "<4KB" : n < 16384 ? "4-16KB" : n < 65536 ? "16-64KB" : n < 262144 ? "64-256KB" : n < 1048576 ? "256KB-1MB" : ">=1MB"]++;
}

// Test files: the live functions of each suite (removed functions and deleted files are absent)
let testFiles = 0;
for (const s of suites) {
  const dir = path.join(integ, s.name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of s.files) {
    const lines = [
      "# Synthetic test module written by recctl scripts/gen-corpus.mjs (benchmark corpus).",
      "import pytest",
      "",
      "",
    ];
    const args = "client_with_models, text_model_id";
    if (f.className) {
      lines.push(`class ${f.className}:`);
      for (const fn of f.fns) lines.push(`    def ${fn}(self, ${args}):`, `        assert client_with_models is not None`, "");
    } else {
      for (const fn of f.fns) lines.push(`def ${fn}(${args}):`, `    assert client_with_models is not None`, "", "");
    }
    fs.writeFileSync(path.join(dir, f.name), lines.join("\n").replace(/\n+$/, "\n"));
    testFiles++;
  }
}

// collected.txt: `pytest --collect-only -q` for the live tests (recorded ones plus a few unrecorded)
const collected = [...liveTestIds];
for (const s of suites) for (const f of s.files) for (const fn of f.fns) {
  if (chance(0.3)) collected.push(`tests/integration/${s.name}/${f.name}::${f.className ? `${f.className}::` : ""}${fn}[client_with_models-txt=bedrock/openai.gpt-oss-20b]`);
}
collected.sort();
fs.writeFileSync(collectedPath, `${collected.join("\n")}\n\n${collected.length} tests collected in ${(1 + rand() * 3).toFixed(2)}s\n`);

const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const manifest = {
  generator: "recctl scripts/gen-corpus.mjs",
  seed: OPTS.seed,
  files: plan.length,
  profile: { small: SMALL, sizeScale: SCALE, unreachable: OPTS.unreachable, missingTests: OPTS.missingTests, notCollected: OPTS.notCollected, unnormalized: OPTS.unnormalized },
  bytes,
  maxFileBytes: maxBytes,
  streamedChunks: totalChunks,
  kinds: Object.fromEntries(Object.keys(counts).map((k) => [k, { files: counts[k], mb: Number((kindBytes[k] / 1e6).toFixed(2)), ...(kindChunks[k] ? { avgChunks: Math.round(kindChunks[k] / counts[k]) } : {}) }])),
  providers: byProvider,
  sizes: sizeBuckets,
  suites: suites.map((s) => s.name).concat(nModels ? ["common"] : []),
  testFiles,
  collectedTestIds: collected.length,
  findings: {
    unreachable: findings.unreachable.sort(),
    testFileMissing: findings.testFileMissing.sort(),
    notCollected: findings.notCollected.sort(),
    unnormalized: findings.unnormalized.sort(),
  },
};
fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

process.stderr.write(
  `gen-corpus: ${plan.length} recordings + ${testFiles} test files, ${(bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(2)} s -> ${outdir}` +
    ` (unreachable ${findings.unreachable.length}, test-file-missing ${findings.testFileMissing.length}, not-collected ${findings.notCollected.length}, unnormalized ${findings.unnormalized.length})\n`,
);
