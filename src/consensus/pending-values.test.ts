// Goal: PendingValues keeps MobileCoin's semantics: arrival order, no duplicates (the first
// first-seen time wins), the first N are what is nominated, PENDING_LIMIT = 500 refuses with
// OVER_CAPACITY, and externalized or invalid values can be purged.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConsensusError } from "./errors.js";
import { CONSENSUS_LIMITS } from "./limits.js";
import { PendingValues } from "./pending-values.js";

const h = (n: number) => {
  const v = new Uint8Array(32);
  v[0] = n >> 8;
  v[1] = n & 0xff;
  return v;
};

describe("PendingValues", () => {
  it("keeps arrival order, not byte order, and nominates the first N", () => {
    const p = new PendingValues();
    for (const n of [7, 3, 9, 1]) assert.equal(p.push(h(n), n * 10), true);
    assert.deepEqual(p.values(), [h(7), h(3), h(9), h(1)]);
    assert.deepEqual(p.first(2), [h(7), h(3)]);
    assert.deepEqual(p.first(10).length, 4);
  });

  it("ignores a duplicate and keeps its first-seen time", () => {
    const p = new PendingValues();
    p.push(h(1), 100);
    assert.equal(p.push(h(1), 200), false);
    assert.equal(p.length, 1);
    assert.deepEqual(p.remove([h(1)]), [{ value: h(1), firstSeenMs: 100 }]);
  });

  it("PENDING_LIMIT is MobileCoin's 500 and the 501st value is OVER_CAPACITY", () => {
    assert.equal(CONSENSUS_LIMITS.pendingValuesMax, 500);
    const p = new PendingValues();
    for (let i = 0; i < 500; i++) p.push(h(i), undefined);
    assert.throws(
      () => p.push(h(500), undefined),
      (e: unknown) => e instanceof ConsensusError && e.code === "OVER_CAPACITY",
    );
    // A duplicate at capacity is not an error: it is already pending.
    assert.equal(p.push(h(0), undefined), false);
    p.remove([h(0)]);
    assert.equal(p.push(h(500), undefined), true);
  });

  it("remove answers removed entries in arrival order; retain drops what fails", () => {
    const p = new PendingValues();
    for (const n of [1, 2, 3, 4]) p.push(h(n), n === 2 ? undefined : n);
    const removed = p.remove([h(4), h(2), h(99)]);
    assert.deepEqual(removed, [
      { value: h(2), firstSeenMs: undefined },
      { value: h(4), firstSeenMs: 4 },
    ]);
    assert.equal(
      p.retain((v) => v[1] !== 3),
      1,
    );
    assert.deepEqual(p.values(), [h(1)]);
  });

  it("stores a copy: the caller may reuse its buffer", () => {
    const p = new PendingValues();
    const v = h(5);
    p.push(v, 0);
    v[0] = 0xff;
    assert.deepEqual(p.values(), [h(5)]);
  });
});
