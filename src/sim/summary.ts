import type { Json } from "../scp/index.js";
import type { AgreementChecker, LivenessChecker } from "./checkers.js";
import type { InvariantChecker } from "./invariants.js";
import type { SimOptions } from "./options.js";
import type { TopologyKind } from "./topology.js";

/** The result of `sim --json` (SPEC §4.3): every key and its order are pinned. */
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

/** What the summary is built from: the checkers, the network's and the harness's counts. */
export interface SummaryInputs<D> {
  options: SimOptions;
  honest: readonly string[];
  byzantine: string[];
  /** Honest nodes down at the end. */
  crashed: string[];
  agreement: AgreementChecker<D>;
  liveness: LivenessChecker<D>;
  invariants: InvariantChecker | undefined;
  traffic: { sent: number; delivered: number; dropped: number };
  /** Statements the honest engines refused. */
  rejected: number;
  syncs: number;
  virtualMs: number;
}

/**
 * The last slot the checks cover: the requested slots, or in the total-values workload the
 * highest slot any honest node decided.
 */
export function lastCheckedSlot<D>(
  options: SimOptions,
  agreement: AgreementChecker<D>,
  honest: readonly string[],
): number {
  return options.totalValues === undefined ? options.slots : agreement.highestSlot(honest);
}

export function buildSummary<D>(x: SummaryInputs<D>): SimResult {
  const o = x.options;
  const lastSlot = lastCheckedSlot(o, x.agreement, x.honest);
  const disagreements = x.agreement.disagreements(x.honest, lastSlot);
  const liveNodes = x.honest.filter((id) => !x.crashed.includes(id));
  const minDecided = x.liveness.slotsDecidedMin(liveNodes, lastSlot);
  const valuesMin = x.liveness.itemsDecidedMin(liveNodes);
  const total = o.totalValues;
  return {
    seed: o.seed,
    topology: o.topology,
    nodes: o.nodes,
    slots: o.slots,
    agreement: disagreements.length === 0,
    live: total === undefined ? minDecided >= o.slots : valuesMin >= total,
    slots_decided_min: minDecided,
    virtual_ms: x.virtualMs,
    messages_sent: x.traffic.sent,
    digest: x.agreement.digest(x.honest, lastSlot),
    messages_delivered: x.traffic.delivered,
    messages_dropped: x.traffic.dropped,
    messages_rejected: x.rejected,
    byzantine: x.byzantine,
    crashed: x.crashed,
    syncs: x.syncs,
    disagreements,
    values_decided_min: valuesMin,
    invariant_violations: x.invariants?.violations ?? [],
    statements_checked: x.invariants?.statementsChecked ?? 0,
    slots_decided_max: lastSlot,
  };
}

/** The summary as the trace's last record. */
export function summaryRecord(result: SimResult): { event: string } & Record<string, Json> {
  return { event: "summary", ...(result as unknown as Record<string, Json>) };
}
