// Builds dist/ after `npm ci` / `npm install` in a clone (TypeScript is a dev dependency there).
// In an installed package dist/ is already present and this does nothing. Not a `prepare`
// script on purpose: npm prints prepare's banner on stdout during `npm pack`, and pre-commit
// (which runs `npm pack` to install node hooks) takes that whole stdout as the tarball name.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const root = new URL("../", import.meta.url);
if (!existsSync(new URL("dist/cli.js", root)) && existsSync(new URL("tsconfig.json", root))) {
  const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  process.exit(result.status ?? 1);
}
