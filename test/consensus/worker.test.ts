// Goal: one consensus worker, driven input by input, does what MobileCoin's worker does, acting on
// each input as it arrives: a client transaction is nominated in the same call; a decided slot
// asks the enclave for form_block, then appends a block with the host's signed_at and metadata
// signed by the message key, then reports the latency; statements are persisted before they are
// broadcast; messages on another chain are dropped; missing bodies are asked of the relaying peer
// and only the message that needs them waits; a resolved message is relayed once; a client gets
// OVER_CAPACITY past the pending limit and TX_INVALID for a spent key image.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { verifyBlockMetadata, verifyBlockSignature } from "../../src/blockchain/index.js";
import {
  ConsensusError,
  ConsensusWorker,
  createValidator,
  formBlockCodecFor,
  type WorkerAction,
} from "../../src/consensus/index.js";
import { Ed25519Signer } from "../../src/crypto/index.js";
import type { WellFormedTxContext } from "../../src/enclave/index.js";
import { openMemoryLedger } from "../../src/ledger/index.js";
import {
  decodeTxProposeAad,
  encodeConsensusMsgPayload,
  signConsensusMsg,
  verifyConsensusMsg,
} from "../../src/peers/index.js";
import type { NodeId, QuorumSet, ScpMessage } from "../../src/scp/index.js";
import { SimEnclave, SimWallet } from "../../src/sim/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { EPOCH_MS, makeTx, workerLedger } from "./harness.js";

async function setup(seed: string, peers: number, threshold: number, pendingValuesMax?: number) {
  const random = new SeededRandom(seed);
  const ledger = openMemoryLedger();
  const wallet = new SimWallet(ledger, seed);
  const enclave = await SimEnclave.start(
    "local:1",
    ledger,
    random.fork("enclave"),
    () => EPOCH_MS,
    random.fork("seal").bytes(32),
  );
  const session = await enclave.clientSession(random.fork("client"), EPOCH_MS);
  /** A real wallet transaction as the worker gets it: client_tx_propose, then tx_is_well_formed. */
  const realTx = async () => {
    const t = wallet.next();
    assert.ok(t);
    return enclave.clientPropose(session, t.tx);
  };
  const signer = Ed25519Signer.generate(random);
  const local: NodeId = { id: "local:1", publicKey: signer.publicKey };
  const peerSigners = Array.from({ length: peers }, () => Ed25519Signer.generate(random));
  const peerIds: NodeId[] = peerSigners.map((s, i) => ({
    id: `peer${i}:1`,
    publicKey: s.publicKey,
  }));
  const quorumSet: QuorumSet = {
    threshold,
    members: peerIds.map((args) => ({ type: "Node" as const, args })),
  };
  const worker = new ConsensusWorker({
    local,
    quorumSet,
    signer,
    ledger: workerLedger(ledger),
    codec: formBlockCodecFor(ledger),
    nowMs: 0,
    ...(pendingValuesMax ? { pendingValuesMax } : {}),
  });
  const verify = (from: string, msg: ScpMessage, who: number) => {
    const payload = encodeConsensusMsgPayload(
      signConsensusMsg(
        msg,
        ledger.getBlock(BigInt(msg.slot - 1)).id,
        peerSigners[who] as Ed25519Signer,
      ),
    );
    const verified = verifyConsensusMsg(from, payload, {
      peers: new Set(peerIds.map((p) => p.id)),
      knownNodes: new Map(peerIds.map((p) => [p.id, p.publicKey as Uint8Array])),
      numBlocks: Number(ledger.numBlocks()),
      blockId: (i) => ledger.getBlock(BigInt(i)).id,
    });
    return { kind: "consensus-msg" as const, verified, payload };
  };
  return {
    random,
    ledger,
    signer,
    local,
    peerIds,
    peerSigners,
    quorumSet,
    enclave,
    realTx,
    worker,
    verify,
  };
}

const kinds = (a: readonly WorkerAction[]) => a.map((x) => x.kind);

const nominate = (sender: NodeId, quorumSet: QuorumSet, x: Uint8Array[]): ScpMessage => ({
  sender,
  slot: 1,
  quorumSet,
  topic: { type: "Nominate", nominate: { x, y: [] } },
});

describe("ConsensusWorker, input by input", () => {
  it("trivial quorum: a client tx is decided in the same call, formed, appended with signed metadata", async () => {
    const s = await setup("worker-trivial", 0, 0);
    const tx = await s.realTx();
    const first = s.worker.handle(
      { kind: "tx", encrypted: tx.encrypted, context: tx.context, fromClient: true },
      1500,
    );
    assert.deepEqual(kinds(first), ["persist-statement", "broadcast-msg", "enclave-call"]);
    const call = first[2] as Extract<WorkerAction, { kind: "enclave-call" }>;
    assert.equal(call.call.inputs.wellFormedTxs.length, 1);
    const outcome = await s.enclave.host.call(call.call);
    const second = s.worker.handle({ kind: "enclave-result", id: call.id, outcome }, 4700);
    assert.deepEqual(kinds(second), ["append-block"]);
    const appendAction = second[0] as Extract<WorkerAction, { kind: "append-block" }>;
    assert.deepEqual(appendAction.values, [tx.context.txHash]);
    const data = appendAction.data;
    assert.equal(data.block.index, 1n);
    assert.equal(data.signature?.signedAt, 4n); // Unix seconds of 4700 ms
    assert.ok(data.signature && verifyBlockSignature(data.block, data.signature));
    assert.deepEqual(data.signature?.signer, s.enclave.blockSignerKey);
    assert.deepEqual(data.contents.keyImages, tx.context.keyImages);
    assert.ok(data.metadata && verifyBlockMetadata(data.metadata, data.block.id));
    assert.deepEqual(data.metadata?.nodeKey, s.signer.publicKey);
    s.ledger.appendBlock(data);
    const third = s.worker.handle({ kind: "appended", index: 1n }, 5000);
    // The slot's one value was the only one pending: none is left.
    assert.deepEqual(third, [
      { kind: "externalized", slot: 1, txCount: 1, latenciesMs: [3500], pendingAfter: 0 },
    ]);
    assert.equal(s.worker.pending.length, 0);
    assert.equal(s.worker.currentSlot, 2);
    // The block's key image is now spent: the same tx again is TX_INVALID for a client.
    assert.throws(
      () =>
        s.worker.handle(
          { kind: "tx", encrypted: tx.encrypted, context: tx.context, fromClient: true },
          6000,
        ),
      (e: unknown) => e instanceof ConsensusError && e.code === "TX_INVALID",
    );
  });

  it("nominates at most the first 100 pending values, in arrival order (MAX_PENDING_VALUES_TO_NOMINATE)", async () => {
    const s = await setup("worker-nominate-100", 0, 0);
    const submit = (t: { encrypted: Uint8Array; context: WellFormedTxContext }, at: number) => {
      return s.worker.handle(
        { kind: "tx", encrypted: t.encrypted, context: t.context, fromClient: true },
        at,
      );
    };
    const first = submit(await s.realTx(), 0);
    const call1 = first.find((a) => a.kind === "enclave-call") as Extract<
      WorkerAction,
      { kind: "enclave-call" }
    >;
    // While block 1 is being formed, 150 more arrive; none is nominated yet. Their block is only
    // requested here, never formed, so synthetic contexts stand in for 150 real transactions.
    const later = Array.from({ length: 150 }, () => makeTx(s.random));
    for (const [i, t] of later.entries()) assert.deepEqual(submit(t, 10 + i), []);
    const formed = s.worker.handle(
      { kind: "enclave-result", id: call1.id, outcome: await s.enclave.host.call(call1.call) },
      500,
    );
    const data = (formed[0] as Extract<WorkerAction, { kind: "append-block" }>).data;
    s.ledger.appendBlock(data);
    const next = s.worker.handle({ kind: "appended", index: 1n }, 600);
    const call2 = next.find((a) => a.kind === "enclave-call") as Extract<
      WorkerAction,
      { kind: "enclave-call" }
    >;
    const inBlock2 = new Set(
      call2.call.inputs.wellFormedTxs.map((t) =>
        Buffer.from(t.wellFormedEncryptedTx).toString("hex"),
      ),
    );
    const first100 = new Set(
      later.slice(0, 100).map((t) => Buffer.from(t.encrypted).toString("hex")),
    );
    assert.deepEqual(inBlock2, first100);
    assert.equal(s.worker.pending.length, 150);
  });

  it("a client past the pending limit gets OVER_CAPACITY; the node keeps what it had", async () => {
    const s = await setup("worker-capacity", 1, 1, 2);
    for (let i = 0; i < 2; i++) {
      const t = makeTx(s.random);
      s.worker.handle(
        { kind: "tx", encrypted: t.encrypted, context: t.context, fromClient: true },
        0,
      );
    }
    const t = makeTx(s.random);
    assert.throws(
      () =>
        s.worker.handle(
          { kind: "tx", encrypted: t.encrypted, context: t.context, fromClient: true },
          0,
        ),
      (e: unknown) => e instanceof ConsensusError && e.code === "OVER_CAPACITY",
    );
    assert.equal(s.worker.pending.length, 2);
  });

  it("drops a message whose previous block id is not ours", async () => {
    const s = await setup("worker-chain", 2, 2);
    const tx = makeTx(s.random);
    s.worker.handle(
      { kind: "tx", encrypted: tx.encrypted, context: tx.context, fromClient: false },
      0,
    );
    const good = s.verify(
      "peer0:1",
      nominate(s.peerIds[0] as NodeId, s.quorumSet, [tx.context.txHash]),
      0,
    );
    const forged = {
      ...good,
      verified: {
        ...good.verified,
        msg: { ...good.verified.msg, prevBlockId: new Uint8Array(32).fill(9) },
      },
    };
    assert.deepEqual(s.worker.handle(forged, 10), []);
    assert.equal(s.worker.stats.msgsWrongChain, 1);
    assert.ok(kinds(s.worker.handle(good, 20)).includes("broadcast-msg"));
  });

  it("asks the relaying peer for missing bodies; only that message waits; relays each message once", async () => {
    const s = await setup("worker-fetch", 2, 2);
    const known = makeTx(s.random);
    const missing = makeTx(s.random);
    s.worker.handle(
      { kind: "tx", encrypted: known.encrypted, context: known.context, fromClient: false },
      0,
    );
    const [p0, p1] = s.peerIds as [NodeId, NodeId];
    // peer0's message names a tx we lack, relayed to us by peer1.
    const needs = s.verify("peer1:1", nominate(p0, s.quorumSet, [missing.context.txHash]), 0);
    const a = s.worker.handle(needs, 10);
    assert.deepEqual(kinds(a), ["fetch-txs"]);
    const fetch = a[0] as Extract<WorkerAction, { kind: "fetch-txs" }>;
    assert.equal(fetch.peer, "peer1:1");
    assert.deepEqual(fetch.txHashes, [missing.context.txHash]);
    assert.equal(s.worker.waitingMessages, 1);
    // peer1's own message, fully known, goes ahead meanwhile: relayed (to the broadcaster) and handled.
    const ready = s.verify("peer1:1", nominate(p1, s.quorumSet, [known.context.txHash]), 1);
    const b = s.worker.handle(ready, 20);
    assert.equal(
      b.filter((x) => x.kind === "broadcast-msg" && x.input.issuer === "peer1:1").length,
      1,
    );
    // The body arrives: the waiting message is relayed and handled now, once.
    const c = s.worker.handle(
      {
        kind: "fetch-result",
        id: fetch.id,
        outcome: {
          kind: "delivered",
          txs: [{ encrypted: missing.encrypted, context: missing.context }],
        },
      },
      30,
    );
    const relays = c.filter((x) => x.kind === "broadcast-msg" && x.input.issuer === "peer0:1");
    assert.equal(relays.length, 1);
    assert.equal(s.worker.waitingMessages, 0);
    // The same message relayed again by another peer is not relayed a second time.
    const again = s.verify("peer0:1", nominate(p0, s.quorumSet, [missing.context.txHash]), 0);
    const d = s.worker.handle(again, 40);
    assert.equal(
      d.filter((x) => x.kind === "broadcast-msg" && x.input.issuer === "peer0:1").length,
      0,
    );
  });

  it("a peer that reported a hash unavailable has its later messages needing it skipped this slot", async () => {
    const s = await setup("worker-unavailable", 2, 2);
    const missing = makeTx(s.random);
    const [p0] = s.peerIds as [NodeId, NodeId];
    const a = s.worker.handle(
      s.verify("peer1:1", nominate(p0, s.quorumSet, [missing.context.txHash]), 0),
      10,
    );
    const fetch = a[0] as Extract<WorkerAction, { kind: "fetch-txs" }>;
    s.worker.handle(
      {
        kind: "fetch-result",
        id: fetch.id,
        outcome: { kind: "not-in-cache", txHashes: [missing.context.txHash] },
      },
      20,
    );
    assert.equal(s.worker.waitingMessages, 0);
    assert.equal(s.worker.stats.msgsOmitted, 1);
    // From peer1 again: skipped without asking. From peer0 (the issuer): asked.
    assert.deepEqual(
      s.worker.handle(
        s.verify("peer1:1", nominate(p0, s.quorumSet, [missing.context.txHash]), 0),
        30,
      ),
      [],
    );
    assert.equal(s.worker.stats.msgsOmitted, 2);
    const fromIssuer = s.worker.handle(
      s.verify("peer0:1", nominate(p0, s.quorumSet, [missing.context.txHash]), 0),
      40,
    );
    assert.deepEqual(kinds(fromIssuer), ["fetch-txs"]);
  });
  it("behind a blocking quorum for 10 s it asks for 100 blocks, holding messages and SCP meanwhile", async () => {
    const s = await setup("worker-behind", 2, 2);
    const tx = makeTx(s.random);
    const [p0, p1] = s.peerIds as [NodeId, NodeId];
    // Both peers are at slot 6 (so they externalized 5); we have block 0 only.
    const ahead = (who: number, sender: NodeId) => {
      const msg = { ...nominate(sender, s.quorumSet, [tx.context.txHash]), slot: 6 };
      const payload = encodeConsensusMsgPayload(
        signConsensusMsg(
          msg,
          new Uint8Array(32).fill(5),
          [s.peerSigners[0], s.peerSigners[1]][who] as Ed25519Signer,
        ),
      );
      const verified = verifyConsensusMsg(sender.id, payload, {
        peers: new Set([p0.id, p1.id]),
        knownNodes: new Map([p0, p1].map((p) => [p.id, p.publicKey as Uint8Array])),
        numBlocks: 1,
        blockId: (i) => s.ledger.getBlock(BigInt(i)).id,
      });
      return { kind: "consensus-msg" as const, verified, payload };
    };
    assert.deepEqual(s.worker.handle(ahead(0, p0), 1000), []);
    assert.deepEqual(s.worker.handle(ahead(1, p1), 2000), []);
    assert.deepEqual(s.worker.sync.state, { kind: "MaybeBehind", sinceMs: 2000 });
    assert.equal(s.worker.nextDeadlineMs(), 12_000);
    assert.deepEqual(kinds(s.worker.tick(11_999)), []);
    assert.deepEqual(s.worker.tick(12_000), [{ kind: "sync-ledger", maxBlocks: 100 }]);
    // While behind a client tx is cached and pending but not nominated, and SCP timers are off.
    const t = makeTx(s.random);
    assert.deepEqual(
      s.worker.handle(
        { kind: "tx", encrypted: t.encrypted, context: t.context, fromClient: true },
        12_100,
      ),
      [],
    );
    assert.equal(s.worker.nextDeadlineMs(), null);
    // A failed attempt backs off 1 s.
    s.worker.handle({ kind: "catch-up-failed" }, 12_500);
    assert.equal(s.worker.nextDeadlineMs(), 13_500);
  });
});

describe("createValidator", () => {
  it("routes the worker's statements to the broadcaster and relays accepted peer txs with the AAD", async () => {
    const s = await setup("validator", 2, 1);
    const v = createValidator(
      {
        local: s.local,
        quorumSet: s.quorumSet,
        nowMs: 0,
        peers: s.peerIds.map((p) => ({ responderId: p.id, relayIncomingTxs: true })),
      },
      {
        ledger: workerLedger(s.ledger),
        codec: formBlockCodecFor(s.ledger),
        signer: s.signer,
        random: s.random.fork("v"),
      },
    );
    const tx = makeTx(s.random);
    const actions = v.handle({ kind: "tx", encrypted: tx.encrypted, context: tx.context }, 0);
    // One item is in flight per peer: acknowledge each send until the queues are drained; the
    // nomination (sent at once when the node leads round 1, after a round timer otherwise) and
    // the relayed transaction each reach both peers.
    for (let done = 0, i = 0; i < 40; i++) {
      const next = actions
        .slice(done)
        .flatMap((a) =>
          a.kind === "propose-tx" || a.kind === "send-consensus-msg"
            ? v.handle({ kind: "broadcast-result", peer: a.peer, id: a.id, ok: true }, 1)
            : [],
        );
      done = actions.length;
      actions.push(...next);
      const deadline = v.nextDeadlineMs();
      if (next.length === 0 && actions.some((a) => a.kind === "send-consensus-msg")) break;
      if (next.length === 0 && deadline !== null) actions.push(...v.tick(deadline));
    }
    const proposals = actions.filter((a) => a.kind === "propose-tx");
    assert.deepEqual(proposals.map((p) => p.peer).sort(), ["peer0:1", "peer1:1"]);
    const first = proposals[0] as Extract<(typeof actions)[number], { kind: "propose-tx" }>;
    const aad = decodeTxProposeAad(first.aad);
    assert.equal(aad.originNode.id, "local:1");
    assert.equal(aad.relayedBy, "local:1");
    const sends = actions.filter((a) => a.kind === "send-consensus-msg");
    assert.deepEqual([...new Set(sends.map((a) => a.peer))].sort(), ["peer0:1", "peer1:1"]);
    assert.ok(actions.every((a) => (a as { kind: string }).kind !== "broadcast-msg"));
  });
});
