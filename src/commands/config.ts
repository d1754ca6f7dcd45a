/** `recctl config [command]`: each resolved setting and where it came from (SPEC, Configuration). */
import type { CommonOptions, Outcome } from "../options.js";
import { holdsPaths, resolveSettings, settingKeys, type FlagValue, type LoadedConfig, type ResolvedSetting } from "../core/workspace/config.js";
import { loadConfigSchema } from "../core/workspace/config-schema.js";
import type { ConfigReport } from "../report/config.js";
import { reporterFor } from "../report/index.js";

export interface ConfigCommandOptions extends CommonOptions {
  /** The config in force: null when none was found or `--no-config` was given. */
  config: LoadedConfig | null;
  /** `--no-config` was given. */
  disabled: boolean;
  /** Settings as this command sees them (its table over the top level); null: the top level and every table set. */
  command: string | null;
  /** The options of this run, by config key (`root`, …). */
  flags: Readonly<Record<string, FlagValue>>;
  /** The defaults, by config key; a key without one defaults to null. */
  defaults: Readonly<Record<string, unknown>>;
}

/** `table.key` for every key set in a table of the config (`validate.strict`, `secrets.allow`). */
function tableKeys(config: LoadedConfig | null): string[] {
  if (config === null) return [];
  return Object.entries(config.values).flatMap(([table, value]) =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value).map((k) => `${table}.${k}`) : [],
  );
}

export async function configReport(opts: Omit<ConfigCommandOptions, "output" | "json" | "root" | "workspace">): Promise<ConfigReport> {
  const { config, command } = opts;
  const keys = await settingKeys(command);
  const schema = await loadConfigSchema();
  const table = command === null ? [] : [command];
  const settings: ConfigReport["settings"] = {};
  const add = (name: string, setting: ResolvedSetting, path: boolean): void => void (settings[name] = { ...setting, path });
  const resolved = resolveSettings(config, command ?? "config", opts.flags, Object.fromEntries(keys.map((k) => [k, opts.defaults[k] ?? null])));
  for (const [key, setting] of Object.entries(resolved)) add(key, setting, holdsPaths(schema, table, key) || holdsPaths(schema, [], key));
  if (command === null && config !== null) {
    for (const dotted of tableKeys(config)) {
      const [name = "", key = ""] = dotted.split(".");
      const own = resolveSettings(config, name, {}, { [key]: null })[key];
      if (own !== undefined && own.source.kind === "config" && own.source.key === dotted) add(dotted, own, holdsPaths(schema, [name], key));
    }
  }
  return { config_file: config?.file ?? null, disabled: opts.disabled, command, settings };
}

export async function configCommand(opts: ConfigCommandOptions): Promise<Outcome> {
  const report = await configReport(opts);
  (await reporterFor("config", opts))(opts.output, report);
  return "ok";
}
