import { performance } from "node:perf_hooks";

/**
 * The benchmark harness behind `consensus-tool bench` (SPEC §4.3): warm up, calibrate how many
 * operations make one run long enough to time, then time several runs and report min, median and
 * max. Timings are reported, never asserted.
 */
export interface Figure {
  bench: string;
  metric: string;
  unit: string;
  /** The median over runs: the figure to quote. */
  value: number;
  runs: number;
  min: number;
  median: number;
  max: number;
}

export interface BenchOptions {
  /** Timed runs per figure. */
  runs: number;
  /** Untimed time spent running the operation first, ms. */
  warmupMs: number;
  /** Each timed run lasts at least this long, ms (the op count is calibrated to reach it). */
  minRunMs: number;
}

export const defaultBenchOptions: BenchOptions = { runs: 5, warmupMs: 300, minRunMs: 200 };

export interface Benchmark {
  name: string;
  summary: string;
  run(options: BenchOptions): Promise<Figure[]>;
}

type Op = () => unknown;

/** Per-run timings: each entry is the mean milliseconds of one op within that run. */
export async function timeOp(op: Op, options: BenchOptions): Promise<number[]> {
  const warmupEnd = performance.now() + options.warmupMs;
  let calibrated = 1;
  do {
    const start = performance.now();
    for (let i = 0; i < calibrated; i++) await op();
    const elapsed = performance.now() - start;
    if (elapsed < options.minRunMs) {
      calibrated = Math.max(
        calibrated + 1,
        Math.ceil((calibrated * options.minRunMs) / Math.max(elapsed, 0.001)),
      );
      calibrated = Math.min(calibrated, 10_000_000);
    }
  } while (performance.now() < warmupEnd);

  const perOpMs: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const start = performance.now();
    for (let i = 0; i < calibrated; i++) await op();
    perOpMs.push((performance.now() - start) / calibrated);
  }
  return perOpMs;
}

/** Summarise samples (already in the figure's unit) into a `Figure`. */
export function summarize(
  bench: string,
  metric: string,
  unit: string,
  samples: readonly number[],
): Figure {
  if (samples.length === 0) throw new RangeError(`no samples for ${bench}/${metric}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const round = (x: number) => Number(x.toPrecision(6));
  return {
    bench,
    metric,
    unit,
    value: round(median),
    runs: samples.length,
    min: round(sorted[0] as number),
    median: round(median),
    max: round(sorted[sorted.length - 1] as number),
  };
}

/** Time an op and report its cost per operation in microseconds. */
export async function microsPerOp(
  bench: string,
  metric: string,
  op: Op,
  options: BenchOptions,
): Promise<Figure> {
  const ms = await timeOp(op, options);
  return summarize(
    bench,
    metric,
    "us",
    ms.map((m) => m * 1000),
  );
}

/** Time an op and report its cost per operation in milliseconds. */
export async function millisPerOp(
  bench: string,
  metric: string,
  op: Op,
  options: BenchOptions,
): Promise<Figure> {
  return summarize(bench, metric, "ms", await timeOp(op, options));
}

/** Time an op that processes `itemsPerOp` items and report items per second. */
export async function itemsPerSecond(
  bench: string,
  metric: string,
  unit: string,
  itemsPerOp: number,
  op: Op,
  options: BenchOptions,
): Promise<Figure> {
  const ms = await timeOp(op, options);
  return summarize(
    bench,
    metric,
    unit,
    ms.map((m) => (itemsPerOp * 1000) / m),
  );
}
