import {
  type McNodeId,
  type McQuorumSet,
  type McQuorumSetMember,
  nodeIdDigestNode,
  quorumSetDigestNode,
} from "../blockchain/index.js";
import {
  appendNode,
  D,
  type DigestNode,
  extractDigest32,
  MerlinTranscript,
} from "../crypto/index.js";
import type {
  Ballot,
  CommitPayload,
  ExternalizePayload,
  NodeId,
  NominatePayload,
  PreparePayload,
  QuorumSet,
  ScpMessage,
  Topic,
  Value,
  ValueList,
} from "../scp/index.js";
import { PeersError } from "./errors.js";

/**
 * The Digestible form of MobileCoin's `Msg<ConsensusValue>` and the `peer-message` digest that
 * consensus messages are signed over (peers/src/consensus_msg.rs). Derive facts, confirmed in
 * mobilecoinfoundation/mobilecoin (consensus/scp/src/msg.rs, ballot.rs, peers/src/consensus_msg.rs,
 * transaction/core/src/tx.rs, blockchain/types/src/block_id.rs, crypto/digestible/derive):
 * - `Msg { sender_id: NodeID, slot_index: u64, quorum_set: QuorumSet, topic: Topic }`, aggregate `Msg`.
 * - `Topic` is an enum: Nominate 0, NominatePrepare 1 (two fields: an anonymous aggregate named ""
 *   with fields `0`, `1`), Prepare 2, Commit 3, Externalize 4.
 * - `NominatePayload { X, Y: BTreeSet<V> }`, `PreparePayload { B, P, PP: Option<Ballot>, CN, HN: u32 }`,
 *   `CommitPayload { B, PN, CN, HN }`, `ExternalizePayload { C, HN }`, `Ballot { N: u32, X: Vec<V> }`.
 * - `ConsensusValue` enum, variant `TxHash(TxHash)` = 0; `TxHash([u8; 32])` an aggregate with field `0`
 *   of `bytes`.
 * - `BlockID` is `#[digestible(transparent)]`: the bare `bytes` primitive.
 * Fields inside aggregates are allow-omit (empty sets, `None`), which `appendNode` applies.
 */

/** A transaction hash is the only consensus value this node carries (mint values are not yet). */
export const TX_HASH_LENGTH = 32;

function requireKey(n: NodeId): Uint8Array {
  const key = n.publicKey;
  if (key === undefined || key.length !== 32)
    throw new PeersError("MISSING_NODE_KEY", `node ${n.id} has no 32-byte Ed25519 key`, {
      node: n.id,
    });
  return key;
}

/** scp's node (responder id + optional key) as MobileCoin's `NodeID` (the key is required). */
export function mcNodeIdFromScp(n: NodeId): McNodeId {
  return { responderId: n.id, publicKey: requireKey(n) };
}

/** scp's quorum set as MobileCoin's `QuorumSet<NodeID>`, members in their given order. */
export function mcQuorumSetFromScp(q: QuorumSet): McQuorumSet {
  return {
    threshold: q.threshold,
    members: q.members.map(
      (m): McQuorumSetMember =>
        m.type === "Node"
          ? { type: "Node", node: mcNodeIdFromScp(m.args) }
          : { type: "InnerSet", set: mcQuorumSetFromScp(m.args) },
    ),
  };
}

function valueNode(v: Value): DigestNode {
  if (v.length !== TX_HASH_LENGTH)
    throw new PeersError("UNSUPPORTED_VALUE", `a consensus value of ${v.length} bytes`);
  return D.variant("ConsensusValue", 0, "TxHash", D.agg("TxHash", [D.field("0", D.bytes(v))]));
}

const values = (xs: ValueList): DigestNode => D.seq(xs.map(valueNode));

function ballotNode(b: Ballot | undefined): DigestNode | undefined {
  if (b === undefined) return undefined;
  return D.agg("Ballot", [D.field("N", D.u32(b.n)), D.field("X", values(b.x))]);
}

function nominateNode(p: NominatePayload): DigestNode {
  return D.agg("NominatePayload", [D.field("X", values(p.x)), D.field("Y", values(p.y))]);
}

function prepareNode(p: PreparePayload): DigestNode {
  return D.agg("PreparePayload", [
    D.field("B", ballotNode(p.b)),
    D.field("P", ballotNode(p.p)),
    D.field("PP", ballotNode(p.pp)),
    D.field("CN", D.u32(p.cn)),
    D.field("HN", D.u32(p.hn)),
  ]);
}

function commitNode(p: CommitPayload): DigestNode {
  return D.agg("CommitPayload", [
    D.field("B", ballotNode(p.b)),
    D.field("PN", D.u32(p.pn)),
    D.field("CN", D.u32(p.cn)),
    D.field("HN", D.u32(p.hn)),
  ]);
}

function externalizeNode(p: ExternalizePayload): DigestNode {
  return D.agg("ExternalizePayload", [D.field("C", ballotNode(p.c)), D.field("HN", D.u32(p.hn))]);
}

export function topicDigestNode(t: Topic): DigestNode {
  switch (t.type) {
    case "Nominate":
      return D.variant("Topic", 0, "Nominate", nominateNode(t.nominate));
    case "NominatePrepare":
      return D.variant(
        "Topic",
        1,
        "NominatePrepare",
        D.agg("", [D.field("0", nominateNode(t.nominate)), D.field("1", prepareNode(t.prepare))]),
      );
    case "Prepare":
      return D.variant("Topic", 2, "Prepare", prepareNode(t.prepare));
    case "Commit":
      return D.variant("Topic", 3, "Commit", commitNode(t.commit));
    case "Externalize":
      return D.variant("Topic", 4, "Externalize", externalizeNode(t.externalize));
  }
}

/** MobileCoin's `Msg<ConsensusValue>` as a Digestible value. */
export function scpMsgDigestNode(msg: ScpMessage): DigestNode {
  return D.agg("Msg", [
    D.field("sender_id", nodeIdDigestNode(mcNodeIdFromScp(msg.sender))),
    D.field("slot_index", D.u64(BigInt(msg.slot))),
    D.field("quorum_set", quorumSetDigestNode(mcQuorumSetFromScp(msg.quorumSet))),
    D.field("topic", topicDigestNode(msg.topic)),
  ]);
}

/**
 * What a consensus message is signed over: a Merlin transcript labelled `peer-message`, the SCP
 * message under `scp_msg`, the previous block id under `prev_block_id`, then `digest32`.
 */
export function consensusMsgDigest(msg: ScpMessage, prevBlockId: Uint8Array): Uint8Array {
  const t = new MerlinTranscript("peer-message");
  appendNode(t, "scp_msg", scpMsgDigestNode(msg));
  appendNode(t, "prev_block_id", D.bytes(prevBlockId));
  return extractDigest32(t);
}
