// Four validators in one process: memory transport, attested in-process enclaves, memory ledgers
// from one sample origin, one virtual clock. The runtime-memory and admin tests build on it; their
// differences (random labels, timer budget, peer wrappers, observers) are options, so that each
// keeps its own seeds.
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
  createNodeRuntime,
  enclavePeerAttestor,
  memoryStatementStore,
  type NodeRuntime,
  rotatingBlockSource,
  type StatementStore,
  type ValidatorObserver,
} from "../../src/node/index.js";
import { MemoryPeerNetwork, type PeerConnection, type PeerService } from "../../src/peers/index.js";
import type { NodeId, QuorumSet } from "../../src/scp/index.js";
import {
  type PreparedWallet,
  SIM_BLOCK_VERSION,
  SimEnclave,
  type WalletTx,
} from "../../src/sim/index.js";
import { encodeTx, txKeyImages } from "../../src/transaction/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { VirtualTimers } from "./virtual-timers.js";

/** Event-loop turns waited for the drivers' calls to settle. */
const MAX_SETTLE_TURNS = 10_000;

export const MEMORY_IDS = [0, 1, 2, 3].map((i) => `n${i}.test:8443`);

export interface MemoryNode {
  readonly id: string;
  readonly signer: Ed25519Signer;
  readonly ledger: Ledger;
  /** Survives a restart, like the statement file. */
  readonly statements: StatementStore;
  enclave: SimEnclave;
  runtime: NodeRuntime;
  incarnation: number;
  session: AkeInitiator | undefined;
  stopped: boolean;
  readonly fatal: unknown[];
}

export interface WorldOptions<N extends MemoryNode> {
  /** Root of every random stream: `${label}/${seed}`. */
  readonly label: string;
  /** Timers fired before a scenario is declared stuck. */
  readonly maxTimerFirings: number;
  /** A restarted node draws fresh enclave, validator and wallet streams (labels end `/incarnation`). */
  readonly forkPerIncarnation: boolean;
  /** Wraps a node's outgoing link to a peer. */
  readonly connect?: (n: N, conn: PeerConnection) => PeerConnection;
  /** Wraps the peer service a node serves. */
  readonly serve?: (n: N, service: PeerService) => PeerService;
  /** Called before the runtime is built: the observer its driver reports to. */
  readonly observe?: (w: MemoryWorld<N>, n: N) => ValidatorObserver;
  /** Called once the runtime exists, before it serves and starts. */
  readonly attach?: (w: MemoryWorld<N>, n: N) => void;
}

export interface MemoryWorld<N extends MemoryNode = MemoryNode> {
  readonly seed: string;
  readonly random: SeededRandom;
  readonly timers: VirtualTimers;
  readonly net: MemoryPeerNetwork;
  readonly nodes: Map<string, N>;
  readonly ids: readonly string[];
  readonly quorum: (id: string) => QuorumSet;
  readonly options: WorldOptions<N>;
}

export async function makeMemoryWorld<N extends MemoryNode>(
  seed: string,
  wallet: PreparedWallet,
  options: WorldOptions<N>,
): Promise<MemoryWorld<N>> {
  const ids = MEMORY_IDS;
  const random = new SeededRandom(`${options.label}/${seed}`);
  const signers = new Map(ids.map((id) => [id, Ed25519Signer.generate(random.fork(`key/${id}`))]));
  const nodeId = (id: string): NodeId => ({ id, publicKey: signers.get(id)!.publicKey });
  const w: MemoryWorld<N> = {
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
    options,
  };
  for (const id of ids) {
    const ledger = openMemoryLedger();
    ledger.appendBlock(wallet.origin.getBlockData(0n));
    const n = {
      id,
      signer: signers.get(id)!,
      ledger,
      statements: memoryStatementStore(),
      incarnation: 0,
      session: undefined,
      stopped: false,
      fatal: [],
    };
    w.nodes.set(id, n as unknown as N);
  }
  for (const n of w.nodes.values()) await boot(w, n);
  return w;
}

/** Labels of the node's random streams: per incarnation where the world asks for it. */
const streamLabel = (
  w: { readonly options: { readonly forkPerIncarnation: boolean } },
  n: MemoryNode,
): string => (w.options.forkPerIncarnation ? `${n.id}/${n.incarnation}` : n.id);

/** A fresh enclave and runtime over the node's ledger and statement store (which survive). */
export async function boot<N extends MemoryNode>(w: MemoryWorld<N>, n: N): Promise<void> {
  const label = streamLabel(w, n);
  n.enclave = await SimEnclave.start(
    n.id,
    n.ledger,
    w.random.fork(`enclave/${label}`),
    () => w.timers.nowMs(),
    w.random.fork(`seal/${label}`).bytes(32),
  );
  n.session = undefined;
  const { connect, serve, observe, attach } = w.options;
  const others = w.ids.filter((x) => x !== n.id);
  const link = (p: string) => w.net.connect(n.id, p);
  const peers = new Map<string, PeerConnection>(
    others.map((p) => [p, connect === undefined ? link(p) : connect(n, link(p))]),
  );
  const observer = observe?.(w, n);
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
      random: w.random.fork(`validator/${label}`),
      timers: w.timers,
      peers,
      attestor: enclavePeerAttestor(n.enclave.host, (peer, request) =>
        w.nodes.get(peer)!.runtime.ingress.peerAuth(request),
      ),
      statements: n.statements,
      blocks: peerLedgers(w.nodes, others),
      events: {
        ...(observer === undefined ? {} : { observer }),
        fatal: (error) => n.fatal.push(error),
      },
    },
  );
  attach?.(w, n);
  const service = n.runtime.ingress.peerService;
  w.net.serve(n.id, serve === undefined ? service : serve(n, service));
  n.runtime.start();
}

/** Stands in for the block fetcher (headers from peers, contents from archives). */
function peerLedgers(nodes: ReadonlyMap<string, MemoryNode>, others: string[]) {
  return rotatingBlockSource(
    others.map((p) => ({
      fetchBlocks: async (from: bigint, max: number) => {
        const source = nodes.get(p)!.ledger;
        const out = [];
        for (let i = from; i < source.numBlocks() && out.length < max; i++)
          out.push({ block: source.getBlock(i), contents: source.getBlockContents(i) });
        return out;
      },
    })),
  );
}

/** Every link to and from the node goes up or down. */
export function setLinks(w: Pick<MemoryWorld, "ids" | "net">, id: string, up: boolean): void {
  for (const o of w.ids)
    if (o !== id) {
      w.net.setLink(o, id, up);
      w.net.setLink(id, o, up);
    }
}

/** Stop a node: its runtime closes and every link to and from it goes down. */
export async function stopNode<N extends MemoryNode>(w: MemoryWorld<N>, n: N): Promise<void> {
  n.stopped = true;
  setLinks(w, n.id, false);
  await n.runtime.close();
}

/** A wallet's NX session to the node (through the ingress's client `Auth`), then its transaction. */
export async function submit<N extends MemoryNode>(w: MemoryWorld<N>, n: N, tx: WalletTx) {
  if (n.session === undefined) {
    const machine = new AkeInitiator();
    const authRequest = machine.initiateClient({
      responderId: `${n.id}#client`,
      ephemeralSecret: w.random.fork(`wallet/${streamLabel(w, n)}`).bytes(32),
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

/** Wait until no driver has a call in flight (every memory call and enclave call has answered). */
export async function settle<N extends MemoryNode>(w: MemoryWorld<N>): Promise<void> {
  for (let turn = 0; turn < MAX_SETTLE_TURNS; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if ([...w.nodes.values()].every((n) => n.runtime.driver.inFlight === 0)) return;
  }
  assert.fail(`calls never settled (seed ${w.seed})`);
}

/** Fire timers (after letting calls settle) until `done` holds; no node may have failed. */
export async function runUntil<N extends MemoryNode>(
  w: MemoryWorld<N>,
  done: () => boolean,
  what: string,
): Promise<void> {
  const most = w.options.maxTimerFirings;
  for (let fired = 0; fired < most; fired++) {
    await settle(w);
    for (const n of w.nodes.values())
      assert.deepEqual(n.fatal, [], `${n.id} failed (seed ${w.seed})`);
    if (done()) return;
    assert.ok(w.timers.fireNext(), `no timer left before ${what} (seed ${w.seed})`);
  }
  assert.fail(`${what} did not happen after ${most} timers (seed ${w.seed})`);
}

export const spent = (n: MemoryNode, tx: WalletTx): boolean =>
  n.ledger.containsKeyImage(txKeyImages(tx.tx)[0] as Uint8Array);

export async function closeWorld<N extends MemoryNode>(w: MemoryWorld<N>): Promise<void> {
  for (const n of w.nodes.values()) if (!n.stopped) await n.runtime.close();
}
