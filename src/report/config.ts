/** Reporters for `config`: each setting, its value and where it came from. */
import type { ConfigError, ResolvedSetting, SettingSource } from "../core/workspace/config.js";
import { printJson, type Output } from "./output.js";
import type { Reporters } from "./index.js";

/** What `config` hands its reporter. */
export interface ConfigReport {
  config_file: string | null;
  disabled: boolean;
  command: string | null;
  /** By key (`strict`, `validate.strict`); `path`: the value is a path or paths (shown relative). */
  settings: Record<string, ResolvedSetting & { path: boolean }>;
}

/** `config pyproject.toml:12`, `option`, `env`, `default`. */
function sourceText(output: Output, source: SettingSource): string {
  if (source.kind !== "config") return source.kind;
  return `config ${output.path(source.file)}${source.line === null ? "" : `:${source.line}`}`;
}

/** A value as TOML would write it; paths shown relative to the current folder. */
function valueText(output: Output, value: unknown, path: boolean): string {
  if (value === null || value === undefined) return "(none)";
  if (typeof value === "string") return JSON.stringify(path ? output.path(value) : value);
  if (Array.isArray(value)) return `[${value.map((v) => valueText(output, v, path)).join(", ")}]`;
  if (typeof value === "object") return `{ ${Object.entries(value).map(([k, v]) => `${k} = ${valueText(output, v, false)}`).join(", ")} }`;
  return String(value);
}

function text(output: Output, report: ConfigReport): void {
  const c = output.color;
  const file =
    report.config_file !== null
      ? output.path(report.config_file)
      : report.disabled
        ? c.dim("none (--no-config)")
        : c.dim("none found");
  output.out(`config file: ${file}${report.command === null ? "" : c.dim(`  (settings of ${report.command})`)}`);
  const rows = Object.entries(report.settings);
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  for (const [key, setting] of rows) {
    const from = sourceText(output, setting.source);
    const value = valueText(output, setting.value, setting.path);
    const shown = setting.source.kind === "default" ? c.dim(value) : value;
    output.out(`${key.padEnd(width)}  ${shown}  ${c.dim(from)}`);
  }
}

function json(output: Output, report: ConfigReport): void {
  const entries = Object.entries(report.settings);
  printJson(output, {
    config_file: report.config_file === null ? null : output.path(report.config_file),
    command: report.command,
    settings: Object.fromEntries(entries.map(([k, s]) => [k, s.value ?? null])),
    sources: Object.fromEntries(entries.map(([k, s]) => [k, sourceText(output, s.source)])),
  });
}

export const configReporters: Reporters<"config"> = { text, json };

/** A config error as the lines stderr shows: `pyproject.toml:41: unknown key 'strick' …`, one per problem. */
export function configErrorLines(output: Output, err: ConfigError): string[] {
  return err.problems.map((p) => `${output.path(err.file)}${p.line === null ? "" : `:${p.line}`}: ${p.text}`);
}
