import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { BlockData } from "../../blockchain/index.js";
import { buildSyntheticChain, openLmdbLedger, openMemoryLedger } from "../../ledger/index.js";
import { type Benchmark, type BenchOptions, type Figure, summarize } from "./harness.js";

/** Blocks appended per timed run; enough that per-run setup is noise. */
const BLOCKS_PER_RUN = 400;
/** SPEC §4.3: blocks of 10 transactions (each one key image and two outputs). */
const TXS_PER_BLOCK = 10;

interface RunResult {
  blocksPerSecond: number;
  diskBytesPerTxOut: number;
}

function appendRun(chain: readonly BlockData[], durable: boolean): RunResult {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-ledger-append-"));
  try {
    const ledger = openLmdbLedger(dir, { durable });
    ledger.appendBlock(chain[0] as BlockData);
    const start = performance.now();
    for (let i = 1; i < chain.length; i++) ledger.appendBlock(chain[i] as BlockData);
    const seconds = (performance.now() - start) / 1000;
    const diskBytes = ledger.diskBytes() ?? 0;
    const txOuts = Number(ledger.numTxOuts());
    ledger.close();
    return { blocksPerSecond: (chain.length - 1) / seconds, diskBytesPerTxOut: diskBytes / txOuts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `bench ledger-append`: appending validated blocks of 10 transactions to the LMDB ledger. */
export const ledgerAppendBenchmark: Benchmark = {
  name: "ledger-append",
  summary: `LMDB appends of blocks of ${TXS_PER_BLOCK} transactions with every append check (blocks/s)`,
  async run(options: BenchOptions): Promise<Figure[]> {
    const chain = buildSyntheticChain(openMemoryLedger(), {
      seed: "bench-ledger-append",
      blocks: BLOCKS_PER_RUN,
      txsPerBlock: TXS_PER_BLOCK,
    });
    appendRun(chain.slice(0, 50), true); // warm-up: JIT and page cache
    const durable: RunResult[] = [];
    const noSync: RunResult[] = [];
    for (let r = 0; r < options.runs; r++) {
      durable.push(appendRun(chain, true));
      noSync.push(appendRun(chain, false));
    }
    return [
      summarize(
        "ledger-append",
        "blocks_per_s",
        "blocks/s",
        durable.map((d) => d.blocksPerSecond),
      ),
      summarize(
        "ledger-append",
        "blocks_per_s_nosync",
        "blocks/s",
        noSync.map((d) => d.blocksPerSecond),
      ),
      summarize(
        "ledger-append",
        "tx_outs_per_s",
        "tx_outs/s",
        durable.map((d) => d.blocksPerSecond * TXS_PER_BLOCK * 2),
      ),
      summarize(
        "ledger-append",
        "disk_bytes_per_tx_out",
        "bytes",
        durable.map((d) => d.diskBytesPerTxOut),
      ),
    ];
  },
};
