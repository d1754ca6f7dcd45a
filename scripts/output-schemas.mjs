/**
 * Writes schemas/output/<command>.schema.json: the JSON Schema (draft-07, as ajv runs it) of each
 * command's `--json` document — the contract SPEC points to. Strict: every object closed
 * (`additionalProperties: false`), every member required (absent facts are null, never missing),
 * statuses, actions and reasons as enums. Shared pieces (a file failure, the rules in use…) are
 * written once here and copied into each schema's `definitions`, so every file stands alone (an
 * editor or check-jsonschema needs no other file).
 *
 * The enums repeat lists the core owns (core/types.ts ERROR_RULES and WARNING_RULES,
 * rules/eras.ts ERAS, rules/verdict.ts VERDICT_STATUSES, …); test/e2e/output-schemas.test.ts
 * holds them equal. After changing a result's shape: `node scripts/output-schemas.mjs`, then
 * record the change in README.md's "Changelog of the --json contract".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const OUT = fileURLToPath(new URL("../schemas/output/", import.meta.url));

// ---------------------------------------------------------------------------------------------
// Enums (kept equal to the core's lists by the tests)

export const ENUMS = {
  rule: ["io", "utf8", "json", "schema", "stream-shape", "chunk-type", "test-id", "secret", "name-hash", "rec-id", "format", "stale-type", "infra-id"],
  era: ["2025-07-29", "2025-10-04", "2025-10-09", "2025-11-03", "2026-01-21", "2026-02-12", "2026-03-18", "2026-04-09"],
  rulesSource: ["option", "config", "recorder", "layout", "newest"],
  verdict: ["reachable", "unreachable", "no-rule", "unknown"],
  requestKind: ["inference", "raw-http", "tool", "file-processor", "unknown"],
  responseFamily: [
    "openai-chat",
    "openai-completion",
    "openai-embeddings",
    "openai-models",
    "openai-responses",
    "ollama-generate",
    "ollama-chat",
    "ollama-embed",
    "ollama-admin",
    "google-genai",
    "anthropic-messages",
    "google-interactions",
    "http-json",
    "tool-result",
    "file-processor",
    "exception",
    "unknown",
  ],
  orphanReason: ["unreachable", "superseded", "test-file-missing", "not-collected", "unindexed", "index-orphan"],
  guard: ["missing-paths", "partial-collection", "no-test-file-resolves", "manifest-function-level", "manifest-no-test-file", "max-delete"],
  repoRootSource: ["git", "python-project", "root", "option"],
  rehashAction: ["rename", "replace-older", "remove-duplicate", "superseded", "conflict"],
  changeStatus: ["breaks-replay", "added", "removed", "modified", "re-recorded", "rehashed", "removed-duplicate"],
  explainVerdict: ["recorded", "unreachable", "request-edited", "flaky", "content-change", "model-change", "endpoint-change", "renamed-test", "request-unknown", "new-test"],
  missKind: ["inference", "genai", "tool", "rerank", "httpx", "file-processor"],
  requestSource: ["exception-recording", "request-option", "message"],
  diffOp: ["+", "-", "~"],
  diffAspect: ["text", "reasoning", "refusal", "tool_calls", "finish_reason", "role", "choices", "usage", "error", "model", "family", "body", "mapping", "chunks"],
  comparison: ["answers", "bodies", "families", "raw"],
  signal: ["SIGINT", "SIGTERM"],
};

// ---------------------------------------------------------------------------------------------
// Builders

const str = { type: "string" };
const int = { type: "integer", minimum: 0 };
const bool = { type: "boolean" };
const nullable = (schema) => ({ anyOf: [schema, { type: "null" }] });
const oneOfStr = (values) => ({ type: "string", enum: values });
const array = (items) => ({ type: "array", items });
const ref = (name) => ({ $ref: `#/definitions/${name}` });
/** A closed object: every member listed is required. */
const object = (properties, description) => ({
  type: "object",
  ...(description === undefined ? {} : { description }),
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});
/** Any JSON value (recorded data: a request field, a usage block). */
const any = {};
const dict = { type: "object" };

/** A reassembled answer's members: show's `answer`, and each of reassemble's `texts` (with its file). */
const ANSWER = {
  kind: oneOfStr(ENUMS.responseFamily),
  streaming: bool,
  model: nullable(str),
  choices: array(ref("choice")),
  usage: nullable(dict),
  error: ref("recordedError"),
};

const DEFINITIONS = {
  fileFailure: object(
    {
      file: { ...str, description: "The file, relative to the current folder when under it." },
      error: { ...str, description: "What went wrong, as stderr says it." },
      rule: { ...oneOfStr(ENUMS.rule), description: "The reading step that failed (io, utf8, json, schema…)." },
      line: { ...nullable({ type: "integer", minimum: 1 }), description: "1-based; null when unknown." },
      column: nullable({ type: "integer", minimum: 1 }),
    },
    "A file the command could not read, parse or change (core/types.ts FileFailure).",
  ),
  refFailure: object(
    {
      ref: { ...str, description: "The <ref> as given." },
      error: str,
      candidates: { ...array(str), description: "The recordings an ambiguous prefix matched; empty when it matched none." },
    },
    "A <ref> that named no recording, or several.",
  ),
  failure: { anyOf: [ref("fileFailure"), ref("refFailure")] },
  era: { ...oneOfStr(ENUMS.era), description: "A hash-rule era: the date its recorder took effect." },
  rulesSource: { ...oneOfStr(ENUMS.rulesSource), description: "Where the era in use came from." },
  verdict: { ...oneOfStr(ENUMS.verdict), description: "The one verdict per recording (core/rules/verdict.ts)." },
  finding: object({ pointer: str, line: nullable(int), column: nullable(int), message: str, rule: oneOfStr(ENUMS.rule) }),
  interruption: nullable(object({ signal: oneOfStr(ENUMS.signal), done: int, total: int }, "SIGINT/SIGTERM stopped the run after `done` of `total` files.")),
  toolCall: object({ index: int, id: nullable(str), type: str, name: str, arguments: str }),
  choice: object({
    index: int,
    role: str,
    content: str,
    reasoning: str,
    refusal: nullable(str),
    tool_calls: array(ref("toolCall")),
    finish_reason: nullable(str),
  }),
  recordedError: nullable(object({ message: str, type: nullable(str) })),
  answer: object(ANSWER),
};

/** The members of every document that judges hashes: the era in use and where it came from. */
const RULES = { rules: ref("era"), rules_source: ref("rulesSource") };
/** …or null where the run judged no hash. */
const RULES_OR_NULL = { rules: nullable(ref("era")), rules_source: nullable(ref("rulesSource")) };

function schema(command, description, properties) {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: `recctl ${command} --json`,
    description,
    ...object(properties),
    definitions: DEFINITIONS,
  };
}

// ---------------------------------------------------------------------------------------------
// One schema per command

const verdictOfName = {
  named_by: { ...nullable(array(ref("era"))), description: "The eras whose rules give the file its name, when it disagrees with `hash` (maybe none)." },
  why: { ...nullable(str), description: "Why the name disagrees." },
};

export const SCHEMAS = {
  validate: schema("validate", "Findings per file. `rules` is null under --ignore name-hash (no hash judged).", {
    ...RULES_OR_NULL,
    summary: object({ files: int, valid: int, invalid: int, warnings: int }),
    files: array(object({ file: str, valid: bool, errors: array(ref("finding")), warnings: array(ref("finding")) })),
  }),

  hash: schema("hash", "The request hash of each recording, and whether its name agrees; the same shape for one ref or many.", {
    ...RULES,
    hashes: array(
      object({
        file: str,
        kind: oneOfStr(ENUMS.requestKind),
        hash: { ...nullable(str), description: "Null when the era has no hash rule for this kind of call." },
        name_hash: { ...nullable(str), description: "The hash the file name claims; null when the name is not a hash." },
        matches: bool,
        verdict: ref("verdict"),
        era: { ...ref("era"), description: "The era whose rules computed `hash` (by layout, the era of the file's folder)." },
        ...verdictOfName,
        note: nullable(str),
        normalized: { ...nullable(str), description: "With --explain: the normalized JSON that is hashed; else null." },
      }),
    ),
    errors: array(ref("failure")),
  }),

  list: schema("list", "The recordings the filters kept, and the files that could not be read.", {
    summary: object({
      scanned: { ...int, description: "Files found." },
      listed: { ...int, description: "Rows kept by the filters." },
      streamed: int,
      unreadable: int,
      not_recordings: { ...int, description: "Files found that hold no request and response (e.g. a package.json in a recordings folder): left out." },
      filtered_out: { ...int, description: "Recordings the filters (--test, --model, --endpoint) left out." },
    }),
    recordings: array(
      object({
        file: str,
        hash: nullable(str),
        test_id: nullable(str),
        model: nullable(str),
        endpoint: nullable(str),
        method: nullable(str),
        streaming: nullable(bool),
        chunks: nullable(int),
      }),
    ),
    errors: array(ref("fileFailure")),
  }),

  show: schema("show", "One recording explained; `recording` is null when the ref named none or the file could not be read.", {
    ...RULES,
    recording: nullable(
      object({
        file: str,
        hash: nullable(str),
        name_hash: nullable(str),
        matches: bool,
        verdict: ref("verdict"),
        era: ref("era"),
        ...verdictOfName,
        kind: oneOfStr(ENUMS.requestKind),
        test_id: nullable(str),
        request: object({
          method: nullable(str),
          url: nullable(str),
          endpoint: nullable(str),
          model: nullable(str),
          messages: array(object({ role: str, content: str })),
          tools: array(str),
          params: dict,
          call: nullable(object({ provider: nullable(str), name: nullable(str), arguments: any })),
        }),
        response: object({
          family: oneOfStr(ENUMS.responseFamily),
          streaming: bool,
          chunks: int,
          status: nullable({ type: "integer" }),
          finish_reason: nullable(str),
          usage: nullable(dict),
          answer: nullable(ref("answer")),
          error: nullable(str),
          models: { ...nullable(array(str)), description: "A model list's model ids in order; null for any other response." },
        }),
      }),
    ),
    errors: array(ref("failure")),
  }),

  reassemble: schema("reassemble", "The final answer of each recording (alias `text`); the same shape for one ref or many.", {
    texts: array(object({ file: str, ...ANSWER })),
    skipped: { ...array(object({ file: str, kind: oneOfStr(ENUMS.responseFamily), reason: str })), description: "Recordings whose response has no text (embeddings, model lists…)." },
    errors: array(ref("failure")),
  }),

  diff: (() => {
    const change = { type: "object", additionalProperties: false, required: ["op", "pointer"], properties: { op: oneOfStr(ENUMS.diffOp), pointer: str, a: any, b: any } };
    return schema("diff", "What changed between two recordings. With a side missing: `same`, `families` and `compared` null, nothing compared, and `errors`.", {
      same: nullable(bool),
      a: str,
      b: str,
      families: nullable(object({ a: oneOfStr(ENUMS.responseFamily), b: oneOfStr(ENUMS.responseFamily) })),
      compared: nullable(oneOfStr(ENUMS.comparison)),
      request: array({ ...change, required: ["op", "pointer", "hash_relevant"], properties: { ...change.properties, hash_relevant: bool } }),
      response: array({
        ...change,
        required: ["op", "pointer", "aspect"],
        properties: { ...change.properties, aspect: oneOfStr(ENUMS.diffAspect), choice: int, tool_call: object({ index: int, name: str }) },
      }),
      noise: array(str),
      outside: array(str),
      ignored: array(str),
      ...RULES_OR_NULL,
      errors: array(ref("failure")),
    });
  })(),

  prune: (() => {
    const date = nullable(str);
    return schema("prune", "Orphaned recordings and what was done with them.", {
      ...RULES,
      summary: object({
        scanned: int,
        orphans: int,
        deleted: int,
        dry_run: bool,
        by_reason: object(Object.fromEntries(ENUMS.orphanReason.map((r) => [r, int]))),
        unreadable: int,
        failed: int,
      }),
      orphans: array(
        object({
          file: str,
          hash: nullable(str),
          request_hash: nullable(str),
          test_id: nullable(str),
          reasons: array(oneOfStr(ENUMS.orphanReason)),
          superseded_by: nullable(str),
          responses_differ: nullable(bool),
          kept: nullable(
            object({ twin: str, why: oneOfStr(["newer-than-twin", "no-history"]), date, commit: date, twin_date: date, twin_commit: date, remedy: str }),
          ),
          deleted: bool,
          error: { ...nullable(str), description: "Why a removal that was tried failed; else null." },
        }),
      ),
      index_orphans: array(
        object({ index: str, request_hash: str, response_file: nullable(str), reasons: array(oneOfStr(["index-orphan"])), deleted: bool, error: nullable(str) }),
      ),
      errors: array(ref("fileFailure")),
      partial: nullable(object({ problems: array(str), not_judged: array(object({ file: str, test_file: str })) })),
      repo_root: object({ dir: str, found_by: oneOfStr(ENUMS.repoRootSource) }),
      guards: array(object({ guard: oneOfStr(ENUMS.guard), problem: str, remedy: str })),
      refused: { ...nullable(str), description: "Why --delete refused; null when it did not." },
      stale_temp_files: array(object({ file: str, pid: nullable(int), removed: bool, error: nullable(str) })),
    });
  })(),

  normalize: schema("normalize", "What normalization changes (or changed, with --write) per file.", {
    summary: object({ files: int, changed: int, written: int, errors: int }),
    files: array(object({ file: str, changes: array(object({ pointer: str, from: any, to: any })), reformat: bool, written: bool, notes: array(str) })),
    errors: array(ref("fileFailure")),
    interrupted: ref("interruption"),
  }),

  "migrate-types": schema("migrate-types", "The __type__ values rewritten (or to rewrite) per file.", {
    summary: object({ files: int, changed: int, types: int, written: int, errors: int }),
    prefixes: array(object({ from: str, to: str, count: int })),
    files: array(object({ file: str, count: int, written: bool })),
    errors: array(ref("fileFailure")),
    interrupted: ref("interruption"),
  }),

  redact: schema("redact", "The values replaced (or to replace) per file; a refused or unreadable file is in `errors` with the pointers that block it.", {
    summary: object({ files: int, changed: int, replacements: int, written: int, refused: int, errors: int }),
    files: array(
      object({
        file: str,
        written: bool,
        replacements: array(
          object({
            pointer: str,
            line: nullable({ type: "integer", minimum: 1 }),
            column: nullable({ type: "integer", minimum: 1 }),
            rule: oneOfStr(["secret", "infra-id"]),
            kind: str,
            value: { ...str, description: "The value replaced; a secret masked (its first four characters and …)." },
            placeholder: str,
          }),
        ),
      }),
    ),
    errors: array(
      object({
        file: str,
        error: str,
        rule: oneOfStr(ENUMS.rule),
        line: nullable({ type: "integer", minimum: 1 }),
        column: nullable({ type: "integer", minimum: 1 }),
        pointers: { ...array(str), description: "Where a value takes part in the request hash (the file is refused); empty for an unreadable file." },
      }),
    ),
    interrupted: ref("interruption"),
  }),

  rehash: schema("rehash", "Unreachable recordings and the names the recorder looks up; `done` null on a dry run.", {
    ...RULES,
    summary: object({ scanned: int, renamed: int, replaced: int, duplicates: int, superseded: int, conflicts: int, unchanged: int, skipped: int, written: bool }),
    files: array(
      object({
        file: str,
        to: str,
        action: oneOfStr(ENUMS.rehashAction),
        reason: str,
        candidates: array(object({ file: str, date: nullable(str), commit: nullable(str), source: nullable(oneOfStr(["git", "working-tree"])) })),
        winner: nullable(str),
        done: nullable(bool),
      }),
    ),
    interrupted: { ...ref("interruption"), description: "With --write: null, or how far a run stopped by SIGINT/SIGTERM got." },
    errors: array(ref("fileFailure")),
  }),

  changes: schema("changes", "Recordings changed between two revisions, judged by each side's era; `check` and `reverted` null when not asked.", {
    summary: object({ added: int, removed: int, modified: int, noise_only: int, rehashed: int, breaks_replay: int, re_recorded: int, removed_duplicate: int }),
    files: array(
      object({
        file: str,
        status: oneOfStr(ENUMS.changeStatus),
        from: nullable(str),
        test_id: nullable(str),
        noise_only: bool,
        changes: array(str),
        change: oneOfStr([...ENUMS.changeStatus.filter((s) => s !== "breaks-replay"), "unchanged"]),
        before: nullable(ref("verdict")),
        after: nullable(ref("verdict")),
        hash_changes: array(str),
        request_changes: array(object({ pointer: str, hash_relevant: bool })),
        duplicate_of: nullable(str),
      }),
    ),
    errors: { ...array(ref("fileFailure")), description: "Recordings left out of the comparison; a revision's named `<revision>:<path>`." },
    ...RULES,
    base_rules: ref("era"),
    base_rules_source: ref("rulesSource"),
    check: nullable(object({ strict: bool, failed: bool })),
    reverted: nullable(object({ files: array(str), written: bool })),
  }),

  explain: schema("explain", "Every replay miss in the input, its verdict and nearest recordings.", {
    ...RULES,
    misses: array(
      object({
        kind: oneOfStr(ENUMS.missKind),
        hash: nullable(str),
        model: nullable(str),
        url: nullable(str),
        endpoint: nullable(str),
        test_id: nullable(str),
        request: nullable(object({ file: nullable(str), from: oneOfStr(ENUMS.requestSource) })),
        verdict: object({ kind: oneOfStr(ENUMS.explainVerdict), reason: str, action: str }),
        candidates: array(
          object({ file: str, test_id: nullable(str), match: str, differences: array(object({ pointer: str, a: any, b: any, hash_relevant: bool })) }),
        ),
        total_candidates: int,
        source: str,
        line: { type: "integer", minimum: 1 },
      }),
    ),
    errors: array(ref("fileFailure")),
  }),

  config: schema("config", "The resolved settings and where each came from (`option`, `env`, `default`, or `config <file>:<line>`).", {
    config_file: nullable(str),
    command: nullable(str),
    settings: { type: "object", description: "By key (`strict`, `validate.strict`): the value in force." },
    sources: { type: "object", additionalProperties: str },
  }),
};

function main() {
  mkdirSync(OUT, { recursive: true });
  for (const [command, s] of Object.entries(SCHEMAS)) writeFileSync(`${OUT}${command}.schema.json`, `${JSON.stringify(s, null, 2)}\n`);
  process.stdout.write(`wrote ${Object.keys(SCHEMAS).length} schemas to schemas/output/\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
