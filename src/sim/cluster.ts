import type { Block, BlockContents } from "../blockchain/index.js";
import { assembleValidator, type Validator } from "../consensus/index.js";
import { Ed25519Signer } from "../crypto/index.js";
import { type Ledger, openMemoryLedger } from "../ledger/index.js";
import { verifyConsensusMsg } from "../peers/index.js";
import type { NodeId, QuorumSet } from "../scp/index.js";
import { isCodedError, SeededRandom } from "../util/index.js";
import { type SimArchiveOptions, SimCatchUp } from "./catch-up.js";
import { EventQueue } from "./event-queue.js";
import { castFor, type SimCast, type SimOptions } from "./options.js";
import { PacketNetwork } from "./packet-network.js";
import { type ClientSession, SimEnclave } from "./sim-enclave.js";
import { SimWallet, type WalletTx } from "./wallet.js";

/**
 * The whole-node cluster (reference node-runtime.md §2–§3): every simulated node is a validator
 * built by `createValidator` — the assembly the real node uses — with its own in-process enclave
 * and memory ledger copied from one generated origin ledger, talking to the others only through
 * packets on the `PacketNetwork` (loss, delay, duplication, partitions that heal). The driver
 * executes the validators' actions the way the node's driver will: consensus messages, transaction
 * relays (`txs_for_peer` → `peer_tx_propose` → `tx_is_well_formed`), GetTxs, GetBlocks for
 * catch-up, enclave calls and ledger appends; it owns the virtual clock.
 *
 * An enclave call crosses a session, whose Noise nonces require order; gRPC gives the real node
 * one ordered call at a time. Here the packet models the call: it may be lost, delayed or
 * duplicated, and the enclave work on both ends happens when it is delivered.
 */

/** Named limits of the simulated transport. */
export const CLUSTER_LIMITS = {
  /** A GetTxs or GetBlocks call fails after this much silence, ms. */
  callTimeoutMs: 2_000,
  /** Unix time of virtual 0 (the enclaves' evidence is issued and checked on this clock). */
  virtualEpochMs: 1_800_000_000_000,
} as const;

export type PeerPacket =
  | { readonly kind: "msg"; readonly payload: Uint8Array }
  | { readonly kind: "tx"; readonly encrypted: Uint8Array; readonly aad: Uint8Array }
  | { readonly kind: "get-txs"; readonly id: number; readonly hashes: readonly Uint8Array[] }
  | {
      readonly kind: "txs";
      readonly id: number;
      readonly encrypted: readonly Uint8Array[];
      readonly notInCache: readonly Uint8Array[];
    }
  | {
      readonly kind: "get-blocks";
      readonly id: number;
      readonly from: bigint;
      readonly max: number;
    }
  | {
      readonly kind: "blocks";
      readonly id: number;
      readonly blocks: readonly { readonly block: Block; readonly contents: BlockContents }[];
    };

/** One running validator (a `split` Byzantine node runs two, one per half, under one name). */
/** The two kinds of request a simulated node waits on an answer for. */
export type CallKind = "fetch" | "blocks";

export function callKey(kind: CallKind, id: number): string {
  return `${kind}/${id}`;
}

export interface ClusterNode {
  readonly id: string;
  /** Its address on the packet network (the id, or `id#half` for a split node's instances). */
  readonly netId: string;
  readonly nodeId: NodeId;
  readonly signer: Ed25519Signer;
  readonly ledger: Ledger;
  readonly honest: boolean;
  /** The nodes it talks to. */
  readonly peers: readonly string[];
  enclave: SimEnclave;
  validator: Validator;
  session: ClientSession | undefined;
  down: boolean;
  incarnation: number;
  /** Its newest persisted statement (the disk a restart reads; scenario 27). */
  persisted: { slot: number; payload: Uint8Array } | undefined;
  /** Every statement it issued: slot, payload, incarnation (for the restart checks). */
  readonly issued: { payload: Uint8Array; incarnation: number }[];
  wakeAt: number | undefined;
  /** Requests in flight: id → what to report when it times out. */
  /**
   * Calls in flight, by `callKey`: the worker numbers its transaction fetches and the cluster its
   * block requests, so ids alone collide (a late GetTxs answer once cancelled a block request).
   */
  readonly calls: Set<string>;
  syncedBlocks: number;
  /** GetTxs requests it answered, and how many of its own requests were delivered. */
  fetchesServed: number;
  fetchesDelivered: number;
  readonly refused: string[];
}

export type ClusterEvent =
  | { kind: "deliver"; to: string }
  | { kind: "wake"; node: string; incarnation: number }
  | { kind: "submit"; tx: WalletTx; to: string }
  /** The wallet checks whether `tx` landed; if not, it sends it again to the next node. */
  | { kind: "resubmit"; tx: WalletTx; after: string; attempt: number }
  | { kind: "timeout"; node: string; call: CallKind; id: number; incarnation: number }
  | { kind: "crash"; node: string }
  | { kind: "restart"; node: string };

export interface ClusterSetup {
  readonly options: SimOptions;
  readonly cast: SimCast;
  readonly wallet: SimWallet;
  readonly origin: Ledger;
  readonly random: SeededRandom;
}

/** The two halves of the honest nodes a `split` node tells different stories. */
export function halves(honest: readonly string[]): [string[], string[]] {
  const half = Math.ceil(honest.length / 2);
  return [honest.slice(0, half), honest.slice(half)];
}

export class Cluster {
  readonly nodes: ClusterNode[] = [];
  readonly queue = new EventQueue<ClusterEvent>();
  readonly net: PacketNetwork<PeerPacket>;
  now = 0;
  messagesRejected = 0;
  /** Catch-up through the block-fetcher seam (peers, and the simulated archive when on). */
  readonly catchUp: SimCatchUp;
  private nextCallId = 1;
  private readonly keys = new Map<string, Ed25519Signer>();
  private readonly nodeIds = new Map<string, NodeId>();
  private readonly qsets = new Map<string, QuorumSet>();

  constructor(readonly setup: ClusterSetup) {
    const o = setup.options;
    this.net = new PacketNetwork<PeerPacket>(
      {
        loss: o.loss,
        duplicate: o.duplicate,
        delayMinMs: o.delayMinMs,
        delayMaxMs: o.delayMaxMs,
        faultsEndMs: o.faultsEndMs ?? Number.POSITIVE_INFINITY,
        partitions: o.partitions,
        tickMs: o.tickMs ?? 1,
      },
      setup.random.fork("network"),
      (to, at) => this.queue.push(at, { kind: "deliver", to }),
    );
    this.catchUp = new SimCatchUp(
      setup.options as SimOptions & SimArchiveOptions,
      setup.cast.honest,
      setup.options.crashes.map((x) => x.node),
    );
    for (const id of setup.cast.topo.ids) {
      const signer = Ed25519Signer.generate(setup.random.fork(`msg-key/${id}`));
      this.keys.set(id, signer);
      this.nodeIds.set(id, { id, publicKey: signer.publicKey });
    }
    for (const id of setup.cast.topo.ids)
      this.qsets.set(id, this.keyed(setup.cast.topo.qsets.get(id) as QuorumSet));
  }

  /** Quorum sets name nodes with their message-signing keys, as network files do. */
  private keyed(q: QuorumSet): QuorumSet {
    return {
      threshold: q.threshold,
      members: q.members.map((m) =>
        m.type === "Node"
          ? { type: "Node" as const, args: this.nodeIds.get(m.args.id) ?? m.args }
          : { type: "InnerSet" as const, args: this.keyed(m.args) },
      ),
    };
  }

  nodeById(id: string): NodeId {
    return this.nodeIds.get(id) ?? { id };
  }

  /** Create every validator, enclave and session. */
  async start(): Promise<void> {
    const { cast, options } = this.setup;
    const ids = cast.topo.ids;
    const splitNodes = options.byzantineKind === "split" ? cast.byzantine : [];
    const silent = options.byzantineKind === "silent" ? cast.byzantine : [];
    const [a, b] = halves(cast.honest);
    for (const id of ids) {
      if (silent.includes(id)) continue; // a silent node runs nothing and answers nothing
      if (splitNodes.includes(id)) {
        this.nodes.push(await this.makeNode(id, `${id}#a`, a, false));
        this.nodes.push(await this.makeNode(id, `${id}#b`, b, false));
      } else {
        const peers = ids.filter((x) => x !== id && !silent.includes(x));
        this.nodes.push(await this.makeNode(id, id, peers, cast.honest.includes(id)));
      }
    }
    for (const n of this.nodes) await this.connectAll(n);
    for (const n of this.nodes) if (n.honest) await this.openSession(n);
    for (const n of this.nodes) this.scheduleWake(n);
  }

  private async makeNode(
    id: string,
    netId: string,
    peers: readonly string[],
    honest: boolean,
  ): Promise<ClusterNode> {
    const ledger = openMemoryLedger();
    ledger.appendBlock(this.setup.origin.getBlockData(0n));
    const node: ClusterNode = {
      id,
      netId,
      nodeId: this.nodeById(id),
      signer: this.keys.get(id) as Ed25519Signer,
      ledger,
      honest,
      peers,
      enclave: undefined as unknown as SimEnclave,
      validator: undefined as unknown as Validator,
      session: undefined,
      down: false,
      incarnation: 0,
      persisted: undefined,
      issued: [],
      wakeAt: undefined,
      calls: new Set(),
      syncedBlocks: 0,
      fetchesServed: 0,
      fetchesDelivered: 0,
      refused: [],
    };
    await this.boot(node);
    return node;
  }

  /** A fresh enclave and validator over the node's (surviving) ledger. */
  async boot(n: ClusterNode): Promise<void> {
    const label = `${n.netId}/${n.incarnation}`;
    n.enclave = await SimEnclave.start(
      n.id,
      n.ledger,
      this.setup.random.fork(`enclave/${label}`),
      () => CLUSTER_LIMITS.virtualEpochMs + this.now,
      this.setup.random.fork(`seal/${label}`).bytes(32),
    );
    const o = this.setup.options;
    n.validator = assembleValidator(
      {
        local: n.nodeId,
        quorumSet: this.qsets.get(n.id) as QuorumSet,
        nodeById: (id) => this.nodeById(id),
        peers: n.peers.map((p) => ({ responderId: p, relayIncomingTxs: true })),
        tuning: {
          baseRoundIntervalMs: o.baseTimeoutMs,
          baseBallotIntervalMs: o.baseTimeoutMs,
          rebroadcastIntervalMs: o.rebroadcastMs ?? o.baseTimeoutMs,
          isBehindGraceMs: o.syncGraceMs,
        },
      },
      { ledger: n.ledger, signer: n.signer, random: this.setup.random.fork(`validator/${label}`) },
      this.now,
    );
  }

  /** IX sessions from this node's enclave to every running instance of its peers. */
  async connectAll(n: ClusterNode): Promise<void> {
    for (const peer of this.nodes)
      if (peer !== n && n.peers.includes(peer.id) && peer.peers.includes(n.id) && !peer.down)
        await n.enclave.connect(peer.enclave);
  }

  async openSession(n: ClusterNode): Promise<void> {
    n.session = await n.enclave.clientSession(
      this.setup.random.fork(`wallet-session/${n.netId}/${n.incarnation}`),
      CLUSTER_LIMITS.virtualEpochMs + this.now,
    );
  }

  instance(netId: string): ClusterNode | undefined {
    return this.nodes.find((n) => n.netId === netId);
  }

  /** Where a packet from `from` to node `to` goes: a split node answers each half separately. */
  addressOf(from: ClusterNode, to: string): string | undefined {
    const targets = this.nodes.filter((n) => n.id === to && n.peers.includes(from.id));
    return targets[0]?.netId;
  }

  /** Send a packet; false when the call would fail (lost, cut off, nobody listening). */
  send(from: ClusterNode, to: string, packet: PeerPacket): boolean {
    const address = this.addressOf(from, to);
    if (address === undefined) return false; // a silent node: nothing listens
    return this.net.send(from.netId, address, packet, this.now);
  }

  // --- time --------------------------------------------------------------------------------

  scheduleWake(n: ClusterNode): void {
    if (n.down) return;
    const d = n.validator.nextDeadlineMs();
    if (d === null) return;
    const at = Math.max(d, this.now);
    if (n.wakeAt !== undefined && n.wakeAt <= at && n.wakeAt >= this.now) return;
    n.wakeAt = at;
    this.queue.push(at, { kind: "wake", node: n.netId, incarnation: n.incarnation });
  }

  newCallId(): number {
    return this.nextCallId++;
  }

  /** GetBlocks from `peer` for catch-up (the `SimCatchUp` host); the call's id. */
  requestBlocks(n: ClusterNode, peer: string, fromIndex: bigint, max: number): number {
    const id = this.newCallId();
    n.calls.add(callKey("blocks", id));
    this.send(n, peer, { kind: "get-blocks", id, from: fromIndex, max });
    this.armCallTimeout(n, "blocks", id);
    return id;
  }

  /** Call `id` of `n` fails after `callTimeoutMs` of silence (a "timeout" event). */
  armCallTimeout(n: ClusterNode, call: CallKind, id: number): void {
    this.queue.push(this.now + CLUSTER_LIMITS.callTimeoutMs, {
      kind: "timeout",
      node: n.netId,
      call,
      id,
      incarnation: n.incarnation,
    });
  }

  /** The verification context of `n` now (its ledger, its configured peers). */
  verify(n: ClusterNode, from: string, payload: Uint8Array) {
    return verifyConsensusMsg(from, payload, {
      peers: new Set(n.peers),
      knownNodes: new Map([...this.nodeIds].map(([k, v]) => [k, v.publicKey as Uint8Array])),
      numBlocks: Number(n.ledger.numBlocks()),
      blockId: (i) => n.ledger.getBlock(BigInt(i)).id,
    });
  }

  /** Book-keeping for crashes and refusals that should never stop the run. */
  refuse(n: ClusterNode, error: unknown): void {
    if (!isCodedError(error)) throw error;
    n.refused.push(error.code);
  }
}

/** A wallet and the origin ledger it funds (shareable between runs; see `SimWallet.rewind`). */
export interface PreparedWallet {
  readonly origin: Ledger;
  readonly wallet: SimWallet;
}

export function prepareWallet(seed: string, outputsPerAccount: number): PreparedWallet {
  const origin = openMemoryLedger();
  return { origin, wallet: new SimWallet(origin, seed, outputsPerAccount) };
}

/** A new cluster for `options`: cast from the seed, and the wallet (a fresh one by default). */
export function clusterSetup(
  options: SimOptions,
  walletOutputs: number,
  prepared: PreparedWallet = prepareWallet(options.seed, walletOutputs),
): ClusterSetup {
  const { origin, wallet } = prepared;
  wallet.rewind();
  return {
    options,
    cast: castFor(options),
    wallet,
    origin,
    random: new SeededRandom(`whole-node/${options.seed}`),
  };
}
