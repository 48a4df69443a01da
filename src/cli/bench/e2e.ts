import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  percentile,
  runTestnet,
  type Snapshot,
  type TestnetResult,
  testnetPassed,
} from "../../testnet/index.js";
import { cpuSpent, e2eFigure, intervalRates, ProcessSampler, TimedStats } from "./e2e-sampler.js";
import type { Figure } from "./harness.js";

/**
 * `bench e2e` (SPEC §4.3): a real local network started by the testnet library (N
 * consensus-service processes with their enclave processes, one archiver each, the wallet load),
 * measured over a window after a warm-up: submit → in a block on every node (p50, p99), included
 * payments per second, the largest node's RSS, and where the CPU went (per included payment: the
 * nodes, their enclaves, the archivers, and this process, which builds the payments).
 */
export interface E2eOptions {
  readonly nodes: number;
  readonly warmupMs: number;
  /** The measurement window. */
  readonly durationMs: number;
  /** Payments per second, or (closed loop) as fast as `inFlight` outstanding payments allow. */
  readonly txRate: number;
  readonly inFlight: number | undefined;
  readonly pollMs: number;
  /** The testnet folder; undefined: a temporary one, removed afterwards. */
  readonly dir: string | undefined;
}

export interface E2eIo {
  readonly note: (line: string) => void;
  readonly stop: AbortSignal;
  readonly hurry: AbortSignal;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface E2eResult {
  readonly figures: Figure[];
  /** Why the run does not count (a node died, ledgers disagree, nothing included); empty if none. */
  readonly problems: string[];
}

/** A closed loop's rate: high enough that only the in-flight bound holds the load back. */
const CLOSED_LOOP_RATE = 1_000;

interface Window {
  startMs: number | undefined;
  endMs: number | undefined;
  startCpu: ReturnType<ProcessSampler["cpuMark"]> | undefined;
  endCpu: ReturnType<ProcessSampler["cpuMark"]> | undefined;
  selfStart: NodeJS.CpuUsage | undefined;
  selfCpuMs: number | undefined;
}

export async function runE2e(o: E2eOptions, io: E2eIo): Promise<E2eResult> {
  // Wall-clock time: the load also checks the nodes' attestation evidence against it.
  const nowMs = () => Date.now();
  const stats = new TimedStats(nowMs);
  const sampler = new ProcessSampler(o.nodes);
  const w: Window = {
    startMs: undefined,
    endMs: undefined,
    startCpu: undefined,
    endCpu: undefined,
    selfStart: undefined,
    selfCpuMs: undefined,
  };
  const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), "mc-bench-e2e-"));
  let result: TestnetResult;
  try {
    result = await runTestnet(
      {
        dir,
        nodes: o.nodes,
        durationMs: o.warmupMs + o.durationMs,
        txRate: o.inFlight === undefined ? o.txRate : CLOSED_LOOP_RATE,
        maxOutstanding: o.inFlight,
        pollIntervalMs: o.pollMs,
        stats,
      },
      {
        stop: io.stop,
        hurry: io.hurry,
        note: io.note,
        show: (s) => watch(s, o, w, sampler, nowMs()),
        started: (pids) => sampler.started(pids),
        nowMs,
        sleep: io.sleep,
      },
    );
  } finally {
    if (o.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
  return judge(io, result, w, sampler, stats);
}

/** Called on every poll: RSS samples, and the CPU marks at the window's two ends. */
function watch(s: Snapshot, o: E2eOptions, w: Window, sampler: ProcessSampler, now: number): void {
  sampler.sample(now);
  if (w.startMs === undefined && s.state === "running" && s.elapsedMs >= o.warmupMs) {
    w.startMs = now;
    w.startCpu = sampler.cpuMark();
    w.selfStart = process.cpuUsage();
  }
  const over = s.state !== "running" || s.elapsedMs >= o.warmupMs + o.durationMs;
  if (w.startMs !== undefined && w.endMs === undefined && over) {
    w.endMs = now;
    w.endCpu = sampler.cpuMark();
    const self = process.cpuUsage(w.selfStart);
    w.selfCpuMs = (self.user + self.system) / 1000;
  }
}

function judge(
  io: E2eIo,
  result: TestnetResult,
  w: Window,
  sampler: ProcessSampler,
  stats: TimedStats,
): E2eResult {
  const problems = [...result.failures];
  const s = result.summary;
  io.note(
    `bench e2e: testnet summary: ${s.blocks} blocks, submitted ${s.transactions_submitted}, accepted ${s.transactions_accepted}, included ${s.transactions_included}, refused ${JSON.stringify(s.transactions_refused)}, ${s.tx_per_s} tx/s, p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms`,
  );
  if (!testnetPassed(result.summary, result.failures))
    problems.push(
      `the testnet did not pass: agreement ${result.summary.agreement}, accepted ${result.summary.transactions_accepted}, included ${result.summary.transactions_included}`,
    );
  if (w.startMs === undefined || w.endMs === undefined) {
    problems.push("the load stopped before the measurement window began");
    return { figures: [], problems };
  }
  const { startMs, endMs } = w;
  const inWindow = (at: number) => at >= startMs && at <= endMs;
  const latencies = stats.inclusions.filter((i) => inWindow(i.submittedMs));
  const included = stats.inclusions.filter((i) => inWindow(i.includedMs));
  if (latencies.length === 0) {
    problems.push("no payment proposed in the measurement window was included");
    return { figures: [], problems };
  }
  return { figures: figuresOf(w, sampler, latencies, included), problems };
}

function figuresOf(
  w: Window,
  sampler: ProcessSampler,
  latencies: readonly { submittedMs: number; includedMs: number }[],
  included: readonly { includedMs: number }[],
): Figure[] {
  const startMs = w.startMs as number;
  const endMs = w.endMs as number;
  const ms = latencies.map((l) => l.includedMs - l.submittedMs);
  const windowS = (endMs - startMs) / 1000;
  const n = included.length;
  const rates = intervalRates(
    included.map((i) => i.includedMs),
    startMs,
    endMs,
  );
  return [
    e2eFigure("p50_ms", "ms", percentile(ms, 50) as number, ms),
    e2eFigure("p99_ms", "ms", percentile(ms, 99) as number, ms),
    e2eFigure("tx_per_s", "tx/s", n / windowS, rates.length > 0 ? rates : [n / windowS]),
    e2eFigure("rss_mb", "MiB", Math.max(...sampler.nodeRss), sampler.nodeRss),
    e2eFigure("enclave_rss_mb", "MiB", Math.max(...sampler.enclaveRss), sampler.enclaveRss),
    e2eFigure("included_tx", "tx", n, [n]),
    e2eFigure("window_s", "s", windowS, [windowS]),
    ...cpuFigures(w, n, windowS),
  ];
}

/** Where the CPU went during the window: per included payment by process kind, and in cores. */
function cpuFigures(w: Window, n: number, windowS: number): Figure[] {
  const roles = ["node", "enclave", "archiver"] as const;
  const spent = roles.map((role) => cpuSpent(w.startCpu ?? new Map(), w.endCpu ?? new Map(), role));
  const self = w.selfCpuMs ?? 0;
  const total = sum(spent.map(sum)) + self;
  const cores = e2eFigure("cores_used", "cores", total / 1000 / windowS, [total / 1000 / windowS]);
  // Per payment only when some were included in the window.
  if (n === 0) return [cores];
  const perTx = roles.map((role, i) => {
    const each = (spent[i] as number[]).map((c) => c / n);
    return e2eFigure(`${role}_cpu_ms_per_tx`, "ms", sum(each), each);
  });
  return [...perTx, e2eFigure("load_cpu_ms_per_tx", "ms", self / n, [self / n]), cores];
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
