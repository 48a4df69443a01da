import type { Block, BlockContents } from "../blockchain/index.js";

/** A block with its contents, as catch-up appends it. */
export interface FetchedBlock {
  readonly block: Block;
  readonly contents: BlockContents;
}

/**
 * Where catch-up gets blocks after our last one (headers from peers, contents from archives; the
 * block fetcher implements it). The worker checks that they extend our chain.
 */
export interface BlockSource {
  /** Up to `max` consecutive blocks from `fromIndex`; empty when the source has none. */
  fetchBlocks(fromIndex: bigint, max: number): Promise<readonly FetchedBlock[]>;
}

/**
 * Ask sources in turn, starting after the one asked last time, so a silent or lagging source is
 * not asked forever (as the simulator's GetBlocks rotates over peers); the first non-empty answer wins.
 */
export function rotatingBlockSource(sources: readonly BlockSource[]): BlockSource {
  let next = 0;
  return {
    async fetchBlocks(fromIndex, max) {
      for (let k = 0; k < sources.length; k++) {
        const source = sources[(next + k) % sources.length] as BlockSource;
        try {
          const blocks = await source.fetchBlocks(fromIndex, max);
          if (blocks.length > 0) {
            next = (next + k + 1) % sources.length;
            return blocks;
          }
        } catch {
          // A failing source is skipped; the next one is asked.
        }
      }
      next = (next + 1) % Math.max(1, sources.length);
      return [];
    },
  };
}
