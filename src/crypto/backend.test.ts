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
  it("encodes, decodes and derives elements identically (RFC 9496)", () => {
    for (let i = 0; i < 64; i++) {
      const uniform = rng.bytes(64);
      const a = wasmBackend.fromUniformBytes(uniform);
      const b = nobleBackend.fromUniformBytes(uniform);
      assert.equal(toHex(wasmBackend.encode(a)), enc(b), `seed ${SEED} i=${i}`);
      const bytes = nobleBackend.encode(b);
      assert.ok(nobleBackend.equals(wasmBackend.decode(bytes)!, b));
      // Random strings: both accept or both reject, and agree on the element.
      const raw = rng.bytes(32);
      if (i % 2 === 0) raw[0]! &= 0xfe;
      const x = wasmBackend.decode(raw);
      const y = nobleBackend.decode(raw);
      assert.equal(x === undefined, y === undefined, `seed ${SEED} decode i=${i}`);
      if (x !== undefined && y !== undefined) assert.equal(toHex(wasmBackend.encode(x)), enc(y));
    }
    const id = wasmBackend.decode(new Uint8Array(32));
    assert.ok(id !== undefined && nobleBackend.isIdentity(id));
    assert.equal(toHex(wasmBackend.encode(nobleBackend.identity)), "00".repeat(32));
    const p = 2n ** 255n - 19n;
    const nonCanonical = new Uint8Array(32);
    let v = p;
    for (let i = 0; i < 32; i++) {
      nonCanonical[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    assert.equal(wasmBackend.decode(nonCanonical), undefined);
  });

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
