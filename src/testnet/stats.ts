import { TESTNET_LIMITS } from "./limits.js";

/** What the load has done so far; the view and the summary read it. */
export class LoadStats {
  submitted = 0;
  accepted = 0;
  included = 0;
  /** Accepted payments that can no longer land (an input spent elsewhere, or past the tombstone). */
  lost = 0;
  /** Refusals by ProposeTxResult name (and errors before an answer, by kind). */
  readonly refused = new Map<string, number>();
  readonly #latencies: number[] = [];

  refuse(reason: string): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }

  /** Submit-to-every-node latency of one included payment. */
  latency(ms: number): void {
    if (this.#latencies.length >= TESTNET_LIMITS.maxLatencySamples) this.#latencies.shift();
    this.#latencies.push(ms);
  }

  /** The p-th percentile (0–100) of the latencies, nearest rank; null when there is none. */
  percentile(p: number): number | null {
    return percentile(this.#latencies, p);
  }
}

/** Nearest-rank percentile of `values`; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}
