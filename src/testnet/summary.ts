import type { Agreement } from "./agreement.js";
import type { LoadStats } from "./stats.js";
import { txPerSecond } from "./view.js";

/**
 * `testnet --json` (SPEC §4.3, pinned): `{"nodes", "duration_s", "blocks",
 * "transactions_submitted", "transactions_included", "tx_per_s", "latency_ms": {"p50", "p99"},
 * "agreement", "dir"}`, plus (added) the accepted and refused counts, the final block count and
 * the children's process ids.
 */
export interface TestnetSummary {
  readonly nodes: number;
  readonly duration_s: number;
  readonly blocks: number;
  readonly transactions_submitted: number;
  readonly transactions_included: number;
  readonly tx_per_s: number;
  readonly latency_ms: { readonly p50: number | null; readonly p99: number | null };
  readonly agreement: boolean;
  readonly dir: string;
  readonly transactions_accepted: number;
  readonly transactions_refused: Readonly<Record<string, number>>;
  readonly block_count: number;
  readonly pids: readonly number[];
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

export function summaryOf(p: {
  readonly dir: string;
  readonly nodes: number;
  /** How long the load ran. */
  readonly loadMs: number;
  /** The highest block count when the load started. */
  readonly startBlocks: bigint;
  readonly agreement: Agreement;
  readonly stats: LoadStats;
  readonly pids: readonly number[];
}): TestnetSummary {
  let final = 0n;
  for (const l of p.agreement.ledgers) if (l.blockCount > final) final = l.blockCount;
  const p50 = p.stats.percentile(50);
  const p99 = p.stats.percentile(99);
  return {
    nodes: p.nodes,
    duration_s: round(p.loadMs / 1000, 1),
    blocks: Number(final > p.startBlocks ? final - p.startBlocks : 0n),
    transactions_submitted: p.stats.submitted,
    transactions_included: p.stats.included,
    tx_per_s: round(txPerSecond(p.stats.included, p.loadMs), 2),
    latency_ms: {
      p50: p50 === null ? null : Math.round(p50),
      p99: p99 === null ? null : Math.round(p99),
    },
    agreement: p.agreement.agreement,
    dir: p.dir,
    transactions_accepted: p.stats.accepted,
    transactions_refused: Object.fromEntries(p.stats.refused),
    block_count: Number(final),
    pids: [...p.pids],
  };
}

/** Exit 0 only when the ledgers agree, every accepted payment was included and no child died. */
export function testnetPassed(summary: TestnetSummary, failures: readonly string[]): boolean {
  return (
    summary.agreement &&
    summary.transactions_included === summary.transactions_accepted &&
    failures.length === 0
  );
}
