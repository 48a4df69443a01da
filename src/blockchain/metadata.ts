import {
  D,
  type DigestNode,
  digest32,
  type Ed25519Signer,
  ed25519Verify,
} from "../crypto/index.js";
import type { DcapEvidence, VerificationReport } from "../proto/external_pb.js";
import type { SwEvidence } from "../proto/sw_attestation_pb.js";
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
  | { readonly kind: "verification_report"; readonly report: VerificationReport }
  | { readonly kind: "sw"; readonly evidence: SwEvidence };

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

/**
 * SW evidence as prost's derive would digest it (fields in tag order, allow-omit), in the same way
 * MobileCoin digests its prost `DcapEvidence`. MobileCoin has no such type: this shape is ours.
 */
function swEvidenceDigestNode(e: SwEvidence): DigestNode {
  const contents = e.reportDataContents;
  return D.agg("SwEvidence", [
    D.field("statement", D.bytes(e.statement)),
    D.field("signature", D.bytes(e.signature)),
    D.field(
      "authority_chain",
      D.seq(
        e.authorityChain.map((c) =>
          D.agg("AuthorityCertificate", [
            D.field("body", D.bytes(c.body)),
            D.field("signature", D.bytes(c.signature)),
          ]),
        ),
      ),
    ),
    D.field(
      "report_data_contents",
      contents &&
        D.agg("EnclaveReportDataContents", [
          D.field("nonce", D.bytes(contents.nonce)),
          D.field("key", D.bytes(contents.key)),
          D.field("custom_identity", D.bytes(contents.customIdentity)),
        ]),
    ),
  ]);
}

/**
 * MobileCoin's `AttestationEvidence` is a transparent enum: the variant's value enters the
 * transcript directly, under the field name `verification_report`. Only our own SW evidence has a
 * digest here; EPID and DCAP evidence (from MobileCoin's SGX nodes) are refused, not guessed.
 */
function evidenceDigestNode(e: AttestationEvidence | undefined): DigestNode | undefined {
  if (e === undefined) return undefined;
  if (e.kind === "sw") return swEvidenceDigestNode(e.evidence);
  throw new BlockchainError(
    "INVALID_METADATA",
    `hashing block metadata with ${e.kind} evidence is not implemented (SGX evidence)`,
  );
}

function metadataContentsDigestNode(c: BlockMetadataContents): DigestNode {
  return D.agg("BlockMetadataContents", [
    D.field("block_id", D.bytes(c.blockId)),
    D.field("quorum_set", quorumSetDigestNode(c.quorumSet)),
    D.field("verification_report", evidenceDigestNode(c.attestationEvidence)),
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
