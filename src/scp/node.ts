import type { ScpConfig } from "./config.js";
import { ScpError, type ScpErrorCode } from "./errors.js";
import { copyValue, MessageIntake } from "./intake.js";
import { SCP_LIMITS } from "./limits.js";
import { isNewer, type ScpMessage, validateMessage } from "./message.js";
import { mobilecoinPriorityHash, type PriorityHash } from "./priority.js";
import { type QuorumSet, validateQuorumSet } from "./quorum-set.js";
import { Slot, type SlotOutput } from "./slot.js";
import type { NodeId, Value, ValueList } from "./values.js";

/**
 * The multi-slot SCP node (MobileCoin's `ScpNode`), sans I/O: one current slot, a few retained
 * externalized slots that still answer lagging peers, and a bounded buffer of messages for the next
 * few slots (the host-side buffer MobileCoin keeps; without it a node one message behind stalls).
 * The node advances to the next slot when the current one externalizes.
 */
export interface ScpNodeOptions {
  readonly local: NodeId;
  readonly quorumSet: QuorumSet;
  readonly validity?: (value: Value) => boolean;
  readonly combine: (values: ValueList) => ValueList;
  readonly priorityHash?: PriorityHash;
  readonly baseRoundIntervalMs?: number;
  readonly baseBallotIntervalMs?: number;
  readonly nodeById?: (id: string) => NodeId;
  /** Externalized slots kept to answer peers (default 1, as MobileCoin). */
  readonly retainedSlots?: number;
  /** First slot to run (default 1: slot 0 is the origin block). */
  readonly startSlot?: number;
  /** Least time between two answers to peers still working on a retained slot (default: the ballot base). */
  readonly answerIntervalMs?: number;
}

/** The result of one input to the node. */
export interface NodeOutput {
  /** Messages to broadcast, at most one per slot touched. */
  readonly messages: ScpMessage[];
  /** Slots decided by this input, in order. */
  readonly externalized: { slot: number; values: ValueList }[];
  /** The earliest time `processTimeouts` should be called, or null. */
  readonly wakeAtMs: number | null;
}

/** Counters of what the node dropped, by reason. */
export interface NodeStats {
  rejected: Partial<Record<ScpErrorCode, number>>;
  stale: number;
  buffered: number;
}

export class ScpNode {
  readonly config: ScpConfig;
  private readonly retained: number;
  private current: Slot;
  private readonly done = new Map<number, Slot>();
  private readonly future = new Map<number, Map<string, ScpMessage>>();
  private bufferedCount = 0;
  private readonly answeredAt = new Map<number, number>();
  private readonly answerIntervalMs: number;
  /** Private frozen copies of everything handed in (see `MessageIntake`). */
  private readonly intake = new MessageIntake();
  readonly stats: NodeStats = { rejected: {}, stale: 0, buffered: 0 };

  constructor(options: ScpNodeOptions) {
    validateQuorumSet(options.quorumSet, { allowEmpty: true });
    const byId = new Map<string, NodeId>();
    this.config = {
      local: options.local,
      quorumSet: options.quorumSet,
      validity: options.validity ?? (() => true),
      combine: options.combine,
      priorityHash: options.priorityHash ?? mobilecoinPriorityHash,
      baseRoundIntervalMs: options.baseRoundIntervalMs ?? 1000,
      baseBallotIntervalMs: options.baseBallotIntervalMs ?? 1000,
      nodeById:
        options.nodeById ??
        ((id) => {
          let n = byId.get(id);
          if (n === undefined) {
            n = { id };
            byId.set(id, n);
          }
          return n;
        }),
    };
    this.retained = Math.max(1, Math.min(options.retainedSlots ?? 1, SCP_LIMITS.maxRetainedSlots));
    this.answerIntervalMs = options.answerIntervalMs ?? this.config.baseBallotIntervalMs;
    this.current = new Slot(options.startSlot ?? 1, this.config);
  }

  /** The slot being decided. */
  get currentSlotIndex(): number {
    return this.current.index;
  }

  /** The current slot's state machine (read-only use: tests, metrics, debug dumps). */
  get currentSlot(): Slot {
    return this.current;
  }

  /** A retained or current slot. */
  slot(index: number): Slot | undefined {
    return index === this.current.index ? this.current : this.done.get(index);
  }

  /** Values of a retained externalized slot. */
  externalizedValues(index: number): ValueList | undefined {
    return this.done.get(index)?.externalizedValue();
  }

  /** Propose values for the current slot (copied: the caller may reuse its arrays). */
  propose(values: ValueList, now: number): NodeOutput {
    const out = newOutput();
    const copies: Value[] = [];
    for (const v of values) {
      try {
        copies.push(copyValue(v));
      } catch {
        this.count("PROPOSAL_REJECTED");
      }
    }
    this.collect(this.current, this.current.propose(copies, now), out, now);
    return this.finish(out);
  }

  /** Handle peer messages for any slot: current and retained slots process them, near-future ones are buffered. */
  handleMessages(messages: readonly ScpMessage[], now: number): NodeOutput {
    const out = newOutput();
    const bySlot = new Map<number, ScpMessage[]>();
    for (const raw of messages) {
      let msg: ScpMessage;
      try {
        msg = this.intake.copy(raw, (id) => this.current.tracks(id));
      } catch (error) {
        this.count(error instanceof ScpError ? error.code : "MSG_MALFORMED");
        continue;
      }
      const slot = slotOf(msg);
      if (slot === this.current.index || this.done.has(slot)) {
        const list = bySlot.get(slot);
        if (list) list.push(msg);
        else bySlot.set(slot, [msg]);
      } else if (
        slot > this.current.index &&
        slot <= this.current.index + SCP_LIMITS.maxFutureSlots
      ) {
        this.buffer(msg);
      } else if (!Number.isSafeInteger(slot) || slot < 0) {
        this.count("MSG_MALFORMED");
      } else if (slot < this.current.index) {
        this.stats.stale += 1;
      } else {
        this.count("MSG_SLOT_OUT_OF_RANGE");
      }
    }
    for (const [index, list] of [...bySlot].sort((a, b) => a[0] - b[0])) {
      const slot = this.slot(index);
      if (slot === undefined) continue;
      const before = out.messages.length;
      this.collect(slot, slot.handleMessages(list, now), out, now);
      if (slot !== this.current && out.messages.length === before)
        this.answerLaggards(slot, list, now, out);
    }
    return this.finish(out);
  }

  /** Fire the current slot's expired timers. */
  processTimeouts(now: number): NodeOutput {
    const out = newOutput();
    this.collect(this.current, this.current.processTimeouts(now), out, now);
    return this.finish(out);
  }

  /** Earliest armed timer of the current slot. */
  nextDeadline(): number | null {
    return this.current.nextDeadline();
  }

  /** The latest message sent for the current slot and the retained ones (for re-broadcast and pulls). */
  latestMessages(): ScpMessage[] {
    const out: ScpMessage[] = [];
    const newestDone =
      this.done.size > 0 ? this.done.get(Math.max(...this.done.keys())) : undefined;
    for (const s of [newestDone, this.current]) {
      const m = s?.latestMessage();
      if (m) out.push(m);
    }
    return out;
  }

  /**
   * A peer still working on a slot we decided hears our final statement for it again (at most
   * once per `answerIntervalMs` per slot): duplicate suppression and re-broadcast of only the
   * newest slots would otherwise leave it waiting for statements nobody repeats.
   */
  private answerLaggards(
    slot: Slot,
    list: readonly ScpMessage[],
    now: number,
    out: NodeOutputMut,
  ): void {
    if (
      !list.some((m) => m?.topic?.type !== "Externalize" && m?.sender?.id !== this.config.local.id)
    )
      return;
    const last = this.answeredAt.get(slot.index);
    if (last !== undefined && now - last < this.answerIntervalMs) return;
    const m = slot.latestMessage();
    if (m === undefined) return;
    this.answeredAt.set(slot.index, now);
    for (const k of this.answeredAt.keys()) if (!this.done.has(k)) this.answeredAt.delete(k);
    out.messages.push(m);
  }

  /** Jump to `index` after the host synced the ledger (drops current and retained slots). */
  resetSlotIndex(index: number): void {
    const known = this.current.peerQuorumSets();
    this.done.clear();
    this.current = new Slot(index, this.config, known);
    for (const s of [...this.future.keys()]) {
      if (s < index) {
        this.bufferedCount -= this.future.get(s)?.size ?? 0;
        this.future.delete(s);
      }
    }
  }

  /**
   * After a restart, restore the current slot from this node's own last statement for it (the
   * host persists it before sending). Statements for other slots are ignored.
   */
  restore(raw: ScpMessage, now: number): NodeOutput {
    const out = newOutput();
    let own: ScpMessage;
    try {
      own = new MessageIntake().copy(raw);
    } catch (error) {
      this.count(error instanceof ScpError ? error.code : "MSG_MALFORMED");
      return this.finish(out);
    }
    if (slotOf(own) === this.current.index)
      this.collect(this.current, this.current.restore(own, now), out, now);
    return this.finish(out);
  }

  /** After `resetSlotIndex`, hand over the buffered messages of the new current slot. */
  drainBuffered(now: number): NodeOutput {
    const out = newOutput();
    this.feedBuffered(out, now);
    return this.finish(out);
  }

  private buffer(msg: ScpMessage): void {
    try {
      validateMessage(msg);
    } catch (error) {
      this.count(error instanceof ScpError ? error.code : "MSG_MALFORMED");
      return;
    }
    if (msg.sender.id === this.config.local.id) {
      this.count("MSG_FROM_SELF");
      return;
    }
    // Strangers must not fill the buffer that peers one slot ahead depend on.
    if (!this.current.tracks(msg.sender.id)) {
      this.count("MSG_SENDER_NOT_IN_QUORUM");
      return;
    }
    let perSlot = this.future.get(msg.slot);
    if (perSlot === undefined) {
      perSlot = new Map();
      this.future.set(msg.slot, perSlot);
    }
    const stored = perSlot.get(msg.sender.id);
    if (stored !== undefined) {
      if (isNewer(msg.topic, stored.topic)) perSlot.set(msg.sender.id, msg);
      else this.stats.stale += 1;
      return;
    }
    if (this.bufferedCount >= SCP_LIMITS.maxBufferedMessages) {
      this.count("MSG_BUFFER_FULL");
      return;
    }
    perSlot.set(msg.sender.id, msg);
    this.bufferedCount += 1;
    this.stats.buffered += 1;
  }

  private collect(slot: Slot, result: SlotOutput, out: NodeOutputMut, now: number): void {
    for (const e of result.rejected) this.count(e.code);
    this.stats.stale += result.stale;
    if (result.message) out.messages.push(result.message);
    if (result.externalized && slot === this.current) {
      out.externalized.push({ slot: slot.index, values: result.externalized });
      this.advanceSlot(out, now);
    }
  }

  private advanceSlot(out: NodeOutputMut, now: number): void {
    this.done.set(this.current.index, this.current);
    // Our Externalize was just broadcast: answering peers starts one interval later.
    this.answeredAt.set(this.current.index, now);
    while (this.done.size > this.retained) {
      const oldest = Math.min(...this.done.keys());
      this.done.delete(oldest);
    }
    this.current = new Slot(this.current.index + 1, this.config, this.current.peerQuorumSets());
    this.feedBuffered(out, now);
  }

  private feedBuffered(out: NodeOutputMut, now: number): void {
    for (const s of [...this.future.keys()]) {
      if (s < this.current.index) {
        this.bufferedCount -= this.future.get(s)?.size ?? 0;
        this.future.delete(s);
      }
    }
    const pending = this.future.get(this.current.index);
    if (pending === undefined) return;
    this.future.delete(this.current.index);
    this.bufferedCount -= pending.size;
    const slot = this.current;
    this.collect(slot, slot.handleMessages([...pending.values()], now), out, now);
  }

  private count(code: ScpErrorCode): void {
    this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
  }

  private finish(out: NodeOutputMut): NodeOutput {
    return {
      messages: out.messages,
      externalized: out.externalized,
      wakeAtMs: this.nextDeadline(),
    };
  }
}

interface NodeOutputMut {
  messages: ScpMessage[];
  externalized: { slot: number; values: ValueList }[];
}

/** A message's slot index, or NaN when it cannot be read (a hostile getter throws, say). */
function slotOf(msg: ScpMessage): number {
  try {
    const slot: unknown = msg?.slot;
    return typeof slot === "number" ? slot : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function newOutput(): NodeOutputMut {
  return { messages: [], externalized: [] };
}
