#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step between `npm ci` and use.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/consensus-service.ts");
const code = await main(process.argv.slice(2));
process.exitCode = code;
// The node is closed by now; a handle some library left open must not keep the process alive.
setTimeout(() => process.exit(code), 1_000).unref();
