/**
 * Goal: hostile input never throws out of the SCP node, and the loss-tolerance wrapper re-sends
 * the latest messages after silence.
 * Method: fast-check generates arbitrary objects shaped roughly like messages (wrong types,
 * missing fields, huge counters, odd quorum sets) and feeds them to a node in a valid state; the
 * node must return normally and count each rejection. A two-node run checks `RebroadcastingNode`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  fixedPriority,
  flatQuorumSet,
  RebroadcastingNode,
  type ScpMessage,
  ScpNode,
  sortedCombine,
} from "./index.js";

const bytes = fc.uint8Array({ minLength: 0, maxLength: 3 });
const counter = fc.oneof(
  fc.integer({ min: -2, max: 6 }),
  fc.constant(0xffff_ffff),
  fc.constant(2 ** 40),
  fc.double(),
);
const ballot = fc.record(
  { n: counter, x: fc.array(bytes, { maxLength: 3 }) },
  { requiredKeys: [] },
);
const qset = fc.letrec((tie) => ({
  q: fc.record(
    {
      threshold: counter,
      members: fc.array(
        fc.oneof(
          fc.record({
            type: fc.constant("Node"),
            args: fc.record({ id: fc.constantFrom("a", "b", "c", "") }),
          }),
          fc.record({ type: fc.constant("InnerSet"), args: tie("q") }),
          fc.anything(),
        ),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: [] },
  ),
})).q;
const topic = fc.oneof(
  fc.record({
    type: fc.constant("Nominate"),
    nominate: fc.record({
      x: fc.array(bytes, { maxLength: 4 }),
      y: fc.array(bytes, { maxLength: 4 }),
    }),
  }),
  fc.record({
    type: fc.constantFrom("Prepare", "NominatePrepare"),
    nominate: fc.anything(),
    prepare: fc.record(
      {
        b: ballot,
        p: fc.option(ballot, { nil: undefined }),
        pp: fc.option(ballot, { nil: undefined }),
        cn: counter,
        hn: counter,
      },
      { requiredKeys: ["b"] },
    ),
  }),
  fc.record({
    type: fc.constant("Commit"),
    commit: fc.record({ b: ballot, pn: counter, cn: counter, hn: counter }, { requiredKeys: [] }),
  }),
  fc.record({
    type: fc.constant("Externalize"),
    externalize: fc.record({ c: ballot, hn: counter }, { requiredKeys: [] }),
  }),
  fc.anything(),
);
const message = fc.oneof(
  fc.record(
    {
      sender: fc.record({ id: fc.constantFrom("a", "b", "c", "me", "") }),
      slot: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.double()),
      quorumSet: qset,
      topic,
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

describe("SCP robustness", () => {
  test("arbitrary hostile messages never throw out of the node", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), (msgs) => {
        const n = new ScpNode({
          local: { id: "me" },
          quorumSet: flatQuorumSet(2, ["a", "b", "c"]),
          combine: sortedCombine(),
          priorityHash: fixedPriority(["me"]),
        });
        n.propose([new Uint8Array([1])], 0);
        const out = n.handleMessages(msgs as ScpMessage[], 10);
        n.processTimeouts(5000);
        assert.ok(Array.isArray(out.messages));
      }),
      { seed: 99, numRuns: 500 },
    );
  });

  test("RebroadcastingNode re-sends the latest message after the interval of silence", () => {
    const n = new ScpNode({
      local: { id: "me" },
      quorumSet: flatQuorumSet(1, ["a"]),
      combine: sortedCombine(),
      priorityHash: fixedPriority(["me"]),
    });
    const host = new RebroadcastingNode(n, 300, 0);
    const first = host.propose([new Uint8Array([7])], 0);
    assert.equal(first.messages.length, 1);
    assert.equal(first.wakeAtMs, 300, "re-broadcast due before the 1000 ms round timer");
    assert.equal(host.processTimeouts(299).messages.length, 0);
    const again = host.processTimeouts(300);
    assert.deepEqual(again.messages, first.messages, "the same latest message");
    assert.equal(again.wakeAtMs, 600);
  });
});

describe("SCP per-slot bounds", () => {
  test("a peer rotating huge quorum sets cannot grow a slot's node index past its limit", () => {
    const n = new ScpNode({
      local: { id: "me" },
      quorumSet: flatQuorumSet(1, ["a"]),
      combine: sortedCombine(),
      priorityHash: fixedPriority(["me"]),
    });
    const x = [new Uint8Array([1])];
    let rejected = 0;
    for (let i = 1; i <= 40; i++) {
      const q = flatQuorumSet(
        1,
        Array.from({ length: 1000 }, (_, j) => `r${i}-${j}`),
      );
      n.handleMessages(
        [
          {
            sender: { id: "a" },
            slot: 1,
            quorumSet: q,
            topic: { type: "Prepare", prepare: { b: { n: i, x }, cn: 0, hn: 0 } },
          },
        ],
        i,
      );
      rejected = n.stats.rejected.QSET_TOO_LARGE ?? 0;
    }
    assert.ok(rejected >= 20, `rejected ${rejected}`);
  });
});
