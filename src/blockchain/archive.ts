import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type ArchiveBlock as ArchiveBlockProto,
  ArchiveBlockSchema,
  ArchiveBlocksSchema,
} from "../proto/blockchain_pb.js";
import { checkStrictWire } from "../transaction/index.js";
import { bytesEqual, describeError, isCodedError, toHex } from "../util/index.js";
import { type Block, isBlockIdValid } from "./block.js";
import { type BlockContents, blockContentsHash } from "./block-contents.js";
import {
  blockContentsFromProto,
  blockContentsToProto,
  blockFromProto,
  blockMetadataFromProto,
  blockMetadataToProto,
  blockSignatureFromProto,
  blockSignatureToProto,
  blockToProto,
} from "./convert.js";
import { BlockchainError } from "./errors.js";
import { type BlockMetadata, verifyBlockMetadata } from "./metadata.js";
import { type BlockSignature, verifyBlockSignature } from "./signature.js";

/** A block with everything the ledger stores about it (MobileCoin `BlockData`). */
export interface BlockData {
  readonly block: Block;
  readonly contents: BlockContents;
  /** Absent for blocks obtained through catch-up. */
  readonly signature: BlockSignature | undefined;
  /** Required from block version 3. */
  readonly metadata: BlockMetadata | undefined;
}

/** Largest single `ArchiveBlock` file we read. */
export const MAX_ARCHIVE_BLOCK_BYTES = 64 * 1024 * 1024;
/** Largest merged `ArchiveBlocks` file we read. */
export const MAX_ARCHIVE_BUNDLE_BYTES = 512 * 1024 * 1024;
/** Most blocks in one merged file (the largest bucket MobileCoin writes is 10000). */
export const MAX_ARCHIVE_BUNDLE_BLOCKS = 10_000;

/**
 * Every check a reader makes before trusting a block from outside: the id matches the header, the
 * contents hash to the header's `contents_hash`, and a signature or metadata, when present,
 * verifies and names this block.
 */
export function verifyBlockData(d: BlockData): void {
  const index = d.block.index;
  if (!isBlockIdValid(d.block)) {
    throw new BlockchainError(
      "INVALID_BLOCK_ID",
      `block ${index}: the id does not match the header`,
      { index: String(index) },
    );
  }
  if (!bytesEqual(blockContentsHash(d.contents), d.block.contentsHash)) {
    throw new BlockchainError(
      "INVALID_CONTENTS_HASH",
      `block ${index}: the contents do not match the contents hash`,
      {
        index: String(index),
      },
    );
  }
  if (d.signature !== undefined && !verifyBlockSignature(d.block, d.signature)) {
    throw new BlockchainError(
      "INVALID_SIGNATURE",
      `block ${index}: the block signature does not verify`,
      { index: String(index) },
    );
  }
  if (d.metadata !== undefined && !verifyBlockMetadata(d.metadata, d.block.id)) {
    throw new BlockchainError(
      "INVALID_METADATA",
      `block ${index}: the block metadata does not verify`,
      { index: String(index) },
    );
  }
}

function toArchiveProto(d: BlockData): ArchiveBlockProto {
  return create(ArchiveBlockSchema, {
    block: {
      case: "v1",
      value: {
        block: blockToProto(d.block),
        blockContents: blockContentsToProto(d.contents),
        ...(d.signature === undefined ? {} : { signature: blockSignatureToProto(d.signature) }),
        ...(d.metadata === undefined ? {} : { metadata: blockMetadataToProto(d.metadata) }),
      },
    },
  });
}

function fromArchiveProto(p: ArchiveBlockProto): BlockData {
  if (p.block.case !== "v1")
    throw new BlockchainError("UNSUPPORTED_ARCHIVE_VERSION", "archive block is not the v1 variant");
  const v1 = p.block.value;
  if (v1.block === undefined) throw new BlockchainError("MALFORMED", "archive block has no block");
  if (v1.blockContents === undefined)
    throw new BlockchainError("MALFORMED", "archive block has no contents");
  const data: BlockData = {
    block: blockFromProto(v1.block),
    contents: blockContentsFromProto(v1.blockContents),
    signature: v1.signature === undefined ? undefined : blockSignatureFromProto(v1.signature),
    metadata: v1.metadata === undefined ? undefined : blockMetadataFromProto(v1.metadata),
  };
  verifyBlockData(data);
  return data;
}

export function encodeArchiveBlock(d: BlockData): Uint8Array {
  return toBinary(ArchiveBlockSchema, toArchiveProto(d));
}

/**
 * Archive bytes must be well-formed in prost's strict sense before they are decoded: no groups,
 * no unknown fields, wire types matching the schema, nested lengths exact. protobuf-es alone is
 * more lenient (it reads a message field re-encoded as a group, for one), which would let one
 * block have several byte forms. Field order is free: MobileCoin's encoders order fields
 * differently from each other and from ours.
 */
function requireStrictWire(
  bytes: Uint8Array,
  schema: Parameters<typeof checkStrictWire>[1],
  what: string,
): void {
  try {
    checkStrictWire(bytes, schema);
  } catch (error) {
    if (isCodedError(error))
      throw new BlockchainError("MALFORMED", `${what}: ${describeError(error)}`);
    throw error;
  }
}

/** Decode and fully check one archived block. */
export function decodeArchiveBlock(bytes: Uint8Array): BlockData {
  if (bytes.length > MAX_ARCHIVE_BLOCK_BYTES) {
    throw new BlockchainError(
      "LIMIT_EXCEEDED",
      `archive block of ${bytes.length} bytes exceeds ${MAX_ARCHIVE_BLOCK_BYTES}`,
    );
  }
  requireStrictWire(bytes, ArchiveBlockSchema, "archive block");
  let proto: ArchiveBlockProto;
  try {
    proto = fromBinary(ArchiveBlockSchema, bytes);
  } catch (error) {
    throw new BlockchainError("MALFORMED", `not an ArchiveBlock: ${describeError(error)}`);
  }
  return fromArchiveProto(proto);
}

export function encodeArchiveBlocks(blocks: readonly BlockData[]): Uint8Array {
  return toBinary(
    ArchiveBlocksSchema,
    create(ArchiveBlocksSchema, { blocks: blocks.map(toArchiveProto) }),
  );
}

/** Decode a merged file: every block checked, and the blocks must form a parent-linked chain. */
export function decodeArchiveBlocks(bytes: Uint8Array): BlockData[] {
  if (bytes.length > MAX_ARCHIVE_BUNDLE_BYTES) {
    throw new BlockchainError(
      "LIMIT_EXCEEDED",
      `archive bundle of ${bytes.length} bytes exceeds ${MAX_ARCHIVE_BUNDLE_BYTES}`,
    );
  }
  requireStrictWire(bytes, ArchiveBlocksSchema, "archive bundle");
  let protos: ArchiveBlockProto[];
  try {
    protos = fromBinary(ArchiveBlocksSchema, bytes).blocks;
  } catch (error) {
    throw new BlockchainError("MALFORMED", `not an ArchiveBlocks: ${describeError(error)}`);
  }
  if (protos.length > MAX_ARCHIVE_BUNDLE_BLOCKS) {
    throw new BlockchainError(
      "LIMIT_EXCEEDED",
      `archive bundle holds ${protos.length} blocks, more than ${MAX_ARCHIVE_BUNDLE_BLOCKS}`,
    );
  }
  const out: BlockData[] = [];
  for (const p of protos) {
    const d = fromArchiveProto(p);
    const prev = out[out.length - 1];
    if (
      prev !== undefined &&
      (d.block.index !== prev.block.index + 1n || !bytesEqual(d.block.parentId, prev.block.id))
    ) {
      throw new BlockchainError(
        "BROKEN_CHAIN",
        `merged archive: block ${d.block.index} does not follow block ${prev.block.index}`,
        {
          index: String(d.block.index),
        },
      );
    }
    out.push(d);
  }
  return out;
}

/**
 * Where block `index` lives in an archive: `{index:016x}.pb` under seven directories made of the
 * first 14 hex digits in pairs, e.g. index 1 → `00/00/00/00/00/00/00/0000000000000001.pb`.
 */
export function archiveBlockPath(index: bigint): string {
  if (index < 0n || index >= 1n << 64n) throw new RangeError(`block index out of range: ${index}`);
  const hex = index.toString(16).padStart(16, "0");
  const dirs: string[] = [];
  for (let i = 0; i < 14; i += 2) dirs.push(hex.slice(i, i + 2));
  return `${dirs.join("/")}/${hex}.pb`;
}

/** Where the merged file of `bucket` blocks starting at `firstIndex` lives: `merged-{bucket}/…`. */
export function mergedArchivePath(bucket: number, firstIndex: bigint): string {
  return `merged-${bucket}/${archiveBlockPath(firstIndex)}`;
}

/** Short hex of a block id for logs. */
export function shortId(id: Uint8Array): string {
  return toHex(id.subarray(0, 4));
}
