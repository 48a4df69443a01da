/**
 * MobileCoin's `BlockVersion` and the transaction features each version turns on
 * (reference transactions.md §6.2). Versions are plain numbers 0..MAX_BLOCK_VERSION.
 */

/** `BlockVersion::MAX` at the pinned MobileCoin release. */
export const MAX_BLOCK_VERSION = 4;

/** The feature table; every predicate is "from this version on". */
export const BlockVersionFeatures = {
  /** Outputs must carry an encrypted memo (and may not before). */
  eMemoRequired: (v: number): boolean => v >= 1,
  /** Outputs carry an 8-byte masked token id; non-zero tokens and fee tokens are allowed. */
  maskedTokenIdRequired: (v: number): boolean => v >= 2,
  /** MLSAGs sign the extended-message digest instead of the raw extended message. */
  mlsagsSignExtendedMessageDigest: (v: number): boolean => v >= 2,
  /** Outputs must be sorted by public key. */
  outputsMustBeSorted: (v: number): boolean => v >= 3,
  /** Mixed-token transactions: per-token range proofs and token-id lists in the signature. */
  mixedTransactions: (v: number): boolean => v >= 3,
  /** Signed contingent inputs (input rules). */
  signedInputRules: (v: number): boolean => v >= 3,
  /** New outputs use masked amount v2. */
  maskedAmountV2: (v: number): boolean => v >= 3,
  /** MLSAGs sign the extended message and TxSummary digest. */
  mlsagsSignExtendedMessageAndTxSummaryDigest: (v: number): boolean => v >= 3,
} as const;

/** True when `v` is a block version this code knows. */
export function isKnownBlockVersion(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_BLOCK_VERSION;
}
