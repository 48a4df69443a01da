// Goal: the whole-node acceptance invariants hold on many random networks: identical ledgers on
// every live honest node, every accepted transaction included exactly once, one side of each
// double-spend pair at most, no key image twice, and liveness once the faults stop.
// Method: WHOLE_NODE_CASES seeded cases (default 100; the seed list is derived from
// WHOLE_NODE_SEED, default "wn-prop"; WHOLE_NODE_FROM skips the first cases) drawing the topology (mesh, metamesh, random), size, loss,
// duplication, delays, a healing partition, a crash with restart or f Byzantine nodes (silent or
// split). Real transactions are costly, so one wallet (one origin ledger, its transactions built
// once) is shared by every case; each case runs its own enclaves, sessions and validators. The
// failing case's seed and options are printed.
import assert from "node:assert/strict";
import { it } from "node:test";
import { prepareWallet, runWholeNodeCluster } from "../../src/sim/index.js";
import { assertWholeNodeInvariants, drawCase } from "./whole-node-helpers.js";

const CASES = Number(process.env.WHOLE_NODE_CASES ?? 100);
const ROOT = process.env.WHOLE_NODE_SEED ?? "wn-prop";
/** First case index (to resume a long run after a failing case was fixed). */
const FROM = Number(process.env.WHOLE_NODE_FROM ?? 0);

it(`whole-node invariants hold in ${CASES} random networks (root seed ${ROOT}, from case ${FROM})`, async () => {
  const prepared = prepareWallet(`${ROOT}/wallet`, 8);
  for (let i = FROM; i < FROM + CASES; i++) {
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
