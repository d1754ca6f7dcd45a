// Lint: printing is confined to the reporters and the CLI entry (STYLE.md), no `any` in the core.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "dist-test/**", "node_modules/**", "bench-corpus/**", "examples/**", "scripts/**", "bin/**", "eslint.config.js"] },
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
);
