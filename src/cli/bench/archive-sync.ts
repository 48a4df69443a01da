import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  ArchivePublisher,
  type BlockDecoder,
  FileArchive,
  inlineDecoder,
  type RetryPolicy,
  SourceSet,
  syncFromArchive,
  WorkerDecoder,
} from "../../archive/index.js";
import { type BlockData, decodeArchiveBlock, encodeArchiveBlock } from "../../blockchain/index.js";
import { buildSyntheticChain, openLmdbLedger, openMemoryLedger } from "../../ledger/index.js";
import { type Benchmark, type BenchOptions, type Figure, summarize } from "./harness.js";

/** Blocks after the origin in the benchmark's archive: five merged-100 files and one single. */
const BLOCKS = 500;
/** SPEC §4.3: blocks of 10 transactions (each one key image and two outputs). */
const TXS_PER_BLOCK = 10;

/** Local files do not fail transiently; a retry would be a bug, so it fails loudly. */
const noRetry: RetryPolicy = {
  maxAttempts: 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  jitter: () => 0,
  sleep: async () => {
    throw new Error("unexpected retry in the archive-sync benchmark");
  },
};

async function publish(chain: readonly BlockData[], buckets: number[]): Promise<string> {
  const ledger = openMemoryLedger();
  for (const d of chain) ledger.appendBlock(d);
  const dir = mkdtempSync(path.join(tmpdir(), "bench-archive-sync-"));
  await new ArchivePublisher(ledger, new FileArchive(dir), { buckets, retry: noRetry }).run({
    once: true,
    sleep: async () => {},
  });
  return dir;
}

interface SyncResult {
  blocksPerSecond: number;
  diskBytesPerTxOut: number;
}

/** One ledger-from-archive into a fresh LMDB ledger (as the CLI opens it). */
async function syncRun(
  archive: string,
  expected: number,
  decoder: BlockDecoder,
): Promise<SyncResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-archive-ledger-"));
  try {
    const ledger = openLmdbLedger(dir, { durable: false });
    const start = performance.now();
    const summary = await syncFromArchive(
      ledger,
      new SourceSet([new FileArchive(archive)], noRetry),
      { decoder },
    );
    const seconds = (performance.now() - start) / 1000;
    const diskBytesPerTxOut = (ledger.diskBytes() ?? 0) / Number(ledger.numTxOuts());
    ledger.close();
    if (summary.imported !== expected)
      throw new Error(`archive-sync imported ${summary.imported} blocks, expected ${expected}`);
    return { blocksPerSecond: summary.imported / seconds, diskBytesPerTxOut };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rates = (results: readonly SyncResult[]) => results.map((r) => r.blocksPerSecond);

/** The reader's checks alone (decode, ids, contents hash, signature), no ledger; blocks/s. */
function decodeRun(encoded: readonly Uint8Array[]): number {
  const start = performance.now();
  for (const bytes of encoded) decodeArchiveBlock(bytes);
  return encoded.length / ((performance.now() - start) / 1000);
}

/**
 * `bench archive-sync`: ledger-from-archive over a file:// archive with every check, blocks of 10
 * transactions, into LMDB, with the checks on a worker thread as the CLI runs them. Also: single
 * files only, everything on one thread, and the reader's checks alone, to show where time goes.
 */
export const archiveSyncBenchmark: Benchmark = {
  name: "archive-sync",
  summary: `ledger-from-archive over file:// with full checks, blocks of ${TXS_PER_BLOCK} transactions, into LMDB (blocks/s)`,
  async run(options: BenchOptions): Promise<Figure[]> {
    const chain = buildSyntheticChain(openMemoryLedger(), {
      seed: "bench-archive-sync",
      blocks: BLOCKS,
      txsPerBlock: TXS_PER_BLOCK,
    });
    const merged = await publish(chain, [100, 1000, 10_000]);
    const singles = await publish(chain, []);
    const encoded = chain.map(encodeArchiveBlock);
    const worker = new WorkerDecoder();
    try {
      await syncRun(merged, chain.length, worker); // warm-up: JIT and page cache
      const withMerged: SyncResult[] = [];
      const singleOnly: SyncResult[] = [];
      const oneThread: SyncResult[] = [];
      const decodeOnly: number[] = [];
      for (let r = 0; r < options.runs; r++) {
        withMerged.push(await syncRun(merged, chain.length, worker));
        singleOnly.push(await syncRun(singles, chain.length, worker));
        oneThread.push(await syncRun(merged, chain.length, inlineDecoder));
        decodeOnly.push(decodeRun(encoded));
      }
      const bytesPerBlock = encoded.reduce((n, b) => n + b.length, 0) / encoded.length;
      return [
        summarize("archive-sync", "blocks_per_s", "blocks/s", rates(withMerged)),
        summarize("archive-sync", "blocks_per_s_single_files", "blocks/s", rates(singleOnly)),
        summarize("archive-sync", "blocks_per_s_one_thread", "blocks/s", rates(oneThread)),
        summarize("archive-sync", "decode_verify_blocks_per_s", "blocks/s", decodeOnly),
        summarize("archive-sync", "archive_bytes_per_block", "bytes", [bytesPerBlock]),
        summarize(
          "archive-sync",
          "disk_bytes_per_tx_out",
          "bytes",
          withMerged.map((r) => r.diskBytesPerTxOut),
        ),
      ];
    } finally {
      await worker.close();
      rmSync(merged, { recursive: true, force: true });
      rmSync(singles, { recursive: true, force: true });
    }
  },
};
