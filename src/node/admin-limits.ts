import { PEERS_LIMITS } from "../peers/index.js";

/**
 * Named limits of the operator views (health, quorum health, `/scp`) and the admin HTTP server.
 * Peers choose what they declare (ids, quorum sets), so every table kept from it has a ceiling.
 */
export const ADMIN_LIMITS = {
  /**
   * A member is `missing` when not heard from for longer than this: the keepalive's silence plus
   * one probe interval, the time a live peer needs to answer a probe (peers/keepalive.ts).
   */
  missingAfterMs: PEERS_LIMITS.keepaliveSilenceMs + PEERS_LIMITS.keepaliveIntervalMs,
  /** A member whose latest statement is this many slots behind ours is `delayed`. */
  delayedAfterSlots: 1,
  /** No block for this long while values are pending makes the node not ready (as the alert). */
  noBlockWhilePendingMs: 120_000,
  /** Attestation evidence expiring sooner than this makes the node not ready (as the alert). */
  evidenceMarginMs: 6 * 3600_000,
  /** Nodes tracked by the statement tracker (members of the transitive quorum set and relayers). */
  trackedNodesMax: 256,
  /** Subsets tried when counting tolerated failures; past it the count is reported as a bound. */
  toleranceSubsetsMax: 4_096,
  /** Intersection search steps per check of the declared quorum sets. */
  intersectionStepsMax: 200_000,
  /** Intersection results kept, by the declared sets they were computed on. */
  intersectionCacheMax: 64,
  /** Node ids accepted in one `/quorum?fail=` query. */
  failIdsMax: 32,
  /** Largest admin HTTP request body (a log filter), bytes. */
  httpBodyMaxBytes: 4_096,
  /** Longest request target (path and query), characters. */
  httpUrlMaxLength: 2_048,
  /** Admin HTTP requests answered at once; more are refused with 503. */
  httpConcurrentMax: 16,
  /** Headers must arrive within this (slow clients), ms. */
  httpHeadersTimeoutMs: 10_000,
  /** A whole request must arrive within this, ms. */
  httpRequestTimeoutMs: 15_000,
  /** How long `/livez` waits for the enclave to answer, ms. */
  enclavePingTimeoutMs: 2_000,
} as const;
