import {
  D,
  type DigestNode,
  digest32,
  type Ed25519Signer,
  ed25519Verify,
} from "../crypto/index.js";
import type { DcapEvidence, VerificationReport } from "../rpc/gen/external_pb.js";
import { bytesEqual } from "../util/index.js";
import { BlockchainError } from "./errors.js";

/** A node in a quorum set as block metadata records it: responder id and message-signing key. */
export interface MetadataNodeId {
  readonly responderId: string;
  readonly publicKey: Uint8Array;
}

export type MetadataQuorumMember =
  | { readonly type: "Node"; readonly node: MetadataNodeId }
  | { readonly type: "InnerSet"; readonly set: MetadataQuorumSet };

export interface MetadataQuorumSet {
  readonly threshold: number;
  readonly members: readonly MetadataQuorumMember[];
}

export type AttestationEvidence =
  | { readonly kind: "dcap"; readonly evidence: DcapEvidence }
  | { readonly kind: "verification_report"; readonly report: VerificationReport };

/** What a node states about a block it externalized (MCIP #43). */
export interface BlockMetadataContents {
  readonly blockId: Uint8Array;
  readonly quorumSet: MetadataQuorumSet;
  readonly attestationEvidence: AttestationEvidence | undefined;
  readonly responderId: string;
}

/** Metadata signed by the node's message-signing key (MobileCoin `BlockMetadata`). */
export interface BlockMetadata {
  readonly contents: BlockMetadataContents;
  readonly nodeKey: Uint8Array;
  readonly signature: Uint8Array;
}

function nodeIdDigestNode(n: MetadataNodeId): DigestNode {
  return D.agg("NodeID", [
    D.field("responder_id", D.str(n.responderId), true),
    D.field("public_key", D.agg("Ed25519Public", [D.field("0", D.prim("ed25519", n.publicKey))])),
  ]);
}

function quorumSetDigestNode(q: MetadataQuorumSet): DigestNode {
  return D.agg("QuorumSet", [
    D.field("threshold", D.u32(q.threshold)),
    D.field(
      "members",
      D.seq(
        q.members.map((m) =>
          m.type === "Node"
            ? D.variant("QuorumSetMember", 0, "Node", nodeIdDigestNode(m.node))
            : D.variant("QuorumSetMember", 1, "InnerSet", quorumSetDigestNode(m.set)),
        ),
      ),
    ),
  ]);
}

function metadataContentsDigestNode(c: BlockMetadataContents): DigestNode {
  if (c.attestationEvidence !== undefined) {
    throw new BlockchainError(
      "INVALID_METADATA",
      "hashing block metadata with attestation evidence is not implemented (the software enclave does not produce any yet)",
    );
  }
  return D.agg("BlockMetadataContents", [
    D.field("block_id", D.bytes(c.blockId)),
    D.field("quorum_set", quorumSetDigestNode(c.quorumSet)),
    D.field("responder_id", D.str(c.responderId), true),
  ]);
}

/** What the metadata signature signs: `digest32("block_metadata")` of the contents. */
export function metadataSigningDigest(c: BlockMetadataContents): Uint8Array {
  return digest32("block_metadata", metadataContentsDigestNode(c));
}

export function signBlockMetadata(
  contents: BlockMetadataContents,
  signer: Ed25519Signer,
): BlockMetadata {
  return {
    contents,
    nodeKey: signer.publicKey,
    signature: signer.sign(metadataSigningDigest(contents)),
  };
}

/** True when the signature verifies and the metadata names `blockId`. */
export function verifyBlockMetadata(m: BlockMetadata, blockId: Uint8Array): boolean {
  if (!bytesEqual(m.contents.blockId, blockId)) return false;
  let digest: Uint8Array;
  try {
    digest = metadataSigningDigest(m.contents);
  } catch {
    return false;
  }
  return ed25519Verify(m.nodeKey, digest, m.signature);
}
