/**
 * What each validate rule checks, in one place: SARIF's `tool.driver.rules` (short description
 * and help per rule) reads it. A rule added to core/types.ts does not type-check until it has
 * its entry here.
 */
import type { Rule } from "../core/types.js";

export interface RuleHelp {
  /** One line: what a finding of the rule means. */
  short: string;
  /** What to do about it. */
  help: string;
}

export const RULE_HELP: Readonly<Record<Rule, RuleHelp>> = {
  io: { short: "The file could not be read.", help: "Check that the path exists and is readable; recctl reads every recording once." },
  utf8: { short: "The file is not valid UTF-8.", help: "The recorder writes UTF-8 JSON; re-record the file or fix its encoding." },
  json: { short: "The file is not valid JSON.", help: "Fix the syntax at the reported line and column (a merge conflict marker or a truncated write, usually), or re-record it." },
  schema: { short: "The recording does not match the recording schema.", help: "The key at the pointer is missing or has the wrong type for the recorder; see schemas/recording.schema.json." },
  "stream-shape": { short: "A streamed response's body is not a list of chunks.", help: "A recording with is_streaming true must hold its chunks as a list; re-record the call." },
  "chunk-type": { short: "A streamed chunk has an unexpected type for its endpoint.", help: "The chunk's __type__ does not belong to this endpoint's stream; re-record the call." },
  "test-id": { short: "The test_id does not name a test node.", help: "test_id must be a pytest node id (path::name) or null; the recorder keys isolated recordings by it." },
  "name-hash": {
    short: "The file name is not the hash of its request: the recorder can never find it.",
    help: "Run `recctl explain`/`recctl show` on it: `recctl rehash --write` renames stale files to the name the recorder looks up; a request edited by hand must be re-recorded.",
  },
  "rec-id": { short: "A rec- id does not derive from the file's name.", help: "The recorder rewrites ids to rec-<hash prefix>; `recctl rehash --write` or `recctl normalize --write` puts them back." },
  format: { short: "The file is not in the recorder's formatting (json.dump, indent 2, newline).", help: "`recctl normalize --write` rewrites it as the recorder would, so re-recording gives no git noise." },
  "stale-type": {
    short: "A response __type__ does not import on replay: the test gets a plain dict.",
    help: "The module or class was renamed; `recctl migrate-types <old>=<new> --write` moves the values, or re-record the file.",
  },
  secret: {
    short: "A credential-shaped string (API key, token, private key, password in a URL) is stored in the recording.",
    help: "Revoke the credential and re-record, or `recctl redact --secrets --write` replaces it where the request hash allows; accept a test value by its sha256 prefix or place in [tool.recctl.secrets] allow.",
  },
  "infra-id": {
    short: "A provider project/account id or private resource host (Watsonx project_id, Azure or Databricks host, AWS account, GCP project) is stored in the recording.",
    help: "`recctl redact --write` replaces it by a stable placeholder where the request hash allows; accept it in [tool.recctl.secrets] allow-infra.",
  },
};
