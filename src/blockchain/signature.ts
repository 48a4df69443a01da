import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  type Ed25519Signer,
  ed25519Verify,
} from "../crypto/index.js";
import { type Block, blockSigningDigest } from "./block.js";

/** The enclave's signature over a block header (MobileCoin `BlockSignature`). */
export interface BlockSignature {
  readonly signature: Uint8Array;
  readonly signer: Uint8Array;
  /** Unix seconds, set by the host when it signs. */
  readonly signedAt: bigint;
}

export function signBlock(block: Block, signer: Ed25519Signer, signedAt: bigint): BlockSignature {
  return { signature: signer.sign(blockSigningDigest(block)), signer: signer.publicKey, signedAt };
}

export function verifyBlockSignature(block: Block, s: BlockSignature): boolean {
  if (
    s.signer.length !== ED25519_PUBLIC_KEY_LENGTH ||
    s.signature.length !== ED25519_SIGNATURE_LENGTH
  )
    return false;
  return ed25519Verify(s.signer, blockSigningDigest(block), s.signature);
}
