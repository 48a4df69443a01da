/**
 * Named limits of the archive layer. Retry and prefetch bounds keep a sync or a publisher from
 * hammering a struggling server or holding unbounded data in memory.
 */
export const ARCHIVE_LIMITS = {
  /** Attempts for one archive read (across all sources) before giving up as UNAVAILABLE. */
  fetchMaxAttempts: 8,
  /** First retry delay of a read, ms; doubles per attempt. */
  fetchBaseDelayMs: 100,
  /** Longest delay between two read attempts, ms. */
  fetchMaxDelayMs: 10_000,
  /**
   * Total time one archive read may spend on a source that keeps failing (retries included, the
   * request in flight cut short at the end) before that source counts as unavailable, ms.
   */
  fetchRetryBudgetMs: 30_000,
  /** Deadline for one HTTP or S3 request, including its body, ms. */
  requestTimeoutMs: 30_000,
  /** Attempts for one upload before the publisher stops with WRITE_FAILED. */
  uploadMaxAttempts: 12,
  /** First retry delay of an upload, ms (MobileCoin's distribution starts at 10 ms). */
  uploadBaseDelayMs: 10,
  /** Longest delay between two upload attempts, ms. */
  uploadMaxDelayMs: 30_000,
  /** Single-block files fetched ahead of the block being imported. */
  singleFetchesInFlight: 16,
  /** Blocks of a merged file decoded and checked ahead of the one being appended. */
  decodeAhead: 32,
  /** Merged files fetched ahead of the one being imported (each holds up to 10,000 blocks). */
  bundlesAhead: 1,
  /** How often ledger-distribution looks for new blocks in the ledger, ms. */
  ledgerPollIntervalMs: 100,
  /** Most archive source URLs one sync accepts. */
  maxSources: 64,
  /** Largest merged bucket we write or read (a reader refuses bigger bundles). */
  maxBucket: 10_000,
  /** Most blocks one block-fetcher call returns (`attempt_ledger_sync(…, 100)` asks 100). */
  fetchBlocksMax: 1_000,
  /** A block source that served a corrupt or stale block is skipped this long, ms (first time). */
  badSourceBackoffMs: 60_000,
  /** … doubling per repeat offence up to this, ms. */
  badSourceBackoffMaxMs: 600_000,
  /** Bad sources remembered by one fetcher (each one's strikes and back-off). */
  scoredSourcesMax: 256,
} as const;

/** MobileCoin's default `--merge-buckets`. */
export const DEFAULT_MERGE_BUCKETS: readonly number[] = [100, 1000, 10_000];
