// Goal: keepalive asks a peer for its latest message only after it has been silent for more than
// 30 s, at most once per 10 s, and counts an empty answer or an accepted message as hearing from
// it (MobileCoin consensus/service/src/peer_keepalive.rs, reference §6.7).
// Method: virtual time; every deadline below is start/last-heard + 30 000 + 1 or last probe + 10 000,
// written out by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PEERS_LIMITS, PeerKeepalive } from "./index.js";

const peersOf = (actions: { peer: string }[]) => actions.map((a) => a.peer).sort();

describe("peer keepalive", () => {
  it("uses MobileCoin's constants", () => {
    assert.equal(PEERS_LIMITS.keepaliveSilenceMs, 30_000);
    assert.equal(PEERS_LIMITS.keepaliveIntervalMs, 10_000);
  });

  it("probes only peers silent for more than 30 s, then once per 10 s", () => {
    const k = new PeerKeepalive({ peers: ["a:1", "b:1"], startMs: 1000 });
    assert.equal(k.nextDeadlineMs(), 31_001);
    assert.deepEqual(k.tick(31_000), [], "exactly 30 s is not silent yet");
    k.handle({ kind: "heard-from", peer: "b:1" }, 20_000);
    assert.deepEqual(peersOf(k.tick(31_001)), ["a:1"]);
    assert.equal(k.nextDeadlineMs(), 41_001);
    assert.deepEqual(k.tick(41_000), []);
    assert.deepEqual(peersOf(k.tick(41_001)), ["a:1"]);
    assert.equal(k.nextDeadlineMs(), 50_001, "b:1 falls silent at 20 000 + 30 001");
    assert.deepEqual(peersOf(k.tick(50_001)), ["b:1"]);
  });

  it("an empty answer counts as heard; a failure does not; a message waits for its acceptance", () => {
    const k = new PeerKeepalive({ peers: ["a:1"], startMs: 0 });
    assert.deepEqual(peersOf(k.tick(30_001)), ["a:1"]);
    k.handle({ kind: "latest-msg-result", peer: "a:1", outcome: "failed" }, 30_050);
    assert.equal(k.nextDeadlineMs(), 40_001);
    assert.deepEqual(peersOf(k.tick(40_001)), ["a:1"]);
    k.handle({ kind: "latest-msg-result", peer: "a:1", outcome: "message" }, 40_100);
    assert.equal(k.nextDeadlineMs(), 50_001, "a message is not yet proof of hearing");
    k.handle({ kind: "latest-msg-result", peer: "a:1", outcome: "empty" }, 45_000);
    assert.equal(k.nextDeadlineMs(), 75_001);
    k.handle({ kind: "heard-from", peer: "a:1" }, 60_000);
    assert.equal(k.nextDeadlineMs(), 90_001);
  });

  it("ignores peers it was not configured with", () => {
    const k = new PeerKeepalive({ peers: ["a:1"], startMs: 0 });
    assert.deepEqual(k.handle({ kind: "heard-from", peer: "z:1" }, 5), []);
    assert.equal(k.nextDeadlineMs(), 30_001);
    assert.equal(new PeerKeepalive({ peers: [], startMs: 0 }).nextDeadlineMs(), null);
  });
});
