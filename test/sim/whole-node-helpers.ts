/** Options and acceptance invariants shared by the whole-node scenario and property tests. */
import assert from "node:assert/strict";
import {
  type ClusterNode,
  DEFAULT_SIM_OPTIONS,
  type WholeNodeOptions,
  type WholeNodeRun,
} from "../../src/sim/index.js";
import { txKeyImages, txOutputPublicKeys } from "../../src/transaction/index.js";
import { SeededRandom, toHex } from "../../src/util/index.js";

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

/**
 * The crash/restart scenario: one transaction every 4 s; n2 is down from 0.6 s to 40 s, longer
 * than the peers' broadcasters keep retrying (30 s), so it must fetch the blocks it missed.
 */
export function crashRestartOptions(
  seed: string,
  over: Partial<WholeNodeOptions> = {},
): WholeNodeOptions {
  return wholeNodeOptions({
    seed,
    topology: "mesh",
    nodes: 4,
    valuesPerSlot: 12,
    txRate: 0.25,
    crashes: [{ node: "n2", atMs: 600 }],
    restarts: [{ node: "n2", atMs: 40_000 }],
    rebroadcastMs: 500,
    syncGraceMs: 1_000,
    ...over,
  });
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
