// Goal: the WebAssembly Keccak-f[1600] is the same permutation as @noble/hashes' keccakP.
// Method: the zero state's known first output word, then 200 seeded random states through both.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccakP } from "@noble/hashes/sha3.js";
import { SeededRandom } from "../util/index.js";
import { keccakF1600 } from "./keccak-wasm.js";

describe("Keccak-f[1600] in WebAssembly", () => {
  it("maps the zero state to the published first lane F1258F7940E1DDE7", () => {
    const words = new Uint32Array(50);
    keccakF1600(words);
    assert.equal(words[0], 0x40e1dde7);
    assert.equal(words[1], 0xf1258f79);
  });

  it("agrees with noble's keccakP on random states", () => {
    const random = new SeededRandom("keccak");
    for (let i = 0; i < 200; i++) {
      const a = new Uint32Array(random.bytes(200).buffer);
      const b = a.slice();
      keccakF1600(a);
      keccakP(b);
      assert.deepEqual(a, b, `state ${i}`);
    }
  });
});
