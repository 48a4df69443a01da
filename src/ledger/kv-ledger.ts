import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type Block,
  type BlockContents,
  type BlockData,
  type BlockMetadata,
  type BlockSignature,
  blockContentsHash,
  blockFromProto,
  blockMetadataFromProto,
  blockMetadataToProto,
  blockSignatureFromProto,
  blockSignatureToProto,
  blockToProto,
  isBlockIdValid,
  type MembershipElement,
} from "../blockchain/index.js";
import { BlockMetadataSchema, BlockSchema, BlockSignatureSchema } from "../proto/blockchain_pb.js";
import { TxOutSchema } from "../proto/external_pb.js";
import { KeyImageListSchema, TxOutsByBlockValueSchema } from "../proto/ledger_db_pb.js";
import {
  encodeTxOut,
  MAX_BLOCK_VERSION,
  merkleLeafHash,
  type TxOut,
  type TxOutMembershipProof,
  txOutFromProto,
  txOutHash,
} from "../transaction/index.js";
import { bytesEqual, describeError, toHex } from "../util/index.js";
import { LedgerError } from "./errors.js";
import {
  COUNT_KEYS,
  type KvReader,
  type KvStore,
  type KvWriter,
  readU64Be,
  readU64Le,
  TABLES,
  type TableName,
  u64Key,
  u64Le,
} from "./kv.js";
import type { Ledger } from "./ledger.js";
import { appendLeaves, membershipProof, rootElement } from "./merkle.js";

/** The on-disk format this code writes; MobileCoin's `LATEST_VERSION` of the ledger database. */
export const LEDGER_FORMAT_VERSION = 20220921n;
/** Block metadata is required from this block version on. */
export const METADATA_REQUIRED_FROM_VERSION = 3;
/** Most proofs one `getTxOutProofsOfMembership` call builds. */
export const MAX_PROOFS_PER_CALL = 1000;

function decode<D extends DescMessage>(
  schema: D,
  bytes: Uint8Array,
  what: string,
): MessageShape<D> {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    throw new LedgerError("CORRUPT", `stored ${what} does not decode: ${describeError(error)}`);
  }
}

function stored<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof LedgerError) throw error;
    throw new LedgerError("CORRUPT", `stored ${what} is invalid: ${describeError(error)}`);
  }
}

/**
 * The ledger logic of MobileCoin's LedgerDB and TxOutStore, over any `KvStore`. Every append is one
 * write transaction: validation reads and all writes happen inside it, so a crash at any moment
 * leaves the previous complete block as the tip.
 */
export class KvLedger implements Ledger {
  private readonly kv: KvStore;

  constructor(kv: KvStore) {
    this.kv = kv;
    const version = kv.get(TABLES.metadata, COUNT_KEYS.version);
    if (version === undefined) {
      kv.write((txn) =>
        txn.put(TABLES.metadata, COUNT_KEYS.version, u64Key(LEDGER_FORMAT_VERSION)),
      );
    } else if (readU64Be(version) !== LEDGER_FORMAT_VERSION) {
      throw new LedgerError(
        "INCOMPATIBLE_VERSION",
        `ledger format ${readU64Be(version)} is not ${LEDGER_FORMAT_VERSION}`,
      );
    }
  }

  private count(kv: KvReader, table: TableName, key: Uint8Array): bigint {
    const v = kv.get(table, key);
    return v === undefined ? 0n : readU64Be(v);
  }

  numBlocks(): bigint {
    return this.count(this.kv, TABLES.counts, COUNT_KEYS.numBlocks);
  }

  numTxOuts(): bigint {
    return this.count(this.kv, TABLES.txOutCounts, COUNT_KEYS.numTxOuts);
  }

  private require(table: TableName, key: Uint8Array, what: string): Uint8Array {
    const v = this.kv.get(table, key);
    if (v === undefined) throw new LedgerError("NOT_FOUND", `${what} not found`);
    return v;
  }

  getBlock(index: bigint): Block {
    const bytes = this.require(TABLES.blocks, u64Key(index), `block ${index}`);
    return stored(`block ${index}`, () =>
      blockFromProto(decode(BlockSchema, bytes, `block ${index}`)),
    );
  }

  getBlockContents(index: bigint): BlockContents {
    const keyImages = this.getKeyImagesByBlock(index);
    const range = decode(
      TxOutsByBlockValueSchema,
      this.require(TABLES.txOutsByBlock, u64Key(index), `outputs of block ${index}`),
      `output range of block ${index}`,
    );
    const outputs: TxOut[] = [];
    for (let i = 0n; i < range.numTxOuts; i++)
      outputs.push(this.getTxOutByIndex(range.firstTxOutIndex + i));
    return { keyImages, outputs, validatedMintConfigTxs: [], mintTxs: [] };
  }

  getBlockSignature(index: bigint): BlockSignature | undefined {
    const bytes = this.kv.get(TABLES.blockSignatures, u64Key(index));
    if (bytes === undefined) return undefined;
    return stored(`signature ${index}`, () =>
      blockSignatureFromProto(decode(BlockSignatureSchema, bytes, "signature")),
    );
  }

  getBlockMetadata(index: bigint): BlockMetadata | undefined {
    const bytes = this.kv.get(TABLES.blockMetadata, u64Key(index));
    if (bytes === undefined) return undefined;
    return stored(`metadata ${index}`, () =>
      blockMetadataFromProto(decode(BlockMetadataSchema, bytes, "metadata")),
    );
  }

  getBlockData(index: bigint): BlockData {
    return {
      block: this.getBlock(index),
      contents: this.getBlockContents(index),
      signature: this.getBlockSignature(index),
      metadata: this.getBlockMetadata(index),
    };
  }

  getLatestBlock(): Block {
    const n = this.numBlocks();
    if (n === 0n) throw new LedgerError("NOT_FOUND", "the ledger has no blocks");
    return this.getBlock(n - 1n);
  }

  getBlockIndexByTxOutIndex(txOutIndex: bigint): bigint {
    return readU64Be(
      this.require(TABLES.blockNumberByTxOutIndex, u64Key(txOutIndex), `output ${txOutIndex}`),
    );
  }

  getTxOutByIndex(index: bigint): TxOut {
    const bytes = this.require(TABLES.txOutByIndex, u64Key(index), `output ${index}`);
    return stored(`output ${index}`, () =>
      txOutFromProto(decode(TxOutSchema, bytes, `output ${index}`)),
    );
  }

  findTxOutIndexByHash(hash: Uint8Array): bigint | undefined {
    const v = this.kv.get(TABLES.txOutIndexByHash, hash);
    return v === undefined ? undefined : readU64Be(v);
  }

  findTxOutIndexByPublicKey(publicKey: Uint8Array): bigint | undefined {
    const v = this.kv.get(TABLES.txOutIndexByPublicKey, publicKey);
    return v === undefined ? undefined : readU64Be(v);
  }

  containsTxOutPublicKey(publicKey: Uint8Array): boolean {
    return this.kv.get(TABLES.txOutIndexByPublicKey, publicKey) !== undefined;
  }

  checkKeyImage(keyImage: Uint8Array): bigint | undefined {
    const v = this.kv.get(TABLES.keyImages, keyImage);
    return v === undefined ? undefined : readU64Le(v);
  }

  containsKeyImage(keyImage: Uint8Array): boolean {
    return this.kv.get(TABLES.keyImages, keyImage) !== undefined;
  }

  getKeyImagesByBlock(index: bigint): Uint8Array[] {
    const bytes = this.require(
      TABLES.keyImagesByBlock,
      u64Key(index),
      `key images of block ${index}`,
    );
    return decode(KeyImageListSchema, bytes, `key images of block ${index}`).keyImages.map(
      (k) => k.data,
    );
  }

  getTxOutProofsOfMembership(indices: readonly bigint[]): TxOutMembershipProof[] {
    if (indices.length > MAX_PROOFS_PER_CALL) {
      throw new LedgerError("NOT_FOUND", `at most ${MAX_PROOFS_PER_CALL} proofs per call`);
    }
    const n = this.numTxOuts();
    return indices.map((i) => membershipProof(this.kv, i, n));
  }

  getRootTxOutMembershipElement(): MembershipElement {
    return rootElement(this.kv, this.numTxOuts());
  }

  appendBlock(data: BlockData): void {
    this.kv.write((txn) => {
      const numBlocks = this.count(txn, TABLES.counts, COUNT_KEYS.numBlocks);
      const numTxOuts = this.count(txn, TABLES.txOutCounts, COUNT_KEYS.numTxOuts);
      this.validateAppend(txn, data, numBlocks);
      this.writeBlock(txn, data, numBlocks, numTxOuts);
    });
  }

  /** MobileCoin's `validate_append_block`, in its order, plus the checks its writes imply. */
  private validateAppend(txn: KvReader, data: BlockData, numBlocks: bigint): void {
    const { block, contents } = data;
    const at = { index: String(block.index) };
    if (numBlocks === 0n) {
      if (
        block.index !== 0n ||
        block.version !== 0 ||
        !bytesEqual(block.parentId, new Uint8Array(32))
      ) {
        throw new LedgerError(
          "INVALID_ORIGIN_BLOCK",
          "the first block must be an origin block: index 0, version 0, zero parent id",
          at,
        );
      }
    } else {
      const last = blockFromProto(
        decode(
          BlockSchema,
          txn.get(TABLES.blocks, u64Key(numBlocks - 1n)) ?? new Uint8Array(),
          "last block",
        ),
      );
      // Version, then index, then parent: the order of ledger-db's `validate_append_block`, so a
      // block with several defects is refused for the same one.
      if (block.version < last.version || block.version > MAX_BLOCK_VERSION) {
        throw new LedgerError(
          "INVALID_BLOCK_VERSION",
          `block version ${block.version} is outside [${last.version}, ${MAX_BLOCK_VERSION}]`,
          at,
        );
      }
      if (block.index !== numBlocks) {
        throw new LedgerError(
          "INVALID_BLOCK_INDEX",
          `expected block ${numBlocks}, got ${block.index}`,
          at,
        );
      }
      if (!bytesEqual(block.parentId, last.id)) {
        throw new LedgerError(
          "INVALID_PARENT_BLOCK_ID",
          `block ${block.index} does not name the last block as its parent`,
          at,
        );
      }
      if (block.cumulativeTxoCount !== last.cumulativeTxoCount + BigInt(contents.outputs.length)) {
        throw new LedgerError(
          "INVALID_CUMULATIVE_TXO_COUNT",
          `block ${block.index} miscounts its outputs`,
          at,
        );
      }
    }
    if (contents.validatedMintConfigTxs.length > 0 || contents.mintTxs.length > 0) {
      throw new LedgerError(
        "MINTING_NOT_SUPPORTED",
        "blocks with mint transactions are not supported yet",
        at,
      );
    }
    if (contents.outputs.length === 0)
      throw new LedgerError("NO_OUTPUTS", `block ${block.index} has no outputs`, at);
    if (numBlocks > 0n && contents.keyImages.length === 0) {
      throw new LedgerError("NO_KEY_IMAGES", `block ${block.index} has no key images`, at);
    }
    let hash: Uint8Array;
    try {
      hash = blockContentsHash(contents);
    } catch (error) {
      throw new LedgerError(
        "INVALID_BLOCK_CONTENTS",
        `block ${block.index}: ${describeError(error)}`,
        at,
      );
    }
    if (!bytesEqual(hash, block.contentsHash)) {
      throw new LedgerError(
        "INVALID_BLOCK_CONTENTS",
        `block ${block.index}: contents do not match the contents hash`,
        at,
      );
    }
    contents.outputs.forEach((o, i) => {
      if (o.maskedAmount === undefined) {
        throw new LedgerError(
          "UNKNOWN_MASKED_AMOUNT_VERSION",
          `output ${i} of block ${block.index} has no masked amount`,
          at,
        );
      }
    });
    const seenKeyImages = new Set<string>();
    for (const k of contents.keyImages) {
      const hex = toHex(k);
      if (seenKeyImages.has(hex) || txn.get(TABLES.keyImages, k) !== undefined) {
        throw new LedgerError("KEY_IMAGE_ALREADY_SPENT", "Key image has already been spent", {
          ...at,
          keyImage: hex,
        });
      }
      seenKeyImages.add(hex);
    }
    const seenPublicKeys = new Set<string>();
    for (const o of contents.outputs) {
      const hex = toHex(o.publicKey);
      if (
        seenPublicKeys.has(hex) ||
        txn.get(TABLES.txOutIndexByPublicKey, o.publicKey) !== undefined
      ) {
        throw new LedgerError("DUPLICATE_OUTPUT_PUBLIC_KEY", "Duplicate output public key", {
          ...at,
          publicKey: hex,
        });
      }
      seenPublicKeys.add(hex);
    }
    if (!isBlockIdValid(block))
      throw new LedgerError(
        "INVALID_BLOCK_ID",
        `block ${block.index}: the id does not match the header`,
        at,
      );
    if (block.version >= METADATA_REQUIRED_FROM_VERSION && data.metadata === undefined) {
      throw new LedgerError(
        "BLOCK_METADATA_REQUIRED",
        "Block metadata is required at this block version",
        at,
      );
    }
  }

  private writeBlock(txn: KvWriter, data: BlockData, numBlocks: bigint, numTxOuts: bigint): void {
    const { block, contents } = data;
    const blockKey = u64Key(block.index);
    for (const k of contents.keyImages) txn.put(TABLES.keyImages, k, u64Le(block.index));
    txn.put(
      TABLES.keyImagesByBlock,
      blockKey,
      toBinary(
        KeyImageListSchema,
        create(KeyImageListSchema, { keyImages: contents.keyImages.map((data) => ({ data })) }),
      ),
    );

    const leaves: Uint8Array[] = [];
    contents.outputs.forEach((o, i) => {
      const index = numTxOuts + BigInt(i);
      const indexKey = u64Key(index);
      const hash = txOutHash(o);
      txn.put(TABLES.txOutByIndex, indexKey, encodeTxOut(o));
      txn.put(TABLES.txOutIndexByHash, hash, indexKey);
      txn.put(TABLES.txOutIndexByPublicKey, o.publicKey, indexKey);
      txn.put(TABLES.blockNumberByTxOutIndex, indexKey, blockKey);
      leaves.push(merkleLeafHash(hash));
    });
    appendLeaves(txn, numTxOuts, leaves);
    const newNumTxOuts = numTxOuts + BigInt(contents.outputs.length);
    txn.put(TABLES.txOutCounts, COUNT_KEYS.numTxOuts, u64Key(newNumTxOuts));
    txn.put(
      TABLES.txOutsByBlock,
      blockKey,
      toBinary(
        TxOutsByBlockValueSchema,
        create(TxOutsByBlockValueSchema, {
          firstTxOutIndex: numTxOuts,
          numTxOuts: BigInt(contents.outputs.length),
        }),
      ),
    );

    txn.put(TABLES.blocks, blockKey, toBinary(BlockSchema, blockToProto(block)));
    if (data.signature !== undefined)
      txn.put(
        TABLES.blockSignatures,
        blockKey,
        toBinary(BlockSignatureSchema, blockSignatureToProto(data.signature)),
      );
    if (data.metadata !== undefined)
      txn.put(
        TABLES.blockMetadata,
        blockKey,
        toBinary(BlockMetadataSchema, blockMetadataToProto(data.metadata)),
      );
    txn.put(TABLES.counts, COUNT_KEYS.numBlocks, u64Key(numBlocks + 1n));
  }

  diskBytes(): number | undefined {
    return this.kv.diskBytes();
  }

  close(): void {
    this.kv.close();
  }
}
