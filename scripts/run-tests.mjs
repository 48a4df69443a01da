#!/usr/bin/env node
// Runs the test suite with node's built-in runner through the tsx loader.
// Usage: node scripts/run-tests.mjs [DIR_OR_FILE ...]   (default: src and test)
// Test files are `*.test.ts`. MC_VECTORS_DIR defaults to ../shared/vectors from the repo root.
// Node 20's runner does not expand globs itself, so the file list is collected here.
// dist/ is rebuilt first (about a second), so tests that spawn bin/*.mjs run the built files the
// way `npm ci` users do (the bins fall back to tsx only when dist is stale: bin/dist-fresh.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist } from "./build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const roots = args.length > 0 ? args : ["src", "test"];

function collect(target) {
  const abs = path.resolve(root, target);
  if (!existsSync(abs)) {
    console.error(`run-tests: no such file or folder: ${target}`);
    process.exit(2);
  }
  if (statSync(abs).isFile()) return [abs];
  return readdirSync(abs, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".test.ts") && !f.split(path.sep).includes("node_modules"))
    .map((f) => path.join(abs, f));
}

const files = [...new Set(roots.flatMap(collect))].sort();
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}

try {
  await buildDist();
} catch (error) {
  console.error(`run-tests: the build failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const env = { ...process.env };
env.MC_VECTORS_DIR ??= path.resolve(root, "..", "shared", "vectors");

const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    ...files.map((f) => path.relative(root, f)),
  ],
  { cwd: root, env, stdio: "inherit" },
);
process.exit(result.status ?? 1);
