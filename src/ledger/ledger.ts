import type {
  Block,
  BlockContents,
  BlockData,
  BlockMetadata,
  BlockSignature,
  MembershipElement,
} from "../blockchain/index.js";
import type { TxOut, TxOutMembershipProof } from "../transaction/index.js";

/**
 * What the node, the APIs and the tools read from a ledger (MobileCoin's `Ledger` trait, reference
 * mobilecoin-service.md §10.2). `get…` methods throw `LedgerError("NOT_FOUND")` for a missing item;
 * `find…` and `check…` methods return `undefined` instead.
 */
export interface LedgerReader {
  numBlocks(): bigint;
  numTxOuts(): bigint;
  getBlock(index: bigint): Block;
  getBlockContents(index: bigint): BlockContents;
  getBlockSignature(index: bigint): BlockSignature | undefined;
  getBlockMetadata(index: bigint): BlockMetadata | undefined;
  getBlockData(index: bigint): BlockData;
  getLatestBlock(): Block;
  getBlockIndexByTxOutIndex(txOutIndex: bigint): bigint;
  getTxOutByIndex(index: bigint): TxOut;
  findTxOutIndexByHash(txOutHash: Uint8Array): bigint | undefined;
  findTxOutIndexByPublicKey(publicKey: Uint8Array): bigint | undefined;
  containsTxOutPublicKey(publicKey: Uint8Array): boolean;
  /** The index of the block that spent `keyImage`, if any. */
  checkKeyImage(keyImage: Uint8Array): bigint | undefined;
  containsKeyImage(keyImage: Uint8Array): boolean;
  getKeyImagesByBlock(index: bigint): Uint8Array[];
  getTxOutProofsOfMembership(indices: readonly bigint[]): TxOutMembershipProof[];
  getRootTxOutMembershipElement(): MembershipElement;
}

export interface Ledger extends LedgerReader {
  /**
   * Append one block in one atomic write after every check of MobileCoin's append validation;
   * throws `LedgerError` with the first failing check's code and writes nothing.
   */
  appendBlock(data: BlockData): void;
  /** Bytes on disk, when the ledger has a disk. */
  diskBytes(): number | undefined;
  close(): void;
}
