import {
  type Block,
  type BlockContents,
  type BlockData,
  type BlockMetadata,
  type BlockSignature,
  signBlockMetadata,
} from "../blockchain/index.js";
import type { Ed25519Signer } from "../crypto/index.js";
import type { CallOf, EnclaveOutcome, OkOf, WellFormedTxContext } from "../enclave/index.js";
import type { LedgerReader } from "../ledger/index.js";
import {
  type BroadcastInput,
  consensusMsgDigest,
  decodeConsensusMsgPayload,
  encodeConsensusMsgPayload,
  LatestIssuedMsg,
  mcQuorumSetFromScp,
  relayInput,
  signConsensusMsg,
  type VerifiedConsensusMsg,
} from "../peers/index.js";
import {
  isNewer,
  type NodeId,
  type NodeOutput,
  type PriorityHash,
  type QuorumSet,
  RebroadcastingNode,
  type ScpMessage,
  ScpNode,
  type Slot,
} from "../scp/index.js";
import { bytesEqual, toHex } from "../util/index.js";
import { ConsensusError } from "./errors.js";
import { CONSENSUS_LIMITS } from "./limits.js";
import { NetworkState } from "./network-state.js";
import { PendingValues } from "./pending-values.js";
import { LedgerSyncState } from "./sync-state.js";
import { type FetchAction, type FetchOutcome, TxFetcher } from "./tx-fetcher.js";
import { type CachedTx, type TxLedgerView, TxManager } from "./tx-manager.js";

/**
 * The consensus worker (MobileCoin `ByzantineLedgerWorker`, consensus/service/src/
 * byzantine_ledger/worker.rs; reference §6.2–§6.6), sans I/O. Every input is acted on when it
 * arrives (no 10 ms poll); `tick` fires SCP timers, fetch retries and catch-up, and
 * `nextDeadlineMs` says when to call it. Outputs are actions the driver executes in order:
 * `persist-statement` strictly before the `broadcast-msg` that carries the same statement, and
 * `append-block` before the next input (then reported with `appended`).
 */

/** The ledger as the worker reads it; the driver appends. */
export interface WorkerLedger extends TxLedgerView {
  /** The id of block `index` (< numBlocks). */
  blockId(index: bigint): Uint8Array;
}

/** The worker's view of a ledger (memory or LMDB). */
export function workerLedgerOf(reader: LedgerReader): WorkerLedger {
  return {
    numBlocks: () => reader.numBlocks(),
    blockId: (index) => reader.getBlock(index).id,
    containsKeyImage: (k) => reader.containsKeyImage(k),
    containsTxOutPublicKey: (k) => reader.containsTxOutPublicKey(k),
  };
}

/**
 * The encodings of `form_block` (parent block, fresh membership proofs, root element; the block,
 * contents and signature it answers), supplied with the enclave that defines them.
 */
export interface FormBlockCodec {
  request(txs: readonly CachedTx[]): CallOf<"form_block">;
  reply(ok: OkOf<"form_block">): {
    readonly block: Block;
    readonly contents: BlockContents;
    readonly signature: Omit<BlockSignature, "signedAt">;
  };
}

export interface WorkerOptions {
  /** This node with its message-signing public key. */
  readonly local: NodeId;
  readonly quorumSet: QuorumSet;
  readonly signer: Ed25519Signer;
  readonly ledger: WorkerLedger;
  readonly codec: FormBlockCodec;
  readonly nowMs: number;
  readonly baseRoundIntervalMs?: number;
  readonly baseBallotIntervalMs?: number;
  readonly priorityHash?: PriorityHash;
  readonly nodeById?: (id: string) => NodeId;
  /** Re-send the latest statements after this much silence (loss tolerance); off when absent. */
  readonly rebroadcastIntervalMs?: number;
  readonly pendingValuesMax?: number;
  readonly isBehindGraceMs?: number;
}

export type WorkerInput =
  /** A well-formed transaction (the host ran `tx_is_well_formed`): from a client or a peer. */
  | {
      readonly kind: "tx";
      readonly encrypted: Uint8Array;
      readonly context: WellFormedTxContext;
      readonly fromClient: boolean;
    }
  /** A consensus message `verifyConsensusMsg` accepted, with the payload it came in. */
  | {
      readonly kind: "consensus-msg";
      readonly verified: VerifiedConsensusMsg;
      readonly payload: Uint8Array;
    }
  | { readonly kind: "fetch-result"; readonly id: number; readonly outcome: FetchOutcome }
  | {
      readonly kind: "enclave-result";
      readonly id: number;
      readonly outcome: EnclaveOutcome<"form_block">;
    }
  /** The driver appended block `index` (after an `append-block` action). */
  | { readonly kind: "appended"; readonly index: bigint }
  /** Blocks from catch-up (headers from peers, contents from archives), checked by the fetcher. */
  | {
      readonly kind: "catch-up-blocks";
      readonly blocks: readonly { readonly block: Block; readonly contents: BlockContents }[];
    }
  | { readonly kind: "catch-up-failed" }
  /** After a restart: this node's last persisted statement (scenario 27). */
  | { readonly kind: "restore"; readonly payload: Uint8Array };

export type WorkerAction =
  /** Store our newest statement durably before it is sent (a restart restores it; scenario 27). */
  | { readonly kind: "persist-statement"; readonly slot: number; readonly payload: Uint8Array }
  /** Hand to the broadcaster: our own statements and relayed peers' messages. */
  | {
      readonly kind: "broadcast-msg";
      readonly input: Extract<BroadcastInput, { kind: "consensus-msg" }>;
    }
  | FetchAction
  | { readonly kind: "enclave-call"; readonly id: number; readonly call: CallOf<"form_block"> }
  | {
      readonly kind: "append-block";
      readonly data: BlockData;
      /** The externalized values (tx hashes) the block was formed from; absent for catch-up. */
      readonly values?: readonly Uint8Array[];
    }
  /** Catch up: fetch up to `maxBlocks` blocks after our last one; answer `catch-up-blocks` or `catch-up-failed`. */
  | { readonly kind: "sync-ledger"; readonly maxBlocks: number }
  /** A block was completed: metrics (`tx_externalized_count`, latency of locally submitted values). */
  | {
      readonly kind: "externalized";
      readonly slot: number;
      readonly txCount: number;
      readonly latenciesMs: readonly number[];
      /** Pending values left once the slot's own are removed (MobileCoin's "Slot ended" line). */
      readonly pendingAfter: number;
    }
  /** A condition MobileCoin panics on (form_block refused, append out of order). */
  | { readonly kind: "fatal"; readonly error: ConsensusError };

export interface WorkerStats {
  txsRefused: number;
  msgsWrongChain: number;
  msgsStale: number;
  msgsFutureDropped: number;
  msgsOmitted: number;
  msgsWaitingDropped: number;
  relayed: number;
}

interface Waiting {
  readonly verified: VerifiedConsensusMsg;
  readonly payload: Uint8Array;
  readonly missing: Set<string>;
}

type Forming = {
  readonly slot: number;
  readonly values: readonly Uint8Array[];
  readonly id: number;
};

export class ConsensusWorker {
  readonly stats: WorkerStats = {
    txsRefused: 0,
    msgsWrongChain: 0,
    msgsStale: 0,
    msgsFutureDropped: 0,
    msgsOmitted: 0,
    msgsWaitingDropped: 0,
    relayed: 0,
  };
  readonly txs: TxManager;
  readonly pending: PendingValues;
  readonly network: NetworkState;
  readonly sync: LedgerSyncState;
  readonly fetcher = new TxFetcher();
  readonly latestIssued = new LatestIssuedMsg();
  private readonly scp: ScpNode;
  private readonly rebroadcast: RebroadcastingNode | undefined;
  private readonly ledger: WorkerLedger;
  private readonly waiting = new Map<string, Waiting>();
  private readonly future = new Map<
    string,
    { verified: VerifiedConsensusMsg; payload: Uint8Array }
  >();
  private readonly relayedDigests = new Set<string>();
  private forming: Forming | undefined;
  private catchUpTarget: bigint | undefined;
  private nextRequestId = 1;

  constructor(private readonly o: WorkerOptions) {
    this.ledger = o.ledger;
    this.txs = new TxManager(o.ledger);
    this.pending = new PendingValues(o.pendingValuesMax);
    this.network = new NetworkState(o.quorumSet);
    this.sync = new LedgerSyncState(o.isBehindGraceMs);
    this.scp = new ScpNode({
      local: o.local,
      quorumSet: o.quorumSet,
      validity: (v) => this.txs.validate(v),
      combine: (vs) => this.txs.combine(vs),
      ...(o.priorityHash ? { priorityHash: o.priorityHash } : {}),
      ...(o.nodeById ? { nodeById: o.nodeById } : {}),
      baseRoundIntervalMs: o.baseRoundIntervalMs ?? 1000,
      baseBallotIntervalMs: o.baseBallotIntervalMs ?? 1000,
      startSlot: Number(o.ledger.numBlocks()),
    });
    this.rebroadcast =
      o.rebroadcastIntervalMs === undefined
        ? undefined
        : new RebroadcastingNode(this.scp, o.rebroadcastIntervalMs, o.nowMs);
  }

  /** The slot SCP is deciding (the ledger's block count once the last block is appended). */
  get currentSlot(): number {
    return this.scp.currentSlotIndex;
  }

  /** Messages waiting for transactions to be fetched. */
  get waitingMessages(): number {
    return this.waiting.size;
  }

  /** Act on one input. Client transactions the node refuses throw a `ConsensusError`. */
  handle(input: WorkerInput, nowMs: number): WorkerAction[] {
    const out: WorkerAction[] = [];
    switch (input.kind) {
      case "tx":
        this.onTx(input.encrypted, input.context, input.fromClient, nowMs, out);
        break;
      case "consensus-msg":
        this.onMessage(input.verified, input.payload, nowMs, out);
        break;
      case "fetch-result":
        this.onFetchResult(input.id, input.outcome, nowMs, out);
        break;
      case "enclave-result":
        this.onFormed(input.id, input.outcome, nowMs, out);
        break;
      case "appended":
        this.onAppended(input.index, nowMs, out);
        break;
      case "catch-up-blocks":
        this.onCatchUpBlocks(input.blocks, nowMs, out);
        break;
      case "catch-up-failed":
        this.sync.attemptDone(false, nowMs);
        break;
      case "restore":
        this.onRestore(input.payload, nowMs, out);
        break;
    }
    this.stepSync(nowMs, out);
    return out;
  }

  /** Fire what is due: SCP timers, fetch retries, catch-up attempts. */
  tick(nowMs: number): WorkerAction[] {
    const out: WorkerAction[] = [];
    if (!this.scpPaused) {
      const r = this.rebroadcast
        ? this.rebroadcast.processTimeouts(nowMs)
        : this.scp.processTimeouts(nowMs);
      this.onScpOutput(r, out);
    }
    out.push(...this.fetcher.tick(nowMs));
    this.stepSync(nowMs, out);
    return out;
  }

  /** The earliest time `tick` has something to do, or null. */
  nextDeadlineMs(): number | null {
    const ds = [this.fetcher.nextDeadlineMs(), this.sync.nextDeadlineMs()];
    if (!this.scpPaused)
      ds.push(this.rebroadcast ? this.rebroadcast.nextDeadline() : this.scp.nextDeadline());
    const present = ds.filter((d): d is number => d !== null);
    return present.length === 0 ? null : Math.min(...present);
  }

  /** Locally signed metadata for a block (MobileCoin `ConsensusMetadataProvider`). */
  metadataFor(blockId: Uint8Array): BlockMetadata {
    return signBlockMetadata(
      {
        blockId,
        quorumSet: mcQuorumSetFromScp(this.o.quorumSet),
        attestationEvidence: undefined,
        responderId: this.o.local.id,
      },
      this.o.signer,
    );
  }

  // --- transactions -------------------------------------------------------------------------

  private onTx(
    encrypted: Uint8Array,
    context: WellFormedTxContext,
    fromClient: boolean,
    nowMs: number,
    out: WorkerAction[],
  ): void {
    try {
      const reason = this.txs.invalidReason(context);
      if (reason !== undefined)
        throw new ConsensusError("TX_INVALID", `transaction is not valid: ${reason}`, { reason });
      if (fromClient && this.pending.length >= this.pending.capacity)
        throw new ConsensusError("OVER_CAPACITY", "too many pending values");
      this.txs.insert(encrypted, context);
      if (!this.pending.has(context.txHash) && this.pending.length < this.pending.capacity)
        this.pending.push(context.txHash, fromClient ? nowMs : undefined);
    } catch (error) {
      this.stats.txsRefused++;
      if (fromClient) throw error;
      if (!(error instanceof ConsensusError)) throw error;
    }
    this.txArrived(context.txHash, nowMs, out);
    this.nominate(nowMs, out);
  }

  /** A transaction entered the cache: messages waiting only for it go ahead. */
  private txArrived(txHash: Uint8Array, nowMs: number, out: WorkerAction[]): void {
    if (!this.txs.contains(txHash)) return;
    const key = toHex(txHash);
    for (const [k, w] of this.waiting) {
      if (!w.missing.delete(key) || w.missing.size > 0) continue;
      this.waiting.delete(k);
      this.process(w.verified, w.payload, nowMs, out);
    }
  }

  private nominate(nowMs: number, out: WorkerAction[]): void {
    if (this.scpPaused || this.pending.length === 0) return;
    const values = this.pending.first(CONSENSUS_LIMITS.nominateMax);
    const r = this.rebroadcast
      ? this.rebroadcast.propose(values, nowMs)
      : this.scp.propose(values, nowMs);
    this.onScpOutput(r, out);
  }

  // --- consensus messages -------------------------------------------------------------------

  private onMessage(
    v: VerifiedConsensusMsg,
    payload: Uint8Array,
    nowMs: number,
    out: WorkerAction[],
  ): void {
    const msg = v.msg.scpMsg;
    this.network.push(msg);
    if (msg.sender.id === this.o.local.id) return;
    const numBlocks = Number(this.ledger.numBlocks());
    const parent = msg.slot - 1;
    // While behind, MobileCoin leaves messages queued until it is back in sync.
    if (parent >= numBlocks || this.sync.isBehind) {
      this.keepForLater(v, payload, numBlocks);
      return;
    }
    if (msg.slot < this.currentSlot - 1) {
      this.stats.msgsStale++;
      return;
    }
    if (!bytesEqual(this.ledger.blockId(BigInt(parent)), v.msg.prevBlockId)) {
      this.stats.msgsWrongChain++;
      return;
    }
    this.resolve(v, payload, nowMs, out);
  }

  private keepForLater(v: VerifiedConsensusMsg, payload: Uint8Array, numBlocks: number): void {
    const msg = v.msg.scpMsg;
    const key = `${msg.slot}/${msg.sender.id}`;
    const stored = this.future.get(key);
    if (msg.slot > numBlocks + CONSENSUS_LIMITS.futureSlotsMax) {
      this.stats.msgsFutureDropped++;
      return;
    }
    if (stored === undefined && this.future.size >= CONSENSUS_LIMITS.futureMessagesMax) {
      this.stats.msgsFutureDropped++;
      return;
    }
    // The newest statement per sender and slot wins; SCP orders topics the same way.
    if (stored === undefined || isNewer(msg.topic, stored.verified.msg.scpMsg.topic))
      this.future.set(key, { verified: v, payload });
  }

  /** Fetch the transactions a message names but we lack, from the peer that relayed it. */
  private resolve(
    v: VerifiedConsensusMsg,
    payload: Uint8Array,
    nowMs: number,
    out: WorkerAction[],
  ): void {
    const missing = valuesOf(v.msg.scpMsg).filter((h) => !this.txs.contains(h));
    if (missing.length === 0) {
      this.process(v, payload, nowMs, out);
      return;
    }
    const peer = v.fromResponderId;
    if (this.fetcher.isUnavailable(peer, missing)) {
      this.stats.msgsOmitted++;
      return;
    }
    const key = `${toHex(v.digest)}/${peer}`;
    if (this.waiting.has(key)) return;
    if (this.waiting.size >= CONSENSUS_LIMITS.waitingMessagesMax) {
      this.stats.msgsWaitingDropped++;
      return;
    }
    this.waiting.set(key, { verified: v, payload, missing: new Set(missing.map(toHex)) });
    out.push(...this.fetcher.need(peer, missing));
  }

  /** A resolved message: relay it once, then hand it to SCP. */
  private process(
    v: VerifiedConsensusMsg,
    payload: Uint8Array,
    nowMs: number,
    out: WorkerAction[],
  ): void {
    const digest = toHex(v.digest);
    if (!this.relayedDigests.has(digest)) {
      this.relayedDigests.add(digest);
      // Forget the oldest (a Set iterates in insertion order); the broadcaster dedupes as well.
      if (this.relayedDigests.size > CONSENSUS_LIMITS.relayedDigestsMax)
        this.relayedDigests.delete(this.relayedDigests.values().next().value as string);
      this.stats.relayed++;
      out.push({ kind: "broadcast-msg", input: relayInput(v, payload) });
    }
    if (this.scpPaused) {
      if (this.sync.isBehind) this.keepForLater(v, payload, Number(this.ledger.numBlocks()));
      return;
    }
    const r = this.rebroadcast
      ? this.rebroadcast.handleMessages([v.msg.scpMsg], nowMs)
      : this.scp.handleMessages([v.msg.scpMsg], nowMs);
    this.onScpOutput(r, out);
  }

  private onFetchResult(
    id: number,
    outcome: FetchOutcome,
    nowMs: number,
    out: WorkerAction[],
  ): void {
    const settled = this.fetcher.result(id, outcome, nowMs);
    if (settled === undefined) return;
    if (outcome.kind === "delivered") {
      const asked = new Set(settled.txHashes.map(toHex));
      // Fetched bodies enter the cache only (not pending values), as MobileCoin's fetch_missing_txs does.
      for (const t of outcome.txs) {
        if (!asked.has(toHex(t.context.txHash))) continue;
        try {
          this.txs.insert(t.encrypted, t.context);
        } catch (error) {
          if (!(error instanceof ConsensusError)) throw error;
          this.stats.txsRefused++;
        }
      }
      for (const t of outcome.txs) this.txArrived(t.context.txHash, nowMs, out);
    }
    // Hashes the peer was asked for and did not deliver count as unavailable from it.
    const undelivered = settled.txHashes.filter((h) => !this.txs.contains(h));
    if (undelivered.length === 0) return;
    const gone = new Set(undelivered.map(toHex));
    for (const [k, w] of this.waiting) {
      if (w.verified.fromResponderId !== settled.peer) continue;
      if ([...w.missing].some((h) => gone.has(h))) {
        this.waiting.delete(k);
        this.stats.msgsOmitted++;
      }
    }
    // A reply short of what was asked (MobileCoin's count mismatch) also marks the rest unavailable.
    this.fetcher.markUnavailable(settled.peer, undelivered);
  }

  // --- SCP output ---------------------------------------------------------------------------

  private onScpOutput(r: NodeOutput, out: WorkerAction[]): void {
    for (const m of r.messages) this.issue(m, out);
    const decided = r.externalized.find((e) => e.slot === this.scp.currentSlotIndex - 1);
    if (decided !== undefined && this.forming === undefined)
      this.formBlock(decided.slot, decided.values, out);
  }

  /** Sign, persist and broadcast a statement of ours. */
  private issue(m: ScpMessage, out: WorkerAction[]): void {
    const prevBlockId = this.ledger.blockId(BigInt(m.slot - 1));
    const signed = signConsensusMsg(m, prevBlockId, this.o.signer);
    const payload = encodeConsensusMsgPayload(signed);
    // Only our newest statement is persisted: a repeat, or an answer to a peer still on an earlier
    // slot, must not overwrite the statement a restart has to restore.
    if (this.latestIssued.offer(signed, payload))
      out.push({ kind: "persist-statement", slot: m.slot, payload });
    out.push({
      kind: "broadcast-msg",
      input: {
        kind: "consensus-msg",
        digest: consensusMsgDigest(m, prevBlockId),
        payload,
        issuer: this.o.local.id,
        receivedFrom: this.o.local.id,
      },
    });
  }

  // --- block completion ---------------------------------------------------------------------

  private formBlock(slot: number, values: readonly Uint8Array[], out: WorkerAction[]): void {
    const txs: CachedTx[] = [];
    for (const v of values) {
      const entry = this.txs.get(v);
      if (entry === undefined) {
        // SCP only accepts values that pass validity, which requires the cache entry.
        out.push({
          kind: "fatal",
          error: new ConsensusError("TX_NOT_IN_CACHE", "externalized tx missing"),
        });
        return;
      }
      txs.push(entry);
    }
    const id = this.nextRequestId++;
    this.forming = { slot, values, id };
    out.push({ kind: "enclave-call", id, call: this.o.codec.request(txs) });
  }

  private onFormed(
    id: number,
    outcome: EnclaveOutcome<"form_block">,
    nowMs: number,
    out: WorkerAction[],
  ): void {
    const f = this.forming;
    if (f === undefined || f.id !== id) return;
    if (!outcome.ok) {
      out.push({
        kind: "fatal",
        error: new ConsensusError("FORM_BLOCK_FAILED", `form_block refused: ${outcome.code}`, {
          slot: f.slot,
        }),
      });
      return;
    }
    let parts: ReturnType<FormBlockCodec["reply"]>;
    try {
      parts = this.o.codec.reply(outcome.value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      out.push({
        kind: "fatal",
        error: new ConsensusError("FORM_BLOCK_FAILED", message, { slot: f.slot }),
      });
      return;
    }
    // The enclave signs with signed_at = 0; the host stamps the time (Unix seconds).
    const signature: BlockSignature = {
      ...parts.signature,
      signedAt: BigInt(Math.floor(nowMs / 1000)),
    };
    const metadata = this.metadataFor(parts.block.id);
    out.push({
      kind: "append-block",
      data: { block: parts.block, contents: parts.contents, signature, metadata },
      values: f.values,
    });
  }

  private onAppended(index: bigint, nowMs: number, out: WorkerAction[]): void {
    const f = this.forming;
    if (f !== undefined && index === BigInt(f.slot)) {
      this.forming = undefined;
      const done = this.pending.remove(f.values);
      const latenciesMs = done.flatMap((e) =>
        e.firstSeenMs === undefined ? [] : [nowMs - e.firstSeenMs],
      );
      out.push({
        kind: "externalized",
        slot: f.slot,
        txCount: f.values.length,
        latenciesMs,
        pendingAfter: this.pending.length,
      });
      this.sync.externalized();
      this.afterLedgerAdvanced(nowMs, out);
      return;
    }
    if (this.catchUpTarget !== undefined && index === this.catchUpTarget) {
      this.catchUpTarget = undefined;
      this.sync.attemptDone(true, nowMs);
      this.scp.resetSlotIndex(Number(this.ledger.numBlocks()));
      this.afterLedgerAdvanced(nowMs, out);
    }
  }

  /** Purge the cache and pending values, forget the slot's memo, take up kept messages, renominate. */
  private afterLedgerAdvanced(nowMs: number, out: WorkerAction[]): void {
    const numBlocks = this.ledger.numBlocks();
    this.txs.removeExpired(numBlocks - 1n);
    this.pending.retain((v) => this.txs.validate(v));
    this.fetcher.newSlot();
    for (const [k, w] of this.waiting)
      if (w.verified.msg.scpMsg.slot < this.currentSlot - 1) this.waiting.delete(k);
    this.replayKept(nowMs, out);
    this.nominate(nowMs, out);
  }

  /** Take up the messages kept for later, oldest slot first. */
  private replayKept(nowMs: number, out: WorkerAction[]): void {
    const kept = [...this.future.values()].sort(
      (a, b) => a.verified.msg.scpMsg.slot - b.verified.msg.scpMsg.slot,
    );
    this.future.clear();
    for (const k of kept) this.onMessage(k.verified, k.payload, nowMs, out);
  }

  /** SCP is paused while a block is formed or appended by catch-up, and while behind. */
  /** The current slot's state, read-only, for metrics, the debug dump and the admin views. */
  slotSnapshot(): { readonly index: number } & ReturnType<Slot["snapshot"]> {
    return { index: this.scp.currentSlotIndex, ...this.scp.currentSlot.snapshot() };
  }

  private get scpPaused(): boolean {
    return this.forming !== undefined || this.catchUpTarget !== undefined || this.sync.isBehind;
  }

  // --- catch-up -----------------------------------------------------------------------------

  private stepSync(nowMs: number, out: WorkerAction[]): void {
    if (this.forming !== undefined) return;
    const behind = this.network.isBehind(Number(this.ledger.numBlocks()) - 1);
    const action = this.sync.step(behind, nowMs);
    if (action === "attempt-sync")
      out.push({ kind: "sync-ledger", maxBlocks: CONSENSUS_LIMITS.syncChunkBlocks });
    if (action === "back-in-sync") {
      this.replayKept(nowMs, out);
      this.nominate(nowMs, out);
    }
  }

  private onCatchUpBlocks(
    blocks: readonly { readonly block: Block; readonly contents: BlockContents }[],
    nowMs: number,
    out: WorkerAction[],
  ): void {
    let index = this.ledger.numBlocks();
    let parentId = this.ledger.blockId(index - 1n);
    const appends: WorkerAction[] = [];
    for (const { block, contents } of blocks) {
      if (block.index !== index || !bytesEqual(block.parentId, parentId)) break;
      // Catch-up blocks carry no enclave signature and our own metadata (reference §6.6).
      appends.push({
        kind: "append-block",
        data: { block, contents, signature: undefined, metadata: this.metadataFor(block.id) },
      });
      parentId = block.id;
      index++;
    }
    if (appends.length === 0) {
      this.sync.attemptDone(false, nowMs);
      return;
    }
    this.catchUpTarget = index - 1n;
    out.push(...appends);
  }

  // --- restart ------------------------------------------------------------------------------

  private onRestore(payload: Uint8Array, nowMs: number, out: WorkerAction[]): void {
    const signed = decodeConsensusMsgPayload(payload);
    if (signed.scpMsg.sender.id !== this.o.local.id) return;
    this.latestIssued.offer(signed, payload);
    const r = this.scp.restore(signed.scpMsg, nowMs);
    this.onScpOutput(r, out);
  }
}

/** Every transaction hash a statement names (nomination votes and accepts, every ballot). */
export function valuesOf(m: ScpMessage): Uint8Array[] {
  const t = m.topic;
  const lists: (readonly Uint8Array[])[] = [];
  if (t.type === "Nominate" || t.type === "NominatePrepare") lists.push(t.nominate.x, t.nominate.y);
  if (t.type === "Prepare" || t.type === "NominatePrepare") {
    const p = t.prepare;
    lists.push(p.b.x);
    if (p.p) lists.push(p.p.x);
    if (p.pp) lists.push(p.pp.x);
  }
  if (t.type === "Commit") lists.push(t.commit.b.x);
  if (t.type === "Externalize") lists.push(t.externalize.c.x);
  const seen = new Map<string, Uint8Array>();
  for (const l of lists) for (const v of l) seen.set(toHex(v), v);
  return [...seen.values()];
}
