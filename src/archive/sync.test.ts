// Goal: syncing from archives imports exactly the archived chain with every check, refuses the
// first block that fails one (importing nothing after it, leaving exactly the prefix before it),
// prefers merged files but survives a bad one, ends cleanly at a 404, retries transient failures
// with backoff, and rotates over several sources — over file:// and over http:// served by a real
// server on 127.0.0.1.
// Method: synthetic chains published with ArchivePublisher into temp dirs; byte flips in files;
// a local node:http server with injected 503s and dropped connections; an instant retry policy
// that records its delays instead of waiting.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  instantRetry,
  type StaticServer,
  snapshot,
  startStaticServer,
  syntheticLedger,
} from "../../test/archive/helpers.js";
import {
  archiveBlockPath,
  type BlockData,
  blocksEqual,
  mergedArchivePath,
} from "../blockchain/index.js";
import { type Ledger, openMemoryLedger } from "../ledger/index.js";
import { isCodedError } from "../util/index.js";
import { type BlockDecoder, inlineDecoder, WorkerDecoder } from "./decoder.js";
import { FileArchive } from "./file-store.js";
import { HttpArchiveSource } from "./http-source.js";
import { ARCHIVE_LIMITS } from "./limits.js";
import { ArchivePublisher } from "./publisher.js";
import { SourceSet } from "./sources.js";
import type { ArchiveSource } from "./store.js";
import { syncFromArchive } from "./sync.js";

const BUCKETS = [4, 10];

async function publish(ledger: Ledger, dir: string, buckets = BUCKETS): Promise<void> {
  await new ArchivePublisher(ledger, new FileArchive(dir), {
    buckets,
    retry: instantRetry(),
  }).run({ once: true, sleep: async () => {} });
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "archive-sync-"));
}

function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file);
  const at = offset % bytes.length;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  writeFileSync(file, bytes);
}

function assertPrefix(ledger: Ledger, chain: readonly BlockData[], count: number): void {
  assert.equal(ledger.numBlocks(), BigInt(count));
  for (let i = 0; i < count; i++)
    assert.ok(blocksEqual(ledger.getBlock(BigInt(i)), (chain[i] as BlockData).block), `block ${i}`);
}

const isInvalidBlock = (index: number) => (e: unknown) =>
  isCodedError(e) && e.code === "INVALID_BLOCK" && e.payload.index === String(index);

describe("syncFromArchive over file://", () => {
  const { ledger: source, chain } = syntheticLedger("sync-file", 22); // 23 blocks
  const dir = tempDir();
  before(() => publish(source, dir));

  const sourcesOf = (d: string, retry = instantRetry()) =>
    new SourceSet([new FileArchive(d)], retry);

  it("imports the whole chain, merged files first, and republishes it byte for byte", async () => {
    const target = openMemoryLedger();
    const summary = await syncFromArchive(target, sourcesOf(dir), { buckets: BUCKETS });
    assert.equal(summary.imported, 23);
    assert.equal(summary.stopped, "end-of-archive");
    // 0-9 from merged-10, 10-19 from merged-10, 20-22 single (20 starts merged-4 20..23: absent).
    assert.equal(summary.from_merged_files, 20);
    assert.equal(summary.from_single_files, 3);
    assertPrefix(target, chain, 23);
    for (let i = 0n; i < 23n; i++)
      assert.deepEqual(target.getBlockData(i), source.getBlockData(i), `block data ${i}`);
    const again = tempDir();
    await publish(target, again);
    assert.deepEqual(snapshot(again), snapshot(dir));
  });

  it("resumes into a ledger that already has a prefix, and stops at --num-blocks", async () => {
    const target = openMemoryLedger();
    for (const d of chain.slice(0, 6)) target.appendBlock(d);
    const summary = await syncFromArchive(target, sourcesOf(dir), {
      buckets: BUCKETS,
      numBlocks: 15n,
    });
    assert.equal(summary.imported, 9);
    assert.equal(summary.stopped, "num-blocks-reached");
    assertPrefix(target, chain, 15);
    await assert.rejects(
      syncFromArchive(target, sourcesOf(dir), { buckets: BUCKETS, numBlocks: 30n }),
      (e: unknown) => isCodedError(e) && e.code === "MISSING_BLOCK" && e.payload.index === "23",
    );
    assertPrefix(target, chain, 23);
  });

  it("ends cleanly at an empty archive", async () => {
    const target = openMemoryLedger();
    const summary = await syncFromArchive(target, sourcesOf(tempDir()), { buckets: BUCKETS });
    assert.equal(summary.imported, 0);
    assert.equal(target.numBlocks(), 0n);
  });

  for (const bad of [0, 5, 13, 22]) {
    it(`refuses block ${bad} with one flipped byte and imports nothing after it`, async () => {
      for (const offset of [3, 97, 1000]) {
        const copy = tempDir();
        await publish(source, copy);
        // Corrupt the block everywhere it is stored: its single file and the merged files.
        flipByte(path.join(copy, archiveBlockPath(BigInt(bad))), offset);
        for (const b of BUCKETS) {
          const first = BigInt(bad - (bad % b));
          try {
            const file = path.join(copy, mergedArchivePath(b, first));
            const sizeBefore = readFileSync(file).length;
            // Flip a byte inside this block's record (records are in index order).
            flipByte(file, Math.floor((sizeBefore * ((bad % b) + 0.5)) / b));
          } catch {
            // no merged file holds it
          }
        }
        const target = openMemoryLedger();
        await assert.rejects(
          syncFromArchive(target, sourcesOf(copy), { buckets: BUCKETS }),
          isInvalidBlock(bad),
          `offset ${offset}`,
        );
        assertPrefix(target, chain, bad);
      }
    });
  }

  it("reads around a corrupt merged file from the single files", async () => {
    const copy = tempDir();
    await publish(source, copy);
    flipByte(path.join(copy, mergedArchivePath(10, 10n)), 5000);
    const target = openMemoryLedger();
    const summary = await syncFromArchive(target, sourcesOf(copy), { buckets: BUCKETS });
    assert.equal(summary.imported, 23);
    assert.equal(summary.merged_files_rejected, 1);
    assertPrefix(target, chain, 23);
  });

  it("refuses a block filed under the wrong index", async () => {
    const copy = tempDir();
    await publish(source, copy, []);
    writeFileSync(
      path.join(copy, archiveBlockPath(7n)),
      readFileSync(path.join(copy, archiveBlockPath(8n))),
    );
    const target = openMemoryLedger();
    await assert.rejects(
      syncFromArchive(target, sourcesOf(copy), { buckets: [] }),
      isInvalidBlock(7),
    );
    assertPrefix(target, chain, 7);
  });

  it("refuses a well-formed block of another chain through the ledger's checks", async () => {
    const other = syntheticLedger("sync-other-chain", 6);
    const copy = tempDir();
    await publish(source, copy, []);
    const foreign = tempDir();
    await publish(other.ledger, foreign, []);
    writeFileSync(
      path.join(copy, archiveBlockPath(4n)),
      readFileSync(path.join(foreign, archiveBlockPath(4n))),
    );
    const target = openMemoryLedger();
    await assert.rejects(
      syncFromArchive(target, sourcesOf(copy), { buckets: [] }),
      (e: unknown) => isInvalidBlock(4)(e) && /INVALID_PARENT_BLOCK_ID/.test((e as Error).message),
    );
    assertPrefix(target, chain, 4);
  });
});

describe("syncFromArchive over http://", () => {
  const { ledger: source, chain } = syntheticLedger("sync-http", 17); // 18 blocks
  const dir = tempDir();
  let server: StaticServer;
  let mirror: StaticServer;
  before(async () => {
    await publish(source, dir);
    server = await startStaticServer(dir);
    mirror = await startStaticServer(dir);
  });
  after(async () => {
    await server.close();
    await mirror.close();
  });

  const http = (s: StaticServer) => new HttpArchiveSource(s.url);

  it("imports the chain served by a local HTTP server", async () => {
    const target = openMemoryLedger();
    const summary = await syncFromArchive(target, new SourceSet([http(server)], instantRetry()), {
      buckets: BUCKETS,
    });
    assert.equal(summary.imported, 18);
    assertPrefix(target, chain, 18);
    assert.ok(server.requests.includes(`/${mergedArchivePath(10, 0n)}`));
  });

  it("refuses a flipped byte served over HTTP and keeps the prefix", async () => {
    const copy = tempDir();
    await publish(source, copy, []);
    flipByte(path.join(copy, archiveBlockPath(9n)), 200);
    const s = await startStaticServer(copy);
    try {
      const target = openMemoryLedger();
      await assert.rejects(
        syncFromArchive(target, new SourceSet([http(s)], instantRetry()), { buckets: [] }),
        isInvalidBlock(9),
      );
      assertPrefix(target, chain, 9);
    } finally {
      await s.close();
    }
  });

  it("retries 503s and dropped connections with exponential backoff, then succeeds", async () => {
    server.failNext(3, 503);
    const retry = instantRetry(8);
    const target = openMemoryLedger();
    const sources = new SourceSet([http(server)], retry);
    const summary = await syncFromArchive(target, sources, {
      buckets: BUCKETS,
      singlesInFlight: 1,
    });
    assert.equal(summary.imported, 18);
    assert.equal(summary.retries, 3);
    assert.deepEqual(retry.delays, [100, 200, 400]);

    server.dropNext(2);
    const again = openMemoryLedger();
    const dropped = await syncFromArchive(again, new SourceSet([http(server)], instantRetry(8)), {
      buckets: [],
      singlesInFlight: 1,
    });
    assert.equal(dropped.imported, 18);
    assert.equal(dropped.retries, 2);
  });

  it("gives up as UNAVAILABLE when failures outlast the retries, keeping what it imported", async () => {
    const target = openMemoryLedger();
    for (const d of chain.slice(0, 3)) target.appendBlock(d);
    server.failNext(1000, 500);
    try {
      await assert.rejects(
        syncFromArchive(target, new SourceSet([http(server)], instantRetry(4)), { buckets: [] }),
        (e: unknown) => isCodedError(e) && e.code === "UNAVAILABLE",
      );
    } finally {
      server.failNext(0);
    }
    assertPrefix(target, chain, 3);
  });

  it("does not retry a permanent error such as 403", async () => {
    const denied = await startStaticServer(dir);
    denied.failNext(1, 403);
    const retry = instantRetry(4);
    try {
      await assert.rejects(
        syncFromArchive(openMemoryLedger(), new SourceSet([http(denied)], retry), {
          buckets: [],
          singlesInFlight: 1,
        }),
        (e: unknown) => {
          assert.ok(isCodedError(e) && e.code === "FETCH_FAILED", String(e));
          assert.match((e as Error).message, /block 0: .*HTTP 403/);
          return true;
        },
      );
    } finally {
      await denied.close();
    }
    assert.deepEqual(denied.requests, [`/${archiveBlockPath(0n)}`]);
    assert.equal(retry.delays.length, 0);
  });

  it("ends cleanly when the server has no blocks (404)", async () => {
    const empty = await startStaticServer(tempDir());
    try {
      const summary = await syncFromArchive(
        openMemoryLedger(),
        new SourceSet([http(empty)], instantRetry()),
        { buckets: BUCKETS },
      );
      assert.equal(summary.imported, 0);
      assert.equal(summary.retries, 0);
    } finally {
      await empty.close();
    }
  });

  it("rotates over several sources and routes around a failing one", async () => {
    server.requests.length = 0;
    mirror.requests.length = 0;
    const target = openMemoryLedger();
    await syncFromArchive(target, new SourceSet([http(server), http(mirror)], instantRetry()), {
      buckets: [],
    });
    assertPrefix(target, chain, 18);
    assert.ok(server.requests.length >= 9 && mirror.requests.length >= 9);

    mirror.failNext(1000, 503);
    const retry = instantRetry(8);
    const routed = openMemoryLedger();
    await syncFromArchive(routed, new SourceSet([http(mirror), http(server)], retry), {
      buckets: BUCKETS,
    });
    mirror.failNext(0);
    assertPrefix(routed, chain, 18);
  });

  it("does not stop early when one mirror lacks the newest blocks", async () => {
    const partial = tempDir();
    const half = openMemoryLedger();
    for (const d of chain.slice(0, 8)) half.appendBlock(d);
    await publish(half, partial, []);
    const lagging = await startStaticServer(partial);
    try {
      const target = openMemoryLedger();
      const sources: ArchiveSource[] = [http(lagging), http(server)];
      const summary = await syncFromArchive(target, new SourceSet(sources, instantRetry()), {
        buckets: [],
      });
      assert.equal(summary.imported, 18);
    } finally {
      await lagging.close();
    }
  });
});

describe("syncFromArchive with checks on a worker thread", () => {
  const { ledger: source, chain } = syntheticLedger("sync-worker", 13);
  const dir = tempDir();
  before(() => publish(source, dir));

  it("imports the same blocks as the inline decoder and refuses the same flipped byte", async () => {
    const decoder = new WorkerDecoder();
    try {
      const target = openMemoryLedger();
      const summary = await syncFromArchive(
        target,
        new SourceSet([new FileArchive(dir)], instantRetry()),
        { buckets: BUCKETS, decoder },
      );
      assert.equal(summary.imported, 14);
      for (let i = 0n; i < 14n; i++)
        assert.deepEqual(target.getBlockData(i), source.getBlockData(i), `block ${i}`);

      const copy = tempDir();
      await publish(source, copy, []);
      flipByte(path.join(copy, archiveBlockPath(6n)), 321);
      const refused = openMemoryLedger();
      await assert.rejects(
        syncFromArchive(refused, new SourceSet([new FileArchive(copy)], instantRetry()), {
          buckets: [],
          decoder,
        }),
        isInvalidBlock(6),
      );
      assertPrefix(refused, chain, 6);
    } finally {
      await decoder.close();
    }
  });
});

describe("syncFromArchive's bounds", () => {
  const { ledger: source } = syntheticLedger("sync-bounds", 219); // 220 blocks
  const dir = tempDir();
  before(() => publish(source, dir, [100]));

  it("keeps decodes and single-file fetches within their named limits", async () => {
    let decoding = 0;
    let maxDecoding = 0;
    const counting: BlockDecoder = {
      async decode(bytes) {
        decoding++;
        maxDecoding = Math.max(maxDecoding, decoding);
        try {
          // Let every other queued request start before this one settles.
          await new Promise<void>((resolve) => setImmediate(resolve));
          return await inlineDecoder.decode(bytes);
        } finally {
          decoding--;
        }
      },
      async close() {},
    };
    let fetching = 0;
    let maxFetching = 0;
    const files = new FileArchive(dir);
    const counted: ArchiveSource = {
      url: files.url,
      async get(p, max) {
        fetching++;
        maxFetching = Math.max(maxFetching, fetching);
        try {
          await new Promise<void>((resolve) => setImmediate(resolve));
          return await files.get(p, max);
        } finally {
          fetching--;
        }
      },
      close: async () => {},
    };
    const summary = await syncFromArchive(
      openMemoryLedger(),
      new SourceSet([counted], instantRetry()),
      { buckets: [100], decoder: counting, singlesInFlight: 4 },
    );
    assert.equal(summary.imported, 220);
    assert.equal(summary.from_merged_files, 200);
    assert.ok(maxDecoding <= ARCHIVE_LIMITS.decodeAhead, `${maxDecoding} decodes at once`);
    assert.ok(maxDecoding > 4, "decodes do run ahead");
    // Four single files, or one merged file and the one fetched ahead.
    assert.ok(maxFetching <= 4, `${maxFetching} fetches at once`);
  });
});
