// Goal: the node runtime (driver + action executor + ingress, src/node/) runs a network: four
// nodes in one process, each over MemoryPeerNetwork, an attested in-process enclave on a virtual
// clock and a memory ledger from one sample origin, take real client transactions through
// `submitClientTx` and externalize the same blocks; a peer withholding a transaction body does
// not stop the others closing; a restarted node restores its persisted statement.
// Method: one virtual clock shared by the four drivers (the only timers they arm); the test runs
// until the drivers have no call in flight, then fires the earliest timer, until the condition
// holds. Everything random is forked from one seed, printed in every assertion message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeConsensusMsgPayload,
  PEERS_LIMITS,
  type PeerConnection,
  type PeerService,
} from "../../src/peers/index.js";
import {
  type PreparedWallet,
  prepareWallet,
  SIM_BLOCK_VERSION,
  type WalletTx,
} from "../../src/sim/index.js";
import { toHex } from "../../src/util/index.js";
import {
  boot,
  closeWorld,
  MEMORY_IDS as ids,
  type MemoryWorld,
  makeMemoryWorld,
  runUntil,
  setLinks,
  spent,
  submit,
  type MemoryNode as TestNode,
} from "./memory-world.js";
import { EPOCH_MS } from "./virtual-timers.js";

/** Timers fired before a scenario is declared stuck. */
const MAX_TIMER_FIRINGS = 5_000;

interface World extends MemoryWorld {
  /** GetTxs answered NotInCache by the withholders. */
  readonly withheld: { getTxs: number };
}

/** `withholders` relay nothing and answer every GetTxs with NotInCache. */
async function makeWorld(
  seed: string,
  wallet: PreparedWallet,
  withholders: string[] = [],
): Promise<World> {
  const withheld = { getTxs: 0 };
  const withholds = (n: TestNode) => withholders.includes(n.id);
  const w = await makeMemoryWorld(seed, wallet, {
    label: "runtime-memory",
    maxTimerFirings: MAX_TIMER_FIRINGS,
    forkPerIncarnation: true,
    connect: (n, conn) => (withholds(n) ? silentRelay(conn) : conn),
    serve: (n, service) => (withholds(n) ? withholding(withheld, service) : service),
  });
  return Object.assign(w, { withheld });
}

/** Outgoing transaction relays vanish (the call succeeds, nothing arrives). */
function silentRelay(conn: PeerConnection): PeerConnection {
  return {
    remoteResponderId: conn.remoteResponderId,
    sendConsensusMsg: (from, payload) => conn.sendConsensusMsg(from, payload),
    proposeTx: async () => ({ blockCount: 0n }),
    getLatestMsg: () => conn.getLatestMsg(),
    getTxs: (channel, hashes) => conn.getTxs(channel, hashes),
    getBlocks: (offset, limit) => conn.getBlocks(offset, limit),
    auth: (request) => conn.auth(request),
  };
}

/** A service that answers every GetTxs with NotInCache. */
function withholding(withheld: { getTxs: number }, service: PeerService): PeerService {
  return {
    handleConsensusMsg: (from, payload) => service.handleConsensusMsg(from, payload),
    handleProposeTx: (message) => service.handleProposeTx(message),
    latestMsg: () => service.latestMsg(),
    getTxs: (_channel, hashes) => {
      withheld.getTxs++;
      return { kind: "not-in-cache", txHashes: hashes };
    },
    getBlocks: (offset, limit) => service.getBlocks(offset, limit),
  };
}

function blockIds(n: TestNode): string[] {
  const out: string[] = [];
  for (let i = 0n; i < n.ledger.numBlocks(); i++) out.push(toHex(n.ledger.getBlock(i).id));
  return out;
}

/** Each key image in at most one block, over the whole ledger. */
function assertNoDoubleSpend(w: World, n: TestNode): void {
  const seen = new Set<string>();
  for (let i = 1n; i < n.ledger.numBlocks(); i++)
    for (const k of n.ledger.getBlockContents(i).keyImages) {
      assert.ok(!seen.has(toHex(k)), `${n.id} spent a key image twice (seed ${w.seed})`);
      seen.add(toHex(k));
    }
}

const SEED = process.env.RUNTIME_MEMORY_SEED ?? "runtime-memory-1";
const wallet = prepareWallet(SEED, 8);

describe(`node runtime over the memory transport (seed ${SEED})`, () => {
  it("four nodes take client transactions through submitClientTx and externalize the same blocks", async () => {
    wallet.wallet.rewind();
    const w = await makeWorld(SEED, wallet);
    const nodes = [...w.nodes.values()];
    const pick = w.random.fork("submit-to");
    const txs = Array.from({ length: 6 }, () => wallet.wallet.next() as WalletTx);
    for (const tx of txs) {
      const accepted = await submit(w, pick.pick(nodes), tx);
      assert.equal(accepted.blockVersion, SIM_BLOCK_VERSION);
      assert.equal(
        accepted.blockCount,
        1n,
        `answered with the ledger's block count (seed ${SEED})`,
      );
    }
    await runUntil(
      w,
      () => nodes.every((n) => txs.every((tx) => spent(n, tx))),
      "every transaction in every ledger",
    );
    await runUntil(
      w,
      () => new Set(nodes.map((n) => n.ledger.numBlocks())).size === 1,
      "equal heights",
    );
    // Event-driven: the block closed on pushed messages, before any keepalive probe was due.
    assert.ok(
      w.timers.nowMs() - EPOCH_MS < PEERS_LIMITS.keepaliveSilenceMs,
      `closed within the first ${PEERS_LIMITS.keepaliveSilenceMs} virtual ms (seed ${SEED})`,
    );
    for (const n of nodes)
      assert.ok(n.runtime.ingress.stats.consensusMsgsAccepted > 0, `${n.id} heard its peers`);
    const reference = blockIds(nodes[0] as TestNode);
    assert.ok(reference.length >= 2, `a block after the origin (seed ${SEED})`);
    for (const n of nodes) {
      assert.deepEqual(blockIds(n), reference, `${n.id}'s blocks differ (seed ${SEED})`);
      assertNoDoubleSpend(w, n);
    }
    // The peer API takes messages from configured peers only; bad ones are refused and counted.
    const n0 = nodes[0] as TestNode;
    const real = (nodes[1] as TestNode).statements.load()?.payload as Uint8Array;
    const peerApi = n0.runtime.ingress.peerService;
    assert.equal(await peerApi.handleConsensusMsg("stranger.test:8443", real), "unknown-peer");
    assert.throws(
      () => peerApi.handleConsensusMsg(nodes[1]?.id as string, new Uint8Array([0xff])),
      {
        code: "MALFORMED_PAYLOAD",
      },
    );
    const refused = n0.runtime.ingress.stats.refused;
    assert.equal(refused.get("UNKNOWN_PEER"), 1, `stranger counted (seed ${SEED})`);
    assert.equal(refused.get("MALFORMED_PAYLOAD"), 1, `garbage counted (seed ${SEED})`);
    // A transaction already spent is refused with the worker's typed code, at the client API.
    await assert.rejects(submit(w, nodes[1] as TestNode, txs[0] as WalletTx), {
      code: "TX_INVALID",
    });
    await closeWorld(w);
  });

  it("a peer that withholds a transaction body does not stall the slot for the others", async () => {
    wallet.wallet.rewind();
    const withholder = ids[0] as string;
    const w = await makeWorld(`${SEED}/withhold`, wallet, [withholder]);
    const [held, open] = [wallet.wallet.next() as WalletTx, wallet.wallet.next() as WalletTx];
    await submit(w, w.nodes.get(withholder) as TestNode, held);
    await submit(w, w.nodes.get(ids[1] as string) as TestNode, open);
    const others = ids.slice(1).map((id) => w.nodes.get(id) as TestNode);
    await runUntil(w, () => others.every((n) => spent(n, open)), "the open transaction closes");
    assert.ok(w.withheld.getTxs > 0, `peers asked the withholder for the body (seed ${w.seed})`);
    // Its NotInCache answer made them drop the statements that need the body, not wait on them.
    const omitted = others.reduce(
      (sum, n) => sum + n.runtime.validator.worker.stats.msgsOmitted,
      0,
    );
    assert.ok(omitted > 0, `statements naming the withheld body were omitted (seed ${w.seed})`);
    const reference = blockIds(others[0] as TestNode);
    for (const n of others) {
      assert.deepEqual(blockIds(n), reference, `${n.id}'s blocks differ (seed ${w.seed})`);
      assert.ok(!spent(n, held), `the withheld transaction cannot land (seed ${w.seed})`);
    }
    await closeWorld(w);
  });

  it("a restarted node restores its persisted statement for the current slot and the network goes on", async () => {
    wallet.wallet.rewind();
    const w = await makeWorld(`${SEED}/restart`, wallet);
    const nodes = [...w.nodes.values()];
    const r = w.nodes.get(ids[3] as string) as TestNode;
    // Cut r off, then give it a transaction: it nominates alone and persists that statement.
    setLinks(w, r.id, false);
    await submit(w, r, wallet.wallet.next() as WalletTx);
    await runUntil(
      w,
      () => r.statements.load()?.slot === Number(r.ledger.numBlocks()),
      "r persists a statement for its current slot",
    );
    const persisted = r.statements.load()?.payload as Uint8Array;
    // The others close two blocks without r: after its restart r must come level with them.
    const missed = [wallet.wallet.next() as WalletTx, wallet.wallet.next() as WalletTx];
    for (const tx of missed) {
      await submit(w, nodes[0] as TestNode, tx);
      await runUntil(
        w,
        () => nodes.filter((n) => n !== r).every((n) => spent(n, tx)),
        "a block closed without r",
      );
    }
    // Crash: the runtime and enclave are gone; the ledger and the statement file survive.
    await r.runtime.close();
    r.incarnation++;
    await boot(w, r);
    const restored = r.runtime.validator.worker.latestIssued.latest;
    assert.ok(restored !== undefined, `the restarted node restored a statement (seed ${w.seed})`);
    const before = decodeConsensusMsgPayload(persisted).scpMsg;
    assert.equal(restored.scpMsg.slot, before.slot, `same slot (seed ${w.seed})`);
    assert.deepEqual(restored.scpMsg.topic, before.topic, `same statement (seed ${w.seed})`);
    setLinks(w, r.id, true);
    const next = wallet.wallet.next() as WalletTx;
    await submit(w, nodes[0] as TestNode, next);
    await runUntil(w, () => nodes.every((n) => spent(n, next)), "the next transaction everywhere");
    await runUntil(
      w,
      () => new Set(nodes.map((n) => n.ledger.numBlocks())).size === 1,
      "equal heights",
    );
    const reference = blockIds(nodes[0] as TestNode);
    for (const n of nodes)
      assert.deepEqual(blockIds(n), reference, `${n.id}'s blocks differ (seed ${w.seed})`);
    assert.ok(
      missed.every((tx) => spent(r, tx)),
      `r has the blocks it missed (seed ${w.seed})`,
    );
    await closeWorld(w);
  });
});
