// Goal: consensus messages are signed over MobileCoin's exact `peer-message` digest of
// (Msg<ConsensusValue>, prev_block_id) (peers/src/consensus_msg.rs).
// Method: the expected Merlin transcripts are written out here operation by operation from the Rust
// types (consensus/scp/src/msg.rs, ballot.rs, consensus/scp/types/src/quorum_set.rs,
// common/src/node_id.rs, common/src/responder_id.rs, transaction/core/src/tx.rs TxHash,
// blockchain/types/src/block_id.rs BlockID transparent, peers/src/consensus_msg.rs ConsensusValue)
// and the rules of crypto/digestible (see src/blockchain/metadata-digest.test.ts for the rules).
// Two derive details matter here: a tuple variant with two fields (`NominatePrepare`) is an
// anonymous aggregate with an empty type name and fields `0`, `1`; `ConsensusValue::TxHash` is a
// variant (which 0) around the aggregate `TxHash` whose field `0` is `bytes`.
// The ops feed a bare MerlinTranscript (checked against merlin's known answers in
// src/crypto/merlin.test.ts); the code under test plays no part in the expected values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filled, le32, le64, type Op, transcriptDigest } from "../../test/helpers/transcripts.js";
import { Ed25519Signer, ed25519Verify } from "../crypto/index.js";
import type { QuorumSet, ScpMessage } from "../scp/index.js";
import { SeededRandom, toHex } from "../util/index.js";
import { consensusMsgDigest, PeersError, signConsensusMsg } from "./index.js";

const peerMessageDigest = (ops: readonly Op[]) => transcriptDigest("peer-message", ops);

const pkA = filled(0xa1);
const pkB = filled(0xb2);
const pkC = filled(0xc3);
const h1 = filled(0x01);
const h2 = filled(0xf0);
const prevId = filled(0x77);

// biome-ignore format: one transcript operation per line, indented by nesting
const nodeOps = (ctx: string, rid: string, pk: Uint8Array): Op[] => [
  [ctx, "agg"], ["name", "NodeID"],
    ["responder_id", "agg"], ["name", "ResponderId"],
      ["0", "prim"], ["str", rid],
    ["responder_id", "agg-end"], ["name", "ResponderId"],
    ["public_key", "agg"], ["name", "Ed25519Public"],
      ["0", "prim"], ["ed25519", pk],
    ["public_key", "agg-end"], ["name", "Ed25519Public"],
  [ctx, "agg-end"], ["name", "NodeID"],
];

// biome-ignore format: one transcript operation per line, indented by nesting
const txHashOps = (h: Uint8Array): Op[] => [
  ["", "var"], ["name", "ConsensusValue"], ["which", le32(0)],
  ["TxHash", "agg"], ["name", "TxHash"],
    ["0", "prim"], ["bytes", h],
  ["TxHash", "agg-end"], ["name", "TxHash"],
];

// biome-ignore format: one transcript operation per line, indented by nesting
const ballotOps = (ctx: string, n: number, xs: Uint8Array[]): Op[] => [
  [ctx, "agg"], ["name", "Ballot"],
    ["N", "prim"], ["uint", le32(n)],
    ["X", "seq"], ["len", le64(xs.length)],
      ...xs.flatMap(txHashOps),
  [ctx, "agg-end"], ["name", "Ballot"],
];

const sender = { id: "a.example:8443", publicKey: pkA };
const flatQs: QuorumSet = {
  threshold: 1,
  members: [{ type: "Node", args: { id: "b.example:8443", publicKey: pkB } }],
};

// biome-ignore format: one transcript operation per line, indented by nesting
const flatQsOps: Op[] = [
  ["quorum_set", "agg"], ["name", "QuorumSet"],
    ["threshold", "prim"], ["uint", le32(1)],
    ["members", "seq"], ["len", le64(1)],
      ["", "agg"], ["name", "QuorumSetMemberWrapper"],
        ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
        ...nodeOps("Node", "b.example:8443", pkB),
      ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
  ["quorum_set", "agg-end"], ["name", "QuorumSet"],
];

const prepareMsg: ScpMessage = {
  sender,
  slot: 7,
  quorumSet: flatQs,
  topic: {
    type: "Prepare",
    prepare: { b: { n: 3, x: [h1, h2] }, p: { n: 2, x: [h1] }, cn: 0, hn: 2 },
  },
};

// biome-ignore format: one transcript operation per line, indented by nesting
const prepareOps: Op[] = [
  ["scp_msg", "agg"], ["name", "Msg"],
    ...nodeOps("sender_id", "a.example:8443", pkA),
    ["slot_index", "prim"], ["uint", le64(7)],
    ...flatQsOps,
    ["topic", "var"], ["name", "Topic"], ["which", le32(2)],
    ["Prepare", "agg"], ["name", "PreparePayload"],
      ...ballotOps("B", 3, [h1, h2]),
      ...ballotOps("P", 2, [h1]),
      // PP is None: omitted inside the aggregate.
      ["CN", "prim"], ["uint", le32(0)],
      ["HN", "prim"], ["uint", le32(2)],
    ["Prepare", "agg-end"], ["name", "PreparePayload"],
  ["scp_msg", "agg-end"], ["name", "Msg"],
  ["prev_block_id", "prim"], ["bytes", prevId],
];

const nestedQs: QuorumSet = {
  threshold: 2,
  members: [
    { type: "Node", args: { id: "b.example:8443", publicKey: pkB } },
    {
      type: "InnerSet",
      args: {
        threshold: 1,
        members: [{ type: "Node", args: { id: "c.example:8443", publicKey: pkC } }],
      },
    },
  ],
};

const nominateMsg: ScpMessage = {
  sender,
  slot: 1,
  quorumSet: nestedQs,
  topic: { type: "Nominate", nominate: { x: [h1, h2], y: [] } },
};

// biome-ignore format: one transcript operation per line, indented by nesting
const nominateOps: Op[] = [
  ["scp_msg", "agg"], ["name", "Msg"],
    ...nodeOps("sender_id", "a.example:8443", pkA),
    ["slot_index", "prim"], ["uint", le64(1)],
    ["quorum_set", "agg"], ["name", "QuorumSet"],
      ["threshold", "prim"], ["uint", le32(2)],
      ["members", "seq"], ["len", le64(2)],
        ["", "agg"], ["name", "QuorumSetMemberWrapper"],
          ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
          ...nodeOps("Node", "b.example:8443", pkB),
        ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
        ["", "agg"], ["name", "QuorumSetMemberWrapper"],
          ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(1)],
          ["InnerSet", "agg"], ["name", "QuorumSet"],
            ["threshold", "prim"], ["uint", le32(1)],
            ["members", "seq"], ["len", le64(1)],
              ["", "agg"], ["name", "QuorumSetMemberWrapper"],
                ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
                ...nodeOps("Node", "c.example:8443", pkC),
              ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
          ["InnerSet", "agg-end"], ["name", "QuorumSet"],
        ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
    ["quorum_set", "agg-end"], ["name", "QuorumSet"],
    ["topic", "var"], ["name", "Topic"], ["which", le32(0)],
    ["Nominate", "agg"], ["name", "NominatePayload"],
      ["X", "seq"], ["len", le64(2)],
        ...txHashOps(h1),
        ...txHashOps(h2),
      // Y is an empty BTreeSet: omitted inside the aggregate.
    ["Nominate", "agg-end"], ["name", "NominatePayload"],
  ["scp_msg", "agg-end"], ["name", "Msg"],
  ["prev_block_id", "prim"], ["bytes", prevId],
];

describe("peer-message digest (MobileCoin-exact, hand-written transcripts)", () => {
  it("digests a Prepare message (ballots, None PP, counters) and the previous block id", () => {
    assert.equal(
      toHex(consensusMsgDigest(prepareMsg, prevId)),
      toHex(peerMessageDigest(prepareOps)),
    );
  });

  it("digests a Nominate message with a nested quorum set and an empty Y", () => {
    assert.equal(
      toHex(consensusMsgDigest(nominateMsg, prevId)),
      toHex(peerMessageDigest(nominateOps)),
    );
  });

  it("digests NominatePrepare as an anonymous aggregate with fields 0 and 1", () => {
    const msg: ScpMessage = {
      sender,
      slot: 7,
      quorumSet: flatQs,
      topic: {
        type: "NominatePrepare",
        nominate: { x: [h2], y: [h1] },
        prepare: { b: { n: 1, x: [h1] }, cn: 0, hn: 0 },
      },
    };
    // biome-ignore format: one transcript operation per line, indented by nesting
    const ops: Op[] = [
      ["scp_msg", "agg"], ["name", "Msg"],
        ...nodeOps("sender_id", "a.example:8443", pkA),
        ["slot_index", "prim"], ["uint", le64(7)],
        ...flatQsOps,
        ["topic", "var"], ["name", "Topic"], ["which", le32(1)],
        ["NominatePrepare", "agg"], ["name", ""],
          ["0", "agg"], ["name", "NominatePayload"],
            ["X", "seq"], ["len", le64(1)], ...txHashOps(h2),
            ["Y", "seq"], ["len", le64(1)], ...txHashOps(h1),
          ["0", "agg-end"], ["name", "NominatePayload"],
          ["1", "agg"], ["name", "PreparePayload"],
            ...ballotOps("B", 1, [h1]),
            ["CN", "prim"], ["uint", le32(0)],
            ["HN", "prim"], ["uint", le32(0)],
          ["1", "agg-end"], ["name", "PreparePayload"],
        ["NominatePrepare", "agg-end"], ["name", ""],
      ["scp_msg", "agg-end"], ["name", "Msg"],
      ["prev_block_id", "prim"], ["bytes", prevId],
    ];
    assert.equal(toHex(consensusMsgDigest(msg, prevId)), toHex(peerMessageDigest(ops)));
  });

  it("binds the previous block id: another id gives another digest", () => {
    assert.notEqual(
      toHex(consensusMsgDigest(prepareMsg, filled(0x78))),
      toHex(peerMessageDigest(prepareOps)),
    );
  });

  it("signs the hand-written digest with the message key", () => {
    const signer = Ed25519Signer.generate(new SeededRandom("peers-digest"));
    const msg = { ...prepareMsg, sender: { id: sender.id, publicKey: signer.publicKey } };
    const ops = prepareOps.map(([l, d]): Op => (d === pkA ? [l, signer.publicKey] : [l, d]));
    const signed = signConsensusMsg(msg, prevId, signer);
    assert.ok(ed25519Verify(signer.publicKey, peerMessageDigest(ops), signed.signature));
  });

  it("refuses values that are not 32-byte transaction hashes, and nodes without keys", () => {
    const short: ScpMessage = {
      ...nominateMsg,
      topic: { type: "Nominate", nominate: { x: [new Uint8Array(31)], y: [] } },
    };
    assert.throws(
      () => consensusMsgDigest(short, prevId),
      (e) => e instanceof PeersError && e.code === "UNSUPPORTED_VALUE",
    );
    const keyless: ScpMessage = { ...nominateMsg, sender: { id: "a.example:8443" } };
    assert.throws(
      () => consensusMsgDigest(keyless, prevId),
      (e) => e instanceof PeersError && e.code === "MISSING_NODE_KEY",
    );
  });
});
