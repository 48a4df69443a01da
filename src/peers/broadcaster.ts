import type { NodeId } from "../scp/index.js";
import { assert, BoundedQueue, type RandomSource, toHex } from "../util/index.js";
import type { VerifiedConsensusMsg } from "./consensus-msg.js";
import { PEERS_LIMITS, retryDelaysMs } from "./limits.js";
import { LruSet } from "./lru.js";
import { decodeTxProposeAad, encodeTxProposeAad } from "./wire.js";

/**
 * The broadcaster (MobileCoin `ThreadedBroadcaster`, peers/src/threaded_broadcaster{,_retry}.rs),
 * sans I/O: per peer a FIFO of consensus messages and transaction proposals with one call in
 * flight. Each item carries a deadline (queued + `maxMessageAgeMs`); a failed attempt is retried
 * after the Fibonacci schedule with jitter, up to `retryMaxAttempts`; a full queue drops its oldest
 * item (a later SCP statement supersedes an earlier one). A message or transaction already
 * broadcast is not broadcast again (LRU of `seenMessages` / `seenTxs`), and nothing is sent to the
 * issuer or origin or back to the peer it came from.
 */

export interface BroadcastPeer {
  readonly responderId: string;
  /** `broadcast-consensus-msgs` (default true): false means fetch-only, never sent to. */
  readonly broadcast?: boolean;
  /** `consensus-relay-incoming-txs`: transactions whose origin is this peer are relayed onward. */
  readonly relayIncomingTxs?: boolean;
}

export interface BroadcasterOptions {
  /** This node, with its message-signing key (the `relayed_by` of the AADs it writes). */
  readonly local: NodeId;
  readonly peers: readonly BroadcastPeer[];
  /** Jitter of retry delays. */
  readonly random: RandomSource;
  readonly queueCapacity?: number;
  readonly retryDelaysMs?: readonly number[];
  readonly maxMessageAgeMs?: number;
  readonly seenMessages?: number;
  readonly seenTxs?: number;
}

export type BroadcastAction =
  | {
      readonly kind: "send-consensus-msg";
      readonly peer: string;
      readonly id: number;
      readonly fromResponderId: string;
      readonly payload: Uint8Array;
    }
  | {
      /** Have the enclave encrypt the transaction for `peer` with `aad`, then `PeerTxPropose`. */
      readonly kind: "propose-tx";
      readonly peer: string;
      readonly id: number;
      readonly txHash: Uint8Array;
      readonly aad: Uint8Array;
    };

export type BroadcastInput =
  | {
      readonly kind: "consensus-msg";
      /** The `peer-message` digest: the de-duplication key. */
      readonly digest: Uint8Array;
      readonly payload: Uint8Array;
      readonly issuer: string;
      /** The peer that relayed it to us (our own id for messages we issue). */
      readonly receivedFrom: string;
    }
  | {
      readonly kind: "tx";
      readonly txHash: Uint8Array;
      /** `TxProposeAAD.origin_node` as received, or this node for client transactions. */
      readonly originNode: NodeId;
      /** `TxProposeAAD.relayed_by` as received, absent for client transactions. */
      readonly relayedBy?: string;
    }
  /** The driver's report on an action: done, or failed (`retryable` for transport/attestation errors). */
  | {
      readonly kind: "result";
      readonly peer: string;
      readonly id: number;
      readonly ok: boolean;
      readonly retryable?: boolean;
    };

export interface BroadcasterStats {
  duplicates: number;
  queueFullDrops: number;
  expired: number;
  failed: number;
  sent: number;
  txNotRelayed: number;
}

type Item =
  | { kind: "msg"; payload: Uint8Array; deadline: number; attempts: number }
  | { kind: "tx"; txHash: Uint8Array; aad: Uint8Array; deadline: number; attempts: number };

interface PeerState {
  readonly queue: BoundedQueue<Item>;
  inFlight: { id: number; item: Item } | undefined;
  /** An item waiting for its retry time. */
  retry: { at: number; item: Item } | undefined;
}

export class Broadcaster {
  readonly stats: BroadcasterStats = {
    duplicates: 0,
    queueFullDrops: 0,
    expired: 0,
    failed: 0,
    sent: 0,
    txNotRelayed: 0,
  };
  private readonly local: NodeId;
  private readonly peers = new Map<string, PeerState>();
  private readonly relayFrom: ReadonlySet<string>;
  private readonly random: RandomSource;
  private readonly delays: readonly number[];
  private readonly maxAgeMs: number;
  private readonly seenMsgs: LruSet;
  private readonly seenTxs: LruSet;
  private nextId = 1;

  constructor(o: BroadcasterOptions) {
    this.local = o.local;
    this.random = o.random;
    this.delays = o.retryDelaysMs ?? retryDelaysMs();
    this.maxAgeMs = o.maxMessageAgeMs ?? PEERS_LIMITS.maxMessageAgeMs;
    this.seenMsgs = new LruSet(o.seenMessages ?? PEERS_LIMITS.seenMessages);
    this.seenTxs = new LruSet(o.seenTxs ?? PEERS_LIMITS.seenTxs);
    const capacity = o.queueCapacity ?? PEERS_LIMITS.peerQueueCapacity;
    for (const p of o.peers)
      if (p.broadcast !== false && p.responderId !== o.local.id)
        this.peers.set(p.responderId, {
          queue: new BoundedQueue<Item>(capacity),
          inFlight: undefined,
          retry: undefined,
        });
    this.relayFrom = new Set(o.peers.filter((p) => p.relayIncomingTxs).map((p) => p.responderId));
  }

  handle(input: BroadcastInput, nowMs: number): BroadcastAction[] {
    switch (input.kind) {
      case "consensus-msg":
        this.enqueueMsg(input, nowMs);
        break;
      case "tx":
        this.enqueueTx(input, nowMs);
        break;
      case "result":
        this.onResult(input.peer, input.id, input.ok, input.retryable === true, nowMs);
        break;
    }
    return this.tick(nowMs);
  }

  /** Start what is due: the next item of every idle peer, retries whose time has come. */
  tick(nowMs: number): BroadcastAction[] {
    const out: BroadcastAction[] = [];
    for (const [peer, s] of this.peers) {
      if (s.inFlight !== undefined && nowMs > s.inFlight.item.deadline) {
        // The call outlived its item: give up on it so the peer's queue moves on.
        this.stats.expired++;
        s.inFlight = undefined;
      }
      if (s.inFlight !== undefined) continue;
      const item = this.nextItem(s, nowMs);
      if (item === undefined) continue;
      const id = this.nextId++;
      s.inFlight = { id, item };
      item.attempts++;
      out.push(this.action(peer, id, item));
    }
    return out;
  }

  /** The earliest time `tick` has something to do, or null. */
  nextDeadlineMs(): number | null {
    let next: number | null = null;
    const consider = (t: number) => {
      if (next === null || t < next) next = t;
    };
    for (const s of this.peers.values()) {
      if (s.inFlight !== undefined) consider(s.inFlight.item.deadline + 1);
      else if (s.retry !== undefined) consider(s.retry.at);
    }
    return next;
  }

  /** Items waiting or in flight for `peer` (for metrics and tests). */
  pending(peer: string): number {
    const s = this.peers.get(peer);
    if (s === undefined) return 0;
    return s.queue.length + (s.inFlight ? 1 : 0) + (s.retry ? 1 : 0);
  }

  /** Would a transaction from this origin be relayed (`consensus-relay-incoming-txs`)? */
  relaysTxsFrom(originResponderId: string): boolean {
    return originResponderId === this.local.id || this.relayFrom.has(originResponderId);
  }

  private enqueueMsg(m: Extract<BroadcastInput, { kind: "consensus-msg" }>, nowMs: number): void {
    const key = toHex(m.digest);
    if (this.seenMsgs.touch(key)) {
      this.stats.duplicates++;
      return;
    }
    this.seenMsgs.add(key);
    for (const [peer, s] of this.peers) {
      if (peer === m.issuer || peer === m.receivedFrom) continue;
      this.push(s, {
        kind: "msg",
        payload: m.payload,
        deadline: nowMs + this.maxAgeMs,
        attempts: 0,
      });
    }
  }

  private enqueueTx(t: Extract<BroadcastInput, { kind: "tx" }>, nowMs: number): void {
    const origin = t.originNode.id;
    if (!this.relaysTxsFrom(origin)) {
      this.stats.txNotRelayed++;
      return;
    }
    const key = toHex(t.txHash);
    if (this.seenTxs.touch(key)) {
      this.stats.duplicates++;
      return;
    }
    this.seenTxs.add(key);
    const relayedBy = t.relayedBy ?? this.local.id;
    // The AAD names us as the relayer, whoever handed the transaction to us (connection.rs).
    const aad = encodeTxProposeAad({ originNode: t.originNode, relayedBy: this.local.id });
    for (const [peer, s] of this.peers) {
      if (peer === origin || peer === relayedBy) continue;
      this.push(s, {
        kind: "tx",
        txHash: t.txHash,
        aad,
        deadline: nowMs + this.maxAgeMs,
        attempts: 0,
      });
    }
  }

  private push(s: PeerState, item: Item): void {
    if (s.queue.isFull()) {
      s.queue.shift();
      this.stats.queueFullDrops++;
    }
    s.queue.push(item);
  }

  private nextItem(s: PeerState, nowMs: number): Item | undefined {
    if (s.retry !== undefined) {
      if (s.retry.at > nowMs) return undefined;
      const item = s.retry.item;
      s.retry = undefined;
      if (nowMs <= item.deadline) return item;
      this.stats.expired++;
    }
    for (let item = s.queue.shift(); item !== undefined; item = s.queue.shift()) {
      if (nowMs <= item.deadline) return item;
      this.stats.expired++;
    }
    return undefined;
  }

  private onResult(peer: string, id: number, ok: boolean, retryable: boolean, nowMs: number): void {
    const s = this.peers.get(peer);
    if (s?.inFlight === undefined || s.inFlight.id !== id) return; // late report of an abandoned call
    const item = s.inFlight.item;
    s.inFlight = undefined;
    if (ok) {
      this.stats.sent++;
      return;
    }
    const delay = this.delays[item.attempts - 1];
    if (!retryable || delay === undefined) {
      this.stats.failed++;
      return;
    }
    assert(s.retry === undefined, "one retry at a time per peer");
    s.retry = { at: nowMs + this.jitter(delay), item };
  }

  /** The `retry` crate's jitter: the delay scaled by a uniform factor in [0, 1), rounded up. */
  private jitter(delayMs: number): number {
    const b = this.random.fillBytes(new Uint8Array(4));
    const u =
      (((b[0] as number) << 24) |
        ((b[1] as number) << 16) |
        ((b[2] as number) << 8) |
        (b[3] as number)) >>>
      0;
    return Math.ceil((delayMs * u) / 0x1_0000_0000);
  }

  private action(peer: string, id: number, item: Item): BroadcastAction {
    return item.kind === "msg"
      ? {
          kind: "send-consensus-msg",
          peer,
          id,
          fromResponderId: this.local.id,
          payload: item.payload,
        }
      : { kind: "propose-tx", peer, id, txHash: item.txHash, aad: item.aad };
  }
}

/** The broadcaster input that relays a verified message onward (to all but its issuer and relayer). */
export function relayInput(
  verified: VerifiedConsensusMsg,
  payload: Uint8Array,
): Extract<BroadcastInput, { kind: "consensus-msg" }> {
  return {
    kind: "consensus-msg",
    digest: verified.digest,
    payload,
    issuer: verified.msg.scpMsg.sender.id,
    receivedFrom: verified.fromResponderId,
  };
}

/**
 * The broadcaster input for a transaction: from a client (`aad` undefined: this node is the origin)
 * or from a peer's `PeerTxPropose` with its CBOR `TxProposeAAD`. MobileCoin treats an undecodable
 * AAD as "no origin" and then relays the transaction as if a client had sent it to this node; here
 * it is refused (the decoder's `PeersError`) so that a peer cannot have its transactions flooded onward.
 */
export function txRelayInput(
  local: NodeId,
  txHash: Uint8Array,
  aad: Uint8Array | undefined,
): Extract<BroadcastInput, { kind: "tx" }> {
  if (aad === undefined) return { kind: "tx", txHash, originNode: local };
  const decoded = decodeTxProposeAad(aad); // throws a PeersError for anything else
  return { kind: "tx", txHash, originNode: decoded.originNode, relayedBy: decoded.relayedBy };
}
