// Goal: every vector file under MC_VECTORS_DIR is consumed by a suite (SPEC §4.1), so a new or
// renamed upstream file fails loudly instead of being skipped. Method: walk the folder and compare
// with the registry in both directions; each registered suite must exist and name its file.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { VECTORS_DIR } from "./lib.js";
import { VECTOR_REGISTRY } from "./registry.js";

const here = import.meta.dirname;

function vectorFiles(): string[] {
  return readdirSync(VECTORS_DIR, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => f.split(path.sep).join("/"))
    .sort();
}

describe("vector registry", () => {
  it("finds the vectors folder", () => {
    assert.ok(existsSync(VECTORS_DIR), `MC_VECTORS_DIR ${VECTORS_DIR} does not exist`);
  });

  it("knows every .jsonl file in the vectors folder (an unknown file is a failure)", () => {
    const unknown = vectorFiles().filter((f) => !(f in VECTOR_REGISTRY));
    assert.deepEqual(unknown, [], `vector files without a suite: ${unknown.join(", ")}`);
  });

  it("lists only files that exist", () => {
    const present = new Set(vectorFiles());
    const missing = Object.keys(VECTOR_REGISTRY).filter((f) => !present.has(f));
    assert.deepEqual(missing, [], `registered vector files missing: ${missing.join(", ")}`);
  });

  it("names suites that exist and read their files", () => {
    for (const [file, suite] of Object.entries(VECTOR_REGISTRY)) {
      const suitePath = path.join(here, suite);
      assert.ok(existsSync(suitePath), `suite ${suite} for ${file} does not exist`);
      const source = readFileSync(suitePath, "utf8");
      const base = path.basename(file);
      assert.ok(source.includes(base), `suite ${suite} never mentions ${base}`);
    }
  });
});
