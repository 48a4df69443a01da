/**
 * The storage seam under the ledger: named tables of byte keys to byte values, read directly and
 * written in atomic transactions. The ledger logic is written once on top of it; `memory-kv.ts` and
 * `lmdb/lmdb-kv.ts` implement it. Table names are MobileCoin's LMDB database names.
 */
export const TABLES = {
  metadata: "ledger_db_metadata",
  counts: "ledger_db:counts",
  blocks: "ledger_db:blocks",
  blockSignatures: "ledger_db:block_signatures",
  blockMetadata: "ledger_db:block_metadata",
  keyImages: "ledger_db:key_images",
  keyImagesByBlock: "ledger_db:key_images_by_block",
  txOutsByBlock: "ledger_db:tx_outs_by_block",
  blockNumberByTxOutIndex: "ledger_db:block_number_by_tx_out_index",
  txOutCounts: "tx_out_store:counts",
  txOutByIndex: "tx_out_store:tx_out_by_index",
  txOutIndexByHash: "tx_out_store:tx_out_index_by_hash",
  txOutIndexByPublicKey: "tx_out_store:tx_out_index_by_public_key",
  merkleHashByRange: "tx_out_store:merkle_hash_by_range",
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

export const ALL_TABLES: readonly TableName[] = Object.values(TABLES);

export interface KvReader {
  get(table: TableName, key: Uint8Array): Uint8Array | undefined;
}

export interface KvWriter extends KvReader {
  put(table: TableName, key: Uint8Array, value: Uint8Array): void;
}

export interface KvStore extends KvReader {
  /** Run `body` in one atomic write transaction: all of its writes land, or none (if it throws). */
  write<T>(body: (txn: KvWriter) => T): T;
  /** Bytes the store occupies on disk, if it has a disk. */
  diskBytes(): number | undefined;
  close(): void;
}

/** Integer keys are 8-byte big-endian so that LMDB orders them numerically. */
export function u64Key(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, false);
  return out;
}

export function readU64Be(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, false);
}

/** MobileCoin stores the key-image → block index value little-endian (unlike every key). */
export function u64Le(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

export function readU64Le(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
}

/** A Merkle range key: `from` big-endian then `to` big-endian. */
export function rangeKey(from: bigint, to: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, from, false);
  view.setBigUint64(8, to, false);
  return out;
}

const encoder = new TextEncoder();
export const COUNT_KEYS = {
  numBlocks: encoder.encode("num_blocks"),
  numTxOuts: encoder.encode("num_tx_outs"),
  version: encoder.encode("version"),
} as const;
