import {
  archiveBlockPath,
  decodeArchiveBlock,
  encodeArchiveBlock,
  MAX_ARCHIVE_BLOCK_BYTES,
  mergedArchivePath,
} from "../blockchain/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { bytesEqual, describeError, type Logger, nullLogger } from "../util/index.js";
import { frameArchiveBlocks } from "./bundle.js";
import { ArchiveError } from "./errors.js";
import { ARCHIVE_LIMITS } from "./limits.js";
import { type RetryPolicy, withRetry } from "./retry.js";
import type { ArchiveDestination } from "./store.js";

/** One past the largest u64: the archive path layout cannot name blocks from here on. */
const INDEX_END = 1n << 64n;

export interface PublisherOptions {
  /** Merged bucket sizes; values ≤ 1 are ignored, as MobileCoin does. */
  buckets: readonly number[];
  retry: RetryPolicy;
  logger?: Logger;
}

/** What a publisher run did, for `--json`. */
export interface PublishSummary {
  /** The first index this run would publish, after scanning the destination. */
  resumed_at: string;
  blocks_published: number;
  merged_files_written: number;
  /** Blocks present at the destination when the run ended (one past the highest index). */
  archived_blocks: string;
}

/**
 * Publishes a ledger's blocks to an archive (MobileCoin's ledger-distribution, reference
 * mobilecoin-service.md §10.4): each block as an `ArchiveBlock` at `archiveBlockPath(i)`, and when
 * block i completes a bucket b, the `ArchiveBlocks` of [i+1−b, i] at `mergedArchivePath(b, …)`.
 *
 * Merged files are written before the single file of the block that completes them, so "block i
 * is present" implies every merged file ending at or before i is too, and resuming after the
 * highest present block never leaves a bundle behind.
 */
export class ArchivePublisher {
  private readonly ledger: LedgerReader;
  private readonly dest: ArchiveDestination;
  private readonly buckets: readonly number[];
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  /** Encodings of the most recent blocks, so a bundle does not read them from the ledger again. */
  private readonly encoded = new Map<bigint, Uint8Array>();
  /** No cached encoding below this index (eviction walks up from here). */
  private cacheFloor: bigint | undefined;
  private next: bigint | undefined;
  private published = 0;
  private mergedWritten = 0;
  private resumedAt: bigint | undefined;
  /** The destination holds blocks the ledger did not have yet when we resumed. */
  private unverified = false;

  constructor(ledger: LedgerReader, dest: ArchiveDestination, options: PublisherOptions) {
    this.ledger = ledger;
    this.dest = dest;
    this.buckets = normalizeBuckets(options.buckets);
    this.retry = options.retry;
    this.logger = options.logger ?? nullLogger;
  }

  private exists(path: string): Promise<boolean> {
    return withRetry(`exists ${path}`, this.retry, () => this.dest.exists(path), this.onRetry);
  }

  private readonly onRetry = (error: unknown, attempt: number, delayMs: number): void => {
    this.logger.warn(
      { attempt, delayMs, error: describeError(error) },
      "archive call failed; retrying",
    );
  };

  /**
   * The highest block index present at the destination, by exponential then binary search on
   * existence (O(log n) requests). Relies on the archive being a prefix of the chain, which is
   * what sequential publishing produces.
   */
  async highestArchived(): Promise<bigint | undefined> {
    if (!(await this.exists(archiveBlockPath(0n)))) return undefined;
    let present = 0n;
    let absent = INDEX_END;
    for (let step = 1n; present + step < INDEX_END; step *= 2n) {
      if (await this.exists(archiveBlockPath(present + step))) present += step;
      else {
        absent = present + step;
        break;
      }
    }
    while (absent - present > 1n) {
      const mid = (present + absent) / 2n;
      if (await this.exists(archiveBlockPath(mid))) present = mid;
      else absent = mid;
    }
    return present;
  }

  /**
   * Find where to resume, after checking that the destination holds this ledger's chain: the last
   * archived block that the ledger also has must carry the same block id. A tip file that does not
   * decode (e.g. a foreign tool's torn upload) is re-published rather than trusted.
   */
  async resume(): Promise<bigint> {
    const highest = await this.highestArchived();
    let next = highest === undefined ? 0n : highest + 1n;
    const ledgerBlocks = this.ledger.numBlocks();
    const overlap = next < ledgerBlocks ? next - 1n : ledgerBlocks - 1n;
    if (overlap >= 0n) {
      const path = archiveBlockPath(overlap);
      const bytes = await withRetry(
        `get ${path}`,
        this.retry,
        () => this.dest.get(path, MAX_ARCHIVE_BLOCK_BYTES),
        this.onRetry,
      );
      let archivedId: Uint8Array | undefined;
      try {
        archivedId = bytes === undefined ? undefined : decodeArchiveBlock(bytes).block.id;
      } catch (error) {
        this.logger.warn(
          { index: String(overlap), error: describeError(error) },
          "archived block does not decode; publishing it again",
        );
      }
      if (archivedId === undefined) next = overlap < next ? overlap : next;
      else if (!bytesEqual(archivedId, this.ledger.getBlock(overlap).id)) {
        throw new ArchiveError(
          "DEST_MISMATCH",
          `${this.dest.url} holds a different block ${overlap} than the ledger: it archives another chain`,
          { index: String(overlap) },
        );
      }
    }
    // An archive with blocks but an empty ledger: nothing to compare yet; check once blocks arrive.
    this.unverified = overlap < 0n && highest !== undefined;
    this.next = next;
    this.resumedAt ??= next;
    this.logger.info({ next: String(next) }, "resuming publication");
    return next;
  }

  private encode(index: bigint): Uint8Array {
    let bytes = this.encoded.get(index);
    if (bytes === undefined) {
      bytes = encodeArchiveBlock(this.ledger.getBlockData(index));
      this.encoded.set(index, bytes);
      if (this.cacheFloor === undefined || index < this.cacheFloor) this.cacheFloor = index;
    }
    return bytes;
  }

  private put(path: string, bytes: Uint8Array): Promise<void> {
    return withRetry(`put ${path}`, this.retry, () => this.dest.put(path, bytes), this.onRetry);
  }

  /** Publish one block, and the merged files it completes first. */
  private async publishBlock(index: bigint): Promise<void> {
    const single = this.encode(index);
    for (const bucket of this.buckets) {
      const size = BigInt(bucket);
      if ((index + 1n) % size !== 0n) continue;
      const first = index + 1n - size;
      const parts: Uint8Array[] = [];
      for (let i = first; i <= index; i++) parts.push(this.encode(i));
      await this.put(mergedArchivePath(bucket, first), frameArchiveBlocks(parts));
      this.mergedWritten++;
    }
    await this.put(archiveBlockPath(index), single);
    this.published++;
    const keepFrom = index + 1n - BigInt(this.buckets[this.buckets.length - 1] ?? 1);
    while (this.cacheFloor !== undefined && this.cacheFloor < keepFrom) {
      this.encoded.delete(this.cacheFloor);
      this.cacheFloor++;
    }
  }

  /**
   * Publish every ledger block not yet archived, stopping between blocks if `signal` aborts (a
   * long backlog must not delay a shutdown); returns how many were published.
   */
  async publishAvailable(signal?: AbortSignal): Promise<number> {
    if (this.next === undefined || (this.unverified && this.ledger.numBlocks() > 0n))
      await this.resume();
    const before = this.published;
    const end = this.ledger.numBlocks();
    while ((this.next as bigint) < end && signal?.aborted !== true) {
      const index = this.next as bigint;
      await this.publishBlock(index);
      this.next = index + 1n;
      this.logger.debug({ index: String(index) }, "published block");
    }
    const count = this.published - before;
    if (count > 0) this.logger.info({ count, next: String(this.next) }, "published blocks");
    return count;
  }

  /**
   * Publish what exists, then (unless `once`) keep polling the ledger every `pollIntervalMs`
   * until `signal` aborts. `sleep` is injected so tests drive the loop without waiting.
   */
  async run(options: {
    once: boolean;
    signal?: AbortSignal;
    pollIntervalMs?: number;
    sleep: (ms: number) => Promise<void>;
  }): Promise<PublishSummary> {
    await this.publishAvailable(options.signal);
    const stopped = () => options.signal?.aborted === true;
    while (!options.once && !stopped()) {
      await options.sleep(options.pollIntervalMs ?? ARCHIVE_LIMITS.ledgerPollIntervalMs);
      if (stopped()) break;
      await this.publishAvailable(options.signal);
    }
    return this.summary();
  }

  summary(): PublishSummary {
    return {
      resumed_at: String(this.resumedAt ?? 0n),
      blocks_published: this.published,
      merged_files_written: this.mergedWritten,
      archived_blocks: String(this.next ?? 0n),
    };
  }
}

/** Bucket sizes ascending, deduplicated, values ≤ 1 dropped; larger than a reader accepts refused. */
export function normalizeBuckets(buckets: readonly number[]): number[] {
  const out = [...new Set(buckets.filter((b) => Number.isSafeInteger(b) && b > 1))].sort(
    (a, b) => a - b,
  );
  for (const b of out) {
    if (b > ARCHIVE_LIMITS.maxBucket)
      throw new RangeError(`merge bucket ${b} exceeds ${ARCHIVE_LIMITS.maxBucket} blocks`);
  }
  return out;
}
