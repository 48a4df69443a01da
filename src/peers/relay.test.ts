// Goal: the glue between verification and the broadcaster relays a verified message to everyone but
// its issuer and the peer that relayed it, turns a client or peer transaction into the right relay
// decision (TxProposeAAD decoded, undecodable AAD refused), and GetLatestMsg serves our highest
// statement without letting a re-issued message for an earlier slot hide it.
// Method: real signatures from seeded keys, the broadcaster over virtual time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../crypto/index.js";
import type { ScpMessage, Topic } from "../scp/index.js";
import { SeededRandom } from "../util/index.js";
import {
  Broadcaster,
  encodeConsensusMsgPayload,
  encodeTxProposeAad,
  LatestIssuedMsg,
  PeersError,
  relayInput,
  signConsensusMsg,
  txRelayInput,
  verifyConsensusMsg,
} from "./index.js";

const rng = new SeededRandom("peers-relay");
const alice = Ed25519Signer.generate(rng);
const bob = Ed25519Signer.generate(rng);
const local = { id: "local:1", publicKey: Ed25519Signer.generate(rng).publicKey };
const prev = new Uint8Array(32).fill(3);
const value = new Uint8Array(32).fill(8);

const scp = (slot: number, topic: Topic, signer = alice, id = "alice:1"): ScpMessage => ({
  sender: { id, publicKey: signer.publicKey },
  slot,
  quorumSet: {
    threshold: 1,
    members: [{ type: "Node", args: { id: "bob:1", publicKey: bob.publicKey } }],
  },
  topic,
});
const nominate: Topic = { type: "Nominate", nominate: { x: [value], y: [] } };
const externalize: Topic = { type: "Externalize", externalize: { c: { n: 1, x: [value] }, hn: 1 } };
const prepare: Topic = { type: "Prepare", prepare: { b: { n: 1, x: [value] }, cn: 0, hn: 0 } };

describe("relaying verified messages and transactions", () => {
  it("relays a verified message to every peer but its issuer and its relayer", () => {
    const payload = encodeConsensusMsgPayload(signConsensusMsg(scp(5, nominate), prev, alice));
    const verified = verifyConsensusMsg("bob:1", payload, {
      peers: new Set(["alice:1", "bob:1", "carol:1"]),
      knownNodes: new Map([["alice:1", alice.publicKey]]),
      numBlocks: 5,
      blockId: () => prev,
    });
    const b = new Broadcaster({
      local,
      peers: ["alice:1", "bob:1", "carol:1"].map((responderId) => ({ responderId })),
      random: rng,
    });
    const out = b.handle(relayInput(verified, payload), 0);
    assert.deepEqual(
      out.map((a) => a.peer),
      ["carol:1"],
    );
    assert.ok(out[0]?.kind === "send-consensus-msg");
    assert.deepEqual(out[0].payload, payload);
    assert.equal(out[0].fromResponderId, local.id);
  });

  it("makes a client transaction ours and a peer's carry the origin and relayer of its AAD", () => {
    const h = new Uint8Array(32).fill(1);
    assert.deepEqual(txRelayInput(local, h, undefined), {
      kind: "tx",
      txHash: h,
      originNode: local,
    });
    const origin = { id: "alice:1", publicKey: alice.publicKey };
    const aad = encodeTxProposeAad({ originNode: origin, relayedBy: "bob:1" });
    assert.deepEqual(txRelayInput(local, h, aad), {
      kind: "tx",
      txHash: h,
      originNode: origin,
      relayedBy: "bob:1",
    });
    assert.throws(
      () => txRelayInput(local, h, new Uint8Array([0xa0])),
      (e) => e instanceof PeersError && e.code === "MALFORMED_PAYLOAD",
    );
  });
});

describe("latest issued message (GetLatestMsg)", () => {
  const signed = (slot: number, topic: Topic) =>
    signConsensusMsg(scp(slot, topic, bob, "bob:1"), prev, bob);

  it("keeps the highest slot, and within a slot the newer statement", () => {
    const l = new LatestIssuedMsg();
    assert.equal(l.payload(), undefined);
    const m1 = signed(4, externalize);
    assert.ok(l.offer(m1, new Uint8Array([1])));
    const m2 = signed(5, nominate);
    assert.ok(l.offer(m2, new Uint8Array([2])), "a greater slot replaces");
    assert.ok(
      l.offer(signed(5, prepare), new Uint8Array([3])),
      "a newer statement of the slot replaces",
    );
    assert.equal(
      l.offer(signed(5, nominate), new Uint8Array([4])),
      false,
      "an older statement does not",
    );
    // MobileCoin would take this one (greater topic, lower slot); it would hide our slot-5 position.
    assert.equal(l.offer(signed(4, externalize), new Uint8Array([5])), false);
    assert.deepEqual(l.payload(), new Uint8Array([3]));
  });
});
