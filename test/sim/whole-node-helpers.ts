/** Options and acceptance invariants shared by the whole-node scenario and property tests. */
import assert from "node:assert/strict";
import {
  type ClusterNode,
  DEFAULT_SIM_OPTIONS,
  type WholeNodeOptions,
  type WholeNodeRun,
} from "../../src/sim/index.js";
import { txKeyImages, txOutputPublicKeys } from "../../src/transaction/index.js";
import { toHex } from "../../src/util/index.js";

export function wholeNodeOptions(over: Partial<WholeNodeOptions>): WholeNodeOptions {
  return {
    ...DEFAULT_SIM_OPTIONS,
    slots: 1,
    valuesPerSlot: 3,
    txRate: 4,
    doubleSpends: 1,
    delayMinMs: 5,
    delayMaxMs: 40,
    timeLimitMs: 120_000,
    ...over,
  };
}

function ids(n: ClusterNode): string[] {
  const out: string[] = [];
  for (let i = 0n; i < n.ledger.numBlocks(); i++) out.push(toHex(n.ledger.getBlock(i).id));
  return out;
}

function count(n: ClusterNode, what: "keyImages" | "outputs"): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 1n; i < n.ledger.numBlocks(); i++) {
    const c = n.ledger.getBlockContents(i);
    const keys = what === "keyImages" ? c.keyImages : c.outputs.map((o) => o.publicKey);
    for (const k of keys) m.set(toHex(k), (m.get(toHex(k)) ?? 0) + 1);
  }
  return m;
}

/** The acceptance invariants, recomputed from the ledgers and the wallet's books. */
export function assertWholeNodeInvariants(run: WholeNodeRun, seed: string): void {
  const honest = run.cluster.nodes.filter((n) => n.honest && !n.down);
  assert.ok(honest.length > 0, `no live honest node (seed ${seed})`);
  const reference = ids(honest[0] as ClusterNode);
  for (const n of honest)
    assert.deepEqual(ids(n), reference, `${n.id}'s blocks differ (seed ${seed})`);
  const conflicted = new Set(run.conflicts.flatMap(([a, b]) => [a.hash, b.hash]));
  for (const n of honest) {
    const outputs = count(n, "outputs");
    const keyImages = count(n, "keyImages");
    for (const [k, c] of keyImages) assert.equal(c, 1, `key image ${k} spent ${c}× (seed ${seed})`);
    const times = (hash: string) => {
      const tx = run.submitted.find((t) => t.hash === hash);
      assert.ok(tx);
      return Math.max(...txOutputPublicKeys(tx.tx).map((k) => outputs.get(toHex(k)) ?? 0));
    };
    for (const hash of run.accepted)
      if (!conflicted.has(hash))
        assert.equal(
          times(hash),
          1,
          `${n.id}: tx ${hash} not included exactly once (seed ${seed})`,
        );
    for (const [a, b] of run.conflicts) {
      const landed = times(a.hash) + times(b.hash);
      const offered = run.accepted.has(a.hash) || run.accepted.has(b.hash);
      assert.equal(
        landed,
        offered ? 1 : 0,
        `${n.id}: double-spend pair landed ${landed}× (seed ${seed})`,
      );
      assert.ok(keyImages.has(toHex(txKeyImages(a.tx)[0] as Uint8Array)) === offered);
    }
  }
  assert.ok(run.accepted.size > 0, `no transaction was accepted (seed ${seed})`);
  const r = run.result;
  assert.equal(r.agreement, true, `agreement (seed ${seed})`);
  assert.equal(r.blocks_identical, true, `blocks_identical (seed ${seed})`);
  assert.equal(r.live, true, `live (seed ${seed}): ${JSON.stringify(r)}`);
  assert.equal(r.txs_included_twice, 0);
  assert.equal(r.double_spends, 0);
  // Scenario 27: no restarted node contradicted what it said before its crash.
  assert.deepEqual(r.invariant_violations, [], `invariant violations (seed ${seed})`);
}
