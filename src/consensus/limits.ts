import { PEERS_LIMITS, retryDelaysMs } from "../peers/index.js";
import { LIMITS } from "../util/index.js";

/**
 * Every bound of the consensus worker, with MobileCoin's value where it has one (reference
 * mobilecoin-service.md §6.9; consensus/service/src/byzantine_ledger/{mod,worker}.rs).
 */
export const CONSENSUS_LIMITS = {
  /** MobileCoin `PENDING_LIMIT`: pending values beyond which a client transaction is `OVER_CAPACITY`. */
  pendingValuesMax: LIMITS.pendingValuesMax,
  /** MobileCoin `MAX_PENDING_VALUES_TO_NOMINATE`: the first pending values proposed per slot. */
  nominateMax: LIMITS.pendingValuesToNominateMax,
  /** MobileCoin `MAX_TRANSACTIONS_PER_BLOCK`: combine keeps at most this many transactions. */
  transactionsPerBlockMax: LIMITS.transactionsPerBlockMax,
  /**
   * Well-formed transactions cached (MobileCoin's cache is unbounded and expires by tombstone only).
   * Ten full blocks of pending work, plus everything kept for peers until its tombstone.
   */
  txCacheMax: 100_000,
  /** Hashes per `GetTxs` request (MobileCoin's worker asks in chunks of 100). */
  fetchChunk: PEERS_LIMITS.getTxsChunk,
  /** Delays between `GetTxs` attempts (MobileCoin `Fibonacci::from_millis(100).take(10)`). */
  fetchRetryDelaysMs: retryDelaysMs(11, 100),
  /** Fetch requests in flight or waiting for a retry, over all peers. */
  fetchesMax: 1000,
  /** Consensus messages waiting for transactions to be fetched. */
  waitingMessagesMax: 2000,
  /** Messages kept for slots whose previous block we do not have yet (one per sender and slot). */
  futureMessagesMax: 4096,
  /** Slots ahead of the ledger whose messages are kept for later. */
  futureSlotsMax: 4,
  /** Digests of messages already relayed (MobileCoin's broadcaster `HISTORY_SIZE`). */
  relayedDigestsMax: PEERS_LIMITS.seenMessages,
  /** Hashes remembered per peer as unavailable in the current slot. */
  unavailablePerPeerMax: 10_000,
  /** MobileCoin `IS_BEHIND_GRACE_PERIOD`. */
  isBehindGraceMs: 10_000,
  /** Blocks fetched per catch-up attempt (`attempt_ledger_sync(network_state, 100)`). */
  syncChunkBlocks: 100,
  /** Longest wait between failed catch-up attempts: `min(attempts + 1, 60)` seconds. */
  syncRetryMaxMs: 60_000,
} as const;
