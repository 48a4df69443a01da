import { SCP_LIMITS } from "../scp/index.js";
import { LIMITS } from "../util/index.js";

/**
 * Every bound of the peer layer, with MobileCoin's value where it has one (reference
 * mobilecoin-service.md §6.5, §6.7, §6.9; peers/src/threaded_broadcaster{,_retry}.rs,
 * consensus/service/src/peer_keepalive.rs).
 */
export const PEERS_LIMITS = {
  /**
   * Bytes of one CBOR consensus-message payload. gRPC's default receive limit (4 MiB) is the
   * ceiling a MobileCoin node accepts; a full message (6000 nomination values and three ballots of
   * 5020 values, about 75 bytes per TxHash value) stays under it.
   */
  maxPayloadBytes: 4 * 1024 * 1024,
  /** Bytes of a `TxProposeAAD` (two node ids): generous for any responder id. */
  maxAadBytes: 4096,
  /** UTF-8 bytes of a responder id (`host:port`; DNS names are at most 253). */
  maxResponderIdBytes: 1024,
  /**
   * CBOR nesting depth. Each quorum-set level adds three (set map, members array, member map); a
   * message whose quorum set is at SCP's depth limit reaches 3·depth + 6 (measured by the wire
   * test), the topic side about 10.
   */
  maxCborDepth: 3 * SCP_LIMITS.maxQuorumSetDepth + 8,
  /** Messages queued per peer before the oldest is dropped (MobileCoin's queues are unbounded). */
  peerQueueCapacity: 1000,
  /** Consensus-message digests remembered for de-duplication (MobileCoin `HISTORY_SIZE`). */
  seenMessages: 10_000,
  /**
   * Verified consensus messages kept by payload hash, so that relayed copies skip verification
   * (`VerifiedMsgCache`). A slot of a 4-node mesh has ≈ 30 distinct statements; one of 100 nodes,
   * ≈ 1,000. Each entry holds a decoded message: ≤ 8 KiB with a full nomination (120 values).
   */
  verifiedMsgCacheMax: 2048,
  /** Transaction hashes remembered for de-duplication of relays (MobileCoin `HISTORY_SIZE`). */
  seenTxs: 10_000,
  /** Attempts per queued item (MobileCoin `DEFAULT_RETRY_MAX_ATTEMPTS`). */
  retryMaxAttempts: 3,
  /** First retry delay; later ones follow the Fibonacci series (MobileCoin `DEFAULT_RETRY_INITIAL_DELAY`). */
  retryInitialDelayMs: 1000,
  /** An item is dropped this long after it was queued (MobileCoin `DEFAULT_MAX_MESSAGE_AGE`). */
  maxMessageAgeMs: 30_000,
  /** A peer silent for longer than this is asked for its latest message (`START_KEEPALIVE_CHECKS_AFTER`). */
  keepaliveSilenceMs: 30_000,
  /** Least time between two keepalive probes of one peer (`KEEPALIVE_INTERVAL`). */
  keepaliveIntervalMs: 10_000,
  /** Transaction hashes per GetTxs request (MobileCoin's worker asks in chunks of 100). */
  getTxsChunk: 100,
  /** Blocks per GetBlocks request (MobileCoin's `max_page_size`). */
  maxBlocksPerRequest: LIMITS.getBlocksPageSizeMax,
} as const;

/**
 * The retry delays after each failed attempt: Fibonacci from the initial delay, one fewer than the
 * attempts (the `retry` crate's `Fibonacci::from_millis(d).take(max_attempts − 1)`: d, d, 2d, 3d…).
 */
export function retryDelaysMs(
  attempts: number = PEERS_LIMITS.retryMaxAttempts,
  initialMs: number = PEERS_LIMITS.retryInitialDelayMs,
): number[] {
  const out: number[] = [];
  let current = initialMs;
  let next = initialMs;
  for (let i = 0; i < attempts - 1; i++) {
    out.push(current);
    [current, next] = [next, current + next];
  }
  return out;
}
