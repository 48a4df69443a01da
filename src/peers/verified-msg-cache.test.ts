// Goal: relayed copies of a verified consensus message skip its verification, and nothing else
// changes: a copy relayed by an unconfigured peer is still refused, a copy's position follows our
// ledger as it is now, a payload that failed is checked again in full (and fails again), a
// changed byte is a different payload, and the cache holds at most its capacity.
// Method: messages signed with seeded keys; the cache's check counted through `hits`/`misses`
// and, for the ledger, a context whose block count grows between two copies.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../crypto/index.js";
import type { ScpMessage } from "../scp/index.js";
import { SeededRandom } from "../util/index.js";
import {
  encodeConsensusMsgPayload,
  PeersError,
  signConsensusMsg,
  VerifiedMsgCache,
  type VerifyContext,
  verifyConsensusMsg,
} from "./index.js";

const rng = new SeededRandom("peers-verified-msg-cache");
const alice = Ed25519Signer.generate(rng);
const bob = Ed25519Signer.generate(rng);
const [A, B, C] = ["alice.test:8443", "bob.test:8443", "carol.test:8443"];
const blockIds = [1, 2, 3, 4].map((b) => new Uint8Array(32).fill(b));

function msg(slot: number, value = 9): ScpMessage {
  return {
    sender: { id: A, publicKey: alice.publicKey },
    slot,
    quorumSet: {
      threshold: 1,
      members: [{ type: "Node", args: { id: B, publicKey: bob.publicKey } }],
    },
    topic: { type: "Nominate", nominate: { x: [new Uint8Array(32).fill(value)], y: [] } },
  };
}

const context = (numBlocks: number): VerifyContext => ({
  peers: new Set([A, B]),
  knownNodes: new Map([
    [A, alice.publicKey],
    [B, bob.publicKey],
  ]),
  numBlocks,
  blockId: (i) => blockIds[i] as Uint8Array,
});

const payload = (slot: number, value = 9) =>
  encodeConsensusMsgPayload(
    signConsensusMsg(msg(slot, value), blockIds[slot - 1] as Uint8Array, alice),
  );

const code = (f: () => unknown) => {
  try {
    f();
    return "accepted";
  } catch (e) {
    return e instanceof PeersError ? e.code : String(e);
  }
};

describe("verified consensus message cache", () => {
  it("verifies a payload once; the copies relayed by other peers are the same message", () => {
    const cache = new VerifiedMsgCache();
    const bytes = payload(4);
    const first = verifyConsensusMsg(A, bytes, context(4), cache);
    const relayed = verifyConsensusMsg(B, bytes.slice(), context(4), cache);
    assert.deepEqual([cache.misses, cache.hits], [1, 1]);
    assert.equal(relayed.msg, first.msg);
    assert.deepEqual(relayed.digest, first.digest);
    assert.deepEqual([first.fromResponderId, relayed.fromResponderId], [A, B]);
  });

  it("still refuses a copy from an unconfigured peer, and places each copy on the ledger as it is", () => {
    const cache = new VerifiedMsgCache();
    const bytes = payload(4);
    assert.equal(verifyConsensusMsg(A, bytes, context(3), cache).position, "future");
    assert.equal(
      code(() => verifyConsensusMsg(C, bytes, context(3), cache)),
      "UNKNOWN_PEER",
    );
    assert.equal(verifyConsensusMsg(B, bytes, context(4), cache).position, "current");
    const otherChain = { ...context(4), blockId: () => new Uint8Array(32).fill(0xee) };
    assert.equal(
      code(() => verifyConsensusMsg(B, bytes, otherChain, cache)),
      "PREV_BLOCK_MISMATCH",
    );
    assert.equal(cache.misses, 1);
  });

  it("keeps no failure: a forged payload is checked in full every time", () => {
    const cache = new VerifiedMsgCache();
    const signed = signConsensusMsg(msg(4), blockIds[3] as Uint8Array, alice);
    const forged = encodeConsensusMsgPayload({ ...signed, signature: new Uint8Array(64).fill(7) });
    for (const from of [A, B]) {
      assert.equal(
        code(() => verifyConsensusMsg(from, forged, context(4), cache)),
        "INVALID_SIGNATURE",
      );
    }
    assert.deepEqual([cache.misses, cache.hits, cache.size], [2, 0, 0]);
    // One changed byte of a good payload is another payload: checked, and refused.
    const good = payload(4);
    verifyConsensusMsg(A, good, context(4), cache);
    const changed = good.slice();
    changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
    assert.notEqual(
      code(() => verifyConsensusMsg(B, changed, context(4), cache)),
      "accepted",
    );
    assert.equal(cache.hits, 0);
  });

  it("holds at most its capacity, dropping the least recently used", () => {
    const cache = new VerifiedMsgCache(2);
    const [p1, p2, p3] = [1, 2, 3].map((v) => payload(4, v)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    for (const p of [p1, p2, p1, p3]) verifyConsensusMsg(A, p, context(4), cache);
    assert.deepEqual([cache.size, cache.hits, cache.misses], [2, 1, 3]);
    verifyConsensusMsg(B, p1, context(4), cache); // kept: used after p2
    verifyConsensusMsg(B, p2, context(4), cache); // dropped when p3 came
    assert.deepEqual([cache.hits, cache.misses], [2, 4]);
  });
});
