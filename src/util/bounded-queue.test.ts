// Goal: a bounded queue refuses past capacity and keeps FIFO order across wrap-around.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedQueue } from "./bounded-queue.js";

describe("BoundedQueue", () => {
  it("refuses when full and keeps order across wrap-around", () => {
    const q = new BoundedQueue<number>(3);
    assert.ok(q.push(1) && q.push(2) && q.push(3));
    assert.equal(q.push(4), false);
    assert.equal(q.shift(), 1);
    assert.ok(q.push(4));
    assert.deepEqual(q.drain(), [2, 3, 4]);
    assert.equal(q.shift(), undefined);
    assert.equal(q.length, 0);
  });
  it("rejects a non-positive capacity", () => {
    assert.throws(() => new BoundedQueue(0));
  });
});
