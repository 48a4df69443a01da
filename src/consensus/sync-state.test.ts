// Goal: behind-ness follows MobileCoin's SCPNetworkState and LedgerSyncState. Network state: an
// Externalize for slot s implies s, anything else s − 1, stale messages change nothing, and "behind"
// needs the senders ahead to be both blocking and (with us) a quorum — the test_is_behind case of
// scp_network_state.rs. Sync state: 10 s of continuous behind-ness before IsBehind, failed attempts
// back off min(attempts + 1, 60) s, success retries at once, not behind or a local externalize ends it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flatQuorumSet, nestedQuorumSet, type ScpMessage, type Topic } from "../scp/index.js";
import { NetworkState } from "./network-state.js";
import { LedgerSyncState } from "./sync-state.js";

const v = new Uint8Array(32).fill(1);
const ext: Topic = { type: "Externalize", externalize: { c: { n: 1, x: [v] }, hn: 1 } };
const prep: Topic = { type: "Prepare", prepare: { b: { n: 1, x: [v] }, cn: 0, hn: 0 } };
const msg = (id: string, slot: number, topic: Topic): ScpMessage => ({
  sender: { id },
  slot,
  quorumSet: flatQuorumSet(1, ["x"]),
  topic,
});

describe("NetworkState (SCPNetworkState)", () => {
  it("Externalize implies its slot, other topics slot − 1, stale messages are ignored", () => {
    const n = new NetworkState(flatQuorumSet(1, ["a"]));
    n.push(msg("a", 5, prep));
    assert.equal(n.slotOf("a"), 4);
    n.push(msg("a", 5, ext));
    assert.equal(n.slotOf("a"), 5);
    n.push(msg("a", 3, ext));
    assert.equal(n.slotOf("a"), 5);
  });

  it("behind only when the senders ahead are blocking and a quorum (test_is_behind)", () => {
    const local = nestedQuorumSet(2, [
      flatQuorumSet(2, ["2", "3", "4"]),
      flatQuorumSet(2, ["5", "6", "7"]),
    ]);
    const n = new NetworkState(local);
    const localBlock = 5;
    assert.equal(n.isBehind(localBlock), false);
    n.push(msg("2", localBlock + 1, ext));
    assert.equal(n.isBehind(localBlock), false);
    n.push(msg("3", localBlock + 1, ext)); // blocking, not a quorum
    assert.equal(n.isBehind(localBlock), false);
    n.push(msg("5", localBlock + 1, ext));
    assert.equal(n.isBehind(localBlock), false);
    n.push(msg("6", localBlock + 1, ext)); // {2,3,5,6}: blocking and a quorum
    assert.equal(n.isBehind(localBlock), true);
    assert.equal(n.isBehind(localBlock + 1), false);
  });

  it("highest block on the network is the highest index a passing set reached", () => {
    const n = new NetworkState(flatQuorumSet(2, ["a", "b", "c"]));
    n.push(msg("a", 9, ext));
    n.push(msg("b", 7, ext));
    n.push(msg("c", 4, ext));
    // {a} at 9 does not pass; {a, b} at ≥ 7 is blocking (2) and satisfies 2 of 3.
    assert.equal(n.highestBlockIndexOnNetwork(), 7);
  });
});

describe("LedgerSyncState", () => {
  it("waits the 10 s grace period of continuous behind-ness", () => {
    const s = new LedgerSyncState();
    assert.equal(s.step(true, 1000), "none");
    assert.deepEqual(s.state, { kind: "MaybeBehind", sinceMs: 1000 });
    assert.equal(s.nextDeadlineMs(), 11_000);
    assert.equal(s.step(true, 10_999), "none");
    assert.equal(s.step(true, 11_000), "attempt-sync");
    assert.equal(s.isBehind, true);
  });

  it("a moment in sync restarts the grace period", () => {
    const s = new LedgerSyncState();
    s.step(true, 0);
    s.step(false, 5000);
    assert.deepEqual(s.state, { kind: "InSync" });
    s.step(true, 6000);
    assert.equal(s.step(true, 15_999), "none");
    assert.equal(s.step(true, 16_000), "attempt-sync");
  });

  it("failed attempts back off 1 s, 2 s, … capped at 60 s; success retries at once", () => {
    const s = new LedgerSyncState();
    s.step(true, 0);
    let now = 10_000;
    assert.equal(s.step(true, now), "attempt-sync");
    assert.equal(s.step(true, now), "none"); // one attempt at a time
    const waits: number[] = [];
    for (let i = 0; i < 62; i++) {
      s.attemptDone(false, now);
      const at = s.nextDeadlineMs() as number;
      waits.push(at - now);
      assert.equal(s.step(true, at - 1), "none");
      assert.equal(s.step(true, at), "attempt-sync");
      now = at;
    }
    assert.deepEqual(waits.slice(0, 4), [1000, 2000, 3000, 4000]);
    assert.equal(waits[59], 60_000);
    assert.equal(waits[61], 60_000);
    s.attemptDone(true, now);
    assert.equal(s.step(true, now), "attempt-sync");
  });

  it("back in sync when no longer behind; a local externalize forces InSync", () => {
    const s = new LedgerSyncState();
    s.step(true, 0);
    s.step(true, 10_000);
    s.attemptDone(true, 10_500);
    assert.equal(s.step(false, 10_600), "back-in-sync");
    s.step(true, 20_000);
    s.externalized();
    assert.deepEqual(s.state, { kind: "InSync" });
  });
});
