/** `consensus/`: MobileCoin's byzantine ledger and tx manager, sans I/O (reference node-runtime.md §2). */
export {
  assembleValidator,
  type ValidatorAssemblyPorts,
  type ValidatorSpec,
  type ValidatorTuning,
} from "./assembly.js";
export { ConsensusError, type ConsensusErrorCode } from "./errors.js";
export { formBlockCodecFor } from "./form-block-codec.js";
export { CONSENSUS_LIMITS } from "./limits.js";
export { NetworkState } from "./network-state.js";
export { type PendingEntry, PendingValues } from "./pending-values.js";
export { LedgerSyncState, type SyncAction, type SyncState } from "./sync-state.js";
export {
  type FetchAction,
  type FetchedTx,
  type FetchOutcome,
  type FetchSettled,
  TxFetcher,
} from "./tx-fetcher.js";
export {
  type CachedTx,
  combineContexts,
  compareWellFormed,
  type TxInvalidReason,
  type TxLedgerView,
  TxManager,
} from "./tx-manager.js";
export {
  createValidator,
  type Validator,
  type ValidatorAction,
  type ValidatorInput,
  type ValidatorOptions,
  type ValidatorPorts,
} from "./validator.js";
export {
  ConsensusWorker,
  type FormBlockCodec,
  valuesOf,
  type WorkerAction,
  type WorkerInput,
  type WorkerLedger,
  type WorkerOptions,
  type WorkerStats,
  workerLedgerOf,
} from "./worker.js";
