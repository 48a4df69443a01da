import type { AccountKey } from "../crypto/index.js";
import { describeError, isCodedError } from "../util/index.js";
import {
  accountAddress,
  type BuiltSend,
  buildSend,
  type ChainInfo,
  insecureSwVerifier,
  loadAccount,
  type NodeClient,
  OwnedOutputs,
  openLedgerReadOnly,
  osRandom,
  PendingSpends,
  pendingFile,
  txFateIn,
  WALLET_LIMITS,
} from "../wallet/index.js";
import { TESTNET_LIMITS } from "./limits.js";
import type { LoadStats } from "./stats.js";

/** A node the load pays through: its client API and the ledger directory it writes. */
export interface LoadNode {
  readonly index: number;
  readonly client: NodeClient;
  readonly ledgerDir: string;
}

/** One sample account paying through one node, with its scan and pending spends kept. */
interface Payer {
  readonly account: number;
  readonly key: AccountKey;
  readonly node: LoadNode;
  readonly owned: OwnedOutputs;
  readonly pending: PendingSpends;
  inFlight: number;
}

/** An accepted payment followed until it is in a block on every node. */
interface Tracked {
  readonly node: LoadNode;
  readonly outputPublicKey: Uint8Array;
  readonly keyImages: readonly Uint8Array[];
  readonly tombstoneBlock: bigint;
  readonly submittedAtMs: number;
  blockIndex: bigint | undefined;
}

/**
 * The testnet's wallet load: sample account i pays account i+1 a small amount through node
 * (i mod n)+1, reading that node's ledger read-only for its outputs, rings and proofs. Outputs a
 * payment spends stay pending (by key image, in the account's pending file, as `wallet send`
 * keeps them) until the ledger shows them spent, so an account never spends an output twice.
 * Payments are started at `rate` per second, round robin over accounts with room in flight.
 * Time comes in from the caller, which owns the timers.
 */
export class WalletLoad {
  readonly #payers: Payer[];
  readonly #tracked = new Set<Tracked>();
  readonly #verifier = insecureSwVerifier();
  #next = 0;
  #started = 0;
  #startMs: number | undefined;
  #stopped = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly o: {
      readonly keysDir: string;
      readonly accounts: number;
      readonly nodes: readonly LoadNode[];
      readonly rate: number;
      /** Payments being proposed or accepted and not yet included, at most (closed loop). */
      readonly maxOutstanding?: number | undefined;
      readonly stats: LoadStats;
      readonly nowMs: () => number;
    },
  ) {
    this.#payers = Array.from({ length: o.accounts }, (_, account) => {
      const key = loadAccount(o.keysDir, account);
      return {
        account,
        key,
        node: o.nodes[account % o.nodes.length] as LoadNode,
        owned: new OwnedOutputs(key),
        pending: PendingSpends.load(pendingFile(o.keysDir, account)),
        inFlight: 0,
      };
    });
  }

  /** Payments accepted and not yet in a block on every node. */
  get outstanding(): number {
    return this.#tracked.size;
  }

  /** Start the payments that are due by now (called on every tick of the caller's timer). */
  tick(): void {
    if (this.#stopped || this.o.rate <= 0) return;
    const now = this.o.nowMs();
    this.#startMs ??= now;
    const due = Math.floor(((now - this.#startMs) / 1000) * this.o.rate);
    // A machine too slow for the rate does not build up an ever-growing backlog.
    const backlog = Math.max(1, Math.ceil(this.o.rate));
    if (due - this.#started > backlog) this.#started = due - backlog;
    const limit = Math.min(TESTNET_LIMITS.maxTracked, this.o.maxOutstanding ?? Infinity);
    while (this.#started < due && this.#tracked.size + this.#inFlight.size < limit) {
      const payer = this.#nextPayer();
      if (payer === undefined) break;
      this.#started++;
      const run = this.#pay(payer);
      this.#inFlight.add(run);
      void run.finally(() => this.#inFlight.delete(run));
    }
  }

  /** No new payments; resolves when those being proposed have their answers. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#inFlight]);
  }

  #nextPayer(): Payer | undefined {
    for (let i = 0; i < this.#payers.length; i++) {
      const payer = this.#payers[(this.#next + i) % this.#payers.length] as Payer;
      if (payer.inFlight < TESTNET_LIMITS.maxInFlightPerAccount) {
        this.#next = (this.#next + i + 1) % this.#payers.length;
        return payer;
      }
    }
    return undefined;
  }

  async #pay(payer: Payer): Promise<void> {
    const { stats } = this.o;
    payer.inFlight++;
    let built: BuiltSend | undefined;
    try {
      const chain = await payer.node.client.chainInfo();
      if (this.#stopped) return;
      const tombstoneBlock = chain.blockCount + WALLET_LIMITS.tombstoneOffset;
      built = this.#build(payer, chain, tombstoneBlock);
      payer.pending.add(built.txHash, built.keyImages, tombstoneBlock);
      payer.pending.save();
      stats.submitted++;
      const submittedAtMs = this.o.nowMs();
      const outcome = await payer.node.client.propose(built.tx, {
        verifier: this.#verifier,
        random: osRandom,
        nowMs: submittedAtMs,
      });
      if (outcome.name === "Ok") {
        stats.accepted++;
        this.#tracked.add({
          node: payer.node,
          outputPublicKey: built.outputPublicKeys[0] as Uint8Array,
          keyImages: built.keyImages,
          tombstoneBlock,
          submittedAtMs,
          blockIndex: undefined,
        });
        return;
      }
      stats.refuse(outcome.name);
      this.#release(payer, built);
    } catch (error) {
      stats.refuse(isCodedError(error) ? error.code : describeError(error).slice(0, 60));
      if (built !== undefined) this.#release(payer, built);
    } finally {
      payer.inFlight--;
    }
  }

  #release(payer: Payer, built: BuiltSend): void {
    payer.pending.remove(built.txHash);
    payer.pending.save();
  }

  /** Build against the node's ledger, leaving out outputs already pending. */
  #build(payer: Payer, chain: ChainInfo, tombstoneBlock: bigint): BuiltSend {
    const ledger = openLedgerReadOnly(payer.node.ledgerDir);
    try {
      payer.pending.prune(ledger, chain.blockCount);
      return buildSend({
        ledger,
        account: payer.key,
        request: {
          to: accountAddress(this.o.keysDir, (payer.account + 1) % this.o.accounts),
          amount: TESTNET_LIMITS.paymentPicoMob,
          fee: chain.minimumFee,
          blockVersion: chain.blockVersion,
          tombstoneBlock,
        },
        pending: payer.pending.keyImages(),
        rng: osRandom,
        owned: payer.owned,
      });
    } finally {
      ledger.close();
    }
  }

  /**
   * Follow accepted payments: find each in its node's ledger, and count it included (with its
   * latency) once every node's block count is past its block. `minBlockCount` is the lowest
   * block count over all nodes, when every node has answered.
   */
  follow(minBlockCount: bigint | undefined): void {
    const now = this.o.nowMs();
    for (const node of new Set([...this.#tracked].map((t) => t.node))) this.#locate(node);
    for (const t of this.#tracked) {
      if (t.blockIndex === undefined || minBlockCount === undefined) continue;
      if (minBlockCount > t.blockIndex) {
        this.#tracked.delete(t);
        this.o.stats.included++;
        this.o.stats.latency(now - t.submittedAtMs);
      }
    }
  }

  #locate(node: LoadNode): void {
    const ledger = openLedgerReadOnly(node.ledgerDir);
    try {
      for (const t of this.#tracked) {
        if (t.node !== node || t.blockIndex !== undefined) continue;
        const fate = txFateIn(ledger, t, t.tombstoneBlock);
        if (fate?.status === "included") t.blockIndex = fate.blockIndex;
        else if (fate !== undefined) {
          this.#tracked.delete(t);
          this.o.stats.lost++;
        }
      }
    } finally {
      ledger.close();
    }
  }
}
