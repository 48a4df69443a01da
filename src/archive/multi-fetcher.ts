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

/**
 * Blocks from several sources (peers, archives) tried in turn. Every block is checked against
 * our chain (`checkFetchedBlocks`); a source that serves a corrupt or stale block is struck
 * (`SourceScores`: skipped for a back-off period) and the next source is asked from the block
 * after the last good one. A source that fails (unreachable, timed out) is passed over without a
 * strike. A short answer (the source has no more) also moves on, so one lagging mirror does not
 * end a catch-up. Rejects with `UNAVAILABLE` only when no source in play answered at all.
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
    const out: BlockData[] = [];
    let parent = this.options.parentId(fromIndex);
    let answered = false;
    for (const name of this.scores.order([...this.bySource.keys()], this.options.now())) {
      const want = max - out.length;
      if (want === 0) break;
      const next = fromIndex + BigInt(out.length);
      const reply = await this.ask(this.bySource.get(name) as BlockFetcher, next, want);
      if (reply === undefined) continue;
      answered = true;
      const checked = checkFetchedBlocks(reply.blocks, next, parent, want);
      out.push(...checked.good);
      this.scores.served(name, checked.good.length);
      const last = checked.good[checked.good.length - 1];
      if (last !== undefined) parent = last.block.id;
      const bad = checked.bad ?? reply.corrupt;
      if (bad !== undefined) this.scores.strike(name, this.options.now(), bad);
    }
    if (!answered)
      throw new ArchiveError("UNAVAILABLE", `block ${fromIndex}: no block source answered`, {
        index: String(fromIndex),
      });
    return out;
  }

  /** One source's answer, its good prefix when it served a corrupt block, or nothing if it failed. */
  private async ask(
    fetcher: BlockFetcher,
    fromIndex: bigint,
    max: number,
  ): Promise<{ blocks: readonly BlockData[]; corrupt: string | undefined } | undefined> {
    try {
      return { blocks: await fetcher.fetch(fromIndex, max), corrupt: undefined };
    } catch (error) {
      if (error instanceof CorruptBlockError) return { blocks: error.good, corrupt: error.message };
      this.scores.failed(fetcher.source);
      return undefined;
    }
  }
}
