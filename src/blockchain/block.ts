import {
  appendNode,
  D,
  type DigestNode,
  digest32,
  extractDigest32,
  MerlinTranscript,
} from "../crypto/index.js";
import { membershipElementDigestNode, type TxOutMembershipElement } from "../transaction/index.js";
import { bytesEqual } from "../util/index.js";
import { type BlockContents, blockContentsHash } from "./block-contents.js";

/** Block indices, counts and ids are 32-byte ids, u64 counters (bigint) and a u32 version. */
export const BLOCK_ID_LENGTH = 32;

/** A node of the TxOut Merkle tree: the leaf range `[from, to]` (inclusive) and its hash. */
export type MembershipElement = TxOutMembershipElement;

/** A block header (MobileCoin `Block`). */
export interface Block {
  readonly id: Uint8Array;
  readonly version: number;
  readonly parentId: Uint8Array;
  readonly index: bigint;
  /** Outputs in the ledger up to and including this block. */
  readonly cumulativeTxoCount: bigint;
  /** Root of the TxOut Merkle tree the block was formed against: the ledger before this block. */
  readonly rootElement: MembershipElement;
  readonly contentsHash: Uint8Array;
}

const ZERO_ID = new Uint8Array(BLOCK_ID_LENGTH);

/** The root element an origin block carries: range 0..0 with a zero hash. */
export const DEFAULT_ROOT_ELEMENT: MembershipElement = {
  range: { from: 0n, to: 0n },
  hash: new Uint8Array(32),
};

type BlockFields = Omit<Block, "id">;

/**
 * The block id: a Merlin transcript labelled `mobilecoin-block-id` with each header field appended
 * as a Digestible value under its field name (reference transactions.md §7).
 */
export function computeBlockId(b: BlockFields): Uint8Array {
  const t = new MerlinTranscript("mobilecoin-block-id");
  appendNode(t, "version", D.u32(b.version));
  appendNode(t, "parent_id", D.bytes(b.parentId));
  appendNode(t, "index", D.u64(b.index));
  appendNode(t, "cumulative_txo_count", D.u64(b.cumulativeTxoCount));
  appendNode(t, "root_element", membershipElementDigestNode(b.rootElement));
  appendNode(t, "contents_hash", D.bytes(b.contentsHash));
  return extractDigest32(t);
}

export function isBlockIdValid(b: Block): boolean {
  return bytesEqual(b.id, computeBlockId(b));
}

/** The origin block over the given contents (outputs only): version 0, index 0, zero parent. */
export function newOriginBlock(contents: BlockContents): Block {
  const fields: BlockFields = {
    version: 0,
    parentId: ZERO_ID,
    index: 0n,
    cumulativeTxoCount: BigInt(contents.outputs.length),
    rootElement: DEFAULT_ROOT_ELEMENT,
    contentsHash: blockContentsHash(contents),
  };
  return { id: computeBlockId(fields), ...fields };
}

/** The block after `parent` with these contents; `rootElement` is the ledger root before them. */
export function newBlockWithParent(
  version: number,
  parent: Block,
  rootElement: MembershipElement,
  contents: BlockContents,
): Block {
  const fields: BlockFields = {
    version,
    parentId: parent.id,
    index: parent.index + 1n,
    cumulativeTxoCount: parent.cumulativeTxoCount + BigInt(contents.outputs.length),
    rootElement,
    contentsHash: blockContentsHash(contents),
  };
  return { id: computeBlockId(fields), ...fields };
}

/** The Digestible form of the whole header, as the block signature signs it. */
export function blockDigestNode(b: Block): DigestNode {
  return D.agg("Block", [
    D.field("id", D.bytes(b.id)),
    D.field("version", D.u32(b.version)),
    D.field("parent_id", D.bytes(b.parentId)),
    D.field("index", D.u64(b.index)),
    D.field("cumulative_txo_count", D.u64(b.cumulativeTxoCount)),
    D.field("root_element", membershipElementDigestNode(b.rootElement)),
    D.field("contents_hash", D.bytes(b.contentsHash)),
  ]);
}

/** What a block signature signs: `digest32("block-sig")` of the header. */
export function blockSigningDigest(b: Block): Uint8Array {
  return digest32("block-sig", blockDigestNode(b));
}

export function blocksEqual(a: Block, b: Block): boolean {
  return (
    bytesEqual(a.id, b.id) &&
    a.version === b.version &&
    bytesEqual(a.parentId, b.parentId) &&
    a.index === b.index &&
    a.cumulativeTxoCount === b.cumulativeTxoCount &&
    a.rootElement.range.from === b.rootElement.range.from &&
    a.rootElement.range.to === b.rootElement.range.to &&
    bytesEqual(a.rootElement.hash, b.rootElement.hash) &&
    bytesEqual(a.contentsHash, b.contentsHash)
  );
}
