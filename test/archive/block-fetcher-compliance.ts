// The one compliance suite of the block-fetcher seam (reference node-runtime.md §3). Every
// implementation (in-memory ledger, peer headers + archive contents, file:// and http archives,
// the multi-source fetcher; gRPC next) runs it through a harness that serves a given chain, a
// chain with one corrupt block, or nothing reachable.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ARCHIVE_LIMITS, type BlockFetcher, CorruptBlockError } from "../../src/archive/index.js";
import type { BlockData } from "../../src/blockchain/index.js";
import { toHex } from "../../src/util/index.js";
import { syntheticLedger } from "./helpers.js";

export interface FetcherHarness {
  /** A fetcher whose source serves `chain` (origin first). */
  serving(chain: readonly BlockData[]): Promise<BlockFetcher>;
  /**
   * A fetcher whose source serves `chain` with block `index` replaced by `tampered(chain[index])`.
   * Omitted by fetchers that do not reject corrupt blocks but skip their source (multi-source).
   */
  corrupt?(chain: readonly BlockData[], index: number): Promise<BlockFetcher>;
  /** A fetcher whose source cannot be reached. */
  unreachable(): Promise<BlockFetcher>;
  close(): Promise<void>;
}

/** The same block with its outputs in another order: its contents no longer hash to the header. */
export function tampered(d: BlockData): BlockData {
  return { ...d, contents: { ...d.contents, outputs: [...d.contents.outputs].reverse() } };
}

/** A chain of `blocks` blocks after the origin (deterministic per seed). */
export function fetcherChain(seed: string, blocks: number): BlockData[] {
  return syntheticLedger(seed, blocks).chain;
}

const ids = (blocks: readonly BlockData[]) => blocks.map((d) => toHex(d.block.id));

export function blockFetcherCompliance(name: string, make: () => FetcherHarness): void {
  describe(`BlockFetcher compliance: ${name}`, () => {
    let h: FetcherHarness;
    const chain = fetcherChain(`fetcher-compliance/${name}`, 12);
    before(() => {
      h = make();
    });
    after(async () => {
      await h.close();
    });

    it("serves consecutive blocks from the index asked, at most the number asked, with their contents", async () => {
      const f = await h.serving(chain);
      assert.ok(f.source.length > 0, "a fetcher names its source");
      const got = await f.fetch(3n, 4);
      assert.deepEqual(ids(got), ids(chain.slice(3, 7)));
      for (const [i, d] of got.entries()) {
        const want = chain[3 + i] as BlockData;
        assert.equal(d.block.index, want.block.index);
        assert.deepEqual(d.contents.keyImages.map(toHex), want.contents.keyImages.map(toHex));
        assert.deepEqual(
          d.contents.outputs.map((o) => toHex(o.publicKey)),
          want.contents.outputs.map((o) => toHex(o.publicKey)),
        );
      }
    });

    it("answers fewer blocks near the end of the chain, and none past it", async () => {
      const f = await h.serving(chain);
      assert.deepEqual(ids(await f.fetch(10n, 8)), ids(chain.slice(10)));
      assert.deepEqual(await f.fetch(BigInt(chain.length), 5), []);
      assert.deepEqual(await f.fetch(BigInt(chain.length) + 40n, 1), []);
    });

    it("refuses a request outside the contract before asking the source", async () => {
      const f = await h.serving(chain);
      await assert.rejects(f.fetch(1n, 0), RangeError);
      await assert.rejects(f.fetch(-1n, 1), RangeError);
      await assert.rejects(f.fetch(1n, ARCHIVE_LIMITS.fetchBlocksMax + 1), RangeError);
      await assert.rejects(f.fetch(1n, 1.5), RangeError);
    });

    it("rejects, without claiming corruption, when its source cannot be reached", async () => {
      const f = await h.unreachable();
      await assert.rejects(f.fetch(1n, 3), (e) => !(e instanceof CorruptBlockError));
    });

    it("rejects a corrupt block with CorruptBlockError naming it, keeping the good blocks before it", async (t) => {
      if (h.corrupt === undefined) {
        t.skip("this fetcher skips corrupt sources instead (its own tests)");
        return;
      }
      const f = await h.corrupt(chain, 6);
      const error = await f.fetch(2n, 8).then(
        () => assert.fail("a corrupt block was served as good"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof CorruptBlockError, String(error));
      assert.equal(error.index, 6n);
      assert.deepEqual(ids(error.good), ids(chain.slice(2, 6)));
      // Before the corrupt block, the same source is fine.
      assert.deepEqual(ids(await f.fetch(2n, 4)), ids(chain.slice(2, 6)));
    });
  });
}
