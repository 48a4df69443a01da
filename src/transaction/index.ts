/** `transaction/`: Tx types, TxOuts, addresses, memos, validation. Pure. */

export { BlockVersionFeatures, isKnownBlockVersion, MAX_BLOCK_VERSION } from "./block-version.js";
export {
  type ChangeDestination,
  type FogResolver,
  type MemoBuilder,
  type OutputReceipt,
  TransactionBuilder,
  type TransactionBuilderOptions,
} from "./builder.js";
export { MAX_INPUTS, MAX_OUTPUTS, MAX_TOMBSTONE_BLOCKS, RING_SIZE } from "./constants.js";
export {
  LocalLedgerError,
  type LocalLedgerErrorCode,
  PROPOSE_TX_RESULT,
  proposeTxResultCode,
  type RingCtReason,
  TransactionError,
  type TransactionErrorCode,
  type TxValidationCode,
  TxValidationError,
} from "./errors.js";
export {
  checkFeeMap,
  defaultFeeMap,
  type FeeMap,
  feeMapDigest,
  MOB_MINIMUM_FEE,
  MOB_TOKEN_ID,
  minimumFee,
} from "./fee-map.js";
export type { InputCredentials } from "./input-credentials.js";
export { checkInputRules } from "./input-rules.js";
export {
  authenticatedSenderMemoData,
  type DestinationMemo,
  type DestinationMemoId,
  destinationMemoData,
  MemoType,
  type MemoTypeCode,
  makeAuthenticatedSenderMemo,
  makeDestinationMemo,
  memoPayload,
  type ParsedSenderMemo,
  parseAuthenticatedSenderMemo,
  parseDestinationMemo,
  type SenderMemoId,
  senderMemoKeyForRecipient,
  senderMemoKeyForSender,
  splitMemoPayload,
  unusedMemo,
  validateAuthenticatedSenderMemo,
} from "./memos.js";
export {
  computeImpliedMerkleRoot,
  deriveProofAtIndex,
  isMembershipProofValid,
  MEMBERSHIP_PROOF_MAX_ELEMENTS,
  MembershipProofError,
  type MembershipProofErrorCode,
  type MerkleRange,
  membershipElementDigestNode,
  membershipProofDigestNode,
  membershipProofFromProto,
  membershipProofToProto,
  merkleLeafHash,
  merkleNodeHash,
  NIL_HASH,
  type TxOutMembershipElement,
  type TxOutMembershipProof,
  TxOutMerkleTree,
  txOutLeafHash,
} from "./merkle.js";
export {
  decodePrintable,
  decodePublicAddress,
  encodePrintable,
  encodePublicAddress,
  FOG_AUTHORITY_SIGNATURE_CONTEXT,
  PRINTABLE_B58_MAX_CHARS,
  type PublicAddress,
  plainAddress,
  publicAddressDigestNode,
  publicAddressFromB58,
  publicAddressFromProto,
  publicAddressOf,
  publicAddressToB58,
  publicAddressToProto,
  shortAddressHash,
  verifyFogAuthoritySignature,
} from "./public-address.js";
export {
  chooseRing,
  MAX_RING_CANDIDATES,
  onetimeKeyFor,
  type RingCandidate,
} from "./ring-selection.js";
export { type RthMemoOptions, rthMemoBuilder, type SenderCredential } from "./rth-memo-builder.js";
export {
  InMemoryLedgerView,
  makeSampleSpend,
  type SampleSpend,
  type SampleSpendOptions,
} from "./sample-spend.js";
export {
  FEE_BLINDING,
  type InputRingToSign,
  type InputSecret,
  type OutputSecret,
  type PresignedInputRing,
  type SignableInputRing,
  signRctBulletproofs,
  type VerifyOptions,
  verifyRctBulletproofs,
} from "./signature.js";
export {
  checkContingentInput,
  type RequiredOutput,
  type SignedContingentInput,
  signContingentInput,
  type UnmaskedAmount,
} from "./signed-contingent-input.js";
export {
  extendedMessageDigest,
  mlsagSigningDigest,
  txSummaryDigestNode,
} from "./signing-digest.js";
export { checkStrictWire, MAX_WIRE_DEPTH } from "./strict-wire.js";
export {
  compareKeys,
  decodeTx,
  encodeTx,
  type InputRules,
  inputRulesDigest,
  MAX_TX_ENCODED_BYTES,
  type RevealedTxOut,
  type SignatureRctBulletproofs,
  signatureDigestNode,
  signatureFromProto,
  signatureToProto,
  type Tx,
  type TxIn,
  type TxPrefix,
  txDigestNode,
  txFromProto,
  txHash,
  txInDigestNode,
  txInSignedDigest,
  txKeyImages,
  txOutputPublicKeys,
  txPrefixDigestNode,
  txPrefixFromProto,
  txPrefixHash,
  txPrefixToProto,
  txToProto,
} from "./tx.js";
export {
  type CreatedTxOut,
  type CreateTxOutParams,
  createTxOut,
  decodeTxOut,
  encodeTxOut,
  type MemoContext,
  maskedAmountDigestNode,
  TX_OUT_MAX_BYTES,
  type TxOut,
  txOutDigestNode,
  txOutFromProto,
  txOutHash,
  txOutToProto,
  type ViewedTxOut,
  viewTxOut,
} from "./tx-out.js";
export {
  decodeTxOutRecord,
  type RecoveredTxOutRecord,
  recoverTxOutRecord,
  TX_OUT_RECORD_MAX_BYTES,
} from "./tx-out-record.js";
export {
  type AcceptanceConfig,
  checkRootProofsAgree,
  fetchRootProofs,
  type LedgerView,
  txIsWellFormed,
  txOutsEqual,
  type ValidationContext,
  validateMembershipProofs,
  validateTombstone,
  validateTx,
  validateTxForLedger,
  validateTxsForLedger,
} from "./validate.js";
