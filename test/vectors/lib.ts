/**
 * Shared helpers for the vector suites: where the vectors are, reading a `.jsonl` file, and
 * running one check per line while counting, so a suite can prove it asserted every line.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { VECTOR_REGISTRY } from "./registry.js";

/** MC_VECTORS_DIR, defaulting (like scripts/run-tests.mjs) to ../shared/vectors from the repo. */
export const VECTORS_DIR = path.resolve(
  process.env.MC_VECTORS_DIR ??
    path.resolve(import.meta.dirname, "..", "..", "..", "shared", "vectors"),
);

/** The non-empty lines of a registered vector file, parsed as JSON objects. */
export function readVectorLines<T>(relativePath: string): T[] {
  assert.ok(relativePath in VECTOR_REGISTRY, `${relativePath} is not in the vector registry`);
  const text = readFileSync(path.join(VECTORS_DIR, relativePath), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch (e) {
        throw new Error(`${relativePath}:${i + 1}: not JSON: ${(e as Error).message}`);
      }
    });
}

/**
 * Run `check` on every line of the file and assert afterwards that the number of lines checked
 * equals the number of lines in the file. A failing line names the file and line number.
 */
export function forEachVector<T>(
  relativePath: string,
  check: (line: T, index: number) => void,
): number {
  const lines = readVectorLines<T>(relativePath);
  assert.ok(lines.length > 0, `${relativePath} has no cases`);
  let asserted = 0;
  lines.forEach((line, i) => {
    try {
      check(line, i);
    } catch (e) {
      if (e instanceof Error) e.message = `${relativePath}:${i + 1}: ${e.message}`;
      throw e;
    }
    asserted++;
  });
  assert.equal(asserted, lines.length, `${relativePath}: asserted ${asserted} of ${lines.length}`);
  return asserted;
}

/** Bytes from a JSON array of numbers (the account and b58 files). */
export function arrayBytes(values: readonly number[]): Uint8Array {
  assert.ok(Array.isArray(values), "expected a byte array");
  return new Uint8Array(values);
}

/** Bytes from a hex string (the memo, record and digest files). */
export function hexBytes(hex: string): Uint8Array {
  assert.match(hex, /^(?:[0-9a-f]{2})*$/, "expected lowercase hex");
  return new Uint8Array(Buffer.from(hex, "hex"));
}
