#!/usr/bin/env node
// Runs the built dist/consensus-service.js when it is fresh, else the TypeScript sources through tsx
// (see dist-fresh.mjs for why that choice is safe).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runMain } from "./dist-fresh.mjs";

await runMain(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
  "consensus-service",
);
