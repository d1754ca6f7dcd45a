// Build step: compiles the bundled schemas once with ajv's standalone code generator, so neither
// `recctl validate` (the recording schema) nor reading a config (the config schema) loads ajv or
// compiles a schema at start-up (pre-commit speed).
import { readFileSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

// `node scripts/build-schema.mjs dist-test/src` puts them beside the test build's modules too.
const outDir = process.argv[2] ?? "dist";

function precompile(schemaFile, outFile, { exportSchema = false, options = {} } = {}) {
  const schema = JSON.parse(readFileSync(new URL(`../schemas/${schemaFile}`, import.meta.url), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true }, ...options });
  // The config schema's `x-expected` says in words what a key takes (for messages); not a check.
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  const code = standaloneCode.default ? standaloneCode.default(ajv, ajv.compile(schema)) : standaloneCode(ajv, ajv.compile(schema));
  // The generated ESM still `require`s ajv's small runtime helpers; turn those into imports.
  const imports = [];
  const esm = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)/g, (_m, mod) => {
    const name = `runtime${imports.length}`;
    imports.push(`import ${name} from "${mod}.js";`);
    return name;
  });
  // The config loader walks the schema itself (suggestions, expected values, inheritance).
  const extra = exportSchema ? `\nexport const schema = ${JSON.stringify(schema)};\n` : "";
  writeFileSync(new URL(`../${outDir}/${outFile}`, import.meta.url), `${imports.join("\n")}\n${esm}${extra}`);
}

precompile("recording.schema.json", "schema-validator.js");
precompile("config.schema.json", "config-validator.js", { exportSchema: true, options: { strict: true, strictRequired: false } });
