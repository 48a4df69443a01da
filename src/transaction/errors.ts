import { CodedError } from "../util/index.js";

/**
 * Transaction errors. Validation failures carry the name of the `ProposeTxResult` code the client
 * gets (reference mobilecoin-service.md §5.3), so the API maps them in one place
 * (`proposeTxResultCode`); signature failures add the `ring_ct::Error` variant as `reason`.
 */

/** `ProposeTxResult` names and numbers (consensus_common.proto), in the enum's order. */
export const PROPOSE_TX_RESULT = {
  Ok: 0,
  InputsProofsLengthMismatch: 10,
  NoInputs: 11,
  TooManyInputs: 12,
  InsufficientInputSignatures: 13,
  InvalidInputSignature: 14,
  InvalidTransactionSignature: 15,
  InvalidRangeProof: 16,
  InsufficientRingSize: 17,
  TombstoneBlockExceeded: 18,
  TombstoneBlockTooFar: 19,
  NoOutputs: 20,
  TooManyOutputs: 21,
  ExcessiveRingSize: 22,
  DuplicateRingElements: 23,
  UnsortedRingElements: 24,
  UnequalRingSizes: 25,
  UnsortedKeyImages: 26,
  ContainsSpentKeyImage: 27,
  DuplicateKeyImages: 28,
  DuplicateOutputPublicKey: 29,
  ContainsExistingOutputPublicKey: 30,
  MissingTxOutMembershipProof: 31,
  InvalidTxOutMembershipProof: 32,
  InvalidRistrettoPublicKey: 33,
  InvalidLedgerContext: 34,
  Ledger: 35,
  MembershipProofValidationError: 36,
  TxFeeError: 37,
  KeyError: 38,
  UnsortedInputs: 39,
  MissingMemo: 40,
  MemosNotAllowed: 41,
  TokenNotYetConfigured: 42,
  MissingMaskedTokenId: 43,
  MaskedTokenIdNotAllowed: 44,
  UnsortedOutputs: 45,
  InputRulesNotAllowed: 46,
  InputRuleMissingRequiredOutput: 47,
  InputRuleMaxTombstoneBlockExceeded: 48,
  UnknownMaskedAmountVersion: 49,
  InputRulePartialFill: 50,
  InputRuleInvalidAmountSharedSecret: 51,
  InputRuleTxOutConversion: 52,
  InputRuleAmount: 53,
  LedgerTxOutIndexOutOfBounds: 54,
  FeeMapDigestMismatch: 55,
} as const;

/** A validation failure's code: a `ProposeTxResult` name other than `Ok`. */
export type TxValidationCode = Exclude<keyof typeof PROPOSE_TX_RESULT, "Ok">;

/**
 * `ring_ct::Error` variants `SignatureRctBulletproofs::verify` can fail with (§4.6); all surface
 * to clients as `InvalidTransactionSignature`.
 */
export type RingCtReason =
  | "TokenIdNotAllowed"
  | "AllRingsPresigned"
  | "LengthMismatch"
  | "MissingPseudoOutputTokenIds"
  | "MissingOutputTokenIds"
  | "PseudoOutputTokenIdsNotAllowed"
  | "OutputTokenIdsNotAllowed"
  | "DuplicateKeyImage"
  | "InvalidCurvePoint"
  | "TooManyRangeProofs"
  | "RangeProofDeserialization"
  | "RangeProof"
  | "UnexpectedRangeProof"
  | "MissingRangeProofs"
  | "NoCommitmentsForTokenId"
  | "ValueNotConserved"
  | "InvalidKeyImage"
  | "InvalidSignature";

/** A transaction that breaks a validation rule. */
export class TxValidationError extends CodedError<TxValidationCode> {
  constructor(
    code: TxValidationCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "TxValidationError";
  }

  /** The `ring_ct::Error` variant behind an `InvalidTransactionSignature`, if any. */
  get reason(): RingCtReason | undefined {
    return this.payload["reason"] as RingCtReason | undefined;
  }
}

/** An `InvalidTransactionSignature` with its `ring_ct::Error` variant. */
export function signatureError(
  reason: RingCtReason,
  message: string,
  payload: Readonly<Record<string, unknown>> = {},
): TxValidationError {
  return new TxValidationError("InvalidTransactionSignature", `${reason}: ${message}`, {
    ...payload,
    reason,
  });
}

/** The numeric `ProposeTxResult` for a validation error. */
export function proposeTxResultCode(error: TxValidationError): number {
  return PROPOSE_TX_RESULT[error.code];
}

/** Codes for malformed transactions (decoding) and for transactions that cannot be built. */
export const TRANSACTION_ERROR_CODES = [
  /** Bytes that are not a protobuf encoding of the message. */
  "INVALID_ENCODING",
  /** A decoded message with a field of the wrong shape (missing, wrong length, not canonical). */
  "INVALID_FIELD",
  /** A size limit exceeded while decoding (message bytes, list lengths). */
  "LIMIT_EXCEEDED",
  /** The builder was given inconsistent inputs (amounts that do not balance, unknown token). */
  "INVALID_BUILD",
  /** The signer does not own an input it was asked to spend (`TrueInputNotOwned`). */
  "INPUT_NOT_OWNED",
  /** Inputs, outputs or fee mix tokens at a block version that cannot (`MixedTransactionsNotAllowed`). */
  "MIXED_TRANSACTIONS_NOT_ALLOWED",
  /** A fee map that breaks `FeeMap::is_valid_map`. */
  "INVALID_FEE_MAP",
] as const;
export type TransactionErrorCode = (typeof TRANSACTION_ERROR_CODES)[number];

/** A typed failure while decoding or building a transaction. */
export class TransactionError extends CodedError<TransactionErrorCode> {
  constructor(
    code: TransactionErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "TransactionError";
  }
}

/**
 * Codes for ledger data the host hands to transaction validation that contradicts itself. These
 * are the host's faults, not the client's, so they are not `ProposeTxResult`s: MobileCoin's
 * enclave returns `Error::InvalidLocalMembershipProof` and the client API answers gRPC INTERNAL.
 */
export const LOCAL_LEDGER_ERROR_CODES = [
  /** The host's root proofs imply more than one Merkle root (or none). */
  "INVALID_LOCAL_MEMBERSHIP_PROOF",
] as const;
export type LocalLedgerErrorCode = (typeof LOCAL_LEDGER_ERROR_CODES)[number];

/** Inconsistent host-supplied ledger data (enclave `InvalidLocalMembershipProof`). */
export class LocalLedgerError extends CodedError<LocalLedgerErrorCode> {
  constructor(
    code: LocalLedgerErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "LocalLedgerError";
  }
}
