import { sha256 } from "../crypto/index.js";
import {
  type Ballot,
  compareBallots,
  INF,
  type Json,
  maximalQuorum,
  messageToJson,
  mobilecoinPriorityHash,
  type PriorityHash,
  type QuorumSet,
  RebroadcastingNode,
  SCP_LIMITS,
  type ScpMessage,
  ScpNode,
  sortedCombine,
  type Topic,
  type Value,
  type ValueList,
  validateMessage,
} from "../scp/index.js";
import { LIMITS, SeededRandom, toHex, utf8 } from "../util/index.js";
import { SimError } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import { SplitAdversary } from "./split.js";
import { buildTopology, type Topology, type TopologyKind } from "./topology.js";

/**
 * A deterministic discrete-event simulator of an SCP network: seeded PRNG, virtual time, a network
 * that delays, drops, duplicates, reorders and partitions, crashes, Byzantine nodes, and checkers
 * for agreement and liveness. Pure: the trace goes to a sink the caller supplies.
 */
export type ByzantineKind = "equivocate" | "silent" | "spam" | "split";
export const BYZANTINE_KINDS: readonly ByzantineKind[] = ["equivocate", "silent", "spam", "split"];

export interface Partition {
  /** Groups that cannot talk to each other; nodes not listed form one more group. */
  groups: string[][];
  startMs: number;
  endMs: number;
}

export interface SimOptions {
  topology: TopologyKind;
  nodes: number;
  threshold?: number;
  orgs?: number;
  perOrg?: number;
  slots: number;
  valuesPerSlot: number;
  loss: number;
  duplicate: number;
  delayMinMs: number;
  delayMaxMs: number;
  byzantine: number;
  byzantineKind: ByzantineKind;
  crashes: { node: string; atMs: number }[];
  partitions: Partition[];
  baseTimeoutMs: number;
  timeLimitMs: number;
  seed: string;
  /** Re-broadcast the latest messages after this much silence (loss tolerance). Default: the base timeout. */
  rebroadcastMs?: number;
  /** Loss and duplication apply only before this time (for "liveness once faults stop"). */
  faultsEndMs?: number;
  /** How long a node must be stuck before it syncs decided slots from its peers' ledgers. */
  syncGraceMs?: number;
  /** Values each node proposes per slot at most (MobileCoin's MAX_PENDING_VALUES_TO_NOMINATE). */
  maxProposedValues?: number;
  /** Values per block (the combine cap). */
  maxValuesPerBlock?: number;
  /**
   * A node handles its incoming messages in one batch per tick (MobileCoin's worker loop ticks
   * every 10 ms). Deliveries are rounded up to the next tick. Default 10; 1 means every ms.
   */
  tickMs?: number;
  /**
   * Instead of per-slot batches, submit this many values in total (MobileCoin's mock-network
   * workload) and run until every live honest node has externalized all of them.
   */
  totalValues?: number;
  /** Values submitted per virtual ms in the total-values workload (default 20). */
  submitRatePerMs?: number;
  /** Where submissions go: every honest node, one random honest node, or a named node (default all). */
  submitTo?: "all" | "random" | string;
  /** Nodes forward submitted values to every other node after a network delay (default true). */
  gossip?: boolean;
  /** Check every honest statement and the slot invariants after every step (slower). */
  checkInvariants?: boolean;
  /** Crashed nodes restarting at a virtual time, with their ledger and their last statement per slot. */
  restarts?: { node: string; atMs: number }[];
  /** The simulated ledger sync (see `syncs` in the result); false leaves liveness to SCP alone. */
  sync?: boolean;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  topology: "mesh",
  nodes: 4,
  slots: 10,
  valuesPerSlot: 4,
  loss: 0,
  duplicate: 0,
  delayMinMs: 5,
  delayMaxMs: 50,
  byzantine: 0,
  byzantineKind: "equivocate",
  crashes: [],
  partitions: [],
  baseTimeoutMs: 1000,
  timeLimitMs: 600_000,
  seed: "1",
};

export interface SimResult {
  seed: string;
  topology: TopologyKind;
  nodes: number;
  slots: number;
  agreement: boolean;
  live: boolean;
  slots_decided_min: number;
  virtual_ms: number;
  messages_sent: number;
  digest: string;
  messages_delivered: number;
  messages_dropped: number;
  messages_rejected: number;
  byzantine: string[];
  crashed: string[];
  /** Slots honest nodes took from their peers' ledgers (the simulated ledger sync) rather than decided by SCP. */
  syncs: number;
  disagreements: { slot: number; nodes: string[] }[];
  /** Fewest distinct values any live honest node externalized. */
  values_decided_min: number;
  /** Highest slot any honest node decided (the per-slot workload caps it at `slots`). */
  slots_decided_max: number;
  /** With `checkInvariants`: invalid statements emitted or slot invariants broken (first 20). */
  invariant_violations: string[];
  /** With `checkInvariants`: honest statements checked (0 otherwise). */
  statements_checked: number;
}

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

interface SimNode {
  id: string;
  index: number;
  qset: QuorumSet;
  byzantine?: ByzantineKind;
  host?: RebroadcastingNode;
  split?: SplitAdversary;
  crashed: boolean;
  pending: Map<string, Value>;
  ledger: (ValueList | undefined)[];
  enteredSlot: number;
  lastProgressAt: number;
  scheduled: Set<number>;
  /** Messages due at a virtual time, with their transport-level senders. */
  inbox: Map<number, { from: string; msg: ScpMessage }[]>;
  /** Values handed to SCP in the current slot (capped at maxProposedValues). */
  proposedInSlot: number;
  /** The node's own latest statement per slot, "persisted" before sending (restored on restart). */
  persisted: Map<number, ScpMessage>;
  /** Distinct values externalized so far. */
  decidedValues: Set<string>;
}

/** How often a `spam` node sends its junk, virtual ms. */
const SPAM_INTERVAL_MS = 250;
/** Events one simulation may process before it stops (a guard against a livelocked run). */
const MAX_EVENTS = 50_000_000;
/**
 * Values per block by default: the combine cap of MobileCoin's mock network
 * (`get_bounded_combine_fn(100)`), not the production `MAX_TRANSACTIONS_PER_BLOCK`.
 */
const MOCK_NETWORK_VALUES_PER_BLOCK = 100;
/** Externalized slots each simulated node keeps answering laggards from. */
const SIM_RETAINED_SLOTS = 8;
/** Own statements each honest node "persists" for a restart (its newest slots). */
const PERSISTED_SLOTS = 4;

/** Build the per-node SCP hosts the simulator and its replay use (identical construction). */
export function makeHost(
  id: string,
  qset: QuorumSet,
  options: SimOptions,
  priorityHash: PriorityHash = mobilecoinPriorityHash,
  startSlot = 1,
  now = 0,
): RebroadcastingNode {
  const node = new ScpNode({
    local: { id },
    quorumSet: qset,
    combine: sortedCombine(options.maxValuesPerBlock ?? MOCK_NETWORK_VALUES_PER_BLOCK),
    baseRoundIntervalMs: options.baseTimeoutMs,
    baseBallotIntervalMs: options.baseTimeoutMs,
    retainedSlots: SIM_RETAINED_SLOTS,
    priorityHash,
    startSlot,
  });
  return new RebroadcastingNode(node, options.rebroadcastMs ?? options.baseTimeoutMs, now);
}

/** Host-side ledger sync: the node adopts a decided slot and moves past it. Used by sim and replay. */
export function applySync(
  host: RebroadcastingNode,
  slot: number,
  now: number,
): ReturnType<ScpNode["drainBuffered"]> {
  host.node.resetSlotIndex(slot + 1);
  return host.node.drainBuffered(now);
}

export function runSimulation(options: SimOptions, sink?: TraceSink): SimResult {
  validateOptions(options);
  const rng = new SeededRandom(options.seed);
  const netRng = rng.fork("network");
  const byzRng = rng.fork("byzantine");
  const ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const byzIds = ids.slice(ids.length - options.byzantine);
  const topo: Topology = buildTopology(
    {
      kind: options.topology,
      nodes: options.nodes,
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(options.orgs !== undefined ? { orgs: options.orgs } : {}),
      ...(options.perOrg !== undefined ? { perOrg: options.perOrg } : {}),
      faulty: byzIds,
    },
    rng.fork("topology"),
  );
  const tracing = sink !== undefined;
  const checking = options.checkInvariants === true;
  const trace = sink ?? (() => {});
  trace({ event: "header", version: 1, options: optionsToJson(options) });

  const nodes = new Map<string, SimNode>();
  const sharedHash = memoizedPriorityHash();
  topo.ids.forEach((id, index) => {
    const qset = topo.qsets.get(id) as QuorumSet;
    const byzantine = byzIds.includes(id) ? options.byzantineKind : undefined;
    const n: SimNode = {
      id,
      index,
      qset,
      crashed: false,
      pending: new Map(),
      ledger: [],
      enteredSlot: 0,
      lastProgressAt: 0,
      scheduled: new Set(),
      inbox: new Map(),
      proposedInSlot: 0,
      persisted: new Map(),
      decidedValues: new Set(),
    };
    if (byzantine !== undefined) n.byzantine = byzantine;
    if (byzantine !== "silent" && byzantine !== "split")
      n.host = makeHost(id, qset, options, sharedHash);
    nodes.set(id, n);
  });
  const honest = topo.ids.filter((id) => !byzIds.includes(id));
  for (const id of byzIds) {
    const n = nodes.get(id) as SimNode;
    if (n.byzantine === "split") n.split = new SplitAdversary(id, n.qset, honest, byzRng.fork(id));
  }
  const queue = new EventQueue<SimEvent>();
  const faultsEnd = options.faultsEndMs ?? Number.POSITIVE_INFINITY;
  const syncGrace = options.syncGraceMs ?? options.baseTimeoutMs * 5;
  const maxProposed = options.maxProposedValues ?? LIMITS.pendingValuesToNominateMax;
  let now = 0;
  let sent = 0;
  let delivered = 0;
  let dropped = 0;
  let syncs = 0;
  const batches = new Map<number, Map<string, Value[]>>();

  for (const c of options.crashes) queue.push(c.atMs, { kind: "crash", node: c.node });
  for (const r of options.restarts ?? []) queue.push(r.atMs, { kind: "restart", node: r.node });
  const total = options.totalValues;
  if (total !== undefined) {
    const r = rng.fork("submissions");
    const rate = Math.max(1, options.submitRatePerMs ?? 20);
    const gossip = options.gossip ?? true;
    for (let i = 0; i < total; i += rate) {
      const at = i / rate;
      const values = Array.from({ length: Math.min(rate, total - i) }, () => r.bytes(16));
      const to = options.submitTo ?? "all";
      const first = to === "all" ? honest : [to === "random" ? r.pick(honest) : to];
      for (const id of first) queue.push(at, { kind: "submit", node: id, values });
      if (to !== "all" && gossip) {
        for (const id of honest) {
          if (first.includes(id)) continue;
          const delay = options.delayMinMs + r.nextInt(options.delayMaxMs - options.delayMinMs + 1);
          queue.push(at + delay, { kind: "submit", node: id, values });
        }
      }
    }
  }
  for (const id of byzIds)
    if (options.byzantineKind === "spam") queue.push(SPAM_INTERVAL_MS, { kind: "spam", node: id });

  const batchFor = (slot: number): Map<string, Value[]> => {
    let b = batches.get(slot);
    if (b !== undefined) return b;
    const r = rng.fork(`batch-${slot}`);
    b = new Map(honest.map((id) => [id, [] as Value[]]));
    const vals = Array.from({ length: options.valuesPerSlot }, () => r.bytes(16));
    for (const v of vals) for (const id of honest) if (r.chance(0.5)) b.get(id)?.push(v);
    for (const id of honest) {
      const mine = b.get(id) as Value[];
      if (mine.length === 0 && vals.length > 0) mine.push(r.pick(vals));
    }
    batches.set(slot, b);
    return b;
  };

  const partitioned = (a: string, b: string, t: number): boolean => {
    for (const p of options.partitions) {
      if (t < p.startMs || t >= p.endMs) continue;
      const ga = p.groups.findIndex((g) => g.includes(a));
      const gb = p.groups.findIndex((g) => g.includes(b));
      if (ga !== gb) return true;
    }
    return false;
  };

  const send = (from: string, to: string, msg: ScpMessage): void => {
    sent += 1;
    if (partitioned(from, to, now)) {
      dropped += 1;
      return;
    }
    const faulty = now < faultsEnd;
    if (faulty && options.loss > 0 && netRng.chance(options.loss)) {
      dropped += 1;
      return;
    }
    const delay = () =>
      options.delayMinMs + netRng.nextInt(options.delayMaxMs - options.delayMinMs + 1);
    deliverAt(to, from, msg, now + delay());
    if (faulty && options.duplicate > 0 && netRng.chance(options.duplicate)) {
      deliverAt(to, from, msg, now + delay());
    }
  };

  const tick = Math.max(1, options.tickMs ?? 10);
  const deliverAt = (to: string, from: string, msg: ScpMessage, at: number): void => {
    const due = Math.ceil(at / tick) * tick;
    const inbox = (nodes.get(to) as SimNode).inbox;
    const list = inbox.get(due);
    if (list !== undefined) list.push({ from, msg });
    else {
      inbox.set(due, [{ from, msg }]);
      queue.push(due, { kind: "deliver", to });
    }
  };

  const broadcast = (node: SimNode, msgs: readonly ScpMessage[]): void => {
    for (const msg of msgs) {
      if (tracing && node.byzantine === undefined)
        trace({ event: "send", node: node.id, virtual_ms: now, message: messageToJson(msg) });
      if (node.byzantine === undefined) {
        node.persisted.set(msg.slot, msg);
        if (node.persisted.size > PERSISTED_SLOTS)
          node.persisted.delete(Math.min(...node.persisted.keys()));
      }
      for (const to of topo.ids) {
        if (to === node.id) continue;
        const out =
          node.byzantine === "equivocate" ? forge(msg, nodes.get(to) as SimNode, byzRng) : msg;
        send(node.id, to, out);
      }
    }
  };

  const schedule = (node: SimNode, wakeAt: number | null): void => {
    if (wakeAt === null || node.scheduled.has(wakeAt)) return;
    node.scheduled.add(wakeAt);
    queue.push(Math.max(wakeAt, now), { kind: "wake", node: node.id });
  };

  const apply = (
    node: SimNode,
    out: {
      messages: ScpMessage[];
      externalized: { slot: number; values: ValueList }[];
      wakeAtMs: number | null;
    },
  ): void => {
    if (checking && node.byzantine === undefined) checkNode(node, out);
    for (const e of out.externalized) {
      node.ledger[e.slot] = e.values;
      node.lastProgressAt = now;
      for (const v of e.values) {
        node.pending.delete(toHex(v));
        node.decidedValues.add(toHex(v));
      }
      if (tracing && node.byzantine === undefined)
        trace({
          event: "externalize",
          node: node.id,
          slot: e.slot,
          value: e.values.map(toHex),
          virtual_ms: now,
        });
    }
    broadcast(node, out.messages);
    schedule(node, out.wakeAtMs);
    if (out.externalized.length > 0) enterSlot(node);
  };

  // Section 8 of the reference: every statement an honest node emits passes the strict sanity
  // rules, and the slot invariants hold after every step.
  const violations: string[] = [];
  let statementsChecked = 0;
  const lastBallot = new Map<string, Ballot>();
  const violation = (node: SimNode, what: string): void => {
    if (violations.length < 20) violations.push(`${node.id} at ${now} ms: ${what}`);
  };
  const checkNode = (
    node: SimNode,
    out: { messages: ScpMessage[]; externalized: { slot: number; values: ValueList }[] },
  ): void => {
    // (A single node's empty quorum set is valid locally but never sent to a peer.)
    for (const m of node.qset.threshold === 0 ? [] : out.messages) {
      statementsChecked += 1;
      try {
        validateMessage(m);
      } catch (error) {
        violation(
          node,
          `emitted an invalid statement (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      // MobileCoin's Msg::validate refuses P above B (reference pitfall 6); checked here apart
      // from the engine's own assertion.
      const t = m.topic;
      const prep = t.type === "Prepare" || t.type === "NominatePrepare" ? t.prepare : undefined;
      if (prep?.p !== undefined && compareBallots(prep.p, prep.b) > 0)
        violation(node, `emitted a Prepare with P above B (slot ${m.slot})`);
    }
    for (const e of out.externalized) {
      const had = node.ledger[e.slot];
      if (had !== undefined && had.map(toHex).join() !== e.values.map(toHex).join())
        violation(node, `externalized slot ${e.slot} twice with different values`);
    }
    const slot = node.host?.node.currentSlot;
    if (slot === undefined) return;
    const st = slot.snapshot();
    const same = (a: Ballot, b: Ballot) => a.x.map(toHex).join() === b.x.map(toHex).join();
    if (st.pp && (!st.p || compareBallots(st.pp, st.p) >= 0 || same(st.pp, st.p)))
      violation(node, "p' is not below and incompatible with p");
    if (st.c && (!st.h || st.c.n > st.h.n || !same(st.c, st.h)))
      violation(node, "c is not below and compatible with h");
    if (
      (st.phase === "Commit" || st.phase === "Externalize") &&
      st.b &&
      st.h &&
      (!same(st.b, st.h) || st.pp)
    )
      violation(node, "value not frozen in Commit/Externalize");
    const key = `${node.id}/${slot.index}`;
    const prev = lastBallot.get(key);
    // The counter never goes down. (At INF a switch to the accepted-commit value may order lower:
    // stellar-core's bumpToBallot skips its "no decrease" check there too.)
    if (prev && st.b && st.b.n < prev.n && node.host?.node.currentSlotIndex === slot.index)
      violation(node, "ballot counter decreased");
    if (st.b) lastBallot.set(key, st.b);
  };

  const enterSlot = (node: SimNode): void => {
    const host = node.host;
    if (host === undefined || node.crashed) return;
    const slot = host.node.currentSlotIndex;
    if (slot <= node.enteredSlot) return;
    node.enteredSlot = slot;
    if (node.byzantine !== undefined) {
      // Faulty nodes push values nobody else proposed.
      if (slot <= options.slots) {
        const vals = [byzRng.bytes(16)];
        apply(node, host.propose(vals, now));
      }
      return;
    }
    node.proposedInSlot = 0;
    if (total === undefined && slot <= options.slots)
      for (const v of batchFor(slot).get(node.id) ?? []) node.pending.set(toHex(v), v);
    proposePending(node);
  };

  const proposePending = (node: SimNode): void => {
    const host = node.host;
    if (host === undefined || node.crashed || node.pending.size === 0) return;
    const room = maxProposed - node.proposedInSlot;
    if (room <= 0) return;
    const values = [...node.pending.values()].slice(0, room);
    node.proposedInSlot += values.length;
    const slot = host.node.currentSlotIndex;
    if (tracing)
      trace({ event: "propose", node: node.id, slot, values: values.map(toHex), virtual_ms: now });
    apply(node, host.propose(values, now));
  };

  const trySync = (node: SimNode): void => {
    const host = node.host;
    if (host === undefined || node.byzantine !== undefined || options.sync === false) return;
    if (now - node.lastProgressAt < syncGrace) return;
    for (let guard = 0; guard < 1000; guard++) {
      const slot = host.node.currentSlotIndex;
      const support = new Map<string, { value: ValueList; ids: Set<string> }>();
      for (const id of honest) {
        const other = nodes.get(id) as SimNode;
        if (id === node.id || other.crashed || partitioned(node.id, id, now)) continue;
        const v = other.ledger[slot];
        if (v === undefined) continue;
        const key = v.map(toHex).join(",");
        const entry = support.get(key) ?? { value: v, ids: new Set<string>() };
        entry.ids.add(id);
        support.set(key, entry);
      }
      // Behind means the peers that decided the slot, with this node, form a quorum: its trusted
      // slices have moved on and will not come back to the slot. (MobileCoin also asks them to be
      // v-blocking; that misses nodes whose every slice has moved on, and a v-blocking set alone
      // pulls a node out of a slot others still need it in — both found by the property test.)
      // Only honest ledgers are read, so the value is never a forgery.
      // Peers still in the slot that have accepted commit for the same value count with the
      // deciders: they are stuck the same way (each needing the other), not holding the slot back.
      const committed = (key: string): string[] =>
        honest.filter((id) => {
          const other = nodes.get(id) as SimNode;
          const cur = other.host?.node.currentSlot;
          if (id === node.id || other.crashed || cur === undefined || cur.index !== slot)
            return false;
          const c = cur.snapshot().c;
          return (
            (cur.phase === "Commit" || cur.phase === "Externalize") &&
            c !== undefined &&
            c.x.map(toHex).join(",") === key
          );
        });
      const agreed = [...support.entries()].find(([key, e]) =>
        maximalQuorum([node.id, ...e.ids, ...committed(key)], (id) => topo.qsets.get(id)).has(
          node.id,
        ),
      )?.[1];
      if (agreed === undefined) return;
      syncs += 1;
      node.ledger[slot] = agreed.value;
      for (const v of agreed.value) {
        node.pending.delete(toHex(v));
        node.decidedValues.add(toHex(v));
      }
      trace({
        event: "sync",
        node: node.id,
        slot,
        value: agreed.value.map(toHex),
        virtual_ms: now,
      });
      trace({
        event: "externalize",
        node: node.id,
        slot,
        value: agreed.value.map(toHex),
        virtual_ms: now,
      });
      const out = applySync(host, slot, now);
      node.lastProgressAt = now;
      apply(node, out);
      enterSlot(node);
    }
  };

  const allDone = (): boolean =>
    honest.every((id) => {
      const n = nodes.get(id) as SimNode;
      if (n.crashed) return true;
      return total !== undefined
        ? n.decidedValues.size >= total
        : decidedPrefix(n.ledger) >= options.slots;
    });

  for (const id of topo.ids) enterSlot(nodes.get(id) as SimNode);

  let events = 0;
  while (queue.size > 0 && events++ < MAX_EVENTS) {
    const t = queue.peekTime() as number;
    if (t > options.timeLimitMs) break;
    if (allDone()) break;
    const ev = (queue.pop() as { at: number; item: SimEvent }).item;
    now = t;
    switch (ev.kind) {
      case "crash": {
        const n = nodes.get(ev.node);
        if (n && !n.crashed) {
          n.crashed = true;
          trace({ event: "crash", node: n.id, virtual_ms: now });
        }
        break;
      }
      case "restart": {
        const n = nodes.get(ev.node) as SimNode;
        if (!n.crashed || n.byzantine !== undefined) break;
        n.crashed = false;
        const start = decidedPrefix(n.ledger) + 1;
        n.host = makeHost(n.id, n.qset, options, sharedHash, start, now);
        n.enteredSlot = 0;
        n.lastProgressAt = now;
        n.scheduled.clear();
        // The node goes on from its persisted statement for the slot, never contradicting it.
        const own = n.persisted.get(start);
        trace({
          event: "restart",
          node: n.id,
          slot: start,
          restore: own === undefined ? null : messageToJson(own),
          virtual_ms: now,
        });
        schedule(n, n.host.nextDeadline());
        if (own !== undefined) apply(n, n.host.node.restore(own, now));
        enterSlot(n);
        break;
      }
      case "submit": {
        const n = nodes.get(ev.node) as SimNode;
        if (tracing)
          trace({ event: "submit", node: n.id, values: ev.values.map(toHex), virtual_ms: now });
        for (const v of ev.values) if (!n.decidedValues.has(toHex(v))) n.pending.set(toHex(v), v);
        if (!n.crashed) proposePending(n);
        break;
      }
      case "deliver": {
        const n = nodes.get(ev.to) as SimNode;
        if (n.split !== undefined && !n.crashed) {
          const due = n.inbox.get(t) ?? [];
          n.inbox.delete(t);
          const heard = due.filter((d) => d.msg?.sender?.id === d.from).map((d) => d.msg);
          for (const { to, msg } of n.split.react(heard)) send(n.id, to, msg);
          break;
        }
        if (n.crashed || n.host === undefined) {
          dropped += n.inbox.get(t)?.length ?? 0;
          n.inbox.delete(t);
          break;
        }
        const due = n.inbox.get(t) ?? [];
        n.inbox.delete(t);
        // The transport authenticates senders: a message claiming another sender is dropped here.
        const authentic: ScpMessage[] = [];
        for (const d of due) if (d.msg?.sender?.id === d.from) authentic.push(d.msg);
        dropped += due.length - authentic.length;
        delivered += authentic.length;
        if (authentic.length === 0) break;
        if (tracing && n.byzantine === undefined)
          trace({
            event: "deliver",
            node: n.id,
            virtual_ms: now,
            messages: authentic.map(safeJson),
          });
        apply(n, n.host.handleMessages(authentic, now));
        break;
      }
      case "wake": {
        const n = nodes.get(ev.node) as SimNode;
        n.scheduled.delete(t);
        if (n.crashed || n.host === undefined) break;
        if (n.host.nextDeadline() > now) {
          schedule(n, n.host.nextDeadline());
          break;
        }
        if (n.byzantine === undefined) trace({ event: "timeout", node: n.id, virtual_ms: now });
        apply(n, n.host.processTimeouts(now));
        trySync(n);
        break;
      }
      case "spam": {
        const n = nodes.get(ev.node) as SimNode;
        if (n.crashed) break;
        for (const to of topo.ids) {
          if (to === n.id) continue;
          for (const junk of spamMessages(
            n,
            (nodes.get(to) as SimNode).host?.node.currentSlotIndex ?? 1,
            topo.ids,
            byzRng,
          )) {
            send(n.id, to, junk);
          }
        }
        queue.push(now + SPAM_INTERVAL_MS, ev);
        break;
      }
    }
  }

  return summarize();

  function summarize(): SimResult {
    const disagreements: { slot: number; nodes: string[] }[] = [];
    const lastSlot =
      total === undefined
        ? options.slots
        : Math.max(0, ...honest.map((id) => (nodes.get(id) as SimNode).ledger.length - 1));
    for (let s = 1; s <= lastSlot; s++) {
      const seen = new Map<string, string[]>();
      for (const id of honest) {
        const v = (nodes.get(id) as SimNode).ledger[s];
        if (v === undefined) continue;
        const key = v.map(toHex).join(",");
        seen.set(key, [...(seen.get(key) ?? []), id]);
      }
      if (seen.size > 1)
        disagreements.push({ slot: s, nodes: [...seen.values()].map((g) => g.join(",")) });
    }
    const liveNodes = honest.filter((id) => !(nodes.get(id) as SimNode).crashed);
    const decided = liveNodes.map((id) =>
      Math.min(lastSlot, decidedPrefix((nodes.get(id) as SimNode).ledger)),
    );
    const valuesDecided = liveNodes.map((id) => (nodes.get(id) as SimNode).decidedValues.size);
    const valuesMin = valuesDecided.length > 0 ? Math.min(...valuesDecided) : 0;
    const minDecided = decided.length > 0 ? Math.min(...decided) : 0;
    const digestText = honest
      .map((id) => {
        const l = (nodes.get(id) as SimNode).ledger;
        const parts: string[] = [id];
        for (let s = 1; s <= lastSlot; s++) parts.push(`${s}:${(l[s] ?? []).map(toHex).join(",")}`);
        return parts.join(";");
      })
      .join("\n");
    let rejected = 0;
    for (const id of honest) {
      const r = (nodes.get(id) as SimNode).host?.node.stats.rejected ?? {};
      for (const v of Object.values(r)) rejected += v ?? 0;
    }
    const result: SimResult = {
      seed: options.seed,
      topology: options.topology,
      nodes: options.nodes,
      slots: options.slots,
      agreement: disagreements.length === 0,
      live: total === undefined ? minDecided >= options.slots : valuesMin >= total,
      slots_decided_min: minDecided,
      virtual_ms: now,
      messages_sent: sent,
      digest: toHex(sha256(utf8(digestText))),
      messages_delivered: delivered,
      messages_dropped: dropped,
      messages_rejected: rejected,
      byzantine: byzIds,
      crashed: honest.filter((id) => (nodes.get(id) as SimNode).crashed),
      syncs,
      disagreements,
      values_decided_min: valuesMin,
      invariant_violations: violations,
      statements_checked: statementsChecked,
      slots_decided_max: lastSlot,
    };
    trace({ event: "summary", ...(result as unknown as Record<string, Json>) });
    return result;
  }
}

/** Entries kept by the simulator's shared priority-hash memo before it is cleared. */
const MAX_MEMO_ENTRIES = 100_000;

/**
 * MobileCoin's priority hash, memoized across the simulated nodes: the hash depends only on slot,
 * salt, round and the hashed node, so the N nodes of one simulation would otherwise compute the
 * same SHA3-256 digests N times.
 */
export function memoizedPriorityHash(): PriorityHash {
  const memo = new Map<string, bigint>();
  return (slot, salt, round, node) => {
    const key = `${slot}/${salt}/${round}/${node.id}`;
    let h = memo.get(key);
    if (h === undefined) {
      if (memo.size >= MAX_MEMO_ENTRIES) memo.clear();
      h = mobilecoinPriorityHash(slot, salt, round, node);
      memo.set(key, h);
    }
    return h;
  };
}

/** Number of consecutive decided slots starting at slot 1. */
export function decidedPrefix(ledger: readonly (ValueList | undefined)[]): number {
  let s = 1;
  while (ledger[s] !== undefined) s++;
  return s - 1;
}

function safeJson(m: ScpMessage): Json {
  try {
    return messageToJson(m);
  } catch {
    return null;
  }
}

function validateOptions(o: SimOptions): void {
  const bad = (msg: string) => new SimError("BAD_OPTION", msg);
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 200)
    throw bad("--nodes must be within 1..200");
  if (!Number.isInteger(o.slots) || o.slots < 1 || o.slots > 1_000_000)
    throw bad("--slots must be within 1..1000000");
  const maxValues = LIMITS.transactionsPerBlockMax;
  if (!Number.isInteger(o.valuesPerSlot) || o.valuesPerSlot < 1 || o.valuesPerSlot > maxValues)
    throw bad(`--values-per-slot must be within 1..${maxValues}`);
  for (const [name, p] of [
    ["loss", o.loss],
    ["duplicate", o.duplicate],
  ] as const)
    if (!(p >= 0 && p <= 1)) throw bad(`--${name} must be a probability in [0, 1]`);
  if (!(o.delayMinMs >= 0 && o.delayMaxMs >= o.delayMinMs))
    throw bad("--delay-ms must be MIN:MAX with 0 ≤ MIN ≤ MAX");
  if (!Number.isInteger(o.byzantine) || o.byzantine < 0 || o.byzantine >= o.nodes)
    throw bad("--byzantine must be within 0..nodes-1");
  if (!(o.baseTimeoutMs >= 1)) throw bad("--base-timeout-ms must be ≥ 1");
  if (!(o.timeLimitMs >= 1)) throw bad("--time-limit-ms must be ≥ 1");
  const ids = new Set(Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`));
  for (const c of o.crashes)
    if (!ids.has(c.node)) throw bad(`--crash names unknown node ${c.node}`);
  for (const p of o.partitions)
    for (const g of p.groups)
      for (const id of g) if (!ids.has(id)) throw bad(`--partition names unknown node ${id}`);
}

/** The numeric options a trace records only when set (`optionsToJson` writes, replay reads). */
export const OPTIONAL_NUMERIC_OPTIONS = [
  "threshold",
  "orgs",
  "perOrg",
  "rebroadcastMs",
  "faultsEndMs",
  "syncGraceMs",
  "maxProposedValues",
  "maxValuesPerBlock",
  "tickMs",
  "totalValues",
  "submitRatePerMs",
] as const;

export function optionsToJson(o: SimOptions): Json {
  const j: Record<string, Json> = {
    topology: o.topology,
    nodes: o.nodes,
    slots: o.slots,
    valuesPerSlot: o.valuesPerSlot,
    loss: o.loss,
    duplicate: o.duplicate,
    delayMinMs: o.delayMinMs,
    delayMaxMs: o.delayMaxMs,
    byzantine: o.byzantine,
    byzantineKind: o.byzantineKind,
    crashes: o.crashes.map((c) => ({ node: c.node, atMs: c.atMs })),
    partitions: o.partitions.map((p) => ({ groups: p.groups, startMs: p.startMs, endMs: p.endMs })),
    baseTimeoutMs: o.baseTimeoutMs,
    timeLimitMs: o.timeLimitMs,
    seed: o.seed,
  };
  for (const k of OPTIONAL_NUMERIC_OPTIONS) {
    const v = o[k];
    if (v !== undefined && Number.isFinite(v)) j[k] = v;
  }
  if (o.sync === false) j.sync = false;
  return j;
}

// ------------------------------------------------------------------ Byzantine behaviour

function fakeValue(tag: string): ValueList {
  return [sha256(utf8(`fake:${tag}`)).slice(0, 16)];
}

/** An equivocating node tells half of its peers the truth and the other half a forged statement. */
function forge(msg: ScpMessage, target: SimNode, rng: SeededRandom): ScpMessage {
  if ((target.index + msg.slot) % 2 === 0) return msg;
  const fake = fakeValue(`${msg.sender.id}/${msg.slot}/${target.index % 3}`);
  const ballot = (b: Ballot): Ballot => ({ n: b.n, x: fake });
  let topic: Topic;
  const roll = rng.nextInt(4);
  if (roll === 0) {
    topic = { type: "Externalize", externalize: { c: { n: 1, x: fake }, hn: INF } };
  } else if (roll === 1) {
    topic = { type: "Commit", commit: { b: { n: INF, x: fake }, pn: INF, cn: 1, hn: INF } };
  } else {
    const t = msg.topic;
    switch (t.type) {
      case "Nominate":
        topic = { type: "Nominate", nominate: { x: fake, y: [] } };
        break;
      case "NominatePrepare":
        topic = {
          type: "NominatePrepare",
          nominate: { x: [], y: fake },
          prepare: { b: ballot(t.prepare.b), p: ballot(t.prepare.b), cn: 0, hn: 0 },
        };
        break;
      case "Prepare":
        topic = {
          type: "Prepare",
          prepare: {
            b: ballot(t.prepare.b),
            p: ballot(t.prepare.b),
            cn: t.prepare.b.n,
            hn: t.prepare.b.n,
          },
        };
        break;
      case "Commit":
        topic = { type: "Commit", commit: { ...t.commit, b: ballot(t.commit.b) } };
        break;
      case "Externalize":
        topic = { type: "Externalize", externalize: { c: ballot(t.externalize.c), hn: INF } };
        break;
    }
  }
  return { ...msg, topic };
}

let hugeNominate: ValueList | undefined;

/** Junk a spamming node sends: malformed, oversized, forged-sender, far-future and hostile statements. */
function spamMessages(
  node: SimNode,
  slot: number,
  ids: readonly string[],
  rng: SeededRandom,
): ScpMessage[] {
  const base = { sender: { id: node.id }, slot, quorumSet: node.qset };
  const v = [rng.bytes(16)];
  hugeNominate ??= Array.from(
    { length: SCP_LIMITS.maxNominationValues + 1 },
    (_, i) => new Uint8Array([i >> 8, i & 255, 1]),
  );
  const all: ScpMessage[] = [
    { ...base, topic: { type: "Prepare", prepare: { b: { n: 0, x: v }, cn: 0, hn: 0 } } },
    {
      ...base,
      topic: {
        type: "Nominate",
        nominate: { x: [new Uint8Array([2]), new Uint8Array([1])], y: [] },
      },
    },
    { ...base, topic: { type: "Nominate", nominate: { x: hugeNominate, y: [] } } },
    {
      ...base,
      slot: slot + 2 + rng.nextInt(10),
      topic: { type: "Prepare", prepare: { b: { n: 5, x: v }, cn: 0, hn: 0 } },
    },
    {
      ...base,
      quorumSet: {
        threshold: 2,
        members: [
          { type: "Node", args: { id: "dup" } },
          { type: "Node", args: { id: "dup" } },
        ],
      },
      topic: { type: "Nominate", nominate: { x: v, y: [] } },
    },
    {
      ...base,
      sender: { id: rng.pick(ids) },
      topic: { type: "Externalize", externalize: { c: { n: 1, x: v }, hn: INF } },
    },
    {
      ...base,
      topic: {
        type: "Prepare",
        prepare: { b: { n: INF, x: v }, p: { n: INF, x: v }, cn: 1, hn: INF },
      },
    },
    { ...base, topic: { type: "Externalize", externalize: { c: { n: 5, x: v }, hn: 2 } } },
  ];
  return [rng.pick(all), rng.pick(all)];
}
