// Goal: the broadcaster sends each message once per peer, never to its issuer or relayer, one call
// per peer at a time, retries retryable failures on MobileCoin's Fibonacci schedule with jitter,
// drops items older than the maximum age and the oldest item of a full queue, and relays
// transactions only from this node or from peers flagged `consensus-relay-incoming-txs`.
// Method: virtual time; a RandomSource stub with fixed bytes so jittered delays are known (a factor
// of exactly 1/2); every expected delay is written from the schedule d, d, 2d, … by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RandomSource } from "../util/index.js";
import {
  type BroadcastAction,
  Broadcaster,
  type BroadcasterOptions,
  decodeTxProposeAad,
  retryDelaysMs,
} from "./index.js";

/** fillBytes always yields 0x80 00 00 00…: the jitter factor is exactly 0.5. */
const half: RandomSource = {
  fillBytes(out) {
    out.fill(0);
    out[0] = 0x80;
    return out;
  },
};

const key = new Uint8Array(32).fill(1);
const LOCAL = { id: "local:1", publicKey: key };
const digest = (n: number) => new Uint8Array(32).fill(n);

function make(o: Partial<BroadcasterOptions> = {}): Broadcaster {
  return new Broadcaster({
    local: LOCAL,
    peers: [
      { responderId: "a:1" },
      { responderId: "b:1" },
      { responderId: "c:1", relayIncomingTxs: true },
      { responderId: "fetch-only:1", broadcast: false },
    ],
    random: half,
    ...o,
  });
}

const msg = (n: number, issuer = LOCAL.id, receivedFrom = LOCAL.id) =>
  ({
    kind: "consensus-msg",
    digest: digest(n),
    payload: new Uint8Array([n]),
    issuer,
    receivedFrom,
  }) as const;
const peersOf = (actions: BroadcastAction[]) => actions.map((a) => a.peer).sort();
const ok = (a: BroadcastAction) => ({ kind: "result", peer: a.peer, id: a.id, ok: true }) as const;
const fail = (a: BroadcastAction, retryable = true) =>
  ({ kind: "result", peer: a.peer, id: a.id, ok: false, retryable }) as const;

describe("broadcaster: consensus messages", () => {
  it("sends our message to every broadcast peer, as the relayer, and not to fetch-only peers", () => {
    const b = make();
    const out = b.handle(msg(1), 0);
    assert.deepEqual(peersOf(out), ["a:1", "b:1", "c:1"]);
    for (const a of out) {
      assert.equal(a.kind, "send-consensus-msg");
      if (a.kind === "send-consensus-msg") {
        assert.equal(a.fromResponderId, LOCAL.id);
        assert.deepEqual(a.payload, new Uint8Array([1]));
      }
    }
  });

  it("never sends a relayed message back to its issuer or to the peer that relayed it", () => {
    const b = make();
    assert.deepEqual(peersOf(b.handle(msg(2, "a:1", "b:1"), 0)), ["c:1"]);
  });

  it("does not send a message it has already broadcast", () => {
    const b = make();
    const first = b.handle(msg(3), 0);
    for (const a of first) b.handle(ok(a), 1);
    assert.deepEqual(b.handle(msg(3, "a:1", "a:1"), 2), []);
    assert.equal(b.stats.duplicates, 1);
    assert.equal(b.pending("b:1"), 0);
  });

  it("remembers a bounded number of messages (least recently seen forgotten first)", () => {
    const b = make({ peers: [{ responderId: "a:1" }], seenMessages: 2 });
    const settle = (actions: BroadcastAction[], t: number) => {
      for (const a of actions) b.handle(ok(a), t);
    };
    settle(b.handle(msg(1), 0), 0);
    settle(b.handle(msg(2), 0), 0);
    assert.deepEqual(b.handle(msg(1), 1), [], "a hit refreshes 1");
    settle(b.handle(msg(3), 2), 2); // evicts 2, the least recently seen
    assert.deepEqual(b.handle(msg(1), 3), []);
    assert.equal(b.handle(msg(2), 4).length, 1);
  });

  it("keeps one call in flight per peer, in queue order", () => {
    const b = make({ peers: [{ responderId: "a:1" }] });
    const [first] = b.handle(msg(1), 0);
    assert.deepEqual(b.handle(msg(2), 0), []);
    assert.deepEqual(b.handle(msg(3), 0), []);
    const [second] = b.handle(ok(first as BroadcastAction), 5);
    assert.deepEqual(second?.kind === "send-consensus-msg" && second.payload, new Uint8Array([2]));
    const [third] = b.handle(ok(second as BroadcastAction), 6);
    assert.deepEqual(third?.kind === "send-consensus-msg" && third.payload, new Uint8Array([3]));
  });

  it("retries a retryable failure after d·½ then 2nd delay·½, gives up after 3 attempts", () => {
    assert.deepEqual(retryDelaysMs(), [1000, 1000]);
    assert.deepEqual(retryDelaysMs(5, 100), [100, 100, 200, 300]);
    const b = make({ peers: [{ responderId: "a:1" }] });
    const [a1] = b.handle(msg(1), 0);
    assert.deepEqual(b.handle(fail(a1 as BroadcastAction), 10), []);
    assert.equal(b.nextDeadlineMs(), 510);
    assert.deepEqual(b.tick(509), []);
    const [a2] = b.tick(510);
    assert.ok(a2 !== undefined && a2.id !== a1?.id);
    b.handle(fail(a2), 600);
    assert.equal(b.nextDeadlineMs(), 1100);
    const [a3] = b.tick(1100);
    assert.ok(a3 !== undefined);
    assert.deepEqual(b.handle(fail(a3), 1200), []);
    assert.equal(b.stats.failed, 1);
    assert.equal(b.pending("a:1"), 0);
  });

  it("does not retry a failure that is not retryable", () => {
    const b = make({ peers: [{ responderId: "a:1" }] });
    const [a1] = b.handle(msg(1), 0);
    b.handle(fail(a1 as BroadcastAction, false), 10);
    assert.equal(b.nextDeadlineMs(), null);
    assert.equal(b.stats.failed, 1);
  });

  it("drops items older than the maximum age, including a call that never returned", () => {
    const b = make({ peers: [{ responderId: "a:1" }], maxMessageAgeMs: 30_000 });
    const [stuck] = b.handle(msg(1), 0);
    b.handle(msg(2), 100);
    assert.equal(b.nextDeadlineMs(), 30_001);
    assert.deepEqual(b.tick(30_000), []);
    const [next] = b.tick(30_001);
    assert.deepEqual(next?.kind === "send-consensus-msg" && next.payload, new Uint8Array([2]));
    assert.equal(b.stats.expired, 1);
    // The abandoned call's late answer changes nothing.
    assert.deepEqual(b.handle(ok(stuck as BroadcastAction), 30_002), []);
    assert.equal(b.pending("a:1"), 1);
    // msg 2 fails at 30 200 and would retry at 30 700 > its deadline 30 100: dropped, not sent.
    b.handle(fail(next as BroadcastAction), 30_200);
    assert.deepEqual(b.tick(30_700), []);
    assert.equal(b.stats.expired, 2);
  });

  it("drops the oldest queued item when a peer's queue is full", () => {
    const b = make({ peers: [{ responderId: "a:1" }], queueCapacity: 2 });
    const [first] = b.handle(msg(1), 0);
    b.handle(msg(2), 0);
    b.handle(msg(3), 0);
    b.handle(msg(4), 0); // queue holds 2, 3: 2 is dropped
    assert.equal(b.stats.queueFullDrops, 1);
    const [x] = b.handle(ok(first as BroadcastAction), 1);
    assert.deepEqual(x?.kind === "send-consensus-msg" && x.payload, new Uint8Array([3]));
    const [y] = b.handle(ok(x as BroadcastAction), 2);
    assert.deepEqual(y?.kind === "send-consensus-msg" && y.payload, new Uint8Array([4]));
  });
});

describe("broadcaster: transaction relay", () => {
  const tx = (n: number, originNode = LOCAL, relayedBy?: string) =>
    ({ kind: "tx", txHash: digest(n), originNode, ...(relayedBy ? { relayedBy } : {}) }) as const;

  it("proposes a client transaction to every broadcast peer with TxProposeAAD{origin, relayed_by = us}", () => {
    const b = make();
    const out = b.handle(tx(1), 0);
    assert.deepEqual(peersOf(out), ["a:1", "b:1", "c:1"]);
    for (const a of out) {
      assert.equal(a.kind, "propose-tx");
      if (a.kind === "propose-tx") {
        assert.deepEqual(a.txHash, digest(1));
        assert.deepEqual(decodeTxProposeAad(a.aad), { originNode: LOCAL, relayedBy: LOCAL.id });
      }
    }
  });

  it("does not relay a transaction from a peer without consensus-relay-incoming-txs", () => {
    const b = make();
    const origin = { id: "a:1", publicKey: key };
    assert.deepEqual(b.handle(tx(2, origin, "a:1"), 0), []);
    assert.equal(b.stats.txNotRelayed, 1);
    assert.equal(b.relaysTxsFrom("a:1"), false);
  });

  it("relays from a flagged origin, skipping the origin and the relayer, once per hash", () => {
    const b = make();
    const origin = { id: "c:1", publicKey: key };
    const out = b.handle(tx(3, origin, "b:1"), 0);
    assert.deepEqual(peersOf(out), ["a:1"]);
    const a = out[0];
    assert.ok(a?.kind === "propose-tx");
    assert.deepEqual(decodeTxProposeAad(a.aad), { originNode: origin, relayedBy: LOCAL.id });
    b.handle(ok(a), 1);
    assert.deepEqual(b.handle(tx(3, origin, "a:1"), 2), []);
    assert.equal(b.stats.duplicates, 1);
  });
});
