// Goal: `sim --whole-node` — whole validators (createValidator, real in-process enclaves with
// attested sessions, memory ledgers from one origin) over the faulty packet network keep
// identical ledgers holding every valid transaction exactly once and no double spend, and are live
// once faults stop: on mesh, metamesh and random topologies, with loss, delay, duplication, a
// partition that heals, a crash with restart, and f Byzantine nodes (split, silent). A restarted
// node catches up by fetching blocks over the network and never contradicts a statement it sent
// before the crash (scenario 27). Identical arguments give identical JSON.
// Method: runWholeNodeCluster with small seeded workloads (real transactions are expensive); the
// expectations are the invariants themselves, computed here from the nodes' ledgers and the
// wallet's books, not from the summary under test. The seed is in every assertion message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeConsensusMsgPayload } from "../../src/peers/index.js";
import { isNewer, type ScpMessage } from "../../src/scp/index.js";
import { type ClusterNode, runWholeNode, runWholeNodeCluster } from "../../src/sim/index.js";
import { txKeyImages } from "../../src/transaction/index.js";
import { toHex } from "../../src/util/index.js";
import {
  assertWholeNodeInvariants,
  crashRestartOptions,
  wholeNodeOptions,
} from "./whole-node-helpers.js";

/** `later` contradicts `earlier` (same sender and slot): older, or a commit moved to another value. */
function contradicts(earlier: ScpMessage, later: ScpMessage): boolean {
  if (isNewer(earlier.topic, later.topic)) return true;
  const committed = (m: ScpMessage) =>
    m.topic.type === "Commit"
      ? m.topic.commit.b.x
      : m.topic.type === "Externalize"
        ? m.topic.externalize.c.x
        : undefined;
  const e = committed(earlier);
  const l = committed(later);
  return e !== undefined && l !== undefined && e.map(toHex).join() !== l.map(toHex).join();
}

describe("sim --whole-node scenarios (seeded; seed printed on failure)", () => {
  it("mesh of 4 with loss, delay and duplication until 4 s: identical ledgers, every tx once, no double spend", async () => {
    const seed = "wn-mesh-faults";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({
        seed,
        topology: "mesh",
        nodes: 4,
        valuesPerSlot: 4,
        loss: 0.1,
        duplicate: 0.1,
        delayMaxMs: 80,
        faultsEndMs: 4_000,
      }),
    );
    assertWholeNodeInvariants(run, seed);
    assert.ok(run.result.messages_dropped > 0, "loss never dropped a packet");
    assert.equal(run.result.txs_submitted, 5);
  });

  it("metamesh 3×2 with a partition that heals", async () => {
    const seed = "wn-metamesh-partition";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({
        seed,
        topology: "metamesh",
        nodes: 6,
        orgs: 3,
        perOrg: 2,
        valuesPerSlot: 2,
        partitions: [
          {
            groups: [
              ["n1", "n2", "n3"],
              ["n4", "n5", "n6"],
            ],
            startMs: 0,
            endMs: 2_500,
          },
        ],
      }),
    );
    assertWholeNodeInvariants(run, seed);
    assert.ok(run.result.virtual_ms >= 2_500);
  });

  it("random topology of 5 nodes with one silent Byzantine node", async () => {
    const seed = "wn-random-silent";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({
        seed,
        topology: "random",
        nodes: 5,
        byzantine: 1,
        byzantineKind: "silent",
        valuesPerSlot: 2,
        duplicate: 0.1,
        faultsEndMs: 3_000,
      }),
    );
    assertWholeNodeInvariants(run, seed);
    assert.deepEqual(run.result.byzantine, ["n5"]);
  });

  it("mesh of 4 with f = 1 split Byzantine node (two validators telling each half its own story)", async () => {
    const seed = "wn-mesh-split";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({ seed, topology: "mesh", nodes: 4, byzantine: 1, byzantineKind: "split" }),
    );
    assertWholeNodeInvariants(run, seed);
    const split = run.cluster.nodes.filter((n) => n.id === "n4");
    assert.equal(split.length, 2, "the split node runs one validator per half");
    for (const s of split) assert.ok(s.issued.length > 0, `${s.netId} said nothing`);
  });

  it("a crashed node restarts, catches up by GetBlocks over the network and never contradicts itself", async () => {
    const seed = "wn-crash-restart";
    const run = await runWholeNodeCluster(crashRestartOptions(seed));
    assertWholeNodeInvariants(run, seed);
    const victim = run.cluster.nodes.find((n) => n.id === "n2") as ClusterNode;
    assert.equal(victim.incarnation, 1);
    assert.ok(victim.syncedBlocks > 0, "the restarted node fetched no block from its peers");
    assert.ok(victim.issued.some((i) => i.incarnation === 0));
    const mine = (i: { payload: Uint8Array }) => decodeConsensusMsgPayload(i.payload).scpMsg;
    const before = victim.issued.filter((i) => i.incarnation === 0).map(mine);
    const after = victim.issued.filter((i) => i.incarnation === 1).map(mine);
    for (const b of before.filter((m) => m.sender.id === "n2"))
      for (const a of after.filter((m) => m.slot === b.slot && m.sender.id === "n2"))
        assert.ok(!contradicts(b, a), `n2 contradicted itself in slot ${b.slot} (seed ${seed})`);
  });

  it("a node crashed mid-ballot and restarted 3 s later restores its statement and does not contradict it", async () => {
    const seed = "wn-crash-quick";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({
        seed,
        topology: "mesh",
        nodes: 4,
        valuesPerSlot: 5,
        txRate: 2,
        crashes: [{ node: "n2", atMs: 600 }],
        restarts: [{ node: "n2", atMs: 3_500 }],
        rebroadcastMs: 500,
      }),
    );
    assertWholeNodeInvariants(run, seed);
    const victim = run.cluster.nodes.find((n) => n.id === "n2") as ClusterNode;
    const own = (incarnation: number) =>
      victim.issued
        .filter((i) => i.incarnation === incarnation)
        .map((i) => decodeConsensusMsgPayload(i.payload).scpMsg)
        .filter((m) => m.sender.id === "n2");
    const before = own(0);
    const after = own(1);
    const overlap = after.filter((a) => before.some((b) => b.slot === a.slot));
    assert.ok(
      overlap.length > 0,
      `no statement after the restart for a slot it spoke in before (seed ${seed})`,
    );
    for (const b of before)
      for (const a of overlap.filter((x) => x.slot === b.slot))
        assert.ok(!contradicts(b, a), `n2 contradicted itself in slot ${b.slot} (seed ${seed})`);
  });

  it("identical arguments give identical JSON", async () => {
    const options = wholeNodeOptions({
      seed: "wn-determinism",
      nodes: 4,
      loss: 0.05,
      duplicate: 0.05,
    });
    const a = JSON.stringify(await runWholeNode(options));
    const b = JSON.stringify(await runWholeNode(options));
    assert.equal(a, b);
    const c = JSON.stringify(await runWholeNode({ ...options, seed: "wn-determinism-2" }));
    assert.notEqual(JSON.parse(c).digest, JSON.parse(a).digest);
  });
});

describe("sim --whole-node: transaction bodies (seeded; seed printed on failure)", () => {
  it("with no transaction relay, nodes fetch the bodies a statement names from the peer that relayed it", async () => {
    const seed = "wn-fetch";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({ seed, nodes: 4, valuesPerSlot: 3, noTxRelay: ["n1", "n2", "n3", "n4"] }),
    );
    assertWholeNodeInvariants(run, seed);
    const fetched = run.cluster.nodes.reduce((s, n) => s + n.fetchesDelivered, 0);
    const served = run.cluster.nodes.reduce((s, n) => s + n.fetchesServed, 0);
    assert.ok(fetched > 0 && served > 0, `no body was fetched (seed ${seed})`);
  });

  it("a peer that withholds bodies does not stall the slot for the others", async () => {
    const seed = "wn-withhold";
    const run = await runWholeNodeCluster(
      wholeNodeOptions({
        seed,
        nodes: 4,
        valuesPerSlot: 6,
        doubleSpends: 0,
        noTxRelay: ["n1", "n2", "n3"],
        withholdTxs: ["n4"],
        timeLimitMs: 60_000,
      }),
    );
    const held = [...run.acceptedBy].filter(([, by]) => by === "n4").map(([h]) => h);
    assert.ok(held.length > 0, `the withholder got no client transaction (seed ${seed})`);
    const others = run.cluster.nodes.filter((n) => n.id !== "n4");
    const withholder = run.cluster.nodes.find((n) => n.id === "n4") as ClusterNode;
    assert.ok(withholder.fetchesServed > 0, "nobody asked the withholder");
    const omitted = others.reduce((s, n) => s + n.validator.worker.stats.msgsOmitted, 0);
    assert.ok(omitted > 0, `no statement naming a withheld body was set aside (seed ${seed})`);
    const reference = others[0] as ClusterNode;
    for (const n of others)
      assert.equal(n.ledger.numBlocks(), reference.ledger.numBlocks(), `${n.id} (seed ${seed})`);
    // Every transaction a non-withholding node accepted landed on every other node.
    assert.equal(run.result.live, true, `stalled (seed ${seed}): ${JSON.stringify(run.result)}`);
    assert.ok(reference.ledger.numBlocks() > 1n);
    // The withheld transactions never land: nobody else ever had their bodies.
    const spent = new Set<string>();
    for (let i = 1n; i < reference.ledger.numBlocks(); i++)
      for (const k of reference.ledger.getBlockContents(i).keyImages) spent.add(toHex(k));
    for (const h of held) {
      const tx = run.submitted.find((t) => t.hash === h);
      assert.ok(tx && !spent.has(toHex(txKeyImages(tx.tx)[0] as Uint8Array)));
    }
  });
});
