/** `archive/`: block archive readers and writers (file://, http(s)://, s3://), publishing and sync. */
export {
  ArchiveBlockFetcher,
  type ArchiveFetcherOptions,
  type BlockFetcher,
  type BlockHeaderPeer,
  CorruptBlockError,
  checkFetchRequest,
  LedgerBlockFetcher,
  PeerBlockFetcher,
} from "./block-fetcher.js";
export { frameArchiveBlocks, splitArchiveBlocks } from "./bundle.js";
export {
  type BlockDecoder,
  DecodeFailure,
  inlineDecoder,
  WorkerDecoder,
} from "./decoder.js";
export { ArchiveError, type ArchiveErrorCode, isTransient } from "./errors.js";
export { FileArchive } from "./file-store.js";
export { HttpArchiveSource } from "./http-source.js";
export { ARCHIVE_LIMITS, DEFAULT_MERGE_BUCKETS } from "./limits.js";
export { MemoryArchive } from "./memory-store.js";
export {
  type CheckedBlocks,
  checkFetchedBlocks,
  FetchAttempt,
  type FetchRequest,
  MultiSourceFetcher,
  type MultiSourceOptions,
} from "./multi-fetcher.js";
export { type OpenArchiveOptions, openArchiveDestination, openArchiveSource } from "./open.js";
export {
  ArchivePublisher,
  normalizeBuckets,
  type PublisherOptions,
  type PublishSummary,
} from "./publisher.js";
export { backoffDelayMs, type RetryPolicy, realSleep, withRetry } from "./retry.js";
export { parseS3Url, S3Archive, type S3Credentials, type S3Location } from "./s3-store.js";
export { type BackoffLimits, type SourceScore, SourceScores } from "./source-scores.js";
export { type SourceOutcome, SourceSet } from "./sources.js";
export type { ArchiveDestination, ArchiveSource } from "./store.js";
export {
  DEFAULT_READ_BUCKETS,
  type SyncOptions,
  type SyncSummary,
  syncFromArchive,
} from "./sync.js";
