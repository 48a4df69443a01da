/**
 * Goal: over random topologies, thresholds and fault schedules with at most f Byzantine (and
 * crashed) nodes, SCP keeps agreement in every run and liveness once the faults stop.
 * Method: fast-check generates simulator options — mesh (threshold drawn from the range that is
 * both safe with the Byzantine nodes and live without the faulty ones), metamesh and random
 * topologies (checked to intersect despite the Byzantine nodes), loss, duplication, delays,
 * a healing partition, crashes (some restarting from their persisted statements), and Byzantine
 * kinds — and runs the deterministic simulator.
 * Runs: SCP_PROPERTY_RUNS (default 200); seed: SCP_PROPERTY_SEED (default fixed); fast-check
 * prints the seed and the shrunk counterexample on failure.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  BYZANTINE_KINDS,
  buildTopology,
  DEFAULT_SIM_OPTIONS,
  meshFaults,
  runSimulation,
  type SimOptions,
  safeDespite,
} from "../../src/sim/index.js";
import { SeededRandom } from "../../src/util/index.js";

const RUNS = Number(process.env.SCP_PROPERTY_RUNS ?? 200);
const SEED = Number(process.env.SCP_PROPERTY_SEED ?? 424242);

const FAULTS_END_MS = 15_000;

const meshCase = fc
  .record({
    nodes: fc.integer({ min: 4, max: 10 }),
    byzFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    crashFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    tFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ nodes, byzFrac, crashFrac, tFrac }) => {
    const f = meshFaults(nodes);
    const byzantine = Math.min(f, Math.floor(byzFrac * (f + 1)));
    const crashes = Math.min(f - byzantine, Math.floor(crashFrac * (f - byzantine + 1)));
    const lo = Math.ceil((nodes + byzantine + 1) / 2) - 1;
    const hi = nodes - 1 - byzantine - crashes;
    const threshold = lo + Math.floor(tFrac * (hi - lo + 1) * 0.999);
    return { topology: "mesh" as const, nodes, byzantine, crashes, threshold };
  });

const otherCase = fc.oneof(
  fc.record({
    topology: fc.constant("metamesh" as const),
    nodes: fc.constant(9),
    byzantine: fc.integer({ min: 0, max: 1 }),
    crashes: fc.constant(0),
  }),
  fc.record({
    topology: fc.constant("random" as const),
    nodes: fc.integer({ min: 4, max: 8 }),
    byzantine: fc.integer({ min: 0, max: 1 }),
    crashes: fc.constant(0),
  }),
  fc.record({
    topology: fc.constant("figure2" as const),
    nodes: fc.constant(4),
    byzantine: fc.constant(0),
    crashes: fc.constant(0),
  }),
);

const faults = fc.record({
  loss: fc.constantFrom(0, 0.05, 0.2, 0.4),
  duplicate: fc.constantFrom(0, 0.1, 0.3),
  delayMaxMs: fc.constantFrom(20, 200, 1000, 3000),
  byzantineKind: fc.constantFrom(...BYZANTINE_KINDS),
  partition: fc.option(
    fc.record({
      startMs: fc.integer({ min: 0, max: 5000 }),
      lengthMs: fc.integer({ min: 1000, max: 9000 }),
      cut: fc.integer({ min: 1, max: 3 }),
    }),
    { nil: undefined },
  ),
  crashAtMs: fc.integer({ min: 0, max: 8000 }),
  restartAfterMs: fc.option(fc.integer({ min: 500, max: 6000 }), { nil: undefined }),
  slots: fc.integer({ min: 2, max: 4 }),
  valuesPerSlot: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

type Faults = typeof faults extends fc.Arbitrary<infer T> ? T : never;

function optionsFor(
  shape: {
    topology: SimOptions["topology"];
    nodes: number;
    byzantine: number;
    crashes: number;
    threshold?: number;
  },
  f: Faults,
): SimOptions {
  const ids = Array.from({ length: shape.nodes }, (_, i) => `n${i + 1}`);
  const honest = ids.slice(0, shape.nodes - shape.byzantine);
  const options: SimOptions = {
    ...DEFAULT_SIM_OPTIONS,
    topology: shape.topology,
    nodes: shape.nodes,
    slots: f.slots,
    valuesPerSlot: f.valuesPerSlot,
    loss: f.loss,
    duplicate: f.duplicate,
    delayMinMs: 0,
    delayMaxMs: f.delayMaxMs,
    byzantine: shape.byzantine,
    byzantineKind: f.byzantineKind,
    crashes: honest.slice(0, shape.crashes).map((node) => ({ node, atMs: f.crashAtMs })),
    restarts:
      f.restartAfterMs === undefined
        ? []
        : honest
            .slice(0, shape.crashes)
            .map((node) => ({ node, atMs: f.crashAtMs + (f.restartAfterMs as number) })),
    partitions: [],
    faultsEndMs: FAULTS_END_MS,
    checkInvariants: true,
    timeLimitMs: FAULTS_END_MS + 300_000,
    seed: `prop-${f.seed}`,
  };
  if (shape.threshold !== undefined) options.threshold = shape.threshold;
  if (f.partition) {
    const end = Math.min(FAULTS_END_MS, f.partition.startMs + f.partition.lengthMs);
    options.partitions = [
      {
        groups: [ids.slice(0, f.partition.cut), ids.slice(f.partition.cut)],
        startMs: f.partition.startMs,
        endMs: end,
      },
    ];
  }
  return options;
}

test(`property: agreement always, liveness once faults stop (${RUNS} runs, seed ${SEED})`, (t) => {
  let ran = 0;
  let statements = 0;
  fc.assert(
    fc.property(fc.oneof(meshCase, otherCase), faults, (shape, f) => {
      const options = optionsFor(shape, f);
      if (shape.topology === "metamesh" && shape.byzantine > 0) {
        const topo = buildTopology(
          { kind: "metamesh", nodes: 9 },
          new SeededRandom(options.seed).fork("topology"),
        );
        fc.pre(safeDespite(topo.ids, topo.qsets, new Set(["n9"])));
      }
      const r = runSimulation(options);
      ran += 1;
      statements += r.statements_checked;
      assert.ok(
        r.agreement,
        `agreement broken: ${JSON.stringify(r.disagreements)} options ${JSON.stringify(options)}`,
      );
      assert.deepEqual(r.invariant_violations, [], `options ${JSON.stringify(options)}`);
      assert.ok(
        r.live,
        `not live after faults stopped: decided ${r.slots_decided_min}/${r.slots} by ${r.virtual_ms} ms; options ${JSON.stringify(options)}`,
      );
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  assert.ok(ran >= RUNS * 0.9, `ran ${ran} simulations`);
  // Every honest statement passed the sanity rules and had P ≤ B (invariant_violations above).
  assert.ok(statements > ran, `checked ${statements} statements`);
  t.diagnostic(`${ran} simulations, ${statements} honest statements checked`);
});
