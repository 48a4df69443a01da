import { create } from "@bufbuild/protobuf";
import {
  type BlockContents as BlockContentsProto,
  BlockContentsSchema,
  type BlockMetadata as BlockMetadataProto,
  BlockMetadataSchema,
  type Block as BlockProto,
  BlockSchema,
  type BlockSignature as BlockSignatureProto,
  BlockSignatureSchema,
} from "../proto/blockchain_pb.js";
import type { TxOutMembershipElement } from "../proto/external_pb.js";
import type { QuorumSet as QuorumSetProto } from "../proto/quorum_set_pb.js";
import { SCP_LIMITS } from "../scp/index.js";
import { txOutFromProto, txOutToProto } from "../transaction/index.js";
import { describeError, isCodedError } from "../util/index.js";
import { BLOCK_ID_LENGTH, type Block, type MembershipElement } from "./block.js";
import { type BlockContents, KEY_IMAGE_LENGTH } from "./block-contents.js";
import { BlockchainError } from "./errors.js";
import type {
  AttestationEvidence,
  BlockMetadata,
  MetadataQuorumMember,
  MetadataQuorumSet,
} from "./metadata.js";
import type { BlockSignature } from "./signature.js";

function fixed(bytes: Uint8Array | undefined, length: number, field: string): Uint8Array {
  if (bytes === undefined || bytes.length !== length) {
    throw new BlockchainError(
      "INVALID_FIELD",
      `${field} must be ${length} bytes, got ${bytes?.length ?? "none"}`,
      { field },
    );
  }
  return bytes;
}

function u32(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new BlockchainError("INVALID_FIELD", `${field} is not a u32`, { field });
  }
  return value;
}

function elementFromProto(e: TxOutMembershipElement | undefined, field: string): MembershipElement {
  return {
    range: { from: e?.range?.from ?? 0n, to: e?.range?.to ?? 0n },
    hash: fixed(e?.hash?.data ?? new Uint8Array(32), 32, `${field}.hash`),
  };
}

export function blockFromProto(p: BlockProto): Block {
  return {
    id: fixed(p.id?.data, BLOCK_ID_LENGTH, "block.id"),
    version: u32(p.version, "block.version"),
    parentId: fixed(p.parentId?.data, BLOCK_ID_LENGTH, "block.parent_id"),
    index: p.index,
    cumulativeTxoCount: p.cumulativeTxoCount,
    rootElement: elementFromProto(p.rootElement, "block.root_element"),
    contentsHash: fixed(p.contentsHash?.data, 32, "block.contents_hash"),
  };
}

export function blockToProto(b: Block): BlockProto {
  return create(BlockSchema, {
    id: { data: b.id },
    version: b.version,
    parentId: { data: b.parentId },
    index: b.index,
    cumulativeTxoCount: b.cumulativeTxoCount,
    rootElement: {
      range: { from: b.rootElement.range.from, to: b.rootElement.range.to },
      hash: { data: b.rootElement.hash },
    },
    contentsHash: { data: b.contentsHash },
  });
}

/** Transaction-layer decode errors become `BlockchainError`s so callers see one error family. */
function wrap<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof BlockchainError) throw error;
    if (isCodedError(error))
      throw new BlockchainError("INVALID_FIELD", `${field}: ${describeError(error)}`, { field });
    throw error;
  }
}

export function blockContentsFromProto(p: BlockContentsProto): BlockContents {
  return {
    keyImages: p.keyImages.map((k, i) => fixed(k.data, KEY_IMAGE_LENGTH, `key_images[${i}]`)),
    outputs: p.outputs.map((o, i) => wrap(`outputs[${i}]`, () => txOutFromProto(o))),
    validatedMintConfigTxs: p.validatedMintConfigTxs,
    mintTxs: p.mintTxs,
  };
}

export function blockContentsToProto(c: BlockContents): BlockContentsProto {
  return create(BlockContentsSchema, {
    keyImages: c.keyImages.map((k) => ({ data: k })),
    outputs: c.outputs.map(txOutToProto),
    validatedMintConfigTxs: [...c.validatedMintConfigTxs],
    mintTxs: [...c.mintTxs],
  });
}

export function blockSignatureFromProto(p: BlockSignatureProto): BlockSignature {
  return {
    signature: fixed(p.signature?.data, 64, "signature.signature"),
    signer: fixed(p.signer?.data, 32, "signature.signer"),
    signedAt: p.signedAt,
  };
}

export function blockSignatureToProto(s: BlockSignature): BlockSignatureProto {
  return create(BlockSignatureSchema, {
    signature: { data: s.signature },
    signer: { data: s.signer },
    signedAt: s.signedAt,
  });
}

/**
 * A metadata quorum set from a peer or an archive, within SCP's bounds on quorum sets: nesting
 * depth and nodes listed over all levels. One set's entries are bounded by the same node count
 * before they are walked (each entry of a sane set holds at least one node).
 */
function quorumSetFromProto(
  q: QuorumSetProto | undefined,
  depth: number,
  listed: { nodes: number },
): MetadataQuorumSet {
  if (q === undefined) return { threshold: 0, members: [] };
  if (depth > SCP_LIMITS.maxQuorumSetDepth)
    throw new BlockchainError(
      "LIMIT_EXCEEDED",
      `metadata quorum set nests deeper than ${SCP_LIMITS.maxQuorumSetDepth}`,
    );
  if (q.members.length > SCP_LIMITS.maxQuorumSetNodes)
    throw new BlockchainError(
      "LIMIT_EXCEEDED",
      `a metadata quorum set has more than ${SCP_LIMITS.maxQuorumSetNodes} members`,
    );
  const members: MetadataQuorumMember[] = q.members.map((m, i) => {
    if (m.member.case === "node") {
      if (++listed.nodes > SCP_LIMITS.maxQuorumSetNodes)
        throw new BlockchainError(
          "LIMIT_EXCEEDED",
          `metadata quorum set lists more than ${SCP_LIMITS.maxQuorumSetNodes} nodes`,
        );
      return {
        type: "Node",
        node: {
          responderId: m.member.value.responderId,
          publicKey: fixed(
            m.member.value.publicKey?.data,
            32,
            `quorum_set.members[${i}].public_key`,
          ),
        },
      };
    }
    if (m.member.case === "innerSet")
      return { type: "InnerSet", set: quorumSetFromProto(m.member.value, depth + 1, listed) };
    throw new BlockchainError("MALFORMED", `quorum_set.members[${i}] is empty`);
  });
  return { threshold: q.threshold, members };
}

function quorumSetToProto(q: MetadataQuorumSet): QuorumSetProto {
  return {
    $typeName: "quorum_set.QuorumSet",
    threshold: q.threshold,
    members: q.members.map((m) => ({
      $typeName: "quorum_set.QuorumSetMember",
      member:
        m.type === "Node"
          ? {
              case: "node",
              value: {
                $typeName: "quorum_set.Node",
                responderId: m.node.responderId,
                publicKey: { $typeName: "external.Ed25519Public", data: m.node.publicKey },
              },
            }
          : { case: "innerSet", value: quorumSetToProto(m.set) },
    })),
  };
}

type EvidenceOneof = NonNullable<BlockMetadataProto["contents"]>["attestationEvidence"];

function attestationEvidenceFromProto(e: EvidenceOneof): AttestationEvidence | undefined {
  switch (e.case) {
    case "dcapEvidence":
      return { kind: "dcap", evidence: e.value };
    case "verificationReport":
      return { kind: "verification_report", report: e.value };
    case "swEvidence":
      return { kind: "sw", evidence: e.value };
    default:
      return undefined;
  }
}

function attestationEvidenceToProto(e: AttestationEvidence | undefined): EvidenceOneof {
  if (e === undefined) return { case: undefined };
  switch (e.kind) {
    case "dcap":
      return { case: "dcapEvidence", value: e.evidence };
    case "verification_report":
      return { case: "verificationReport", value: e.report };
    case "sw":
      return { case: "swEvidence", value: e.evidence };
  }
}

export function blockMetadataFromProto(p: BlockMetadataProto): BlockMetadata {
  const c = p.contents;
  if (c === undefined) throw new BlockchainError("MALFORMED", "block metadata has no contents");
  const evidence = c.attestationEvidence;
  return {
    contents: {
      blockId: fixed(c.blockId?.data, BLOCK_ID_LENGTH, "metadata.block_id"),
      quorumSet: quorumSetFromProto(c.quorumSet, 0, { nodes: 0 }),
      attestationEvidence: attestationEvidenceFromProto(evidence),
      responderId: c.responderId,
    },
    nodeKey: fixed(p.nodeKey?.data, 32, "metadata.node_key"),
    signature: fixed(p.signature?.data, 64, "metadata.signature"),
  };
}

export function blockMetadataToProto(m: BlockMetadata): BlockMetadataProto {
  const e = m.contents.attestationEvidence;
  return create(BlockMetadataSchema, {
    contents: {
      blockId: { data: m.contents.blockId },
      quorumSet: quorumSetToProto(m.contents.quorumSet),
      attestationEvidence: attestationEvidenceToProto(e),
      responderId: m.contents.responderId,
    },
    nodeKey: { data: m.nodeKey },
    signature: { data: m.signature },
  });
}
