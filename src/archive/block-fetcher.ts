import { type Block, type BlockData, blocksEqual } from "../blockchain/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { LIMITS, type Logger, nullLogger } from "../util/index.js";
import { type BlockDecoder, inlineDecoder } from "./decoder.js";
import { ArchiveError } from "./errors.js";
import { ARCHIVE_LIMITS } from "./limits.js";
import type { SourceSet } from "./sources.js";
import { archiveBlocks, DEFAULT_READ_BUCKETS, type Stats } from "./sync.js";

/**
 * The catch-up seam (reference node-runtime.md §3): where a node that fell behind gets the blocks
 * it missed. One interface; a peer (headers over GetBlocks, contents from an archive), an archive
 * (file://, http(s)://, s3://), a ledger in the same process, and `MultiSourceFetcher` (which asks
 * several in turn, checks every block against our chain and skips sources that lie) all implement
 * it, and test/archive/block-fetcher-compliance.ts holds them to the same contract.
 */
export interface BlockFetcher {
  /** Who serves the blocks (a responder id, an archive URL): the key scores and logs use. */
  readonly source: string;
  /**
   * Consecutive blocks from `fromIndex`, at most `max` (1..`ARCHIVE_LIMITS.fetchBlocksMax`);
   * fewer, or none, when the source has no more. Rejects with `CorruptBlockError` when the
   * source served a block that fails a check (with the good blocks before it), and with another
   * `ArchiveError` (or the transport's error) when the source could not be read.
   */
  fetch(fromIndex: bigint, max: number): Promise<readonly BlockData[]>;
}

/** A source served a block that failed a check; `good` holds the checked blocks before it. */
export class CorruptBlockError extends ArchiveError {
  constructor(
    readonly index: bigint,
    message: string,
    readonly good: readonly BlockData[],
    options?: { cause?: unknown },
  ) {
    super("INVALID_BLOCK", message, { index: String(index) }, options);
    this.name = "CorruptBlockError";
  }
}

/** The caller's side of the contract, checked the same way by every implementation. */
export function checkFetchRequest(fromIndex: bigint, max: number): void {
  if (fromIndex < 0n || !Number.isInteger(max) || max < 1 || max > ARCHIVE_LIMITS.fetchBlocksMax)
    throw new RangeError(`fetch of ${max} blocks from ${fromIndex}`);
}

/** Blocks straight from a ledger in this process (the in-memory implementation; tests, tools). */
export class LedgerBlockFetcher implements BlockFetcher {
  constructor(
    readonly source: string,
    private readonly ledger: Pick<LedgerReader, "numBlocks" | "getBlockData">,
  ) {}

  async fetch(fromIndex: bigint, max: number): Promise<readonly BlockData[]> {
    checkFetchRequest(fromIndex, max);
    await Promise.resolve(); // never answer synchronously, as a wire would not
    const out: BlockData[] = [];
    for (let i = fromIndex; i < this.ledger.numBlocks() && out.length < max; i++)
      out.push(this.ledger.getBlockData(i));
    return out;
  }
}

/** What `PeerBlockFetcher` needs of a peer: `PeerConnection.getBlocks` (headers only). */
export interface BlockHeaderPeer {
  readonly remoteResponderId: string;
  getBlocks(offset: bigint, limit: number): Promise<readonly Block[]>;
}

/**
 * A peer's blocks: headers from its GetBlocks, contents from `contents` (an archive), each
 * archived block equal to the peer's header (reference §10.3 step 3). Blocks obtained this way
 * carry no signature and no metadata: the node signs its own metadata (§6.6).
 */
export class PeerBlockFetcher implements BlockFetcher {
  readonly source: string;

  constructor(
    private readonly peer: BlockHeaderPeer,
    private readonly contents: BlockFetcher,
  ) {
    this.source = peer.remoteResponderId;
  }

  async fetch(fromIndex: bigint, max: number): Promise<readonly BlockData[]> {
    checkFetchRequest(fromIndex, max);
    const headers = await this.peer.getBlocks(
      fromIndex,
      Math.min(max, LIMITS.getBlocksPageSizeMax),
    );
    if (headers.length === 0) return [];
    const bodies = await this.contents.fetch(fromIndex, headers.length);
    const out: BlockData[] = [];
    for (const [i, header] of headers.entries()) {
      const body = bodies[i];
      if (body === undefined) break; // the archive lags behind the peer
      if (!blocksEqual(body.block, header))
        throw new CorruptBlockError(
          header.index,
          `block ${header.index}: ${this.source}'s header differs from ${this.contents.source}'s block`,
          out,
        );
      out.push({
        block: header,
        contents: body.contents,
        signature: undefined,
        metadata: undefined,
      });
    }
    return out;
  }
}

export interface ArchiveFetcherOptions {
  buckets?: readonly number[];
  decoder?: BlockDecoder;
  logger?: Logger;
}

/**
 * An archive's blocks (one or more mirrors as a `SourceSet`), read as `syncFromArchive` reads
 * them: merged files where they fit, single files otherwise, every block decoded and checked.
 */
export class ArchiveBlockFetcher implements BlockFetcher {
  readonly source: string;

  constructor(
    private readonly sources: SourceSet,
    private readonly options: ArchiveFetcherOptions = {},
  ) {
    this.source = sources.urls.join(" ");
  }

  async fetch(fromIndex: bigint, max: number): Promise<readonly BlockData[]> {
    checkFetchRequest(fromIndex, max);
    const stats: Stats = { fromMerged: 0, fromSingles: 0, mergedRejected: 0 };
    const out: BlockData[] = [];
    const blocks = archiveBlocks(
      this.sources,
      fromIndex,
      fromIndex + BigInt(max),
      this.options.buckets ?? DEFAULT_READ_BUCKETS,
      Math.min(max, ARCHIVE_LIMITS.singleFetchesInFlight),
      this.options.decoder ?? inlineDecoder,
      stats,
      this.options.logger ?? nullLogger,
    );
    try {
      for await (const data of blocks) out.push(data);
    } catch (error) {
      if (error instanceof ArchiveError && error.code === "INVALID_BLOCK")
        throw new CorruptBlockError(fromIndex + BigInt(out.length), error.message, out, {
          cause: error,
        });
      throw error;
    }
    return out;
  }
}
