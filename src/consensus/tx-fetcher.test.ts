// Goal: the fetcher asks in chunks of 100, retries a retryable failure after MobileCoin's
// Fibonacci::from_millis(100).take(10) delays (100, 100, 200, 300, 500, 800, 1300, 2100, 3400,
// 5500 ms) and then gives up, remembers per peer what it cannot serve until the next slot, never
// asks one peer twice for the same hash at once, and keeps peers independent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TxFetcher } from "./tx-fetcher.js";

const h = (n: number) => {
  const v = new Uint8Array(32);
  v[0] = n >> 8;
  v[1] = n & 0xff;
  return v;
};
const hs = (from: number, count: number) => Array.from({ length: count }, (_, i) => h(from + i));

describe("TxFetcher", () => {
  it("asks in chunks of 100, and not again for hashes already asked", () => {
    const f = new TxFetcher();
    const actions = f.need("p", hs(0, 250));
    assert.deepEqual(
      actions.map((a) => a.txHashes.length),
      [100, 100, 50],
    );
    assert.ok(actions.every((a) => a.peer === "p"));
    assert.deepEqual(
      f.need("p", hs(200, 60)).map((a) => a.txHashes),
      [hs(250, 10)],
    );
    // Another peer is asked independently.
    assert.equal(f.need("q", hs(0, 5)).length, 1);
  });

  it("retries a retryable failure on MobileCoin's Fibonacci schedule, 10 retries, then gives up", () => {
    const f = new TxFetcher();
    const [a] = f.need("p", [h(1)]);
    assert.ok(a);
    const expected = [100, 100, 200, 300, 500, 800, 1300, 2100, 3400, 5500];
    let now = 0;
    for (const delay of expected) {
      assert.equal(f.result(a.id, { kind: "failed", retryable: true }, now), undefined);
      assert.equal(f.nextDeadlineMs(), now + delay);
      assert.deepEqual(f.tick(now + delay - 1), []);
      const again = f.tick(now + delay);
      assert.equal(again.length, 1);
      assert.equal(again[0]?.id, a.id);
      now += delay;
    }
    const settled = f.result(a.id, { kind: "failed", retryable: true }, now);
    assert.deepEqual(settled?.unavailable, [h(1)]);
    assert.equal(f.inFlight, 0);
    assert.equal(f.isUnavailable("p", [h(1)]), true);
  });

  it("a non-retryable failure gives up at once", () => {
    const f = new TxFetcher();
    const [a] = f.need("p", [h(1), h(2)]);
    assert.ok(a);
    const settled = f.result(a.id, { kind: "failed", retryable: false }, 0);
    assert.deepEqual(settled?.unavailable, [h(1), h(2)]);
    assert.equal(f.nextDeadlineMs(), null);
  });

  it("NotInCache hashes are unavailable from that peer only, until the next slot", () => {
    const f = new TxFetcher();
    const [a] = f.need("p", [h(1), h(2)]);
    assert.ok(a);
    const settled = f.result(a.id, { kind: "not-in-cache", txHashes: [h(2)] }, 0);
    assert.deepEqual(settled?.unavailable, [h(2)]);
    assert.equal(f.isUnavailable("p", [h(1)]), false);
    assert.equal(f.isUnavailable("p", [h(1), h(2)]), true);
    assert.equal(f.isUnavailable("q", [h(2)]), false);
    f.newSlot();
    assert.equal(f.isUnavailable("p", [h(2)]), false);
  });

  it("a delivered chunk is settled and its hashes may be asked again later", () => {
    const f = new TxFetcher();
    const [a] = f.need("p", [h(1)]);
    assert.ok(a);
    assert.deepEqual(f.result(a.id, { kind: "delivered", txs: [] }, 0)?.unavailable, []);
    assert.equal(f.need("p", [h(1)]).length, 1);
  });

  it("ignores a report for an unknown id or for a request waiting to retry", () => {
    const f = new TxFetcher();
    assert.equal(f.result(42, { kind: "delivered", txs: [] }, 0), undefined);
    const [a] = f.need("p", [h(1)]);
    assert.ok(a);
    f.result(a.id, { kind: "failed", retryable: true }, 0);
    assert.equal(f.result(a.id, { kind: "delivered", txs: [] }, 1), undefined);
    assert.equal(f.inFlight, 1);
  });
});
