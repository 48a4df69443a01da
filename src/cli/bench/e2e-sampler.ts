import { LoadStats, percentile } from "../../testnet/index.js";
import { E2E_LIMITS } from "./e2e-limits.js";
import type { Figure } from "./harness.js";
import { childrenOf, cpuMs, rssMb } from "./proc.js";

/** One included payment: when it was proposed and when every node had its block. */
interface Inclusion {
  readonly submittedMs: number;
  readonly includedMs: number;
}

/** The testnet's load counters, plus the time of each inclusion (the testnet keeps latencies only). */
export class TimedStats extends LoadStats {
  readonly inclusions: Inclusion[] = [];

  constructor(private readonly nowMs: () => number) {
    super();
  }

  override latency(ms: number): void {
    super.latency(ms);
    const now = this.nowMs();
    if (this.inclusions.length >= E2E_LIMITS.maxInclusions) this.inclusions.shift();
    this.inclusions.push({ submittedMs: now - ms, includedMs: now });
  }
}

type Role = "node" | "enclave" | "archiver";

/** CPU ms per process at one moment, by role. */
type CpuMark = Map<number, { role: Role; ms: number }>;

/**
 * The network's processes as `bench e2e` watches them: the consensus-service processes (started
 * first), their enclave children (found by parent pid) and the ledger-distribution archivers;
 * RSS sampled every second, CPU time read at the start and the end of the measurement window.
 */
export class ProcessSampler {
  readonly #nodes: number[] = [];
  readonly #archivers: number[] = [];
  #enclaves: number[] = [];
  #lastSampleMs = Number.NEGATIVE_INFINITY;
  /** Per sample: the largest node RSS and the largest enclave RSS, MiB. */
  readonly nodeRss: number[] = [];
  readonly enclaveRss: number[] = [];

  constructor(private readonly nodeCount: number) {}

  /** The testnet's `started` callback: the first `nodeCount` pids are the nodes. */
  started(pids: readonly number[]): void {
    for (const pid of pids) {
      if (this.#nodes.includes(pid) || this.#archivers.includes(pid)) continue;
      if (this.#nodes.length < this.nodeCount) this.#nodes.push(pid);
      else this.#archivers.push(pid);
    }
  }

  /** Take an RSS sample when one is due. */
  sample(nowMs: number): void {
    if (nowMs - this.#lastSampleMs < E2E_LIMITS.rssSampleMs || this.#nodes.length === 0) return;
    this.#lastSampleMs = nowMs;
    this.#enclaves = this.#nodes.flatMap(childrenOf);
    const largest = (pids: readonly number[]) => Math.max(0, ...pids.map((p) => rssMb(p) ?? 0));
    this.nodeRss.push(largest(this.#nodes));
    this.enclaveRss.push(largest(this.#enclaves));
  }

  cpuMark(): CpuMark {
    const mark: CpuMark = new Map();
    const add = (role: Role, pids: readonly number[]) => {
      for (const pid of pids) {
        const ms = cpuMs(pid);
        if (ms !== undefined) mark.set(pid, { role, ms });
      }
    };
    add("node", this.#nodes);
    add("enclave", this.#enclaves.length > 0 ? this.#enclaves : this.#nodes.flatMap(childrenOf));
    add("archiver", this.#archivers);
    return mark;
  }
}

/** CPU ms spent between two marks by each process of `role`. */
export function cpuSpent(start: CpuMark, end: CpuMark, role: Role): number[] {
  const spent: number[] = [];
  for (const [pid, e] of end) {
    const s = start.get(pid);
    if (e.role === role && s !== undefined) spent.push(e.ms - s.ms);
  }
  return spent;
}

const round = (x: number) => Number(x.toPrecision(6));

/** A figure whose value is given and whose min, median and max are over `samples`. */
export function e2eFigure(
  metric: string,
  unit: string,
  value: number,
  samples: readonly number[],
): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = percentile(sorted, 50) ?? value;
  return {
    bench: "e2e",
    metric,
    unit,
    value: round(value),
    runs: samples.length,
    min: round(sorted[0] ?? value),
    median: round(median),
    max: round(sorted[sorted.length - 1] ?? value),
  };
}

/** Throughput of each whole `rateIntervalMs` interval of the window, tx/s. */
export function intervalRates(
  includedAt: readonly number[],
  startMs: number,
  endMs: number,
): number[] {
  const step = E2E_LIMITS.rateIntervalMs;
  const rates: number[] = [];
  for (let t = startMs; t + step <= endMs; t += step) {
    const n = includedAt.filter((at) => at >= t && at < t + step).length;
    rates.push((n * 1000) / step);
  }
  return rates;
}
