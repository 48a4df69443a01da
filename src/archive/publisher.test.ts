// Goal: ledger-distribution's publisher writes every block and every completed merged bucket at the
// pinned paths, resumes after the highest archived block with O(log n) existence checks, refuses a
// destination holding another chain, retries transient upload failures, and follows a growing
// ledger until stopped.
// Method: synthetic chains in memory ledgers, a file:// archive in a temp dir and an in-memory
// destination that counts calls and injects failures; the poll loop's sleep is the test's hook.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { instantRetry, snapshot, syntheticLedger } from "../../test/archive/helpers.js";
import {
  archiveBlockPath,
  decodeArchiveBlock,
  decodeArchiveBlocks,
  encodeArchiveBlock,
  mergedArchivePath,
} from "../blockchain/index.js";
import { openMemoryLedger } from "../ledger/index.js";
import { isCodedError } from "../util/index.js";
import { ArchiveError } from "./errors.js";
import { FileArchive } from "./file-store.js";
import { ArchivePublisher } from "./publisher.js";
import type { ArchiveDestination } from "./store.js";

/** An in-memory destination that counts calls and can fail the next puts. */
class MemoryDestination implements ArchiveDestination {
  readonly url = "memory://";
  readonly files = new Map<string, Uint8Array>();
  existsCalls = 0;
  putCalls = 0;
  failPuts = 0;
  failPutsWith: "TRANSIENT" | "WRITE_FAILED" = "TRANSIENT";
  async get(p: string) {
    return this.files.get(p);
  }
  async exists(p: string) {
    this.existsCalls++;
    return this.files.has(p);
  }
  async put(p: string, bytes: Uint8Array) {
    this.putCalls++;
    if (this.failPuts > 0) {
      this.failPuts--;
      throw new ArchiveError(this.failPutsWith, `injected failure of ${p}`);
    }
    this.files.set(p, bytes);
  }
  async close() {}
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "archive-pub-"));
}

describe("ArchivePublisher", () => {
  it("writes each block and each completed bucket, nothing else", async () => {
    const { ledger, chain } = syntheticLedger("pub-layout", 11); // blocks 0..11
    const dir = tempDir();
    const publisher = new ArchivePublisher(ledger, new FileArchive(dir), {
      buckets: [5, 1, 0, 2],
      retry: instantRetry(),
    });
    const summary = await publisher.run({ once: true, sleep: async () => {} });
    assert.equal(summary.blocks_published, 12);
    const files = snapshot(dir);
    const expected = new Set<string>();
    for (let i = 0n; i < 12n; i++) expected.add(archiveBlockPath(i));
    for (let first = 0n; first + 2n <= 12n; first += 2n) expected.add(mergedArchivePath(2, first));
    for (let first = 0n; first + 5n <= 12n; first += 5n) expected.add(mergedArchivePath(5, first));
    assert.deepEqual(new Set(files.keys()), expected);
    assert.equal(summary.merged_files_written, 6 + 2);
    assert.equal(files.has("00/00/00/00/00/00/00/0000000000000001.pb"), true);
    for (const [i, data] of chain.entries()) {
      assert.deepEqual(
        new Uint8Array(files.get(archiveBlockPath(BigInt(i))) as Buffer),
        encodeArchiveBlock(data),
      );
    }
    const merged = decodeArchiveBlocks(files.get(mergedArchivePath(5, 5n)) as Buffer);
    assert.deepEqual(
      merged.map((d) => d.block.index),
      [5n, 6n, 7n, 8n, 9n],
    );
    // Signatures travel with the blocks.
    assert.ok(decodeArchiveBlock(files.get(archiveBlockPath(3n)) as Buffer).signature);
  });

  it("finds the highest archived block with logarithmically many existence checks", async () => {
    for (const present of [0, 1, 2, 3, 7, 8, 100, 1000, 4097]) {
      const dest = new MemoryDestination();
      for (let i = 0n; i < BigInt(present); i++)
        dest.files.set(archiveBlockPath(i), new Uint8Array());
      const publisher = new ArchivePublisher(openMemoryLedger(), dest, {
        buckets: [],
        retry: instantRetry(),
      });
      const highest = await publisher.highestArchived();
      assert.equal(highest, present === 0 ? undefined : BigInt(present - 1), `${present} present`);
      assert.ok(
        dest.existsCalls <= 2 * Math.ceil(Math.log2(present + 2)) + 2,
        `${dest.existsCalls} checks for ${present} blocks`,
      );
    }
  });

  it("resumes after the highest archived block and leaves earlier files untouched", async () => {
    const { chain } = syntheticLedger("pub-resume", 14);
    const ledger = openMemoryLedger();
    for (const d of chain.slice(0, 8)) ledger.appendBlock(d);
    const dest = new MemoryDestination();
    const options = { buckets: [4], retry: instantRetry() };
    await new ArchivePublisher(ledger, dest, options).run({ once: true, sleep: async () => {} });
    assert.equal(dest.files.size, 8 + 2);
    const before = new Map(dest.files);
    for (const d of chain.slice(8)) ledger.appendBlock(d);
    dest.putCalls = 0;
    const second = new ArchivePublisher(ledger, dest, options);
    const summary = await second.run({ once: true, sleep: async () => {} });
    assert.equal(summary.resumed_at, "8");
    assert.equal(summary.blocks_published, 7);
    assert.equal(summary.archived_blocks, "15");
    assert.equal(dest.putCalls, 7 + 1); // blocks 8..14 and merged-4 at 8 (8..11); 12..15 is incomplete
    for (const [p, bytes] of before) assert.equal(dest.files.get(p), bytes, p);
    // A third run has nothing to do.
    const third = await new ArchivePublisher(ledger, dest, options).run({
      once: true,
      sleep: async () => {},
    });
    assert.equal(third.blocks_published, 0);
  });

  it("refuses a destination that archives another chain", async () => {
    const a = syntheticLedger("pub-chain-a", 5);
    const b = syntheticLedger("pub-chain-b", 5);
    const dest = new MemoryDestination();
    await new ArchivePublisher(a.ledger, dest, { buckets: [], retry: instantRetry() }).run({
      once: true,
      sleep: async () => {},
    });
    await assert.rejects(
      new ArchivePublisher(b.ledger, dest, { buckets: [], retry: instantRetry() }).run({
        once: true,
        sleep: async () => {},
      }),
      (e: unknown) => isCodedError(e) && e.code === "DEST_MISMATCH",
    );
  });

  it("checks the chain once an empty ledger gets its first blocks", async () => {
    const a = syntheticLedger("pub-late-a", 3);
    const b = syntheticLedger("pub-late-b", 3);
    const dest = new MemoryDestination();
    await new ArchivePublisher(a.ledger, dest, { buckets: [], retry: instantRetry() }).run({
      once: true,
      sleep: async () => {},
    });
    const growing = openMemoryLedger();
    const controller = new AbortController();
    let polls = 0;
    const run = new ArchivePublisher(growing, dest, { buckets: [], retry: instantRetry() }).run({
      once: false,
      signal: controller.signal,
      sleep: async () => {
        polls++;
        if (polls === 1) growing.appendBlock(b.chain[0] as never);
        if (polls > 3) controller.abort();
      },
    });
    await assert.rejects(run, (e: unknown) => isCodedError(e) && e.code === "DEST_MISMATCH");
    assert.equal(polls, 1);
  });

  it("republishes an archived tip that does not decode", async () => {
    const { ledger, chain } = syntheticLedger("pub-torn", 4);
    const dest = new MemoryDestination();
    dest.files.set(archiveBlockPath(0n), encodeArchiveBlock(chain[0] as never));
    dest.files.set(archiveBlockPath(1n), new Uint8Array([1, 2, 3]));
    const summary = await new ArchivePublisher(ledger, dest, {
      buckets: [],
      retry: instantRetry(),
    }).run({ once: true, sleep: async () => {} });
    assert.equal(summary.resumed_at, "1");
    assert.deepEqual(dest.files.get(archiveBlockPath(1n)), encodeArchiveBlock(chain[1] as never));
  });

  it("retries transient upload failures with growing delays, and stops on permanent ones", async () => {
    const { ledger } = syntheticLedger("pub-retry", 3);
    const dest = new MemoryDestination();
    dest.failPuts = 3;
    const retry = instantRetry(5);
    const summary = await new ArchivePublisher(ledger, dest, { buckets: [], retry }).run({
      once: true,
      sleep: async () => {},
    });
    assert.equal(summary.blocks_published, 4);
    assert.equal(retry.delays.length, 3);
    assert.ok((retry.delays[0] as number) < (retry.delays[1] as number));
    assert.ok((retry.delays[1] as number) < (retry.delays[2] as number));

    const failing = new MemoryDestination();
    failing.failPuts = 100;
    await assert.rejects(
      new ArchivePublisher(ledger, failing, { buckets: [], retry: instantRetry(4) }).run({
        once: true,
        sleep: async () => {},
      }),
      (e: unknown) => isCodedError(e) && e.code === "UNAVAILABLE",
    );
    const denied = new MemoryDestination();
    denied.failPuts = 1;
    denied.failPutsWith = "WRITE_FAILED";
    await assert.rejects(
      new ArchivePublisher(ledger, denied, { buckets: [], retry: instantRetry(4) }).run({
        once: true,
        sleep: async () => {},
      }),
      (e: unknown) => isCodedError(e) && e.code === "WRITE_FAILED",
    );
    assert.equal(denied.putCalls, 1);
  });

  it("follows a growing ledger until stopped", async () => {
    const { chain } = syntheticLedger("pub-follow", 9);
    const ledger = openMemoryLedger();
    ledger.appendBlock(chain[0] as never);
    const dest = new MemoryDestination();
    const controller = new AbortController();
    let next = 1;
    const sleeps: number[] = [];
    // Each poll sleep is where time would pass: a block arrives (two at once, once), then stop.
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      if (next >= chain.length) controller.abort();
      else if (next === 4) {
        ledger.appendBlock(chain[next++] as never);
        ledger.appendBlock(chain[next++] as never);
      } else if (sleeps.length % 2 === 0) ledger.appendBlock(chain[next++] as never);
    };
    const summary = await new ArchivePublisher(ledger, dest, {
      buckets: [3],
      retry: instantRetry(),
    }).run({ once: false, signal: controller.signal, pollIntervalMs: 10, sleep });
    assert.equal(summary.blocks_published, 10);
    assert.equal(summary.merged_files_written, 3);
    assert.ok(sleeps.every((ms) => ms === 10));
    for (let i = 0n; i < 10n; i++) assert.ok(dest.files.has(archiveBlockPath(i)));
  });

  it("stops between blocks of a long backlog when the signal aborts", async () => {
    const { ledger } = syntheticLedger("pub-abort", 9);
    const controller = new AbortController();
    const dest = new MemoryDestination();
    const put = dest.put.bind(dest);
    dest.put = async (p: string, bytes: Uint8Array) => {
      await put(p, bytes);
      if (dest.files.size === 3) controller.abort();
    };
    const summary = await new ArchivePublisher(ledger, dest, {
      buckets: [],
      retry: instantRetry(),
    }).run({ once: false, signal: controller.signal, sleep: async () => {} });
    assert.equal(summary.blocks_published, 3);
    assert.equal(summary.archived_blocks, "3");
  });
});
