/** Every bound `consensus-tool testnet` works within, named in one place. */
export const TESTNET_LIMITS = {
  /** Largest network started on one machine (each node is two processes plus an archiver). */
  maxNodes: 16,
  /** Highest `--tx-rate` (payments per second over the whole network). */
  maxTxRate: 100,
  /** Default `--tx-rate`: a modest load that a 2-core machine closes blocks of comfortably. */
  defaultTxRate: 2,
  /** Sample accounts written into a new testnet (payers and payees of the load). */
  accounts: 8,
  /** Origin outputs per account per block, and origin blocks: each account starts with 2×12 outputs. */
  originTxsPerAccount: 12,
  originBlocks: 2,
  /** Block version of the origin ledger and of every node. */
  blockVersion: 3,
  /** Each load payment: 0.001 MOB, so that no account ever runs short. */
  paymentPicoMob: 1_000_000_000n,
  /** Payments one account may have in flight (proposed, not yet in a block). */
  maxInFlightPerAccount: 4,
  /** Accepted payments being followed at once over the whole network; more are not started. */
  maxTracked: 2_000,
  /** How often block heights, phases and pending payments are looked at. */
  pollIntervalMs: 250,
  /** Redraw period of the live view on a terminal. */
  redrawIntervalMs: 500,
  /** Period of the plain progress lines without a terminal. */
  progressIntervalMs: 5_000,
  /** Wait for every node to answer its client API after starting the processes. */
  startTimeoutMs: 120_000,
  /** After the load stops: wait this long for accepted payments and every node's height to settle. */
  drainTimeoutMs: 60_000,
  /** Between SIGTERM and SIGKILL for a child that does not stop. */
  stopGraceMs: 10_000,
  /** Deadline of one monitoring call (status, admin) to a node. */
  monitorCallDeadlineMs: 2_000,
  /** Latency samples kept for the percentiles (the oldest are dropped beyond this). */
  maxLatencySamples: 100_000,
  /** Lines of a child's log kept to explain an early exit, read from at most this many bytes. */
  logTailLines: 5,
  logTailBytes: 16 * 1024,
  /** Lowest port drawn for a node (below: well-known and registered services). */
  lowestPort: 10_000,
  /** Random ports tried before giving up on finding free ones. */
  portDrawAttempts: 10_000,
  /** Largest manifest file (`testnet.json`) read back. */
  maxManifestBytes: 1024 * 1024,
} as const;
