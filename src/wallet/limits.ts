/** Every bound the wallet works within, named in one place. */
export const WALLET_LIMITS = {
  /** Blocks after the node's block count before a transaction's tombstone (as mobilecoind's 50–100). */
  tombstoneOffset: 100n,
  /** Inputs one transaction may spend (MobileCoin's MAX_INPUTS). */
  maxInputs: 16,
  /** Entries the pending-spends file may hold; more is a damaged file. */
  maxPendingEntries: 10_000,
  /** Largest pending-spends file read. */
  maxPendingFileBytes: 4 * 1024 * 1024,
  /** Owned outputs examined per account; a sample account holds far fewer. */
  maxOwnedTxOuts: 1_000_000,
  /** Between two looks at the chain while waiting for a block or a transaction. */
  pollIntervalMs: 250,
  /** Default wait for `--wait` and `wait-for-block`. */
  defaultTimeoutMs: 60_000,
  /** Deadline of one gRPC call to the node. */
  callDeadlineMs: 10_000,
  /** Attempts to draw distinct ring members before giving up (a tiny ledger). */
  maxRingDraws: 10_000,
} as const;
