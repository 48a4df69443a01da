import {
  archiveBlockPath,
  type BlockData,
  MAX_ARCHIVE_BLOCK_BYTES,
  MAX_ARCHIVE_BUNDLE_BYTES,
  mergedArchivePath,
} from "../blockchain/index.js";
import { type Ledger, LedgerError } from "../ledger/index.js";
import { bytesEqual, describeError, isCodedError, type Logger, nullLogger } from "../util/index.js";
import { splitArchiveBlocks } from "./bundle.js";
import { type BlockDecoder, DecodeFailure, inlineDecoder } from "./decoder.js";
import { ArchiveError } from "./errors.js";
import { ARCHIVE_LIMITS } from "./limits.js";
import type { SourceSet } from "./sources.js";

/** One past the largest u64 block index. */
const INDEX_END = 1n << 64n;

/** The merged buckets a reader tries, largest first (MobileCoin's fetcher: 10000, 1000, 100). */
export const DEFAULT_READ_BUCKETS: readonly number[] = [10_000, 1000, 100];

export interface SyncOptions {
  /** Merged bucket sizes to try; default `DEFAULT_READ_BUCKETS`. */
  buckets?: readonly number[];
  /** Stop once the ledger holds this many blocks; if the archive ends sooner, MISSING_BLOCK. */
  numBlocks?: bigint;
  /** Single-block files fetched ahead; default `ARCHIVE_LIMITS.singleFetchesInFlight`. */
  singlesInFlight?: number;
  /** Where blocks are decoded and checked; default on this thread (`inlineDecoder`). */
  decoder?: BlockDecoder;
  logger?: Logger;
  /** Called after each block is appended (progress output). */
  onBlock?: (index: bigint) => void;
}

/** What a sync did, for `--json`. */
export interface SyncSummary {
  /** Blocks in the ledger before and after. */
  start_blocks: string;
  num_blocks: string;
  imported: number;
  from_merged_files: number;
  from_single_files: number;
  /** Merged files that failed a check; their blocks were read from single files instead. */
  merged_files_rejected: number;
  requests: number;
  retries: number;
  stopped: "end-of-archive" | "num-blocks-reached";
}

export interface Stats {
  fromMerged: number;
  fromSingles: number;
  mergedRejected: number;
}

/** Refuse a block: one line naming its index. */
function refuse(index: bigint, reason: string, cause?: unknown): ArchiveError {
  return new ArchiveError(
    "INVALID_BLOCK",
    `block ${index}: ${reason}`,
    { index: String(index) },
    { cause },
  );
}

/** Decode an archived block and check that it is the block expected at `index`. */
async function decodeAt(
  decoder: BlockDecoder,
  bytes: Uint8Array,
  index: bigint,
): Promise<BlockData> {
  let data: BlockData;
  try {
    data = await decoder.decode(bytes);
  } catch (error) {
    const reason = error instanceof DecodeFailure ? error.message : describeError(error);
    // The checks' own messages often start with "block N:"; the refusal names the block already.
    throw refuse(index, reason.replace(/^([A-Z_]+: )block \d+: /, "$1"), error);
  }
  if (data.block.index !== index)
    throw refuse(index, `the archive file for block ${index} holds block ${data.block.index}`);
  return data;
}

/** Attach a handler now so a prefetch nobody awaits (after an early stop) is not "unhandled". */
function prefetch<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * The archive's blocks from `start` (exclusive of `end`), each fully checked, in order. Merged
 * files are tried first (largest bucket that starts at the next index and fits before `end`),
 * with one more bundle fetched ahead; between bundles, single files are fetched with a bounded
 * window in flight. A merged file that fails a check is set aside and its blocks are read from
 * single files, which are then the last word: a single file that fails a check stops everything.
 * Ends when the next single file is absent from every source.
 */
export async function* archiveBlocks(
  sources: SourceSet,
  start: bigint,
  end: bigint,
  buckets: readonly number[],
  singlesInFlight: number,
  decoder: BlockDecoder,
  stats: Stats,
  logger: Logger,
): AsyncGenerator<BlockData, void, void> {
  const descending = [...new Set(buckets.filter((b) => b > 1))].sort((a, b) => b - a);
  const smallest = descending[descending.length - 1];
  let next = start;
  let ahead: { path: string; promise: Promise<Uint8Array | undefined> } | undefined;
  // Aborted when the consumer stops (a refused block, the end): prefetches then stop retrying.
  const stopFetching = new AbortController();
  const { signal } = stopFetching;
  const fetchBundle = (path: string) =>
    prefetch(sources.get(path, MAX_ARCHIVE_BUNDLE_BYTES, signal));

  try {
    while (next < end) {
      let usedBundle = false;
      for (const bucket of descending) {
        const size = BigInt(bucket);
        if (next % size !== 0n || next + size > end) continue;
        const path = mergedArchivePath(bucket, next);
        const promise = ahead?.path === path ? ahead.promise : fetchBundle(path);
        ahead = undefined;
        let bytes: Uint8Array | undefined;
        try {
          bytes = await promise;
        } catch (error) {
          // A bundle we cannot fetch is not fatal: the single files hold the same blocks. The
          // source set reports failing sources once, at the end.
          logger.debug({ path, error: describeError(error) }, "merged file unavailable");
          continue;
        }
        if (bytes === undefined) continue;
        const following = next + size;
        if (following + size <= end && ARCHIVE_LIMITS.bundlesAhead > 0) {
          const nextPath = mergedArchivePath(bucket, following);
          ahead = { path: nextPath, promise: fetchBundle(nextPath) };
        }
        const accepted = yield* bundleBlocks(decoder, bytes, bucket, next, logger);
        next += BigInt(accepted);
        if (accepted === bucket) {
          stats.fromMerged += bucket;
          usedBundle = true;
        } else {
          stats.fromMerged += accepted;
          stats.mergedRejected++;
          ahead = undefined;
        }
        break;
      }
      if (usedBundle) continue;

      // Single files up to the next bucket boundary, where a merged file may take over again.
      let stop = end;
      if (smallest !== undefined) {
        const size = BigInt(smallest);
        const boundary = (next / size + 1n) * size;
        if (boundary < stop) stop = boundary;
      }
      // Each entry: the file's fetch, then its decode (started as soon as the bytes arrive).
      type Fetched = { bytes: Uint8Array; decoded: Promise<BlockData> } | undefined;
      const window: Promise<Fetched>[] = [];
      let issued = next;
      while (next < stop) {
        while (issued < stop && issued - next < BigInt(singlesInFlight)) {
          const index = issued;
          window.push(
            prefetch(
              sources
                .get(archiveBlockPath(index), MAX_ARCHIVE_BLOCK_BYTES, signal)
                .then((bytes) =>
                  bytes === undefined
                    ? undefined
                    : { bytes, decoded: prefetch(decodeAt(decoder, bytes, index)) },
                ),
            ),
          );
          issued++;
        }
        let fetched: Fetched;
        try {
          fetched = await (window.shift() as Promise<Fetched>);
        } catch (error) {
          if (isCodedError(error))
            throw new ArchiveError(
              error.code === "TOO_LARGE" ? "INVALID_BLOCK" : (error as ArchiveError).code,
              `block ${next}: ${error.message}`,
              { index: String(next) },
              { cause: error },
            );
          throw error;
        }
        if (fetched === undefined) return;
        const data = await fetched.decoded;
        stats.fromSingles++;
        yield data;
        next++;
      }
    }
  } finally {
    stopFetching.abort();
  }
}

/**
 * The blocks of one merged file that pass every check, stopping at the first that does not (the
 * caller reads the rest from single files). Returns how many were yielded.
 */
async function* bundleBlocks(
  decoder: BlockDecoder,
  bytes: Uint8Array,
  bucket: number,
  first: bigint,
  logger: Logger,
): AsyncGenerator<BlockData, number, void> {
  const path = mergedArchivePath(bucket, first);
  let records: Uint8Array[];
  try {
    records = splitArchiveBlocks(bytes);
  } catch (error) {
    logger.warn({ path, error: describeError(error) }, "merged file rejected; using single files");
    return 0;
  }
  if (records.length !== bucket) {
    logger.warn(
      { path, blocks: records.length },
      "merged file has the wrong block count; using single files",
    );
    return 0;
  }
  // Decodes run up to `decodeAhead` records ahead of the block being appended.
  const decoded: Promise<BlockData>[] = [];
  let issued = 0;
  let parentId: Uint8Array | undefined;
  for (let k = 0; k < records.length; k++) {
    while (issued < records.length && issued - k < ARCHIVE_LIMITS.decodeAhead) {
      decoded.push(
        prefetch(decodeAt(decoder, records[issued] as Uint8Array, first + BigInt(issued))),
      );
      issued++;
    }
    const index = first + BigInt(k);
    let data: BlockData;
    try {
      data = await (decoded.shift() as Promise<BlockData>);
      if (parentId !== undefined && !bytesEqual(data.block.parentId, parentId))
        throw refuse(index, "does not link to the previous block of the merged file");
    } catch (error) {
      logger.warn(
        { path, index: String(index), error: describeError(error) },
        "merged file rejected at this block; using single files from here",
      );
      return k;
    }
    parentId = data.block.id;
    yield data;
  }
  return records.length;
}

/**
 * Append the archive's blocks to `ledger`, starting after its last block (ledger-from-archive,
 * reference mobilecoin-service.md §10.5). Every block passes the archive reader's checks and then
 * the ledger's append validation; the first block that fails either stops the sync with
 * `INVALID_BLOCK` naming its index, and nothing after it is imported.
 */
export async function syncFromArchive(
  ledger: Ledger,
  sources: SourceSet,
  options: SyncOptions = {},
): Promise<SyncSummary> {
  const logger = options.logger ?? nullLogger;
  const startBlocks = ledger.numBlocks();
  const target = options.numBlocks;
  const end = target === undefined ? INDEX_END : target;
  const stats: Stats = { fromMerged: 0, fromSingles: 0, mergedRejected: 0 };
  let imported = 0;
  if (startBlocks < end) {
    const blocks = archiveBlocks(
      sources,
      startBlocks,
      end,
      options.buckets ?? DEFAULT_READ_BUCKETS,
      Math.max(1, options.singlesInFlight ?? ARCHIVE_LIMITS.singleFetchesInFlight),
      options.decoder ?? inlineDecoder,
      stats,
      logger,
    );
    for await (const data of blocks) {
      const index = data.block.index;
      try {
        ledger.appendBlock(data);
      } catch (error) {
        if (error instanceof LedgerError)
          throw refuse(index, `refused by the ledger: ${describeError(error)}`, error);
        throw error;
      }
      imported++;
      options.onBlock?.(index);
    }
  }
  const numBlocks = ledger.numBlocks();
  if (target !== undefined && numBlocks < target) {
    throw new ArchiveError(
      "MISSING_BLOCK",
      `block ${numBlocks} is not in the archive, but --num-blocks asked for ${target} blocks`,
      { index: String(numBlocks) },
    );
  }
  logger.debug({ imported, numBlocks: String(numBlocks) }, "sync finished");
  return {
    start_blocks: String(startBlocks),
    num_blocks: String(numBlocks),
    imported,
    from_merged_files: stats.fromMerged,
    from_single_files: stats.fromSingles,
    merged_files_rejected: stats.mergedRejected,
    requests: sources.requests,
    retries: sources.retries,
    stopped: target !== undefined && numBlocks >= target ? "num-blocks-reached" : "end-of-archive",
  };
}
