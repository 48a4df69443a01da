import { D, type DigestNode } from "../crypto/index.js";

/**
 * MobileCoin's `NodeID`, `ResponderId` and `QuorumSet<NodeID>` as Digestible values. One form
 * serves every hash they enter: block metadata (`block_metadata`) and the SCP messages peers
 * sign (`peer-message`, reference mobilecoin-service.md §6.5).
 *
 * The shapes follow mc-crypto-digestible's derive: a struct without `#[digestible(transparent)]`
 * is an aggregate named after the Rust type, tuple-struct fields are named `0`, `1`, …
 * - `ResponderId(#[digestible(never_omit)] String)` (common/src/responder_id.rs) is an aggregate
 *   `ResponderId` whose field `0` is a `str` primitive, appended even when empty.
 * - `NodeID { responder_id, public_key: Ed25519Public }` (common/src/node_id.rs);
 *   `Ed25519Public(VerifyingKey)` is an aggregate with field `0`, an `ed25519` primitive.
 * - `QuorumSet { threshold: u32, members: Vec<QuorumSetMemberWrapper> }`; each member is an
 *   aggregate `QuorumSetMemberWrapper { member: Option<QuorumSetMember> }` whose field holds
 *   the enum `QuorumSetMember { Node(NodeID) = 0, InnerSet(QuorumSet) = 1 }`
 *   (consensus/scp/types/src/quorum_set.rs). An empty member list is omitted (allow-omit).
 */

/** A node as MobileCoin names it in quorum sets: responder id and message-signing key. */
export interface McNodeId {
  readonly responderId: string;
  readonly publicKey: Uint8Array;
}

export type McQuorumSetMember =
  | { readonly type: "Node"; readonly node: McNodeId }
  | { readonly type: "InnerSet"; readonly set: McQuorumSet };

/** MobileCoin `QuorumSet<NodeID>` (members in their given order: the digest is order-sensitive). */
export interface McQuorumSet {
  readonly threshold: number;
  readonly members: readonly McQuorumSetMember[];
}

export function responderIdDigestNode(responderId: string): DigestNode {
  return D.agg("ResponderId", [D.field("0", D.str(responderId), true)]);
}

export function nodeIdDigestNode(n: McNodeId): DigestNode {
  return D.agg("NodeID", [
    D.field("responder_id", responderIdDigestNode(n.responderId)),
    D.field("public_key", D.agg("Ed25519Public", [D.field("0", D.prim("ed25519", n.publicKey))])),
  ]);
}

function memberDigestNode(m: McQuorumSetMember): DigestNode {
  const member =
    m.type === "Node"
      ? D.variant("QuorumSetMember", 0, "Node", nodeIdDigestNode(m.node))
      : D.variant("QuorumSetMember", 1, "InnerSet", quorumSetDigestNode(m.set));
  return D.agg("QuorumSetMemberWrapper", [D.field("member", member)]);
}

export function quorumSetDigestNode(q: McQuorumSet): DigestNode {
  return D.agg("QuorumSet", [
    D.field("threshold", D.u32(q.threshold)),
    D.field("members", D.seq(q.members.map(memberDigestNode))),
  ]);
}
