import {
  mobilecoinPriorityHash,
  type PriorityHash,
  type QuorumSet,
  RebroadcastingNode,
  type ScpMessage,
  ScpNode,
  sortedCombine,
  type Value,
  type ValueList,
} from "../scp/index.js";
import type { SeededRandom } from "../util/index.js";
import type { ByzantineKind, SimCast, SimOptions } from "./options.js";
import { SplitAdversary } from "./split.js";

/**
 * The simulated nodes around their SCP engines: each node's host (an `ScpNode` behind a
 * re-broadcasting wrapper), its "disk" (the ledger and its own last statements, which survive a
 * crash) and the state the driver keeps for it (pending values, timers, progress).
 */
export interface SimNode {
  id: string;
  /** Position in the topology (the equivocating adversary picks its victims by it). */
  index: number;
  qset: QuorumSet;
  byzantine?: ByzantineKind;
  /** Absent for `silent` and `split` nodes, which run no engine. */
  host?: RebroadcastingNode;
  split?: SplitAdversary;
  crashed: boolean;
  /** Values waiting to be proposed, by hex. */
  pending: Map<string, Value>;
  /** Decided values per slot: the node's ledger, kept across a crash. */
  ledger: (ValueList | undefined)[];
  enteredSlot: number;
  lastProgressAt: number;
  /** Wake-up times already on the event queue. */
  scheduled: Set<number>;
  /** Values handed to SCP in the current slot (capped at maxProposedValues). */
  proposedInSlot: number;
  /** The node's own latest statement per slot, "persisted" before sending (restored on restart). */
  persisted: Map<number, ScpMessage>;
  /** Distinct values externalized so far. */
  decidedValues: Set<string>;
}

/**
 * Values per block by default: the combine cap of MobileCoin's mock network
 * (`get_bounded_combine_fn(100)`), not the production `MAX_TRANSACTIONS_PER_BLOCK`.
 */
const MOCK_NETWORK_VALUES_PER_BLOCK = 100;
/** Externalized slots each simulated node keeps answering laggards from. */
const SIM_RETAINED_SLOTS = 8;
/** Own statements each honest node "persists" for a restart (its newest slots). */
const PERSISTED_SLOTS = 4;
/** Entries kept by the simulator's shared priority-hash memo before it is cleared. */
const MAX_MEMO_ENTRIES = 100_000;

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

/**
 * The nodes of a simulation, honest ones with hosts, Byzantine ones as `options.byzantineKind`
 * makes them (`split` nodes get their adversary, drawing from `byzRng`).
 */
export function createSimNodes(
  cast: SimCast,
  options: SimOptions,
  priorityHash: PriorityHash,
  byzRng: SeededRandom,
): Map<string, SimNode> {
  const nodes = new Map<string, SimNode>();
  cast.topo.ids.forEach((id, index) => {
    const qset = cast.topo.qsets.get(id) as QuorumSet;
    const byzantine = cast.byzantine.includes(id) ? options.byzantineKind : undefined;
    const n = blankNode(id, index, qset);
    if (byzantine !== undefined) n.byzantine = byzantine;
    if (byzantine !== "silent" && byzantine !== "split")
      n.host = makeHost(id, qset, options, priorityHash);
    nodes.set(id, n);
  });
  for (const id of cast.byzantine) {
    const n = nodes.get(id) as SimNode;
    if (n.byzantine === "split")
      n.split = new SplitAdversary(id, n.qset, cast.honest, byzRng.fork(id));
  }
  return nodes;
}

function blankNode(id: string, index: number, qset: QuorumSet): SimNode {
  return {
    id,
    index,
    qset,
    crashed: false,
    pending: new Map(),
    ledger: [],
    enteredSlot: 0,
    lastProgressAt: 0,
    scheduled: new Set(),
    proposedInSlot: 0,
    persisted: new Map(),
    decidedValues: new Set(),
  };
}

/** An honest node writes its newest statement per slot to "disk" before sending it. */
export function persistStatement(node: SimNode, msg: ScpMessage): void {
  node.persisted.set(msg.slot, msg);
  if (node.persisted.size > PERSISTED_SLOTS)
    node.persisted.delete(Math.min(...node.persisted.keys()));
}

/**
 * Bring a crashed honest node back: a fresh host from the slot after its ledger's decided prefix.
 * Returns that slot and the persisted statement for it, which the caller restores so that the
 * node never contradicts what it said before the crash.
 */
export function restartNode(
  node: SimNode,
  options: SimOptions,
  priorityHash: PriorityHash,
  now: number,
): { slot: number; own: ScpMessage | undefined; host: RebroadcastingNode } {
  node.crashed = false;
  const slot = decidedPrefix(node.ledger) + 1;
  const host = makeHost(node.id, node.qset, options, priorityHash, slot, now);
  node.host = host;
  node.enteredSlot = 0;
  node.lastProgressAt = now;
  node.scheduled.clear();
  return { slot, own: node.persisted.get(slot), host };
}
