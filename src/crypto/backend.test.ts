// Goal: the WebAssembly-accelerated backend computes exactly what the pure @noble/curves backend
// computes, for every path (single multiplication, basepoint table, Straus and Pippenger MSMs,
// fixed-point tables), including zero scalars, identity points, ℓ−1 and the largest windows.
// Method: seeded random inputs through both backends, compared by canonical encoding.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SeededRandom, toHex } from "../util/index.js";
import { nobleBackend } from "./backend-noble.js";
import { wasmBackend } from "./backend-wasm.js";
import { GROUP_ORDER, Scalars } from "./ristretto.js";

const SEED = 8128;
const rng = new SeededRandom(SEED);
const enc = (p: Parameters<typeof nobleBackend.encode>[0]) => toHex(nobleBackend.encode(p));
const randomPoint = () => nobleBackend.fromUniformBytes(rng.bytes(64));

function scalarFor(i: number): bigint {
  if (i % 11 === 0) return 0n;
  if (i % 13 === 1) return GROUP_ORDER - 1n;
  if (i % 17 === 2) return 1n;
  return Scalars.random(rng);
}

describe("wasm backend agrees with noble", () => {
  it("single and basepoint multiplications", () => {
    for (let i = 0; i < 24; i++) {
      const p = i === 5 ? nobleBackend.identity : randomPoint();
      const s = scalarFor(i);
      assert.equal(enc(wasmBackend.mul(p, s)), enc(nobleBackend.mul(p, s)), `seed ${SEED} i=${i}`);
      assert.equal(
        enc(wasmBackend.mulBase(s)),
        enc(nobleBackend.mulBase(s)),
        `seed ${SEED} i=${i}`,
      );
    }
  });

  it("MSMs of every size class (Straus and Pippenger)", () => {
    for (const n of [1, 2, 3, 9, 40, 170, 420]) {
      const points = Array.from({ length: n }, (_, i) =>
        i === 4 ? nobleBackend.identity : randomPoint(),
      );
      const scalars = points.map((_, i) => scalarFor(i));
      const expected = enc(nobleBackend.msm(points, scalars));
      assert.equal(enc(wasmBackend.msm(points, scalars)), expected, `seed ${SEED} n=${n}`);
      const fixed = wasmBackend.fixedMsm(points);
      assert.equal(enc(fixed(scalars)), expected, `seed ${SEED} fixed n=${n}`);
      assert.equal(enc(fixed(scalars)), expected, "a fixed table is reusable");
    }
    assert.equal(enc(wasmBackend.msm([], [])), enc(nobleBackend.identity));
  });
});
