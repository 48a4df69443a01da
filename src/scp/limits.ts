import { LIMITS } from "../util/index.js";

/**
 * Bounds on everything a peer can make an SCP node hold or compute. A message exceeding one is
 * rejected with a typed error; the node's own state is capped at the same sizes.
 */
export const SCP_LIMITS = {
  /** stellar-core `MAXIMUM_QUORUM_NESTING_LEVEL`: depth 0 is the top set; deeper sets are rejected. */
  maxQuorumSetDepth: 4,
  /** stellar-core: at most this many nodes listed in one quorum set, counted over all levels. */
  maxQuorumSetNodes: 1000,
  /** Values one nomination statement may carry (X and Y together). 1.2 × MAX_TRANSACTIONS_PER_BLOCK, after MCIP "Reducing Nomination Votes". */
  maxNominationValues: (LIMITS.transactionsPerBlockMax * 6) / 5,
  /** Values in one ballot (the combined block contents): MobileCoin's transactions per block + 10 mint-config and 10 mint transactions. */
  maxBallotValues: LIMITS.transactionsPerBlockMax + 20,
  /** Bytes in one opaque value (a transaction hash is 32; mint transactions are larger). */
  maxValueBytes: 64 * 1024,
  /** Slots ahead of the current one whose messages are buffered (MobileCoin's host buffers them). */
  maxFutureSlots: 4,
  /** Buffered future-slot messages in total (one per sender and slot is kept). */
  maxBufferedMessages: 4096,
  /** Externalized slots kept to answer lagging peers (MobileCoin's default is 1). */
  maxRetainedSlots: 16,
  /** Nodes whose latest message a slot keeps (one per sender). */
  maxPeersPerSlot: 2000,
  /** Distinct node ids a slot indexes over all quorum sets it has seen (peers can rotate quorum sets). */
  maxKnownNodesPerSlot: 20_000,
  /**
   * Longest nomination-round or ballot timeout, ms (stellar-core's `MAX_TIMEOUT_MS` in
   * `HerderSCPDriver::computeTimeout`: 30 minutes). Without it `base × round` and
   * `base × (counter + 1)` grow without bound, up to `base × INF` once a peer claims INF.
   */
  maxTimeoutMs: 30 * 60 * 1000,
  /** Distinct values a node keeps one shared copy of (see `MessageIntake`); past this it starts over. */
  maxInternedValues: 100_000,
  /** Validity verdicts cached per slot; past this, values are re-validated instead of cached. */
  maxValidityCacheEntries: 200_000,
} as const;

/** `INF` counter: u32::MAX. Ballot counters saturate here. */
export const INF = 0xffff_ffff;
