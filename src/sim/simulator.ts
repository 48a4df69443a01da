import {
  type Json,
  messageToJson,
  type NodeOutput,
  type PriorityHash,
  type ScpMessage,
  type Value,
  type ValueList,
} from "../scp/index.js";
import { LIMITS, SeededRandom, toHex } from "../util/index.js";
import { forge, SPAM_INTERVAL_MS, spamMessages } from "./byzantine.js";
import { AgreementChecker, type DecisionObserver, LivenessChecker, observers } from "./checkers.js";
import { EventQueue } from "./event-queue.js";
import { InvariantChecker } from "./invariants.js";
import { syncValue } from "./ledger-sync.js";
import {
  applySync,
  createSimNodes,
  decidedPrefix,
  memoizedPriorityHash,
  persistStatement,
  restartNode,
  type SimNode,
} from "./node-harness.js";
import {
  castFor,
  optionsToJson,
  type SimCast,
  type SimOptions,
  validateOptions,
} from "./options.js";
import { PacketNetwork } from "./packet-network.js";
import { buildSummary, type SimResult, summaryRecord } from "./summary.js";
import { SlotWorkload, submissionSchedule } from "./workload.js";

/**
 * A deterministic discrete-event simulator of an SCP network: seeded PRNG, virtual time, a packet
 * network that delays, drops, duplicates, reorders and partitions, crashes and restarts, Byzantine
 * nodes, a workload, and checkers for agreement, liveness and the SCP invariants. This file is the
 * driver: it owns the event queue and turns each event into calls on the parts. Pure: the trace
 * goes to a sink the caller supplies.
 */

/** One line of a trace. */
export type TraceRecord = { event: string } & Record<string, Json>;
export type TraceSink = (record: TraceRecord) => void;

type SimEvent =
  | { kind: "deliver"; to: string }
  | { kind: "wake"; node: string }
  | { kind: "crash"; node: string }
  | { kind: "spam"; node: string }
  | { kind: "submit"; node: string; values: Value[] }
  | { kind: "restart"; node: string };

type StepOutput = Pick<NodeOutput, "messages" | "externalized" | "wakeAtMs">;

/** Events one simulation may process before it stops (a guard against a livelocked run). */
const MAX_EVENTS = 50_000_000;
/** Ledger syncs one wake-up may apply in a row (a guard; each sync moves the node one slot on). */
const MAX_SYNCS_PER_WAKE = 1000;

export function runSimulation(options: SimOptions, sink?: TraceSink): SimResult {
  validateOptions(options);
  return new ScpSimulation(options, sink).run();
}

class ScpSimulation {
  private readonly queue = new EventQueue<SimEvent>();
  private readonly net: PacketNetwork<ScpMessage>;
  private readonly cast: SimCast;
  private readonly nodes: Map<string, SimNode>;
  private readonly byzRng: SeededRandom;
  private readonly sharedHash: PriorityHash = memoizedPriorityHash();
  private readonly workload: SlotWorkload;
  private readonly agreement = new AgreementChecker<ValueList>((v) => v.map(toHex).join(","));
  private readonly liveness = new LivenessChecker<ValueList>((v) => v.map(toHex));
  private readonly decisions: DecisionObserver<ValueList>;
  private readonly invariants: InvariantChecker | undefined;
  private readonly trace: TraceSink;
  private readonly tracing: boolean;
  private readonly total: number | undefined;
  private readonly maxProposed: number;
  private readonly syncGrace: number;
  private now = 0;
  private syncs = 0;

  constructor(
    private readonly options: SimOptions,
    sink: TraceSink | undefined,
  ) {
    const rng = new SeededRandom(options.seed);
    this.byzRng = rng.fork("byzantine");
    this.net = new PacketNetwork<ScpMessage>(
      {
        loss: options.loss,
        duplicate: options.duplicate,
        delayMinMs: options.delayMinMs,
        delayMaxMs: options.delayMaxMs,
        faultsEndMs: options.faultsEndMs ?? Number.POSITIVE_INFINITY,
        partitions: options.partitions,
        tickMs: Math.max(1, options.tickMs ?? 10),
      },
      rng.fork("network"),
      (to, at) => this.queue.push(at, { kind: "deliver", to }),
    );
    this.cast = castFor(options);
    this.tracing = sink !== undefined;
    this.trace = sink ?? (() => {});
    this.trace({ event: "header", version: 1, options: optionsToJson(options) });
    this.nodes = createSimNodes(this.cast, options, this.sharedHash, this.byzRng);
    this.workload = new SlotWorkload(this.cast.honest, options.valuesPerSlot, rng);
    this.total = options.totalValues;
    this.maxProposed = options.maxProposedValues ?? LIMITS.pendingValuesToNominateMax;
    this.syncGrace = options.syncGraceMs ?? options.baseTimeoutMs * 5;
    if (options.checkInvariants === true)
      this.invariants = new InvariantChecker((node, slot) => this.agreement.keyAt(node, slot));
    this.decisions = observers<ValueList>(this.agreement, this.liveness);
    this.scheduleInputs(rng);
  }

  /** Crashes, restarts, submissions and spam, queued in this order (ties run in queue order). */
  private scheduleInputs(rng: SeededRandom): void {
    const o = this.options;
    for (const c of o.crashes) this.queue.push(c.atMs, { kind: "crash", node: c.node });
    for (const r of o.restarts ?? []) this.queue.push(r.atMs, { kind: "restart", node: r.node });
    if (this.total !== undefined)
      for (const s of submissionSchedule(o, this.total, this.cast.honest, rng.fork("submissions")))
        this.queue.push(s.at, { kind: "submit", node: s.node, values: s.values });
    for (const id of this.cast.byzantine)
      if (o.byzantineKind === "spam") this.queue.push(SPAM_INTERVAL_MS, { kind: "spam", node: id });
  }

  run(): SimResult {
    for (const id of this.cast.topo.ids) this.enterSlot(this.node(id));
    const queue = this.queue;
    let events = 0;
    while (queue.size > 0 && events++ < MAX_EVENTS) {
      const t = queue.peekTime() as number;
      if (t > this.options.timeLimitMs) break;
      if (this.allDone()) break;
      const ev = (queue.pop() as { at: number; item: SimEvent }).item;
      this.now = t;
      this.dispatch(ev);
    }
    return this.summarize();
  }

  private dispatch(ev: SimEvent): void {
    switch (ev.kind) {
      case "crash":
        this.onCrash(this.node(ev.node));
        break;
      case "restart":
        this.onRestart(this.node(ev.node));
        break;
      case "submit":
        this.onSubmit(this.node(ev.node), ev.values);
        break;
      case "deliver":
        this.onDeliver(this.node(ev.to));
        break;
      case "wake":
        this.onWake(this.node(ev.node));
        break;
      case "spam":
        this.onSpam(this.node(ev.node), ev);
        break;
    }
  }

  private node(id: string): SimNode {
    return this.nodes.get(id) as SimNode;
  }

  private allDone(): boolean {
    const total = this.total;
    return this.cast.honest.every((id) => {
      const n = this.node(id);
      if (n.crashed) return true;
      return total !== undefined
        ? n.decidedValues.size >= total
        : decidedPrefix(n.ledger) >= this.options.slots;
    });
  }

  // ------------------------------------------------------------------ events

  private onCrash(n: SimNode | undefined): void {
    if (n === undefined || n.crashed) return;
    n.crashed = true;
    this.net.crash(n.id);
    this.trace({ event: "crash", node: n.id, virtual_ms: this.now });
  }

  private onRestart(n: SimNode): void {
    if (!n.crashed || n.byzantine !== undefined) return;
    const { slot, own, host } = restartNode(n, this.options, this.sharedHash, this.now);
    this.net.restart(n.id);
    // The node goes on from its persisted statement for the slot, never contradicting it.
    this.trace({
      event: "restart",
      node: n.id,
      slot,
      restore: own === undefined ? null : messageToJson(own),
      virtual_ms: this.now,
    });
    this.schedule(n, host.nextDeadline());
    if (own !== undefined) this.apply(n, host.node.restore(own, this.now));
    this.enterSlot(n);
  }

  private onSubmit(n: SimNode, values: readonly Value[]): void {
    if (this.tracing)
      this.trace({ event: "submit", node: n.id, values: values.map(toHex), virtual_ms: this.now });
    for (const v of values) if (!n.decidedValues.has(toHex(v))) n.pending.set(toHex(v), v);
    if (!n.crashed) this.proposePending(n);
  }

  private onDeliver(n: SimNode): void {
    const t = this.now;
    if (n.host === undefined && n.split === undefined) {
      this.net.discard(n.id, t);
      return;
    }
    const due = this.net.take(n.id, t);
    if (n.split !== undefined) {
      const heard = due.filter((d) => d.payload?.sender?.id === d.from).map((d) => d.payload);
      for (const { to, msg } of n.split.react(heard)) this.net.send(n.id, to, msg, t);
      return;
    }
    if (n.host === undefined || due.length === 0) return;
    // The transport authenticates senders: a message claiming another sender is dropped here.
    const authentic: ScpMessage[] = [];
    for (const d of due) if (d.payload?.sender?.id === d.from) authentic.push(d.payload);
    this.net.count(authentic.length, due.length - authentic.length);
    if (authentic.length === 0) return;
    if (this.tracing && n.byzantine === undefined)
      this.trace({
        event: "deliver",
        node: n.id,
        virtual_ms: t,
        messages: authentic.map(safeJson),
      });
    this.apply(n, n.host.handleMessages(authentic, t));
  }

  private onWake(n: SimNode): void {
    const now = this.now;
    n.scheduled.delete(now);
    if (n.crashed || n.host === undefined) return;
    if (n.host.nextDeadline() > now) {
      this.schedule(n, n.host.nextDeadline());
      return;
    }
    if (n.byzantine === undefined) this.trace({ event: "timeout", node: n.id, virtual_ms: now });
    this.apply(n, n.host.processTimeouts(now));
    this.trySync(n);
  }

  private onSpam(n: SimNode, ev: SimEvent): void {
    if (n.crashed) return;
    const ids = this.cast.topo.ids;
    for (const to of ids) {
      if (to === n.id) continue;
      const slot = this.node(to).host?.node.currentSlotIndex ?? 1;
      for (const junk of spamMessages(n, slot, ids, this.byzRng))
        this.net.send(n.id, to, junk, this.now);
    }
    this.queue.push(this.now + SPAM_INTERVAL_MS, ev);
  }

  // ------------------------------------------------------------------ node steps

  /** Act on one step of a node's engine: check it, record decisions, send, re-arm its timer. */
  private apply(node: SimNode, out: StepOutput): void {
    const honest = node.byzantine === undefined;
    if (this.invariants !== undefined && honest)
      this.invariants.step(node.id, node.qset.threshold !== 0, out, node.host?.node, this.now);
    for (const e of out.externalized) {
      this.decide(node, e.slot, e.values);
      if (this.tracing && honest)
        this.trace({
          event: "externalize",
          node: node.id,
          slot: e.slot,
          value: e.values.map(toHex),
          virtual_ms: this.now,
        });
    }
    this.broadcast(node, out.messages);
    this.schedule(node, out.wakeAtMs);
    if (out.externalized.length > 0) this.enterSlot(node);
  }

  /** A node decided `values` for `slot` (by SCP or by ledger sync): its ledger and the checkers. */
  private decide(node: SimNode, slot: number, values: ValueList): void {
    node.ledger[slot] = values;
    node.lastProgressAt = this.now;
    for (const v of values) {
      node.pending.delete(toHex(v));
      node.decidedValues.add(toHex(v));
    }
    if (node.byzantine === undefined) this.decisions.decided(node.id, slot, values);
  }

  private broadcast(node: SimNode, msgs: readonly ScpMessage[]): void {
    const honest = node.byzantine === undefined;
    const equivocate = node.byzantine === "equivocate";
    for (const msg of msgs) {
      if (this.tracing && honest)
        this.trace({
          event: "send",
          node: node.id,
          virtual_ms: this.now,
          message: messageToJson(msg),
        });
      if (honest) persistStatement(node, msg);
      for (const to of this.cast.topo.ids) {
        if (to === node.id) continue;
        const out = equivocate ? forge(msg, this.node(to).index, this.byzRng) : msg;
        this.net.send(node.id, to, out, this.now);
      }
    }
  }

  private schedule(node: SimNode, wakeAt: number | null): void {
    if (wakeAt === null || node.scheduled.has(wakeAt)) return;
    node.scheduled.add(wakeAt);
    this.queue.push(Math.max(wakeAt, this.now), { kind: "wake", node: node.id });
  }

  private enterSlot(node: SimNode): void {
    const host = node.host;
    if (host === undefined || node.crashed) return;
    const slot = host.node.currentSlotIndex;
    if (slot <= node.enteredSlot) return;
    node.enteredSlot = slot;
    if (node.byzantine !== undefined) {
      // Faulty nodes push values nobody else proposed.
      if (slot <= this.options.slots)
        this.apply(node, host.propose([this.byzRng.bytes(16)], this.now));
      return;
    }
    node.proposedInSlot = 0;
    if (this.total === undefined && slot <= this.options.slots)
      for (const v of this.workload.valuesFor(slot, node.id)) node.pending.set(toHex(v), v);
    this.proposePending(node);
  }

  private proposePending(node: SimNode): void {
    const host = node.host;
    if (host === undefined || node.crashed || node.pending.size === 0) return;
    const room = this.maxProposed - node.proposedInSlot;
    if (room <= 0) return;
    const values = [...node.pending.values()].slice(0, room);
    node.proposedInSlot += values.length;
    const slot = host.node.currentSlotIndex;
    if (this.tracing)
      this.trace({
        event: "propose",
        node: node.id,
        slot,
        values: values.map(toHex),
        virtual_ms: this.now,
      });
    this.apply(node, host.propose(values, this.now));
  }

  /** The simulated ledger sync: a node stuck for the grace period adopts what its quorum decided. */
  private trySync(node: SimNode): void {
    const host = node.host;
    if (host === undefined || node.byzantine !== undefined || this.options.sync === false) return;
    if (this.now - node.lastProgressAt < this.syncGrace) return;
    const view = {
      honest: this.cast.honest,
      nodes: this.nodes,
      qsetOf: (id: string) => this.cast.topo.qsets.get(id),
      separated: (a: string, b: string) => this.net.separated(a, b, this.now),
    };
    for (let guard = 0; guard < MAX_SYNCS_PER_WAKE; guard++) {
      const slot = host.node.currentSlotIndex;
      const value = syncValue(view, node, slot);
      if (value === undefined) return;
      this.syncs += 1;
      this.decide(node, slot, value);
      const hex = value.map(toHex);
      this.trace({ event: "sync", node: node.id, slot, value: hex, virtual_ms: this.now });
      this.trace({ event: "externalize", node: node.id, slot, value: hex, virtual_ms: this.now });
      this.apply(node, applySync(host, slot, this.now));
      this.enterSlot(node);
    }
  }

  private summarize(): SimResult {
    const honest = this.cast.honest;
    let rejected = 0;
    for (const id of honest) {
      const r = this.node(id).host?.node.stats.rejected ?? {};
      for (const v of Object.values(r)) rejected += v ?? 0;
    }
    const result = buildSummary({
      options: this.options,
      honest,
      byzantine: this.cast.byzantine,
      crashed: honest.filter((id) => this.node(id).crashed),
      agreement: this.agreement,
      liveness: this.liveness,
      invariants: this.invariants,
      traffic: this.net.stats,
      rejected,
      syncs: this.syncs,
      virtualMs: this.now,
    });
    this.trace(summaryRecord(result));
    return result;
  }
}

function safeJson(m: ScpMessage): Json {
  try {
    return messageToJson(m);
  } catch {
    return null;
  }
}
