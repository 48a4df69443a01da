// Goal: cases the long property runs found, kept as fixed regressions.
// Method: each case is re-drawn from its recorded seed exactly as the property test draws it (same
// wallet root), run, and checked with the same invariants.
import { it } from "node:test";
import { prepareWallet, runWholeNodeCluster } from "../../src/sim/index.js";
import { assertWholeNodeInvariants, drawCase } from "./whole-node-helpers.js";

// wn-2000/1067 (2,000-case run): n1 was cut off alone until 1,960 ms while the others closed the
// slot, and then never caught up. Its block request had the same call id as a transaction fetch
// the worker had numbered; the fetch's late answer removed the block request, whose answer and
// timeout were then both ignored, so the catch-up attempt never ended.
it("a node cut off while the others close the slot catches up (wn-2000/1067)", async () => {
  const prepared = prepareWallet("wn-2000/wallet", 8);
  const seed = "wn-2000/1067";
  const run = await runWholeNodeCluster(drawCase(seed), undefined, prepared);
  assertWholeNodeInvariants(run, seed);
});
