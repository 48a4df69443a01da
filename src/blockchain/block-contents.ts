import { D, type DigestNode, digest32 } from "../crypto/index.js";
import type { MintTx, ValidatedMintConfigTx } from "../proto/external_pb.js";
import { type TxOut, txOutDigestNode } from "../transaction/index.js";
import { BlockchainError } from "./errors.js";

/** Key images are 32-byte compressed ristretto points. */
export const KEY_IMAGE_LENGTH = 32;

/**
 * What a block adds to the ledger (MobileCoin `BlockContents`). Mint transactions are carried as
 * their protobuf messages so archives round-trip, but hashing them is not implemented yet.
 */
export interface BlockContents {
  readonly keyImages: readonly Uint8Array[];
  readonly outputs: readonly TxOut[];
  readonly validatedMintConfigTxs: readonly ValidatedMintConfigTx[];
  readonly mintTxs: readonly MintTx[];
}

export function blockContents(
  keyImages: readonly Uint8Array[],
  outputs: readonly TxOut[],
): BlockContents {
  return { keyImages, outputs, validatedMintConfigTxs: [], mintTxs: [] };
}

export function blockContentsDigestNode(c: BlockContents): DigestNode {
  if (c.validatedMintConfigTxs.length > 0 || c.mintTxs.length > 0) {
    throw new BlockchainError(
      "MINTING_NOT_SUPPORTED",
      "hashing block contents with mint transactions is not implemented",
    );
  }
  return D.agg("BlockContents", [
    // `KeyImage` is Digestible-transparent over its compressed point.
    D.field("key_images", D.seq(c.keyImages.map((k) => D.ristretto(k)))),
    D.field("outputs", D.seq(c.outputs.map(txOutDigestNode))),
  ]);
}

/** `BlockContentsHash`: `digest32("block_contents")` of the contents. */
export function blockContentsHash(c: BlockContents): Uint8Array {
  return digest32("block_contents", blockContentsDigestNode(c));
}
