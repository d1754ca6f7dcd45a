#!/usr/bin/env node
// The launcher: node's on-disk compile cache (Node 22.8+; absent on Node 20, where this is a
// no-op) before the bundle is loaded, so later starts skip compiling it.
import module from "node:module";

module.enableCompileCache?.();
const { run } = await import("../dist/cli.js");
await run(process.argv);
