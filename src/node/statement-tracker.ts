import type { ValidatorAction, ValidatorInput } from "../consensus/index.js";
import { decodeConsensusMsgPayload } from "../peers/index.js";
import { isNewer, type ScpMessage } from "../scp/index.js";
import { bytesEqual } from "../util/index.js";
import { ADMIN_LIMITS } from "./admin-limits.js";
import type { ValidatorObserver } from "./validator-observer.js";

/**
 * What the operator views need to remember about other nodes, kept by watching the driver (a
 * `ValidatorObserver`: it only reads). Per node: when we last heard from it (a message it relayed,
 * a statement of its own that was news, a keepalive answer), its latest statement, and whether
 * that statement builds on a block we do not have at that height (another chain: disagreeing).
 * The SCP core keeps the latest statement per sender only for the slot it is on and drops
 * statements that wait for transactions or name another chain; an operator needs all of them.
 */
export interface TrackedNode {
  lastHeardMs: number | undefined;
  latest: ScpMessage | undefined;
  latestAtMs: number | undefined;
  /** The latest statement's parent block differs from ours at that height. */
  wrongChain: boolean;
}

/** One closed block, for the dashboard's rate and latency charts. */
export interface BlockEvent {
  readonly slot: number;
  readonly atMs: number;
  readonly txCount: number;
  /** Submit-to-block latencies of locally submitted values in the block, ms. */
  readonly latenciesMs: readonly number[];
}

export interface StatementTrackerOptions {
  readonly local: string;
  /** Configured peers count as heard at start, as the keepalive does. */
  readonly peers: readonly string[];
  readonly nowMs: () => number;
  /** Our block id at `index`, or undefined past our ledger. */
  readonly blockIdAt: (index: number) => Uint8Array | undefined;
  /** Values pending now (the worker's), read after every step. */
  readonly pendingValues: () => number;
  readonly maxNodes?: number;
}

/** Recent closed blocks kept for the dashboard. */
const BLOCK_EVENTS_MAX = 120;

export class StatementTracker implements ValidatorObserver {
  private readonly nodes = new Map<string, TrackedNode>();
  private readonly maxNodes: number;
  readonly startedMs: number;
  lastBlockMs: number | undefined;
  /** Since when values have been pending without interruption. */
  pendingSinceMs: number | undefined;
  readonly blocks: BlockEvent[] = [];
  /** Transaction fetches in flight, by request id (the worker bounds how many it starts). */
  readonly fetches = new Map<number, { peer: string; txs: number; sinceMs: number }>();

  constructor(private readonly o: StatementTrackerOptions) {
    this.maxNodes = o.maxNodes ?? ADMIN_LIMITS.trackedNodesMax;
    this.startedMs = o.nowMs();
    for (const p of o.peers) this.heard(p, this.startedMs);
  }

  /** The nodes heard of, by responder id (read-only use). */
  get tracked(): ReadonlyMap<string, Readonly<TrackedNode>> {
    return this.nodes;
  }

  observeInput(input: ValidatorInput): void {
    const now = this.o.nowMs();
    if (input.kind === "consensus-msg") {
      const v = input.verified;
      this.heard(v.fromResponderId, now);
      this.statement(v.msg.scpMsg, v.msg.prevBlockId, now, v.fromResponderId);
    } else if (input.kind === "heard-from") this.heard(input.peer, now);
    else if (input.kind === "fetch-result") this.fetches.delete(input.id);
    else if (input.kind === "latest-msg-result" && input.outcome === "empty")
      this.heard(input.peer, now);
  }

  observeActions(actions: readonly ValidatorAction[]): void {
    const now = this.o.nowMs();
    for (const a of actions) {
      if (a.kind === "persist-statement") this.own(a.payload, now);
      else if (a.kind === "externalized") this.closed(a, now);
      else if (a.kind === "fetch-txs")
        this.fetches.set(a.id, { peer: a.peer, txs: a.txHashes.length, sinceMs: now });
    }
    const pending = this.o.pendingValues();
    if (pending === 0) this.pendingSinceMs = undefined;
    else this.pendingSinceMs ??= now;
  }

  private own(payload: Uint8Array, now: number): void {
    try {
      const signed = decodeConsensusMsgPayload(payload);
      this.statement(signed.scpMsg, signed.prevBlockId, now, this.o.local);
    } catch {
      // Our own encoding; a failure here is not the operator view's to report.
    }
  }

  private closed(a: Extract<ValidatorAction, { kind: "externalized" }>, now: number): void {
    this.lastBlockMs = now;
    this.blocks.push({ slot: a.slot, atMs: now, txCount: a.txCount, latenciesMs: a.latenciesMs });
    if (this.blocks.length > BLOCK_EVENTS_MAX) this.blocks.shift();
  }

  private heard(id: string, now: number): void {
    const e = this.entry(id);
    if (e !== undefined) e.lastHeardMs = now;
  }

  /** A statement issued by `msg.sender`; news from a node counts as hearing from it. */
  private statement(msg: ScpMessage, prevBlockId: Uint8Array, now: number, from: string): void {
    const e = this.entry(msg.sender.id);
    if (e === undefined) return;
    const old = e.latest;
    const news =
      old === undefined ||
      msg.slot > old.slot ||
      (msg.slot === old.slot && isNewer(msg.topic, old.topic));
    if (!news) return;
    e.latest = msg;
    e.latestAtMs = now;
    if (from !== this.o.local) e.lastHeardMs = now;
    const ours = this.o.blockIdAt(msg.slot - 1);
    e.wrongChain = ours !== undefined && !bytesEqual(ours, prevBlockId);
  }

  private entry(id: string): TrackedNode | undefined {
    let e = this.nodes.get(id);
    if (e === undefined) {
      if (this.nodes.size >= this.maxNodes) return undefined;
      e = { lastHeardMs: undefined, latest: undefined, latestAtMs: undefined, wrongChain: false };
      this.nodes.set(id, e);
    }
    return e;
  }
}
