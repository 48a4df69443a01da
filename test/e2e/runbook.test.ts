// Goal: the operator runbook, end to end, in real processes (issue 11 acceptance). Four
// consensus-service processes, configured as the runbook shows (openssl-made Ed25519 keys,
// network.toml per node trusting the other three, tx_source_urls naming the others' archives as
// published by ledger-distribution, SGX_MODE=SW IAS_MODE=DEV with --ias-spid/--ias-api-key,
// insecure loopback URIs, --origin-block-path from generate-sample-ledger), take payments through
// the attested client API (consensus-tool wallet send) and reach the same block ids. A node killed
// with SIGKILL misses blocks, is restarted and catches up to the same block ids (from its peers'
// headers and their archives: the test waits until the peers have dropped what they had queued for
// it, so consensus cannot hand it the missed blocks).
// SIGTERM then stops every node with exit 0 and no process (enclave children included) is left.
// Method: test/helpers/runbook-network.ts; every wait polls observable state (the log, the
// client port's GetLastBlockInfo/GetBlocks, /proc) under a deadline; after() kills everything.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { processesMentioning, RunbookNetwork } from "../helpers/runbook-network.js";

const MOB = 1_000_000_000_000n;
let net: RunbookNetwork;

/** Every node in `nodes` has the same block ids, at least `count` of them. */
async function sameBlocks(nodes: readonly number[], count: number): Promise<string[]> {
  let reference: string[] = [];
  await net.waitFor(
    async () => {
      const ids = await Promise.all(nodes.map((i) => net.blockIds(i)));
      reference = ids[0] as string[];
      return (
        reference.length >= count &&
        ids.every(
          (list) => list.length === reference.length && list.every((id, k) => id === reference[k]),
        )
      );
    },
    `nodes ${nodes.join(",")} agree on ${count} blocks`,
  );
  return reference;
}

/** Services and enclave children of this network (the ledger-distribution tools run on). */
function nodeProcesses() {
  return processesMentioning(net.dir).filter((p) => !p.cmdline.includes("ledger-distribution"));
}

describe("the runbook, end to end, in real processes", { timeout: 900_000 }, () => {
  before(async () => {
    net = await RunbookNetwork.create({ nodes: 4 });
  });
  after(async () => {
    await net?.destroy();
  });

  it("four nodes start and agree on the blocks of submitted payments", async () => {
    await net.startAll();
    // As the runbook runs it: ledger-distribution next to each node, once its ledger exists.
    for (let i = 0; i < 4; i++) net.startDistribution(i);
    const sent = net.send(0, { from: 0, to: 1, picoMob: MOB });
    assert.equal(sent.result, "Ok", JSON.stringify(sent));
    const ids = await sameBlocks([0, 1, 2, 3], 2);
    assert.ok(ids.length >= 2);
  });

  it("a node killed with SIGKILL misses blocks, restarts and catches up to the same block ids", async () => {
    const before = (await net.blockIds(3)).length;
    const enclave = net.enclavePid(3);
    const exit = await net.stop(3, "SIGKILL");
    assert.equal(exit.signal, "SIGKILL");
    // Its enclave child sees its stdin close and exits: nothing of node 3 is left running.
    await net.waitFor(
      () => processesMentioning(`${net.dir}/ledger-db-3.seal-secret`).length === 0,
      "node 3's enclave process exits with it",
      30_000,
    );
    assert.ok(enclave > 0);
    const missed = [
      [1, 1, 2],
      [2, 2, 0],
      [0, 0, 1],
      [1, 1, 2],
    ] as const;
    for (const [k, [via, from, to]] of missed.entries()) {
      const r = net.send(via, { from, to, picoMob: MOB });
      assert.equal(r.result, "Ok", JSON.stringify(r));
      await sameBlocks([0, 1, 2], before + k + 1);
    }
    const without = await sameBlocks([0, 1, 2], before + missed.length);
    const last = BigInt(without.length - 1);
    // The peers' archives hold the missed blocks (ledger-distribution published them), and the
    // peers have given up on the messages queued for node 3 (retries end after three attempts or
    // 30 s): the blocks it missed can only come from catch-up, which is what this step tests.
    await net.waitFor(
      () => [0, 1, 2].every((i) => net.archiveHolds(i, last)),
      `the archives of nodes 0-2 hold block ${last}`,
    );
    const node3 = net.nodes[3]?.peerResponderId as string;
    await net.waitFor(async () => {
      const depths = await Promise.all(
        [0, 1, 2].map((i) =>
          net.metric(i, "mcts_peer_broadcast_queue_depth", { remote_responder_id: node3 }),
        ),
      );
      return depths.every((d) => d === 0);
    }, "nodes 0-2 hold nothing queued for node 3");
    await net.start(3);
    assert.equal((await net.blockIds(3)).length, before, "node 3 restarted with the blocks it had");
    // New traffic tells node 3 where the network is (MaybeBehind, then IsBehind); catch-up takes
    // the headers from a peer's GetBlocks and the blocks from the archives.
    const r = net.send(0, { from: 3, to: 0, picoMob: MOB });
    assert.equal(r.result, "Ok", JSON.stringify(r));
    const all = await sameBlocks([0, 1, 2, 3], without.length + 1);
    assert.deepEqual(all.slice(0, without.length), without);
    const log = net.nodes[3]?.log ?? "";
    assert.ok(/"event":"appending_blocks"/.test(log), net.tail(3));
  });

  it("SIGTERM stops every node with exit 0 and leaves no process behind", async () => {
    const exits = await Promise.all([0, 1, 2, 3].map((i) => net.stop(i, "SIGTERM", 60_000)));
    exits.forEach((exit, i) => {
      assert.deepEqual(exit, { code: 0, signal: null }, `node ${i}: ${net.nodes[i]?.stderr}`);
      assert.equal(net.nodes[i]?.stderr, "", `node ${i} printed on stderr`);
      assert.ok(net.nodes[i]?.log.includes('"msg":"stopped"'), net.tail(i));
    });
    await net.waitFor(
      () => nodeProcesses().length === 0,
      "no service or enclave process left",
      30_000,
    );
  });
});
