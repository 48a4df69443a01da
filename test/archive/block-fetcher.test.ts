// Goal: every block fetcher (in-memory ledger, peer headers + archive contents, file:// and http
// archives, multi-source) passes the seam's compliance suite; the multi-source fetcher checks each
// block against our chain, strikes a source that serves a corrupt, stale or unlinked block (skips
// it for the named back-off, doubling per offence), asks the next source from the block after the
// last good one, and passes over a failing source without a strike.
// Method: synthetic chains written to real directories, a real loopback HTTP server, the
// in-memory peer network; the expected blocks are the chain the test built, not the fetcher's.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import {
  ARCHIVE_LIMITS,
  ArchiveBlockFetcher,
  type BlockFetcher,
  FileArchive,
  HttpArchiveSource,
  LedgerBlockFetcher,
  MultiSourceFetcher,
  PeerBlockFetcher,
  SourceScores,
  SourceSet,
} from "../../src/archive/index.js";
import {
  archiveBlockPath,
  type Block,
  type BlockData,
  encodeArchiveBlock,
} from "../../src/blockchain/index.js";
import { LedgerError } from "../../src/ledger/index.js";
import { MemoryPeerNetwork } from "../../src/peers/index.js";
import { toHex } from "../../src/util/index.js";
import { ScriptedService } from "../peers/connection-compliance.js";
import {
  blockFetcherCompliance,
  type FetcherHarness,
  fetcherChain,
  tampered,
} from "./block-fetcher-compliance.js";
import { instantRetry, startStaticServer } from "./helpers.js";

/** A source serving exactly `blocks` (by index), whatever they hold: no checks of its own. */
function rawReader(blocks: readonly BlockData[]) {
  return {
    numBlocks: () => BigInt(blocks.length),
    getBlockData: (i: bigint) => blocks[Number(i)] as BlockData,
  };
}

const unreachableReader = {
  numBlocks: () => 100n,
  getBlockData: (): BlockData => {
    throw new LedgerError("CORRUPT", "the disk went away");
  },
};

const withCorrupt = (chain: readonly BlockData[], index: number) =>
  chain.map((d, i) => (i === index ? tampered(d) : d));

function ledgerHarness(): FetcherHarness {
  return {
    async serving(chain) {
      return new LedgerBlockFetcher("memory", rawReader(chain));
    },
    async unreachable() {
      return new LedgerBlockFetcher("memory", unreachableReader);
    },
    async close() {},
  };
}

function peerHarness(): FetcherHarness {
  const net = new MemoryPeerNetwork();
  let n = 0;
  const peer = (chain: readonly BlockData[], headers: readonly Block[]) => {
    const id = `peer${n++}.test:8443`;
    const service = new ScriptedService();
    service.chain = headers;
    net.serve(id, service);
    return new PeerBlockFetcher(
      net.connect("local.test:8443", id),
      new LedgerBlockFetcher("contents", rawReader(chain)),
    );
  };
  return {
    async serving(chain) {
      return peer(
        chain,
        chain.map((d) => d.block),
      );
    },
    async corrupt(chain, index) {
      // The peer's header for `index` is not the archived block's (another chain's block).
      const other = fetcherChain("peer-harness/other", chain.length);
      const headers = chain.map((d, i) => (i === index ? (other[i] as BlockData) : d).block);
      return peer(chain, headers);
    },
    async unreachable() {
      return new PeerBlockFetcher(
        net.connect("local.test:8443", "nobody.test:8443"),
        new LedgerBlockFetcher("contents", rawReader([])),
      );
    },
    async close() {},
  };
}

/** Write `blocks` as single archive files under a new directory. */
function writeArchive(blocks: readonly BlockData[]): string {
  const root = mkdtempSync(path.join(tmpdir(), "fetcher-"));
  for (const d of blocks) {
    const file = path.join(root, ...archiveBlockPath(d.block.index).split("/"));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, encodeArchiveBlock(d));
  }
  return root;
}

function fileHarness(): FetcherHarness {
  const roots: string[] = [];
  const fetcher = (root: string) =>
    new ArchiveBlockFetcher(new SourceSet([new FileArchive(root)], instantRetry(2)));
  return {
    async serving(chain) {
      roots.push(writeArchive(chain));
      return fetcher(roots[roots.length - 1] as string);
    },
    async corrupt(chain, index) {
      roots.push(writeArchive(withCorrupt(chain, index)));
      return fetcher(roots[roots.length - 1] as string);
    },
    async unreachable() {
      // Every block path is a directory: opening works, reading fails (EISDIR) for good.
      const root = mkdtempSync(path.join(tmpdir(), "fetcher-"));
      roots.push(root);
      for (let i = 0n; i < 20n; i++)
        mkdirSync(path.join(root, ...archiveBlockPath(i).split("/")), { recursive: true });
      return fetcher(root);
    },
    async close() {
      for (const r of roots) rmSync(r, { recursive: true, force: true });
    },
  };
}

function httpHarness(): FetcherHarness {
  const roots: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  const serve = async (blocks: readonly BlockData[]) => {
    const root = writeArchive(blocks);
    roots.push(root);
    const server = await startStaticServer(root);
    closers.push(() => server.close());
    return new ArchiveBlockFetcher(
      new SourceSet([new HttpArchiveSource(server.url, 5_000)], instantRetry(2)),
    );
  };
  return {
    serving: serve,
    corrupt: (chain, index) => serve(withCorrupt(chain, index)),
    async unreachable() {
      const server = await startStaticServer(mkdtempSync(path.join(tmpdir(), "fetcher-")));
      const url = server.url;
      await server.close();
      return new ArchiveBlockFetcher(
        new SourceSet([new HttpArchiveSource(url, 5_000)], instantRetry(2)),
      );
    },
    async close() {
      for (const c of closers) await c();
      for (const r of roots) rmSync(r, { recursive: true, force: true });
    },
  };
}

/** Our chain is `chain` up to whatever is asked: the parent of block i is chain[i − 1]. */
function parentIn(chain: readonly BlockData[]) {
  return (i: bigint) => chain[Number(i) - 1]?.block.id ?? new Uint8Array(32);
}

function multiHarness(): FetcherHarness {
  return {
    async serving(chain) {
      return new MultiSourceFetcher([new LedgerBlockFetcher("a", rawReader(chain))], {
        parentId: parentIn(chain),
        now: () => 0,
      });
    },
    async unreachable() {
      return new MultiSourceFetcher([new LedgerBlockFetcher("a", unreachableReader)], {
        parentId: () => new Uint8Array(32),
        now: () => 0,
      });
    },
    async close() {},
  };
}

blockFetcherCompliance("in-memory ledger", ledgerHarness);
blockFetcherCompliance("peer headers + archive contents", peerHarness);
blockFetcherCompliance("archive file://", fileHarness);
blockFetcherCompliance("archive http://", httpHarness);
blockFetcherCompliance("multi-source", multiHarness);

/** A fetcher that records where each call started. */
function recording(f: BlockFetcher): BlockFetcher & { calls: bigint[] } {
  const calls: bigint[] = [];
  return {
    source: f.source,
    calls,
    fetch: (from, max) => {
      calls.push(from);
      return f.fetch(from, max);
    },
  };
}

const ids = (blocks: readonly BlockData[]) => blocks.map((d) => toHex(d.block.id));

describe("MultiSourceFetcher", () => {
  const chain = fetcherChain("multi-source", 12);
  const backoff = ARCHIVE_LIMITS.badSourceBackoffMs;

  it("strikes a source that serves a corrupt block, resumes from the next source after the last good block, and skips the struck source until its back-off ends", async () => {
    let now = 1_000;
    const liar = recording(new LedgerBlockFetcher("liar", rawReader(withCorrupt(chain, 6))));
    const honest = recording(new LedgerBlockFetcher("honest", rawReader(chain)));
    const multi = new MultiSourceFetcher([liar, honest], {
      parentId: parentIn(chain),
      now: () => now,
    });
    assert.deepEqual(ids(await multi.fetch(2n, 8)), ids(chain.slice(2, 10)));
    assert.deepEqual(liar.calls, [2n], "the liar was asked first (rotation starts at it)");
    assert.deepEqual(honest.calls, [6n], "the honest source resumed at the corrupt block");
    const struck = multi.scores.report().find((s) => s.source === "liar");
    assert.equal(struck?.strikes, 1);
    assert.equal(struck?.served, 4);
    assert.match(struck?.lastReason ?? "", /block 6: .*contents/);

    // Within the back-off the liar is not asked, whichever source the rotation starts at.
    for (let k = 0; k < 3; k++) {
      now += 1_000;
      assert.deepEqual(ids(await multi.fetch(1n, 3)), ids(chain.slice(1, 4)));
    }
    assert.deepEqual(liar.calls, [2n]);
    // After it, the liar is asked again; a second offence doubles its back-off.
    now = 1_000 + backoff;
    await multi.fetch(5n, 4);
    await multi.fetch(5n, 4);
    assert.deepEqual(liar.calls, [2n, 5n]);
    const again = multi.scores.report().find((s) => s.source === "liar");
    assert.equal(again?.strikes, 2);
    assert.equal(again?.skippedUntilMs, now + 2 * backoff);
  });

  it("strikes a stale source (an older block than asked) and one whose blocks do not link to ours", async () => {
    const stale = new LedgerBlockFetcher("stale", {
      numBlocks: () => BigInt(chain.length),
      getBlockData: (i) => chain[Number(i) - 1] as BlockData,
    });
    const fork = new LedgerBlockFetcher("fork", rawReader(fetcherChain("another-chain", 12)));
    const honest = new LedgerBlockFetcher("honest", rawReader(chain));
    const multi = new MultiSourceFetcher([stale, fork, honest], {
      parentId: parentIn(chain),
      now: () => 0,
    });
    assert.deepEqual(ids(await multi.fetch(4n, 5)), ids(chain.slice(4, 9)));
    const byName = new Map(multi.scores.report().map((s) => [s.source, s]));
    assert.match(byName.get("stale")?.lastReason ?? "", /stale/);
    assert.match(byName.get("fork")?.lastReason ?? "", /does not link/);
    assert.equal(byName.get("honest")?.strikes ?? 0, 0);
  });

  it("passes over a failing source without a strike, and fails only when no source answered", async () => {
    const down = new LedgerBlockFetcher("down", unreachableReader);
    const honest = new LedgerBlockFetcher("honest", rawReader(chain));
    const multi = new MultiSourceFetcher([down, honest], {
      parentId: parentIn(chain),
      now: () => 0,
    });
    assert.deepEqual(ids(await multi.fetch(1n, 2)), ids(chain.slice(1, 3)));
    const d = multi.scores.report().find((s) => s.source === "down");
    assert.equal(d?.strikes, 0);
    assert.equal(d?.failures, 1);
    const alone = new MultiSourceFetcher([down], { parentId: parentIn(chain), now: () => 0 });
    await assert.rejects(alone.fetch(1n, 2), { code: "UNAVAILABLE" });
  });

  it("an archive that lags is topped up by the next source", async () => {
    const lagging = new LedgerBlockFetcher("lagging", rawReader(chain.slice(0, 5)));
    const honest = recording(new LedgerBlockFetcher("honest", rawReader(chain)));
    const multi = new MultiSourceFetcher([lagging, honest], {
      parentId: parentIn(chain),
      now: () => 0,
    });
    assert.deepEqual(ids(await multi.fetch(2n, 6)), ids(chain.slice(2, 8)));
    assert.deepEqual(honest.calls, [5n]);
  });
});

describe("SourceScores", () => {
  it("doubles a repeat offender's back-off up to the named maximum", () => {
    const s = new SourceScores({ badSourceBackoffMs: 100, badSourceBackoffMaxMs: 350 });
    const until = () => s.report()[0]?.skippedUntilMs;
    s.strike("x", 0, "bad");
    assert.equal(until(), 100);
    s.strike("x", 0, "bad");
    assert.equal(until(), 200);
    s.strike("x", 0, "bad");
    assert.equal(until(), 350);
    assert.ok(s.isSkipped("x", 349));
    assert.ok(!s.isSkipped("x", 350));
    assert.deepEqual(s.order(["x", "y"], 10), ["y"]);
  });
});
