// Goal: the WebAssembly BLAKE2b equals the reference implementation for every digest length and
// across block boundaries and part splits. Method: seeded random messages of lengths around the
// 128-byte block size, split at random points, compared with @noble/hashes' blake2b.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blake2b } from "@noble/hashes/blake2.js";
import { SeededRandom, toHex } from "../util/index.js";
import { blake2bWasm } from "./blake2b-wasm.js";

describe("BLAKE2b (WebAssembly)", () => {
  it("matches @noble/hashes for lengths 0..1100, digest sizes 1..64, any split", () => {
    const rng = new SeededRandom(2718);
    for (const n of [0, 1, 2, 63, 64, 127, 128, 129, 255, 256, 257, 511, 512, 1100]) {
      for (const outLen of [1, 20, 32, 48, 64]) {
        const m = rng.bytes(n);
        const cut = rng.nextInt(n + 1);
        const got = blake2bWasm(outLen, [m.subarray(0, cut), new Uint8Array(0), m.subarray(cut)]);
        assert.equal(toHex(got), toHex(blake2b(m, { dkLen: outLen })), `n=${n} out=${outLen}`);
      }
    }
    assert.throws(() => blake2bWasm(65, []), RangeError);
  });
});
