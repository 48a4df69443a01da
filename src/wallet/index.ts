/**
 * `wallet/`: the command-line wallet over sample accounts: owned outputs found with the view key
 * in a ledger opened read-only, spends recognised by key image, inputs selected, rings and proofs
 * drawn from the same ledger, payments built with the transaction builder and proposed to a node
 * over an attested (NX) session; and the client calls behind `status` and `wait-for-block`.
 */
export {
  accountAddress,
  accountKeyfile,
  addressFromB58,
  loadAccount,
  openLedgerReadOnly,
  pendingFile,
} from "./accounts.js";
export { developmentEnclaveIdentity, insecureSwVerifier } from "./attestation.js";
export {
  type BuiltSend,
  buildSend,
  type SendRequest,
  selectInputs,
  spendableOutputs,
} from "./build.js";
export { WalletError, type WalletErrorCode } from "./errors.js";
export { WALLET_LIMITS } from "./limits.js";
export {
  type ChainInfo,
  NodeClient,
  type NodeStatus,
  type ProposeContext,
  type ProposeOutcome,
} from "./node.js";
export { type PendingEntry, PendingSpends } from "./pending.js";
export { osRandom } from "./random.js";
export { proposeTxResultMeaning, proposeTxResultName } from "./result.js";
export { drawMixinIndices, ringFor, ringsFor } from "./ring.js";
export {
  type Balance,
  balanceOf,
  keyImageHex,
  OwnedOutputs,
  type OwnedTxOut,
  openOwned,
  ownerSubaddress,
  type ScanKeys,
  scanKeysOf,
  scanOwned,
} from "./scan.js";
export { type SendOptions, type SendResult, sendPayment } from "./send.js";
export {
  realWaitClock,
  type TxFate,
  txFateIn,
  type WaitClock,
  waitForBlock,
  waitForTx,
} from "./wait.js";
