// Goal: the whole-node acceptance invariants hold on many random networks: identical ledgers on
// every live honest node, every accepted transaction included exactly once, one side of each
// double-spend pair at most, no key image twice, and liveness once the faults stop.
// Method: WHOLE_NODE_CASES seeded cases (default 100; the seed list is derived from
// WHOLE_NODE_SEED, default "wn-prop") drawing the topology (mesh, metamesh, random), size, loss,
// duplication, delays, a healing partition, a crash with restart or f Byzantine nodes (silent or
// split). Real transactions are costly, so one wallet (one origin ledger, its transactions built
// once) is shared by every case; each case runs its own enclaves, sessions and validators. The
// failing case's seed and options are printed.
import assert from "node:assert/strict";
import { it } from "node:test";
import { prepareWallet, runWholeNodeCluster, type WholeNodeOptions } from "../../src/sim/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { assertWholeNodeInvariants, wholeNodeOptions } from "./whole-node-helpers.js";

const CASES = Number(process.env.WHOLE_NODE_CASES ?? 100);
const ROOT = process.env.WHOLE_NODE_SEED ?? "wn-prop";

/** One random network and fault plan for `seed`. */
export function drawCase(seed: string): WholeNodeOptions {
  const r = new SeededRandom(`case/${seed}`);
  const topology = r.pick(["mesh", "mesh", "metamesh", "random"] as const);
  const nodes = topology === "metamesh" ? 6 : r.pick([4, 4, 5]);
  const base = wholeNodeOptions({
    seed,
    topology,
    nodes,
    ...(topology === "metamesh" ? { orgs: 3, perOrg: 2 } : {}),
    valuesPerSlot: 1,
    txRate: 5,
    doubleSpends: r.pick([0, 0, 1]),
    loss: r.pick([0, 0.05, 0.15]),
    duplicate: r.pick([0, 0.05, 0.15]),
    delayMinMs: 1,
    delayMaxMs: r.pick([10, 50, 150]),
    faultsEndMs: 3_000,
    rebroadcastMs: 1_000,
    syncGraceMs: 1_000,
    timeLimitMs: 90_000,
  });
  const fault = r.pick(["none", "partition", "crash", "byzantine"] as const);
  if (fault === "partition") {
    const cut = 1 + r.nextInt(nodes - 1);
    const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
    base.partitions = [
      { groups: [ids.slice(0, cut)], startMs: 0, endMs: 1_000 + r.nextInt(2_000) },
    ];
  } else if (fault === "crash") {
    const victim = `n${1 + r.nextInt(nodes)}`;
    base.crashes = [{ node: victim, atMs: r.nextInt(500) }];
    base.restarts = [{ node: victim, atMs: 1_000 + r.nextInt(3_000) }];
  } else if (fault === "byzantine" && topology !== "metamesh") {
    base.byzantine = 1;
    base.byzantineKind = r.pick(["silent", "split"] as const);
  }
  return base;
}

it(`whole-node invariants hold in ${CASES} random networks (root seed ${ROOT})`, async () => {
  const prepared = prepareWallet(`${ROOT}/wallet`, 8);
  for (let i = 0; i < CASES; i++) {
    const seed = `${ROOT}/${i}`;
    const options = drawCase(seed);
    try {
      const run = await runWholeNodeCluster(options, undefined, prepared);
      assertWholeNodeInvariants(run, seed);
    } catch (error) {
      assert.fail(`case ${seed} failed: ${String(error)}\noptions: ${JSON.stringify(options)}`);
    }
  }
});
