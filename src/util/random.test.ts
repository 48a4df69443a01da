// Goal: seeded randomness repeats exactly, forks independently and stays unbiased in range.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SeededRandom } from "./random.js";

describe("SeededRandom", () => {
  it("repeats for the same seed and differs for another", () => {
    const a = new SeededRandom("seed-1");
    const b = new SeededRandom("seed-1");
    const c = new SeededRandom("seed-2");
    const xs = Array.from({ length: 8 }, () => a.nextU32());
    assert.deepEqual(
      xs,
      Array.from({ length: 8 }, () => b.nextU32()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 8 }, () => c.nextU32()),
    );
  });
  it("forks streams that do not depend on the parent's position", () => {
    const a = new SeededRandom(7);
    const before = a.fork("net").nextU32();
    a.nextU32();
    assert.equal(a.fork("net").nextU32(), before);
    assert.notEqual(a.fork("other").nextU32(), before);
  });
  it("keeps nextInt in range and roughly uniform", () => {
    const r = new SeededRandom("uniform");
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const v = r.nextInt(6);
      assert.ok(v >= 0 && v < 6);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    for (const n of counts) assert.ok(n > 9_000 && n < 11_000, `bucket ${n}`);
    assert.throws(() => r.nextInt(0), RangeError);
  });
  it("fills bytes of any length and keeps floats in [0, 1)", () => {
    const r = new SeededRandom("bytes");
    assert.equal(r.bytes(7).length, 7);
    for (let i = 0; i < 1000; i++) {
      const f = r.nextFloat();
      assert.ok(f >= 0 && f < 1);
    }
  });
});
