/**
 * `validate --format sarif`: SARIF 2.1.0 for code-scanning uploads (GitHub's
 * `github/codeql-action/upload-sarif`). Every rule appears in `tool.driver.rules` with its short
 * description and help; each finding is a result with its rule, level, message, the
 * repository-relative path and a region (1-based line and column), and a `partialFingerprints`
 * value that does not move when lines shift (rule, path, pointer and the finding's rank among
 * equal ones), so an alert stays the same alert across commits.
 */
import { createHash } from "node:crypto";
import { isAbsolute, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { ERROR_RULES, WARNING_RULES, type Rule } from "../core/types.js";
import type { Finding } from "../core/validate.js";
import { VERSION } from "../version.js";
import type { Output } from "./output.js";
import { RULE_HELP } from "./rule-help.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT = "recctl/v1";
const RULES: readonly Rule[] = [...ERROR_RULES, ...WARNING_RULES];

export interface SarifInput {
  files: readonly { file: string; errors: readonly Finding[]; warnings: readonly Finding[] }[];
  /** Warnings reported as errors (`--strict`). */
  strict: boolean;
  /** The repository root: paths are given relative to it (`%SRCROOT%`). */
  repoRoot: string;
}

function descriptor(rule: Rule): ReportingDescriptor {
  const help = RULE_HELP[rule];
  const level = (ERROR_RULES as readonly string[]).includes(rule) ? "error" : "warning";
  return {
    id: rule,
    name: rule.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: help.short },
    fullDescription: { text: help.short },
    help: { text: help.help, markdown: help.help },
    defaultConfiguration: { level },
  };
}

/** The file as SARIF names it: relative to the repository (forward slashes), else a file URI. */
function artifact(file: string, repoRoot: string): { uri: string; uriBaseId?: string } {
  const rel = relative(repoRoot, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(sep).join("/"), uriBaseId: "%SRCROOT%" };
}

export function sarifLog({ files, strict, repoRoot }: SarifInput, describe: (f: Finding) => string): Log {
  const index = new Map(RULES.map((r, i) => [r, i]));
  const results: Result[] = [];
  for (const r of files) {
    const location = artifact(r.file, repoRoot);
    const seen = new Map<string, number>();
    const emit = (f: Finding, level: "error" | "warning"): void => {
      const key = `${f.rule}\u0000${location.uri}\u0000${f.pointer}`;
      const rank = seen.get(key) ?? 0;
      seen.set(key, rank + 1);
      results.push({
        ruleId: f.rule,
        ruleIndex: index.get(f.rule) ?? -1,
        level,
        message: { text: describe(f) },
        locations: [{ physicalLocation: { artifactLocation: location, region: { startLine: f.line ?? 1, startColumn: f.column ?? 1 } } }],
        partialFingerprints: { [FINGERPRINT]: createHash("sha256").update(`${key}\u0000${rank}`).digest("hex") },
      });
    };
    for (const f of r.errors) emit(f, "error");
    for (const f of r.warnings) emit(f, strict ? "error" : "warning");
  }
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "recctl", version: VERSION, semanticVersion: VERSION, rules: RULES.map(descriptor) } },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(repoRoot.endsWith(sep) ? repoRoot : `${repoRoot}${sep}`).href } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

export function printSarif(output: Output, input: SarifInput, describe: (f: Finding) => string): void {
  output.out(JSON.stringify(sarifLog(input, describe), null, 2));
}
