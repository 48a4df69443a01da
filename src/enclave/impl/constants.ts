import { fromHex } from "../../util/index.js";

/**
 * Constants baked into the enclave and therefore into its measurement (reference §2 and §9.3):
 * like MobileCoin's `FEE_SPEND_PUBLIC_KEY`, `FEE_VIEW_PUBLIC_KEY` and
 * `MINTING_TRUST_ROOT_PUBLIC_KEY`, they are source, not flags, so peers that attest each other by
 * measurement agree on them. These are development values with published origins (checked by
 * constants.test.ts):
 * - fee recipient: default subaddress of the account with root entropy
 *   SHA-256("mc-ts development fee recipient v1");
 * - minting trust root: Ed25519 key with seed SHA-256("mc-ts development minting trust root v1").
 * A network with real fee and minting keys changes them here and gets a new measurement.
 */
export interface BakedConstants {
  feeSpendPublicKey: Uint8Array;
  feeViewPublicKey: Uint8Array;
  mintingTrustRoot: Uint8Array;
  /** MobileCoin's ISV product id of the consensus enclave. */
  productId: number;
  /** Security version; MobileCoin's consensus enclave is at 10. */
  svn: number;
}

export const BAKED_CONSTANTS: BakedConstants = {
  feeSpendPublicKey: fromHex(
    "c04d59538780862e23f333a4886677892e12f3dc24e2938c458267cc302b2074",
    32,
  ),
  feeViewPublicKey: fromHex("bed18f1446b8ad8022a23ca55105c47bc598d4c1181fcb88a831bb7e33d8e12f", 32),
  mintingTrustRoot: fromHex("da9b0dfd2b37a2dcdbbadc5f5dcf681022faadc892f0d3fde62ba024885699f8", 32),
  productId: 1,
  svn: 10,
};
