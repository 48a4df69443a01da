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
    const throughput = await itemsPerSecond(
      "scp",
      "slots_per_s",
      "slots/s",
      SLOTS_PER_OP,
      op,
      options,
    );
    const sample = runSimulation({ ...SCP_BENCH_OPTIONS, slots: 100 });
    return [
      throughput,
      summarize("scp", "messages_per_slot", "messages", [sample.messages_sent / 100]),
      summarize("scp", "virtual_ms_per_slot", "ms", [sample.virtual_ms / 100]),
    ];
  },
};
