import {
  D,
  type DigestNode,
  digest32,
  type Ed25519Signer,
  ed25519Verify,
} from "../crypto/index.js";
import type { DcapEvidence, VerificationReport } from "../proto/external_pb.js";
import { bytesEqual } from "../util/index.js";
import { BlockchainError } from "./errors.js";
import {
  type McNodeId,
  type McQuorumSet,
  type McQuorumSetMember,
  quorumSetDigestNode,
  responderIdDigestNode,
} from "./node-id.js";

/** Earlier names of the shared MobileCoin forms in node-id.ts, kept for existing callers. */
export type MetadataNodeId = McNodeId;
export type MetadataQuorumMember = McQuorumSetMember;
export type MetadataQuorumSet = McQuorumSet;

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
    // `attestation_evidence` (digest name `verification_report`) is None here: omitted.
    D.field("responder_id", responderIdDigestNode(c.responderId)),
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
