import { DEFAULT_SIM_OPTIONS, runSimulation, type SimOptions } from "../../sim/index.js";
import { type Benchmark, itemsPerSecond, summarize } from "./harness.js";

/**
 * SCP throughput in the deterministic simulator (SPEC §6: 10-node mesh, threshold 7): slots
 * decided per second of CPU time by the whole simulated network (every node's SCP work plus the
 * simulator's), and the messages one slot costs. Network: 5–50 ms delays, no loss, nodes handle
 * their inbox every 10 ms (MobileCoin's worker tick), 10 fresh values per slot.
 */
const SLOTS_PER_OP = 20;

export const SCP_BENCH_OPTIONS: SimOptions = {
  ...DEFAULT_SIM_OPTIONS,
  topology: "mesh",
  nodes: 10,
  threshold: 7,
  slots: SLOTS_PER_OP,
  valuesPerSlot: 10,
  delayMinMs: 5,
  delayMaxMs: 50,
  seed: "bench-scp",
};

export const scpBenchmark: Benchmark = {
  name: "scp",
  summary: "simulated 10-node mesh, threshold 7: slots decided per second, messages per slot",
  async run(options) {
    let seq = 0;
    const op = () => {
      const r = runSimulation({ ...SCP_BENCH_OPTIONS, seed: `bench-scp-${seq++ % 8}` });
      if (!r.agreement || !r.live) throw new Error(`benchmark run failed: ${JSON.stringify(r)}`);
    };
    // A whole simulated network takes a while to reach steady-state JIT code and each op lasts
    // ~0.1 s, so this benchmark warms up for at least 2 s and times runs of at least 1 s.
    const steady = {
      ...options,
      warmupMs: Math.max(options.warmupMs, 2000),
      minRunMs: Math.max(options.minRunMs, 1000),
    };
    const throughput = await itemsPerSecond(
      "scp",
      "slots_per_s",
      "slots/s",
      SLOTS_PER_OP,
      op,
      steady,
    );
    const sample = runSimulation({ ...SCP_BENCH_OPTIONS, slots: 100 });
    return [
      throughput,
      summarize("scp", "messages_per_slot", "messages", [sample.messages_sent / 100]),
      summarize("scp", "virtual_ms_per_slot", "ms", [sample.virtual_ms / 100]),
    ];
  },
};
