import type { Json } from "../scp/index.js";
import { LIMITS, SeededRandom } from "../util/index.js";
import { SimError } from "./errors.js";
import type { Partition } from "./packet-network.js";
import { buildTopology, TOPOLOGY_KINDS, type Topology, type TopologyKind } from "./topology.js";

/** The options of an SCP network simulation, their defaults, validation and trace encoding. */
export type ByzantineKind = "equivocate" | "silent" | "spam" | "split";
export const BYZANTINE_KINDS: readonly ByzantineKind[] = ["equivocate", "silent", "spam", "split"];

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

/** The simulated network's nodes: quorum sets, and which are Byzantine (the last K) or honest. */
export interface SimCast {
  topo: Topology;
  byzantine: string[];
  honest: string[];
}

/** The topology a simulation runs on; the live run and its replay draw it identically. */
export function castFor(options: SimOptions): SimCast {
  const ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const byzantine = ids.slice(ids.length - options.byzantine);
  const topo = buildTopology(
    {
      kind: options.topology,
      nodes: options.nodes,
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(options.orgs !== undefined ? { orgs: options.orgs } : {}),
      ...(options.perOrg !== undefined ? { perOrg: options.perOrg } : {}),
      faulty: byzantine,
    },
    new SeededRandom(options.seed).fork("topology"),
  );
  const honest = topo.ids.filter((id) => !byzantine.includes(id));
  return { topo, byzantine, honest };
}

export function validateOptions(o: SimOptions): void {
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

/** Read the options back from a trace header. */
export function optionsFromJson(j: unknown): SimOptions {
  if (typeof j !== "object" || j === null)
    throw new SimError("BAD_TRACE", "header without options");
  const o = j as Record<string, Json | undefined>;
  const num = (k: string): number => {
    const v = o[k];
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new SimError("BAD_TRACE", `header option ${k} must be a number`);
    return v;
  };
  const topology = o.topology as TopologyKind;
  if (!TOPOLOGY_KINDS.includes(topology))
    throw new SimError("BAD_TRACE", "header has an unknown topology");
  const byzantineKind = o.byzantineKind as ByzantineKind;
  if (!BYZANTINE_KINDS.includes(byzantineKind))
    throw new SimError("BAD_TRACE", "header has an unknown Byzantine kind");
  if (typeof o.seed !== "string") throw new SimError("BAD_TRACE", "header seed must be a string");
  const options: SimOptions = {
    topology,
    nodes: num("nodes"),
    slots: num("slots"),
    valuesPerSlot: num("valuesPerSlot"),
    loss: num("loss"),
    duplicate: num("duplicate"),
    delayMinMs: num("delayMinMs"),
    delayMaxMs: num("delayMaxMs"),
    byzantine: num("byzantine"),
    byzantineKind,
    crashes: [],
    partitions: [],
    baseTimeoutMs: num("baseTimeoutMs"),
    timeLimitMs: num("timeLimitMs"),
    seed: o.seed,
  };
  for (const k of OPTIONAL_NUMERIC_OPTIONS) if (o[k] !== undefined) options[k] = num(k);
  if (o.sync === false) options.sync = false;
  return options;
}
