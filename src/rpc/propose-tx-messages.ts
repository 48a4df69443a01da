import type { TxValidationCode } from "../transaction/index.js";

/**
 * `ProposeTxResponse.err_msg` as MobileCoin fills it: the Display text of its
 * `TransactionValidationError` (transaction/core/src/validation/error.rs, displaydoc). Variants
 * with an argument (`InvalidTransactionSignature`, `Ledger`, `LedgerTxOutIndexOutOfBounds`,
 * `InputRule…`) keep their fixed prefix; the argument is the detail we have, or nothing.
 */
export const PROPOSE_TX_ERR_MSG: Readonly<Record<TxValidationCode, string>> = {
  InputsProofsLengthMismatch: "Each input should have one membership proof.",
  NoInputs: "A transaction must have at least one input.",
  TooManyInputs: "A transaction must have no more than the maximum allowed number of inputs.",
  InsufficientInputSignatures: "Each input must have a signature.",
  InvalidInputSignature: "Each input must have a valid signature.",
  InvalidTransactionSignature: "Invalid RingCT signature",
  InvalidRangeProof: "All Range Proofs in the transaction must be valid.",
  InsufficientRingSize:
    "Each input must contain a ring with no fewer than the minimum number of elements.",
  TombstoneBlockExceeded: "Number of blocks in ledger exceeds the tombstone block number.",
  TombstoneBlockTooFar: "Tombstone block is too far in the future.",
  NoOutputs: "Must have at least one output.",
  TooManyOutputs: "A transaction must have no more than the maximum allowed number of outputs.",
  ExcessiveRingSize:
    "Each input must contain a ring with no more than the maximum number of elements.",
  DuplicateRingElements: "All elements in all rings within the transaction must be unique.",
  UnsortedRingElements: "The elements of each ring must be sorted.",
  UnequalRingSizes: "All rings in a transaction must be of the same size.",
  UnsortedKeyImages: "Key Images must be sorted.",
  ContainsSpentKeyImage: "Contains a Key Image that has previously been spent.",
  DuplicateKeyImages: "Key Images within the transaction must be unique.",
  DuplicateOutputPublicKey: "Output public keys in the transaction must be unique.",
  ContainsExistingOutputPublicKey:
    "Contains an output public key that has previously appeared in the ledger.",
  MissingTxOutMembershipProof: "Each ring element must have a corresponding proof of membership.",
  InvalidTxOutMembershipProof: "Each ring element must have a valid proof of membership.",
  InvalidRistrettoPublicKey: "Public keys must be valid Ristretto points.",
  InvalidLedgerContext:
    "Ledger context provided by the untrusted system is insufficient to validate the transaction.",
  Ledger: "Ledger error",
  MembershipProofValidationError: "An error occurred while validating a membership proof.",
  TxFeeError: "An error occurred while checking transaction fees.",
  KeyError: "Public keys must be valid Ristretto points.",
  UnsortedInputs:
    "Inputs must be sorted by the public key of the first ring element of each input.",
  MissingMemo: "A TxOut is missing the required memo field",
  MemosNotAllowed: "A TxOut includes a memo, but this is not allowed yet",
  TokenNotYetConfigured: "Tx indicates a token id that is not yet configured",
  MissingMaskedTokenId: "A TxOut is missing the required masked token id field",
  MaskedTokenIdNotAllowed: "A TxOut includes a masked token id, but this is not allowed yet",
  UnsortedOutputs: "Outputs must be sorted by public key, ascending",
  InputRulesNotAllowed: "Input rules not yet allowed",
  InputRuleMissingRequiredOutput: "Input rule: The transaction is missing a required output",
  InputRuleMaxTombstoneBlockExceeded: "Input rule: The tombstone block exceeds the limit",
  UnknownMaskedAmountVersion: "Unknown Masked Amount version",
  InputRulePartialFill: "Input rule: partial fill",
  InputRuleInvalidAmountSharedSecret: "Input rule: Revealed Tx Out: invalid amount shared secret",
  InputRuleTxOutConversion: "Input rule: Revealed Tx Out: TxOut conversion",
  InputRuleAmount: "Input rule: Revealed Tx Out: amount",
  LedgerTxOutIndexOutOfBounds: "Ledger error: TxOut Index out of bounds",
  // Not a TransactionValidationError upstream: the enclave's `FeeMapDigestMismatch` Display.
  FeeMapDigestMismatch: "Fee Map Digest Mismatch",
};
