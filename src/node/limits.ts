/** Every bound of the node runtime (driver, action executor, ingress), by name. */
export const RUNTIME_LIMITS = {
  /**
   * Peer and catch-up calls the executor runs at once. The broadcaster keeps one call per peer,
   * the fetcher at most `CONSENSUS_LIMITS.fetchesMax`; past this a call fails at once (retryable).
   */
  peerCallsInFlightMax: 1_024,
  /** Client and peer transactions being checked by the enclave at once; more are refused. */
  ingressInFlightMax: 256,
  /** Inputs queued while the driver is inside a step (results arriving re-entrantly). */
  inboxMax: 10_000,
  /** Peers whose IX session is being (re)established at once. */
  attestationsInFlightMax: 64,
} as const;
