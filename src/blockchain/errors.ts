import { CodedError } from "../util/index.js";

/** Why a block, its contents or an archive record was refused. */
export const BLOCKCHAIN_ERROR_CODES = [
  /** Protobuf bytes that do not decode, or a required field that is missing. */
  "MALFORMED",
  /** A field of the wrong length or out of range. */
  "INVALID_FIELD",
  /** The block id does not match the block's fields. */
  "INVALID_BLOCK_ID",
  /** The contents do not hash to the block's `contents_hash`. */
  "INVALID_CONTENTS_HASH",
  /** A block signature that does not verify. */
  "INVALID_SIGNATURE",
  /** Block metadata whose signature does not verify or that names another block. */
  "INVALID_METADATA",
  /** A block version above the highest this build knows. */
  "UNSUPPORTED_BLOCK_VERSION",
  /** An archive record of a variant this build does not read. */
  "UNSUPPORTED_ARCHIVE_VERSION",
  /** Blocks in a merged archive file that do not form a parent-linked chain. */
  "BROKEN_CHAIN",
  /** Mint transactions, whose Digestible shapes this build does not implement yet. */
  "MINTING_NOT_SUPPORTED",
  /** Input larger than its named limit. */
  "LIMIT_EXCEEDED",
] as const;
export type BlockchainErrorCode = (typeof BLOCKCHAIN_ERROR_CODES)[number];

export class BlockchainError extends CodedError<BlockchainErrorCode> {
  constructor(
    code: BlockchainErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "BlockchainError";
  }
}
