import { performance } from "node:perf_hooks";
import {
  flatQuorumSet,
  type QuorumSet,
  type ScpMessage,
  ScpNode,
  sortedCombine,
  type ValueList,
} from "../../scp/index.js";
import { DEFAULT_SIM_OPTIONS, runSimulation, type SimOptions } from "../../sim/index.js";
import { type Benchmark, type BenchOptions, itemsPerSecond, summarize } from "./harness.js";

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
    const [none, foreign] = perMessageMicros(options);
    return [
      throughput,
      summarize("scp", "messages_per_slot", "messages", [sample.messages_sent / 100]),
      summarize("scp", "virtual_ms_per_slot", "ms", [sample.virtual_ms / 100]),
      summarize("scp", "us_per_msg_no_foreign", "µs", none),
      summarize("scp", `us_per_msg_${FOREIGN_SENDERS}_foreign`, "µs", foreign),
      summarize(
        "scp",
        "foreign_cost_ratio",
        "×",
        foreign.map((f, i) => f / (none[i] as number)),
      ),
    ];
  },
};

/** Senders outside the local node's transitive quorum set in the per-message figure. */
const FOREIGN_SENDERS = 1000;
const PEERS = Array.from({ length: 9 }, (_, i) => `n${i + 1}`);

function value(tag: number): ValueList {
  const v = new Uint8Array(16);
  new DataView(v.buffer).setUint32(0, tag);
  return [v];
}

/**
 * Microseconds one peer message costs a node (local quorum set 7 of 9 peers) in a slot that has
 * been sent nothing else, and in one that has also been sent a valid Prepare claiming an accepted
 * ballot by each of `FOREIGN_SENDERS` strangers (nodes in nobody's quorum set). Every timed message
 * is a newer Prepare from one of the nine peers, so each is stored and runs the protocol step.
 * The two nodes are timed in alternating runs, so that each ratio compares neighbouring moments
 * of a shared machine.
 */
function perMessageMicros(options: BenchOptions): [number[], number[]] {
  const ops = [feeder(0), feeder(FOREIGN_SENDERS)];
  const warmEnd = performance.now() + options.warmupMs;
  let batch = 1;
  while (performance.now() < warmEnd || batch < 2) {
    const t = performance.now();
    for (const op of ops) for (let i = 0; i < batch; i++) op();
    if (performance.now() - t < options.minRunMs) batch *= 2;
  }
  const out: [number[], number[]] = [[], []];
  for (let run = 0; run < options.runs; run++) {
    ops.forEach((op, k) => {
      const t = performance.now();
      for (let i = 0; i < batch; i++) op();
      out[k]?.push(((performance.now() - t) * 1000) / batch);
    });
  }
  return out;
}

/** A node whose slot has heard from `foreign` strangers, and an op feeding it one peer message. */
function feeder(foreign: number): () => void {
  const node = new ScpNode({
    local: { id: "n0" },
    quorumSet: flatQuorumSet(7, PEERS),
    combine: sortedCombine(),
  });
  const x = value(0);
  const strangerQ = flatQuorumSet(1, ["n1"]);
  const strangers: ScpMessage[] = [];
  for (let i = 0; i < foreign; i++) {
    const b = { n: 1 + (i % 50), x: value(i + 1) };
    strangers.push({
      sender: { id: `stranger${i}` },
      slot: 1,
      quorumSet: strangerQ,
      topic: { type: "Prepare", prepare: { b, p: b, cn: 0, hn: 0 } },
    });
  }
  node.handleMessages(strangers, 0);
  const qsets = new Map(
    PEERS.map((id) => [id, flatQuorumSet(7, ["n0", ...PEERS.filter((p) => p !== id)])]),
  );
  let seq = 0;
  return () => {
    const i = seq++;
    const id = PEERS[i % PEERS.length] as string;
    // A counter that grows every round, capped well below INF.
    const b = { n: 1 + (Math.floor(i / PEERS.length) % 1_000_000), x };
    const quorumSet = qsets.get(id) as QuorumSet;
    const prepare = { b, cn: 0, hn: 0 };
    node.handleMessages(
      [{ sender: { id }, slot: 1, quorumSet, topic: { type: "Prepare", prepare } }],
      i,
    );
  };
}
