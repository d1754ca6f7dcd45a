// Build step: compiles the bundled schema once with ajv's standalone code generator, so
// `recctl validate` neither loads ajv nor compiles the schema at start-up (pre-commit speed).
import { readFileSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

const schema = JSON.parse(readFileSync(new URL("../schemas/recording.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true } });
const code = standaloneCode.default ? standaloneCode.default(ajv, ajv.compile(schema)) : standaloneCode(ajv, ajv.compile(schema));
// The generated ESM still `require`s ajv's small runtime helpers; turn those into imports.
const imports = [];
const esm = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)/g, (_m, mod) => {
  const name = `runtime${imports.length}`;
  imports.push(`import ${name} from "${mod}.js";`);
  return name;
});
// `node scripts/build-schema.mjs dist-test/src` puts it beside the test build's modules too.
const outDir = process.argv[2] ?? "dist";
writeFileSync(new URL(`../${outDir}/schema-validator.js`, import.meta.url), `${imports.join("\n")}\n${esm}`);
