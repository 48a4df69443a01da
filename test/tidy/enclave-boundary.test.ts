// Goal: the tidy rules keep the enclave implementation behind its boundary: src/enclave/impl/ is
// pure (no clock, no ambient randomness, no environment, only node:crypto), and only the enclave
// process and the in-process host import it (the baked-in constants excepted).
// Method: synthetic files through the checker, plus the real tree through the tidy test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkFile, type Violation } from "./layering.js";

function rules(path: string, text: string): Violation["rule"][] {
  return checkFile({ path, text }).map((v) => v.rule);
}

describe("enclave boundary rules", () => {
  it("holds src/enclave/impl/ to the pure rules", () => {
    assert.deepEqual(rules("src/enclave/impl/x.ts", "const t = Date.now();"), ["banned-api"]);
    assert.deepEqual(rules("src/enclave/impl/x.ts", "const r = Math.random();"), ["banned-api"]);
    assert.deepEqual(rules("src/enclave/impl/x.ts", `import { readFileSync } from "node:fs";`), [
      "builtin",
    ]);
    assert.deepEqual(
      rules("src/enclave/impl/x.ts", `import { createHash } from "node:crypto";`),
      [],
    );
    assert.deepEqual(rules("src/enclave/host/x.ts", "const t = Date.now();"), []);
  });

  it("lets only the enclave process and the in-process host import the implementation", () => {
    const impl = `import { SoftwareEnclave } from "../impl/enclave.js";`;
    assert.deepEqual(rules("src/enclave/process/entry.ts", impl), []);
    assert.deepEqual(rules("src/enclave/host/in-process.ts", impl), []);
    assert.deepEqual(rules("src/enclave/impl/other.ts", `import { x } from "./seal.js";`), []);
    assert.deepEqual(rules("src/enclave/host/child-process.ts", impl), ["enclave-boundary"]);
    assert.deepEqual(rules("src/enclave/codec/x.ts", `import { s } from "../impl/seal.js";`), [
      "enclave-boundary",
    ]);
    assert.deepEqual(rules("src/enclave/index.ts", `export { S } from "./impl/enclave.js";`), [
      "enclave-boundary",
    ]);
    assert.deepEqual(
      rules("src/enclave/bundle/m.ts", `import { B } from "../impl/constants.js";`),
      [],
    );
    assert.deepEqual(rules("src/enclave/index.ts", `export { B } from "./impl/constants.js";`), []);
  });
});
