// Four validators in one process (as runtime-memory.test.ts builds them: memory transport, attested
// in-process enclaves, memory ledgers, one virtual clock) with the operator views attached to each:
// a StatementTracker observing its driver and an AdminStatus over it. Shared by the admin tests.
import assert from "node:assert/strict";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  AkeInitiator,
  DEVELOPMENT_POLICY,
  devRootPublicKey,
  type EnclaveMessage,
  peerIdentity,
  SwEvidenceVerifier,
} from "../../src/enclave/index.js";
import { type Ledger, openMemoryLedger } from "../../src/ledger/index.js";
import {
  AdminStatus,
  createNodeRuntime,
  enclavePeerAttestor,
  fanOutObserver,
  memoryStatementStore,
  type NodeRuntime,
  rotatingBlockSource,
  ScpDebugDump,
  StatementTracker,
} from "../../src/node/index.js";
import { MemoryPeerNetwork, type PeerConnection } from "../../src/peers/index.js";
import type { NodeId, QuorumSet } from "../../src/scp/index.js";
import {
  type PreparedWallet,
  SIM_BLOCK_VERSION,
  SimEnclave,
  type WalletTx,
} from "../../src/sim/index.js";
import { encodeTx, txKeyImages } from "../../src/transaction/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { EPOCH_MS, VirtualTimers } from "./virtual-timers.js";

const MAX_TIMER_FIRINGS = 20_000;
const MAX_SETTLE_TURNS = 10_000;
/** Evidence valid for a day of virtual time. */
export const EVIDENCE_NOT_AFTER_MS = EPOCH_MS + 24 * 3600_000;

export interface AdminNode {
  readonly id: string;
  readonly signer: Ed25519Signer;
  readonly ledger: Ledger;
  enclave: SimEnclave;
  runtime: NodeRuntime;
  tracker: StatementTracker;
  status: AdminStatus;
  session: AkeInitiator | undefined;
  stopped: boolean;
  readonly fatal: unknown[];
}

export interface AdminWorld {
  readonly seed: string;
  readonly random: SeededRandom;
  readonly timers: VirtualTimers;
  readonly net: MemoryPeerNetwork;
  readonly nodes: Map<string, AdminNode>;
  readonly ids: readonly string[];
  readonly quorum: (id: string) => QuorumSet;
}

export const ADMIN_IDS = [0, 1, 2, 3].map((i) => `n${i}.test:8443`);

export async function makeAdminWorld(
  seed: string,
  wallet: PreparedWallet,
  /** n0 also writes an --scp-debug-dump here. */
  dumpDir?: string,
): Promise<AdminWorld> {
  const ids = ADMIN_IDS;
  const random = new SeededRandom(`admin-world/${seed}`);
  const signers = new Map(ids.map((id) => [id, Ed25519Signer.generate(random.fork(`key/${id}`))]));
  const nodeId = (id: string): NodeId => ({ id, publicKey: signers.get(id)!.publicKey });
  const w: AdminWorld = {
    seed,
    random,
    timers: new VirtualTimers(),
    net: new MemoryPeerNetwork(),
    nodes: new Map(),
    ids,
    // The runbook's four-node network: each node trusts the other three, two of them enough.
    quorum: (id) => ({
      threshold: 2,
      members: ids.filter((x) => x !== id).map((x) => ({ type: "Node" as const, args: nodeId(x) })),
    }),
  };
  for (const id of ids) {
    const ledger = openMemoryLedger();
    ledger.appendBlock(wallet.origin.getBlockData(0n));
    const n = {
      id,
      signer: signers.get(id)!,
      ledger,
      session: undefined,
      stopped: false,
      fatal: [],
    };
    w.nodes.set(id, n as unknown as AdminNode);
  }
  for (const n of w.nodes.values()) await boot(w, n, n.id === ids[0] ? dumpDir : undefined);
  return w;
}

async function boot(w: AdminWorld, n: AdminNode, dumpDir?: string): Promise<void> {
  n.enclave = await SimEnclave.start(
    n.id,
    n.ledger,
    w.random.fork(`enclave/${n.id}`),
    () => w.timers.nowMs(),
    w.random.fork(`seal/${n.id}`).bytes(32),
  );
  const others = w.ids.filter((x) => x !== n.id);
  const peers = new Map<string, PeerConnection>(others.map((p) => [p, w.net.connect(n.id, p)]));
  const holder: { runtime?: NodeRuntime } = {};
  n.tracker = new StatementTracker({
    local: n.id,
    peers: others,
    nowMs: () => w.timers.nowMs(),
    blockIdAt: (i) =>
      i >= 0 && i < Number(n.ledger.numBlocks()) ? n.ledger.getBlock(BigInt(i)).id : undefined,
    pendingValues: () => holder.runtime?.validator.worker.pending.length ?? 0,
  });
  n.runtime = createNodeRuntime(
    {
      validator: {
        local: { id: n.id, publicKey: n.signer.publicKey },
        quorumSet: w.quorum(n.id),
        peers: others.map((p) => ({ responderId: p, relayIncomingTxs: true })),
        tuning: { baseRoundIntervalMs: 1000, baseBallotIntervalMs: 1000 },
      },
      blockVersion: SIM_BLOCK_VERSION,
    },
    {
      ledger: n.ledger,
      enclave: n.enclave.host,
      signer: n.signer,
      random: w.random.fork(`validator/${n.id}`),
      timers: w.timers,
      peers,
      attestor: enclavePeerAttestor(n.enclave.host, (peer, request) =>
        w.nodes.get(peer)!.runtime.ingress.peerAuth(request),
      ),
      statements: memoryStatementStore(),
      blocks: rotatingBlockSource(
        others.map((p) => ({
          fetchBlocks: async (from: bigint, max: number) => {
            const source = w.nodes.get(p)!.ledger;
            const out = [];
            for (let i = from; i < source.numBlocks() && out.length < max; i++)
              out.push({ block: source.getBlock(i), contents: source.getBlockContents(i) });
            return out;
          },
        })),
      ),
      events: {
        observer: fanOutObserver(
          n.tracker,
          dumpDir === undefined
            ? undefined
            : new ScpDebugDump({
                dir: dumpDir,
                nowMs: () => w.timers.nowMs(),
                node: n.id,
                quorumSet: w.quorum(n.id),
              }),
        ),
        fatal: (error) => n.fatal.push(error),
      },
    },
  );
  holder.runtime = n.runtime;
  n.status = new AdminStatus({
    local: n.id,
    quorumSet: w.quorum(n.id),
    validator: n.runtime.validator,
    driver: n.runtime.driver,
    ledger: n.ledger,
    tracker: n.tracker,
    nowMs: () => w.timers.nowMs(),
    evidenceNotAfterMs: () => EVIDENCE_NOT_AFTER_MS,
    enclaveAnswers: async () => !n.stopped,
  });
  w.net.serve(n.id, n.runtime.ingress.peerService);
  n.runtime.start();
}

/** Stop a node: its runtime closes and every link to and from it goes down. */
export async function stopNode(w: AdminWorld, n: AdminNode): Promise<void> {
  n.stopped = true;
  for (const o of w.ids)
    if (o !== n.id) {
      w.net.setLink(o, n.id, false);
      w.net.setLink(n.id, o, false);
    }
  await n.runtime.close();
}

export async function submit(w: AdminWorld, n: AdminNode, tx: WalletTx) {
  if (n.session === undefined) {
    const machine = new AkeInitiator();
    const authRequest = machine.initiateClient({
      responderId: `${n.id}#client`,
      ephemeralSecret: w.random.fork(`wallet/${n.id}`).bytes(32),
    });
    machine.readAuthResponse({
      message: await n.runtime.ingress.clientAuth(authRequest),
      verifier: new SwEvidenceVerifier({
        policy: DEVELOPMENT_POLICY,
        rootPublicKey: devRootPublicKey(),
        identities: [peerIdentity(n.enclave.host.measurement)],
      }),
      nowMs: w.timers.nowMs(),
    });
    n.session = machine;
  }
  const sealed = n.session.encrypt(new Uint8Array(0), encodeTx(tx.tx));
  const message: EnclaveMessage = {
    aad: sealed.aad,
    channelId: sealed.channelId,
    data: sealed.data,
  };
  return n.runtime.ingress.submitClientTx(message);
}

export async function settle(w: AdminWorld): Promise<void> {
  for (let turn = 0; turn < MAX_SETTLE_TURNS; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if ([...w.nodes.values()].every((n) => n.runtime.driver.inFlight === 0)) return;
  }
  assert.fail(`calls never settled (seed ${w.seed})`);
}

/** Fire timers (after letting calls settle) until `done` holds. */
export async function runUntil(w: AdminWorld, done: () => boolean, what: string): Promise<void> {
  for (let fired = 0; fired < MAX_TIMER_FIRINGS; fired++) {
    await settle(w);
    for (const n of w.nodes.values())
      assert.deepEqual(n.fatal, [], `${n.id} failed (seed ${w.seed})`);
    if (done()) return;
    assert.ok(w.timers.fireNext(), `no timer left before ${what} (seed ${w.seed})`);
  }
  assert.fail(`${what} did not happen after ${MAX_TIMER_FIRINGS} timers (seed ${w.seed})`);
}

export const spent = (n: AdminNode, tx: WalletTx): boolean =>
  n.ledger.containsKeyImage(txKeyImages(tx.tx)[0] as Uint8Array);

export async function closeWorld(w: AdminWorld): Promise<void> {
  for (const n of w.nodes.values()) if (!n.stopped) await n.runtime.close();
}
