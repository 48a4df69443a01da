import { PROPOSE_TX_RESULT } from "../transaction/index.js";

/** `ProposeTxResult` number → name (unknown numbers are named by number). */
export function proposeTxResultName(result: number): string {
  const entry = Object.entries(PROPOSE_TX_RESULT).find(([, n]) => n === result);
  return entry === undefined ? `Unknown(${result})` : entry[0];
}

/** What a refusal means for the sender, one line; the common ones spelled out. */
const MEANINGS: Readonly<Record<string, string>> = {
  Ok: "the node accepted the transaction for consensus",
  ContainsSpentKeyImage: "an input was already spent (the ledger holds its key image)",
  DuplicateKeyImages: "the transaction spends the same output twice",
  TombstoneBlockExceeded: "the chain passed the transaction's tombstone block; build it again",
  TombstoneBlockTooFar: "the tombstone block is too far ahead of the chain",
  TxFeeError: "the fee is below the node's minimum fee",
  FeeMapDigestMismatch: "the transaction pins another fee map than the node's",
  InvalidTxOutMembershipProof: "a membership proof does not match the node's ledger",
  MembershipProofValidationError: "a membership proof does not match the node's ledger",
  LedgerTxOutIndexOutOfBounds: "a ring member is beyond the node's ledger (is the node behind?)",
  InsufficientRingSize: "a ring is smaller than the network requires",
  ExcessiveRingSize: "a ring is larger than the network allows",
  ContainsExistingOutputPublicKey: "an output's public key is already in the ledger",
  InvalidTransactionSignature: "the transaction's signature does not verify",
  InvalidRangeProof: "the range proof does not verify",
  MissingMemo: "outputs need memos at the node's block version",
  MemosNotAllowed: "outputs may not carry memos at the node's block version",
  MissingMaskedTokenId: "outputs need masked token ids at the node's block version",
  MaskedTokenIdNotAllowed: "outputs may not carry token ids at the node's block version",
  TokenNotYetConfigured: "the node has no fee configured for the token",
  UnknownMaskedAmountVersion: "the node's block version does not know this amount format",
  Ledger: "the node could not read its ledger",
  InvalidLedgerContext: "the node's ledger did not match the transaction's context",
};

export function proposeTxResultMeaning(name: string): string {
  return MEANINGS[name] ?? `the node refused the transaction as ${name}`;
}
