import { type BlockData, verifyBlockData } from "../blockchain/index.js";
import { bytesEqual, describeError } from "../util/index.js";
import { type BlockFetcher, CorruptBlockError, checkFetchRequest } from "./block-fetcher.js";
import { ArchiveError } from "./errors.js";
import { SourceScores } from "./source-scores.js";

export interface MultiSourceOptions {
  /** The id of block `index - 1` of our chain: the parent the first fetched block must name. */
  parentId(index: bigint): Uint8Array;
  /** The time scores are kept in, ms (the driver's clock; virtual in the simulator). */
  now(): number;
  /** Shared scores (default: this fetcher's own). */
  scores?: SourceScores;
}

/** The blocks of one answer that pass every check, and why the first one that did not failed. */
export interface CheckedBlocks {
  readonly good: BlockData[];
  readonly bad: string | undefined;
}

/**
 * Check an answer against our chain: consecutive indexes from `fromIndex` (an older block is
 * stale), each naming the previous one as parent (the first one `parentId`), at most `max`, and
 * each block's id and contents hash (and signature and metadata, when present) valid.
 */
export function checkFetchedBlocks(
  blocks: readonly BlockData[],
  fromIndex: bigint,
  parentId: Uint8Array,
  max: number,
): CheckedBlocks {
  const good: BlockData[] = [];
  let parent = parentId;
  for (const data of blocks) {
    const index = fromIndex + BigInt(good.length);
    if (good.length >= max) return { good, bad: `served more than the ${max} blocks asked` };
    if (data.block.index !== index)
      return { good, bad: `block ${index}: served block ${data.block.index} instead (stale)` };
    if (!bytesEqual(data.block.parentId, parent))
      return { good, bad: `block ${index}: does not link to block ${index - 1n}` };
    try {
      verifyBlockData(data);
    } catch (error) {
      return { good, bad: `block ${index}: ${describeError(error)}` };
    }
    good.push(data);
    parent = data.block.id;
  }
  return { good, bad: undefined };
}

/** One request of an attempt: ask `source` for at most `max` blocks from `fromIndex`. */
export interface FetchRequest {
  readonly source: string;
  readonly fromIndex: bigint;
  readonly max: number;
}

/**
 * One catch-up attempt over several sources, as a step machine without I/O (so a simulator can
 * drive it with packets and a node with promises): `next()` names the source to ask and from
 * where, `replied` / `failed` report its answer, and `result()` gives the checked blocks. Every
 * answer is checked against our chain (`checkFetchedBlocks`); a source that served a corrupt or
 * stale block is struck in `scores` and the next source is asked from the block after the last
 * good one. A failing source is passed over without a strike; a short answer (the source has no
 * more) also moves on, so one lagging mirror does not end a catch-up.
 */
export class FetchAttempt {
  private readonly out: BlockData[] = [];
  private parent: Uint8Array;
  private pos = 0;
  private answered = false;
  private asking: FetchRequest | undefined;

  constructor(
    /** Sources in the order to ask them (`SourceScores.order`: struck ones already left out). */
    private readonly order: readonly string[],
    readonly fromIndex: bigint,
    private readonly max: number,
    parentId: Uint8Array,
    private readonly scores: SourceScores,
  ) {
    checkFetchRequest(fromIndex, max);
    this.parent = parentId;
  }

  /** The next request, or `undefined` when the attempt is over. */
  next(): FetchRequest | undefined {
    const want = this.max - this.out.length;
    const source = this.order[this.pos];
    if (want === 0 || source === undefined) return undefined;
    this.pos++;
    this.asking = { source, fromIndex: this.fromIndex + BigInt(this.out.length), max: want };
    return this.asking;
  }

  /** The source asked last answered `blocks` (`corrupt`: it said so itself, after them). */
  replied(blocks: readonly BlockData[], corrupt: string | undefined, nowMs: number): void {
    const r = this.take();
    this.answered = true;
    const checked = checkFetchedBlocks(blocks, r.fromIndex, this.parent, r.max);
    this.out.push(...checked.good);
    this.scores.served(r.source, checked.good.length);
    const last = checked.good[checked.good.length - 1];
    if (last !== undefined) this.parent = last.block.id;
    const bad = checked.bad ?? corrupt;
    if (bad !== undefined) this.scores.strike(r.source, nowMs, bad);
  }

  /** The source asked last failed (unreachable, timed out): no strike. */
  failed(): void {
    this.scores.failed(this.take().source);
  }

  /** The checked blocks; `UNAVAILABLE` when no source answered at all. */
  result(): BlockData[] {
    if (!this.answered)
      throw new ArchiveError("UNAVAILABLE", `block ${this.fromIndex}: no block source answered`, {
        index: String(this.fromIndex),
      });
    return [...this.out];
  }

  private take(): FetchRequest {
    const r = this.asking;
    if (r === undefined) throw new Error("FetchAttempt: an answer without a request");
    this.asking = undefined;
    return r;
  }
}

/**
 * Blocks from several sources (peers, archives) tried in turn, one `FetchAttempt` per call: every
 * block checked against our chain, a source that serves a corrupt or stale block struck (skipped
 * for a back-off period, `SourceScores`), the next one asked from after the last good block.
 * Rejects with `UNAVAILABLE` only when no source in play answered at all.
 */
export class MultiSourceFetcher implements BlockFetcher {
  readonly source: string;
  readonly scores: SourceScores;
  private readonly bySource: ReadonlyMap<string, BlockFetcher>;

  constructor(
    fetchers: readonly BlockFetcher[],
    private readonly options: MultiSourceOptions,
  ) {
    if (fetchers.length === 0) throw new RangeError("a multi-source fetcher needs a source");
    this.bySource = new Map(fetchers.map((f) => [f.source, f]));
    if (this.bySource.size !== fetchers.length)
      throw new RangeError("block sources must have distinct names");
    this.source = `multi(${fetchers.map((f) => f.source).join(", ")})`;
    this.scores = options.scores ?? new SourceScores();
  }

  async fetch(fromIndex: bigint, max: number): Promise<readonly BlockData[]> {
    checkFetchRequest(fromIndex, max);
    const order = this.scores.order([...this.bySource.keys()], this.options.now());
    const attempt = new FetchAttempt(
      order,
      fromIndex,
      max,
      this.options.parentId(fromIndex),
      this.scores,
    );
    for (let r = attempt.next(); r !== undefined; r = attempt.next()) {
      const fetcher = this.bySource.get(r.source) as BlockFetcher;
      try {
        attempt.replied(await fetcher.fetch(r.fromIndex, r.max), undefined, this.options.now());
      } catch (error) {
        if (error instanceof CorruptBlockError)
          attempt.replied(error.good, error.message, this.options.now());
        else attempt.failed();
      }
    }
    return attempt.result();
  }
}
