import type { Block, BlockContents } from "../../src/blockchain/index.js";
import {
  ConsensusWorker,
  formBlockCodecFor,
  type WorkerAction,
  type WorkerInput,
  type WorkerLedger,
  workerLedgerOf,
} from "../../src/consensus/index.js";
import { Ed25519Signer } from "../../src/crypto/index.js";
import type { WellFormedTxContext } from "../../src/enclave/index.js";
import { type Ledger, openMemoryLedger, syntheticTxOut } from "../../src/ledger/index.js";
import { verifyConsensusMsg } from "../../src/peers/index.js";
import type { NodeId, QuorumSet } from "../../src/scp/index.js";
import { type ClientSession, SimEnclave, SimWallet, type WalletTx } from "../../src/sim/index.js";
import { concatBytes, isCodedError, SeededRandom } from "../../src/util/index.js";

export const BLOCK_VERSION = 3;

/**
 * A SYNTHETIC well-formed context (random key image, output key and hash) for worker unit tests
 * whose transactions are never formed into a block: the worker only reads contexts; every block
 * in these tests is formed by the real enclave from real transactions (SimWallet).
 */
export interface TxBody {
  readonly context: WellFormedTxContext;
  readonly encrypted: Uint8Array;
}

export function makeTx(random: SeededRandom, tombstone = 1000n, priority = 1n): TxBody {
  const keyImages = [random.bytes(32)];
  const txHash = random.bytes(32);
  return {
    context: {
      priority,
      txHash,
      tombstoneBlock: tombstone,
      keyImages,
      highestIndices: [],
      outputPublicKeys: [syntheticTxOut(random).publicKey],
    },
    encrypted: concatBytes(new TextEncoder().encode("synthetic:"), txHash),
  };
}

/** The worker's ledger view, as node/ and sim/ build it. */
export const workerLedger = (l: Ledger): WorkerLedger => workerLedgerOf(l);

export interface SimNode {
  readonly id: NodeId;
  readonly signer: Ed25519Signer;
  readonly ledger: Ledger;
  enclave: SimEnclave;
  /** The wallet's NX session to this node. */
  session: ClientSession;
  worker: ConsensusWorker;
  /** Statements persisted, in order (the "disk" of scenario 27). */
  readonly persisted: { slot: number; payload: Uint8Array }[];
  /** Every statement this node broadcast, with the virtual time. */
  readonly issued: { at: number; payload: Uint8Array; incarnation: number }[];
  incarnation: number;
  crashed: boolean;
  /** Answers every GetTxs with NotInCache. */
  withholds: boolean;
  readonly fetchesServed: { from: string; answered: "delivered" | "not-in-cache" }[];
  readonly externalized: { slot: number; txCount: number }[];
  /** Client transactions the node's enclave or worker refused, with the error code. */
  readonly refused: { hash: string; code: string }[];
}

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly run: () => Promise<void> | void;
}

export interface NetOptions {
  readonly size: number;
  /** Each node's threshold over the others (MobileCoin convention: the local node is implicit). */
  readonly threshold: number;
  readonly seed: string;
  /** One-way delay of a link, ms (default 10). */
  readonly delay?: (from: string, to: string) => number;
  readonly rebroadcastIntervalMs?: number;
}

/** Unix time of virtual 0: the enclaves' evidence is issued and checked on this clock. */
export const EPOCH_MS = 1_800_000_000_000;

export class TestNet {
  readonly nodes: SimNode[] = [];
  readonly random: SeededRandom;
  readonly wallet: SimWallet;
  now = 0;
  private seq = 0;
  private readonly events: Event[] = [];
  private readonly wakeAt = new Map<string, number>();
  /** Links that drop everything (from→to). */
  readonly cut = new Set<string>();
  readonly qsets = new Map<string, QuorumSet>();

  /** Build the network; `start()` brings up the enclaves and sessions. */
  constructor(readonly o: NetOptions) {
    this.random = new SeededRandom(o.seed);
    const origin = openMemoryLedger();
    this.wallet = new SimWallet(origin, o.seed);
    const signers = Array.from({ length: o.size }, () => Ed25519Signer.generate(this.random));
    const ids: NodeId[] = signers.map((s, i) => ({ id: `n${i + 1}:8443`, publicKey: s.publicKey }));
    ids.forEach((id, i) => {
      const others = ids.filter((x) => x.id !== id.id);
      this.qsets.set(id.id, {
        threshold: o.threshold,
        members: others.map((args) => ({ type: "Node" as const, args })),
      });
      const ledger = openMemoryLedger();
      ledger.appendBlock(origin.getBlockData(0n));
      const node: SimNode = {
        id,
        signer: signers[i] as Ed25519Signer,
        ledger,
        enclave: undefined as unknown as SimEnclave,
        session: undefined as unknown as ClientSession,
        worker: undefined as unknown as ConsensusWorker,
        persisted: [],
        issued: [],
        incarnation: 0,
        crashed: false,
        withholds: false,
        fetchesServed: [],
        externalized: [],
        refused: [],
      };
      this.nodes.push(node);
    });
  }

  /** Start every enclave (dev evidence), connect every pair over IX, open the wallet's NX sessions. */
  async start(): Promise<this> {
    for (const [i, n] of this.nodes.entries()) {
      n.enclave = await SimEnclave.start(
        n.id.id,
        n.ledger,
        this.random.fork(`enclave-${i}`),
        () => EPOCH_MS + this.now,
        this.random.fork(`seal-${i}`).bytes(32),
      );
      n.worker = this.newWorker(n);
    }
    for (const a of this.nodes)
      for (const b of this.nodes) if (a !== b) await a.enclave.connect(b.enclave);
    for (const n of this.nodes)
      n.session = await n.enclave.clientSession(this.random.fork(`wallet-${n.id.id}`), EPOCH_MS);
    return this;
  }

  newWorker(n: SimNode): ConsensusWorker {
    const nodeById = new Map(this.nodes.map((x) => [x.id.id, x.id]));
    return new ConsensusWorker({
      local: n.id,
      quorumSet: this.qsets.get(n.id.id) as QuorumSet,
      signer: n.signer,
      ledger: workerLedger(n.ledger),
      codec: formBlockCodecFor(n.ledger),
      nowMs: this.now,
      nodeById: (id) => nodeById.get(id) ?? { id },
      ...(this.o.rebroadcastIntervalMs
        ? { rebroadcastIntervalMs: this.o.rebroadcastIntervalMs }
        : {}),
    });
  }

  node(i: number): SimNode {
    return this.nodes[i] as SimNode;
  }

  at(t: number, run: () => Promise<void> | void): void {
    this.events.push({ at: t, seq: this.seq++, run });
  }

  /** The wallet submits `tx` to node `i` over its NX session; the node checks it and hands it on. */
  submit(i: number, tx: WalletTx, at = this.now): void {
    const n = this.node(i);
    this.at(at, async () => {
      if (n.crashed) return;
      let wf: Awaited<ReturnType<SimEnclave["clientPropose"]>>;
      try {
        wf = await n.enclave.clientPropose(n.session, tx.tx);
        await this.execute(n, n.worker.handle({ kind: "tx", ...wf, fromClient: true }, this.now));
      } catch (error) {
        if (!isCodedError(error)) throw error;
        n.refused.push({ hash: tx.hash, code: error.code });
      }
    });
  }

  async input(n: SimNode, input: WorkerInput): Promise<void> {
    if (n.crashed) return;
    await this.execute(n, n.worker.handle(input, this.now));
  }

  async execute(n: SimNode, actions: WorkerAction[]): Promise<void> {
    for (const a of actions) await this.action(n, a);
    this.scheduleWake(n);
  }

  private async action(n: SimNode, a: WorkerAction): Promise<void> {
    switch (a.kind) {
      case "persist-statement":
        n.persisted.push({ slot: a.slot, payload: a.payload });
        return;
      case "broadcast-msg":
        if (a.input.issuer === n.id.id)
          n.issued.push({ at: this.now, payload: a.input.payload, incarnation: n.incarnation });
        for (const peer of this.nodes) {
          if (peer === n || peer.id.id === a.input.issuer || peer.id.id === a.input.receivedFrom)
            continue;
          if (this.cut.has(`${n.id.id}>${peer.id.id}`)) continue;
          const payload = a.input.payload;
          this.at(this.now + this.delay(n, peer), () => this.deliver(n.id.id, peer, payload));
        }
        return;
      case "fetch-txs":
        this.at(this.now + 2 * this.delay(n, this.byId(a.peer)), () =>
          this.serveFetch(n, this.byId(a.peer), a.id, a.txHashes),
        );
        return;
      case "enclave-call": {
        const outcome = await n.enclave.host.call(a.call);
        await this.execute(
          n,
          n.worker.handle({ kind: "enclave-result", id: a.id, outcome }, this.now),
        );
        return;
      }
      case "append-block":
        n.ledger.appendBlock(a.data);
        await this.execute(
          n,
          n.worker.handle({ kind: "appended", index: a.data.block.index }, this.now),
        );
        return;
      case "sync-ledger":
        this.at(this.now + 20, () => this.serveCatchUp(n, a.maxBlocks));
        return;
      case "externalized":
        n.externalized.push({ slot: a.slot, txCount: a.txCount });
        return;
      case "fatal":
        throw a.error;
    }
  }

  private deliver(from: string, to: SimNode, payload: Uint8Array): Promise<void> | undefined {
    if (to.crashed) return undefined;
    const numBlocks = Number(to.ledger.numBlocks());
    let verified: ReturnType<typeof verifyConsensusMsg>;
    try {
      verified = verifyConsensusMsg(from, payload, {
        peers: new Set(this.nodes.map((x) => x.id.id)),
        knownNodes: new Map(this.nodes.map((x) => [x.id.id, x.id.publicKey as Uint8Array])),
        numBlocks,
        blockId: (i) => to.ledger.getBlock(BigInt(i)).id,
      });
    } catch {
      return undefined; // another chain, or a message for a block we lack the parent of: dropped here as by the peers layer
    }
    return this.input(to, { kind: "consensus-msg", verified, payload });
  }

  /** GetTxs: the peer encrypts what it has for the asker (txs_for_peer); the asker checks it. */
  private async serveFetch(
    asker: SimNode,
    peer: SimNode,
    id: number,
    hashes: readonly Uint8Array[],
  ): Promise<void> {
    if (asker.crashed) return;
    const have = hashes.map((h) => peer.worker.txs.get(h));
    if (peer.crashed) {
      await this.input(asker, {
        kind: "fetch-result",
        id,
        outcome: { kind: "failed", retryable: true },
      });
      return;
    }
    const missing = hashes.filter((_, i) => have[i] === undefined);
    if (peer.withholds || missing.length > 0) {
      peer.fetchesServed.push({ from: asker.id.id, answered: "not-in-cache" });
      const txHashes = peer.withholds ? hashes : missing;
      await this.input(asker, {
        kind: "fetch-result",
        id,
        outcome: { kind: "not-in-cache", txHashes },
      });
      return;
    }
    peer.fetchesServed.push({ from: asker.id.id, answered: "delivered" });
    const encrypted = have.flatMap((e) => (e ? [e.encrypted] : []));
    const txs = await peer.enclave.sendTo(asker.enclave, encrypted, new Uint8Array(0));
    await this.input(asker, { kind: "fetch-result", id, outcome: { kind: "delivered", txs } });
  }

  /** Catch-up over the simulated transport: headers and contents from the first live peer ahead. */
  private async serveCatchUp(n: SimNode, maxBlocks: number): Promise<void> {
    if (n.crashed) return;
    const from = n.ledger.numBlocks();
    const source = this.nodes.find((x) => x !== n && !x.crashed && x.ledger.numBlocks() > from);
    if (source === undefined) {
      await this.input(n, { kind: "catch-up-failed" });
      return;
    }
    const blocks: { block: Block; contents: BlockContents }[] = [];
    for (let i = from; i < source.ledger.numBlocks() && blocks.length < maxBlocks; i++)
      blocks.push({
        block: source.ledger.getBlock(i),
        contents: source.ledger.getBlockContents(i),
      });
    await this.input(n, { kind: "catch-up-blocks", blocks });
  }

  private byId(id: string): SimNode {
    return this.nodes.find((x) => x.id.id === id) as SimNode;
  }

  private delay(a: SimNode, b: SimNode): number {
    return this.o.delay ? this.o.delay(a.id.id, b.id.id) : 10;
  }

  private scheduleWake(n: SimNode): void {
    const d = n.worker.nextDeadlineMs();
    if (d === null) return;
    const t = Math.max(d, this.now);
    const current = this.wakeAt.get(n.id.id);
    if (current !== undefined && current <= t && current >= this.now) return;
    this.wakeAt.set(n.id.id, t);
    const incarnation = n.incarnation;
    this.at(t, async () => {
      if (this.wakeAt.get(n.id.id) !== t || n.crashed || n.incarnation !== incarnation) return;
      this.wakeAt.delete(n.id.id);
      await this.execute(n, n.worker.tick(this.now));
    });
  }

  /** Crash node i (its ledger and persisted statements survive, as on disk). */
  crash(i: number): void {
    const n = this.node(i);
    n.crashed = true;
    this.wakeAt.delete(n.id.id);
  }

  /** Restart node i with a fresh worker that restores its last persisted statement. */
  async restart(i: number): Promise<void> {
    const n = this.node(i);
    n.crashed = false;
    n.incarnation++;
    n.worker = this.newWorker(n);
    // The enclave process restarts too: new sessions with every peer and with the wallet.
    const index = this.nodes.indexOf(n);
    n.enclave = await SimEnclave.start(
      n.id.id,
      n.ledger,
      this.random.fork(`enclave-${index}-${n.incarnation}`),
      () => EPOCH_MS + this.now,
      this.random.fork(`seal-${index}-${n.incarnation}`).bytes(32),
    );
    for (const peer of this.nodes)
      if (peer !== n) {
        await n.enclave.connect(peer.enclave);
        await peer.enclave.connect(n.enclave);
      }
    n.session = await n.enclave.clientSession(
      this.random.fork(`wallet-r-${index}`),
      EPOCH_MS + this.now,
    );
    const last = n.persisted[n.persisted.length - 1];
    if (last !== undefined && last.slot === Number(n.ledger.numBlocks()))
      await this.input(n, { kind: "restore", payload: last.payload });
    this.scheduleWake(n);
  }

  /** Run events in time order until `until` returns true or `limitMs` of virtual time passes. */
  async run(until: () => boolean, limitMs: number): Promise<boolean> {
    const end = this.now + limitMs;
    while (!until()) {
      this.events.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const e = this.events.shift();
      if (e === undefined || e.at > end) {
        if (e) this.events.unshift(e);
        this.now = end;
        return until();
      }
      this.now = Math.max(this.now, e.at);
      await e.run();
    }
    return true;
  }
}
