// Lint: printing is confined to the reporters and the CLI entry (STYLE.md), no `any` in the core.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "dist-test/**", ".build/**", "node_modules/**", "bench-corpus/**", "examples/**", "scripts/**", "bin/**", "eslint.config.js"] },
  {
    files: ["src/**/*.ts", "test/**/*.ts"],
    extends: [tseslint.configs.recommended],
    rules: {
      "no-console": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "only src/cli.ts decides the exit" },
        { object: "process", property: "stdout", message: "print through src/report/output.ts" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      // `const { dropped: _x, ...rest } = obj` is how a test removes a field.
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["src/cli.ts", "src/report/**/*.ts", "test/**/*.ts"],
    rules: { "no-console": "off", "no-restricted-properties": "off" },
  },
  // Layers (STYLE.md): the core knows neither commands, reporters nor the CLI; commands and
  // reporters never import the CLI wiring; the core never asks for the current folder.
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/commands/*", "**/report/*", "**/cli.js"], message: "the core returns data; commands and reporters use it, not the reverse" }] }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "only src/cli.ts decides the exit" },
        { object: "process", property: "stdout", message: "the core never prints" },
        { object: "process", property: "stderr", message: "the core never prints" },
        { object: "process", property: "cwd", message: "the workspace (core/workspace) holds the current folder" },
      ],
    },
  },
  {
    files: ["src/commands/**/*.ts", "src/report/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/cli.js"], message: "only the entry wires commands" }] }] },
  },
);
