// Goal: consensus workers wired directly into a small network agree on identical blocks holding
// every submitted transaction exactly once, fetch the bodies they lack from the peer that relayed
// a message, are not stalled by a peer that withholds transactions, catch up after being cut off,
// and after a crash never send a statement contradicting one sent before it (scenario 27).
// Method: TestNet (harness.ts) — virtual time, in-memory delivery with delays, memory ledgers from
// one generated origin ledger, and each node's real in-process enclave: the simulated wallet's real
// transactions (ring 11, Bulletproofs) enter through client_tx_propose on NX sessions and
// tx_is_well_formed; fetched bodies cross txs_for_peer → peer_tx_propose on IX sessions; blocks
// come from the enclave's form_block through the real FormBlockCodec.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { verifyBlockMetadata, verifyBlockSignature } from "../../src/blockchain/index.js";
import { decodeConsensusMsgPayload } from "../../src/peers/index.js";
import { isNewer, type ScpMessage } from "../../src/scp/index.js";
import type { WalletTx } from "../../src/sim/index.js";
import { txKeyImages } from "../../src/transaction/index.js";
import { toHex } from "../../src/util/index.js";
import { type TestNet as Net, type SimNode, TestNet } from "./harness.js";

const makeTx = (net: Net) => {
  const t = net.wallet.next();
  assert.ok(t, "the wallet ran out of outputs");
  return t;
};
const kiOf = (t: WalletTx) => toHex(txKeyImages(t.tx)[0] as Uint8Array);

function ledgerIds(n: SimNode): string[] {
  const out: string[] = [];
  for (let i = 0n; i < n.ledger.numBlocks(); i++) out.push(toHex(n.ledger.getBlock(i).id));
  return out;
}

function keyImagesIn(n: SimNode): string[] {
  const out: string[] = [];
  for (let i = 1n; i < n.ledger.numBlocks(); i++)
    out.push(...n.ledger.getBlockContents(i).keyImages.map(toHex));
  return out;
}

function assertAgreement(net: Net, nodes: SimNode[]): void {
  const first = ledgerIds(nodes[0] as SimNode);
  for (const n of nodes) {
    const ids = ledgerIds(n);
    const common = Math.min(ids.length, first.length);
    assert.deepEqual(ids.slice(0, common), first.slice(0, common), `${n.id.id} diverges`);
  }
  void net;
}

describe("consensus workers in a 4-node network (seeded; seed printed on failure)", () => {
  it("every tx, submitted to one node only, is externalized exactly once in identical, signed blocks", async () => {
    const seed = "worker-net-1";
    const net = await new TestNet({ size: 4, threshold: 3, seed }).start();
    const txs = Array.from({ length: 8 }, () => makeTx(net));
    for (const [i, tx] of txs.entries()) net.submit(i % 4, tx, i * 37);
    const all = new Set(txs.map(kiOf));
    const done = () => net.nodes.every((n) => keyImagesIn(n).length === all.size);
    assert.ok(await net.run(done, 120_000), `not all txs externalized (seed ${seed})`);
    assertAgreement(net, net.nodes);
    for (const n of net.nodes) {
      const kis = keyImagesIn(n);
      assert.equal(new Set(kis).size, kis.length, "a key image appears twice");
      assert.deepEqual(new Set(kis), all);
      for (let i = 1n; i < n.ledger.numBlocks(); i++) {
        const data = n.ledger.getBlockData(i);
        assert.ok(data.signature && verifyBlockSignature(data.block, data.signature));
        assert.ok(data.metadata && verifyBlockMetadata(data.metadata, data.block.id));
        assert.equal(data.metadata?.contents.responderId, n.id.id);
        assert.deepEqual(data.metadata?.nodeKey, n.id.publicKey);
      }
    }
    for (const n of net.nodes) assertPersistedOnlyNewer(n);
    // Bodies reached the other nodes only by fetching them from relayers.
    const served = net.nodes.flatMap((n) =>
      n.fetchesServed.filter((f) => f.answered === "delivered"),
    );
    assert.ok(served.length > 0);
  });

  it("a peer that withholds transactions does not stall the slot for the others", async () => {
    const seed = "worker-net-withhold";
    // n4 relays fast (2 ms) and withholds; direct links from the issuer are slower (30 ms), so
    // other nodes first hear messages through n4 and ask it for the bodies.
    const net = await new TestNet({
      size: 4,
      threshold: 2,
      seed,
      delay: (from, to) => (from === "n4:8443" || to === "n4:8443" ? 2 : 30),
    }).start();
    const withholder = net.node(3);
    withholder.withholds = true;
    const tx = makeTx(net);
    const hidden = makeTx(net);
    net.submit(0, tx);
    net.submit(3, hidden); // only n4 has it, and it never serves it
    const others = [net.node(0), net.node(1), net.node(2)];
    const done = () => others.every((n) => keyImagesIn(n).includes(kiOf(tx)));
    assert.ok(await net.run(done, 60_000), `slot stalled (seed ${seed})`);
    assertAgreement(net, others);
    assert.ok(
      withholder.fetchesServed.some((f) => f.answered === "not-in-cache"),
      "n4 was never asked",
    );
    const omitted = others.reduce((s, n) => s + n.worker.stats.msgsOmitted, 0);
    assert.ok(omitted > 0, "no message relayed by the withholder was omitted");
    for (const n of others) assert.ok(!keyImagesIn(n).includes(kiOf(hidden)));
  });

  it("a node cut off for several slots falls behind, catches up by blocks, then takes part again", async () => {
    const seed = "worker-net-catchup";
    const net = await new TestNet({
      size: 4,
      threshold: 2,
      seed,
      rebroadcastIntervalMs: 2000,
    }).start();
    const lagging = net.node(3);
    const cut = (up: boolean) => {
      for (const n of net.nodes)
        if (n !== lagging)
          for (const key of [`${n.id.id}>${lagging.id.id}`, `${lagging.id.id}>${n.id.id}`])
            up ? net.cut.delete(key) : net.cut.add(key);
    };
    cut(false);
    for (let i = 0; i < 4; i++) net.submit(i % 3, makeTx(net), i * 1500);
    const live = [net.node(0), net.node(1), net.node(2)];
    assert.ok(
      await net.run(() => live.every((n) => keyImagesIn(n).length === 4), 120_000),
      `seed ${seed}`,
    );
    assert.equal(lagging.ledger.numBlocks(), 1n);
    cut(true);
    const later = makeTx(net);
    net.submit(0, later, net.now + 100);
    const target = () =>
      ledgerIds(lagging).length >= ledgerIds(net.node(0)).length &&
      keyImagesIn(lagging).length === 5;
    assert.ok(await net.run(target, 200_000), `lagging node did not catch up (seed ${seed})`);
    assertAgreement(net, net.nodes);
    // Blocks it caught up carry no enclave signature and its own metadata.
    const caught = lagging.ledger.getBlockData(1n);
    assert.equal(caught.signature, undefined);
    assert.equal(caught.metadata?.contents.responderId, lagging.id.id);
    assert.ok(caught.metadata && verifyBlockMetadata(caught.metadata, caught.block.id));
  });

  it("after a crash and restart a node never contradicts a statement it sent before (scenario 27)", async () => {
    const seed = "worker-net-restart";
    const net = await new TestNet({
      size: 4,
      threshold: 2,
      seed,
      rebroadcastIntervalMs: 2000,
    }).start();
    const victim = net.node(0);
    // Transactions are not relayed in this wiring (the broadcaster does that), so the ones in
    // flight at the crash are submitted to nodes that stay up.
    net.submit(1, makeTx(net));
    net.submit(2, makeTx(net), 5);
    // Crash as soon as the victim has issued a ballot statement for slot 1.
    const hasBallot = () =>
      victim.persisted.some(
        (p) => decodeConsensusMsgPayload(p.payload).scpMsg.topic.type !== "Nominate",
      );
    assert.ok(await net.run(hasBallot, 30_000), `seed ${seed}`);
    net.crash(0);
    const before = victim.issued.map((i) => decodeConsensusMsgPayload(i.payload).scpMsg);
    await net.run(() => false, 3000);
    await net.restart(0);
    net.submit(2, makeTx(net), net.now + 10);
    net.submit(0, makeTx(net), net.now + 20);
    const done = () => net.nodes.every((n) => keyImagesIn(n).length === 4);
    assert.ok(await net.run(done, 120_000), `network did not finish after restart (seed ${seed})`);
    assertAgreement(net, net.nodes);
    for (const n of net.nodes.slice(1)) assertPersistedOnlyNewer(n);
    const after = victim.issued
      .filter((i) => i.incarnation === 1)
      .map((i) => decodeConsensusMsgPayload(i.payload).scpMsg);
    for (const b of before)
      for (const a of after.filter((x) => x.slot === b.slot))
        assert.ok(!contradicts(b, a), `contradiction in slot ${b.slot}`);
  });
});

/** A node persists only ever-newer statements: slots never go back, a slot's topics only advance. */
function assertPersistedOnlyNewer(n: SimNode): void {
  const msgs = n.persisted.map((p) => decodeConsensusMsgPayload(p.payload).scpMsg);
  for (let i = 1; i < msgs.length; i++) {
    const [a, b] = [msgs[i - 1] as ScpMessage, msgs[i] as ScpMessage];
    assert.ok(
      b.slot > a.slot || (b.slot === a.slot && isNewer(b.topic, a.topic)),
      `${n.id.id} persisted an older statement`,
    );
  }
}

/**
 * `later` contradicts `earlier` (same slot, same sender) if it is an older statement, or if it
 * moves a commit or externalize to another value (SCP's irrevocable statements).
 */
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
  if (e === undefined || l === undefined) return false;
  return e.map(toHex).join() !== l.map(toHex).join();
}
