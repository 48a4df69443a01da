import { Registry } from "prom-client";
import type { Validator, ValidatorAction, ValidatorInput } from "../consensus/index.js";
import type { Phase } from "../scp/index.js";
import { BoundedLabel, grpcMethodLabel, grpcStatusCodeLabel, PeerLabel } from "./metric-labels.js";
import {
  CONSENSUS_SCP_COUNTER_OPS,
  CONSENSUS_SCP_GAUGE_OPS,
  type ConsensusScpCounterOp,
  type ConsensusScpDurationOp,
  type ConsensusScpGaugeOp,
  createFamilies,
  type Families,
} from "./metrics-families.js";
import {
  PEER_CONNECTION_STATES,
  type PeerConnectionState,
  type PeerLinkEvent,
  PeerLinks,
} from "./peer-links.js";
import type { ValidatorObserver } from "./validator-observer.js";

export { PEER_CONNECTION_STATES, type PeerConnectionState };

/** MobileCoin's `cur_slot_phase` values (byzantine_ledger/worker.rs `update_current_slot_metrics`). */
export const SLOT_PHASE_VALUE: Readonly<Record<Phase, number>> = {
  NominatePrepare: 2,
  Prepare: 3,
  Commit: 4,
  Externalize: 5,
};

export type PeerDirection = "in" | "out";
export type RejectSource = "peer" | "client";
/** The client calls MobileCoin counts as `<kind>_initiated` on entry and `<kind>` on return. */
export type ProposeKind = "add_tx" | "propose_mint_config_tx" | "propose_mint_tx";

export interface NodeMetricsOptions {
  /** Responder ids of the configured peers; only these get their own label. */
  readonly peers: readonly string[];
  /** The ledger directory: the `db_path` label of `ledger_db_*`. */
  readonly ledgerPath: string;
  /** Wall clock in ms, for the timestamp gauges (`prev_slot_ended_at`, last heard). */
  readonly nowMs: () => number;
}

/** The current slot as `Slot.snapshot()` gives it (x voted, y accepted, z confirmed nominated). */
export interface SlotView {
  readonly phase: Phase;
  readonly round: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly b?: { readonly n: number };
}

export interface SampleLedger {
  numBlocks(): bigint;
  numTxOuts(): bigint;
  diskBytes?(): number | undefined;
}

export type SampleValidator = Pick<Validator, "worker" | "broadcaster">;

/**
 * The node's Prometheus metrics (names in metrics-families.ts). The runtime calls the hooks as
 * things happen and `sample` periodically for gauges; `text()` serves admin `GetPrometheusMetrics`
 * and HTTP `/metrics`. Every label taken from outside is bounded (observability-limits.ts).
 */
export class NodeMetrics implements ValidatorObserver {
  readonly registry = new Registry();
  private readonly f: Families;
  private readonly peerLabel: PeerLabel;
  private readonly reasons = new BoundedLabel();
  private readonly methods = new BoundedLabel();
  private readonly outcomes = new BoundedLabel();
  private readonly lastStats = new Map<string, number>();
  private externalizedSinceSample = false;
  private readonly txosByBlock = new Map<bigint, number>();
  private readonly links = new PeerLinks();

  constructor(private readonly o: NodeMetricsOptions) {
    this.f = createFamilies(this.registry);
    this.peerLabel = new PeerLabel(o.peers);
    for (const op of CONSENSUS_SCP_COUNTER_OPS) this.f.scp.inc({ op }, 0);
    for (const op of CONSENSUS_SCP_GAUGE_OPS) this.f.scpGauge.set({ op }, 0);
    for (const op of ["blocks_written_count", "txo_written_count"])
      this.f.ledgerCounter.inc({ op, db_path: o.ledgerPath }, 0);
    for (const peer of o.peers) {
      this.peerState(peer, "connecting");
      this.f.peerFetchFailures.inc({ remote_responder_id: this.peerLabel.of(peer) }, 0);
    }
  }

  /** Prometheus text exposition of this node's registry. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  count(op: ConsensusScpCounterOp, by = 1): void {
    this.f.scp.inc({ op }, by);
  }

  gauge(op: ConsensusScpGaugeOp, value: number): void {
    this.f.scpGauge.set({ op }, value);
  }

  duration(op: ConsensusScpDurationOp, seconds: number): void {
    this.f.scpDuration.observe({ op }, seconds);
  }

  /** `ClientTxPropose` and the mint calls: `phase` "initiated" on entry, "done" on return. */
  proposeCall(kind: ProposeKind, phase: "initiated" | "done"): void {
    this.count(phase === "initiated" ? `${kind}_initiated` : kind);
  }

  /**
   * A transaction refused by validation (`consensus_service_tx_validation_errors{err}`): `reason` is
   * the `TransactionValidationError` / `ProposeTxResult` name (e.g. `ContainsSpentKeyImage`), as
   * MobileCoin labels it.
   */
  txRejected(reason: string): void {
    this.f.txValidationErrors.inc({ err: this.reasons.of(reason) });
  }

  /** What the validator asked the runtime to do. */
  observeActions(actions: readonly ValidatorAction[]): void {
    this.links.onActions(actions);
    for (const a of actions) {
      if (a.kind === "externalized") this.externalized(a.slot, a.txCount, a.latenciesMs);
      else if (a.kind === "sync-ledger") this.count("catchup_initiated");
      else if (a.kind === "append-block")
        this.txosByBlock.set(a.data.block.index, a.data.contents.outputs.length);
    }
  }

  /**
   * What the runtime fed the validator. Verified consensus messages count here as `in`/`ok` from
   * their relayer (and as heard from it), so the runtime must not count them again with
   * `peerMessage`; it calls `peerMessage`/`rejected` for what never reaches the validator.
   */
  observeInput(input: ValidatorInput): void {
    for (const event of this.links.onInput(input)) this.onLinkEvent(event);
    switch (input.kind) {
      case "consensus-msg":
        this.peerMessage(input.verified.fromResponderId, "in", "ok");
        break;
      case "heard-from":
        this.heardFrom(input.peer);
        break;
      case "latest-msg-result":
        if (input.outcome === "empty") this.heardFrom(input.peer);
        break;
      case "broadcast-result":
        this.peerMessage(input.peer, "out", input.ok ? "ok" : "failed");
        break;
      case "appended":
        this.appended(input.index);
        break;
      default:
        break;
    }
  }

  /** A message to or from `peer`; an accepted incoming one also counts as hearing from it. */
  peerMessage(peer: string, direction: PeerDirection, outcome: string): void {
    const id = this.peerLabel.of(peer);
    const o = this.outcomes.of(outcome);
    this.f.peerMessages.inc({ remote_responder_id: id, direction, outcome: o });
    if (direction === "in" && outcome === "ok") this.heardFrom(peer);
  }

  peerState(peer: string, state: PeerConnectionState): void {
    const id = this.peerLabel.of(peer);
    for (const s of PEER_CONNECTION_STATES)
      this.f.peerState.set({ remote_responder_id: id, state: s }, s === state ? 1 : 0);
  }

  broadcastQueueDepth(peer: string, n: number): void {
    this.f.peerQueueDepth.set({ remote_responder_id: this.peerLabel.of(peer) }, n);
  }

  txFetchFailure(peer: string): void {
    this.f.peerFetchFailures.inc({ remote_responder_id: this.peerLabel.of(peer) });
  }

  /** Bad input counted and dropped; with `peer`, also under that peer's rejects. */
  rejected(source: RejectSource, method: string, reason: string, peer?: string): void {
    const r = this.reasons.of(reason);
    this.f.rejected.inc({ source, method: this.methods.of(grpcMethodLabel(method)), reason: r });
    if (peer !== undefined)
      this.f.peerRejects.inc({ remote_responder_id: this.peerLabel.of(peer), reason: r });
  }

  /** One finished gRPC call: `method` as a path (`/pkg.Service/Method`), `code` a gRPC status number. */
  grpcCall(method: string, code: number, seconds: number): void {
    const m = this.methods.of(grpcMethodLabel(method));
    this.f.numReq.inc({ method: m });
    this.f.duration.observe({ method: m }, seconds);
    this.f.numError.inc({ method: m }, code === 0 ? 0 : 1);
    this.f.numStatusCode.inc({ method: m, status_code: grpcStatusCodeLabel(code) });
  }

  /** Queue sizes the driver owns (MobileCoin's network queue and byzantine-ledger queue). */
  queueSize(
    op: "consensus_msgs_from_network_queue_size" | "byzantine_ledger_msg_queue_size",
    n: number,
  ): void {
    this.gauge(op, n);
  }

  /** Seconds since the Unix epoch of the attestation evidence in use. */
  attestationEvidence(timestampSeconds: number): void {
    this.count("attestation_initiated");
    this.gauge("enclave_attestation_evidence_timestamp", timestampSeconds);
  }

  /** A block appended in `seconds` (`ledger_db_duration{op=append_block}`). */
  appendTime(seconds: number): void {
    this.f.ledgerDuration.observe({ op: "append_block", db_path: this.o.ledgerPath }, seconds);
  }

  /** Gauges read from the node's state; `slot` is the current slot's snapshot when available. */
  sample(validator: SampleValidator, ledger: SampleLedger, slot?: SlotView): void {
    const w = validator.worker;
    this.gauge("cur_slot_num", w.currentSlot);
    this.gauge("cur_num_pending_values", w.pending.length);
    this.gauge("tx_cache_num_entries", w.txs.size);
    this.f.waitingMsgs.set(w.waitingMessages);
    if (this.externalizedSinceSample) this.gauge("prev_num_pending_values", w.pending.length);
    this.externalizedSinceSample = false;
    if (slot !== undefined) this.sampleSlot(slot);
    for (const peer of this.peerLabel.configured)
      this.broadcastQueueDepth(peer, validator.broadcaster.pending(peer));
    this.sampleLedger(ledger);
    this.sampleStats(w.stats, "");
    this.sampleStats(validator.broadcaster.stats, "broadcast_");
  }

  private sampleSlot(slot: SlotView): void {
    this.gauge("cur_slot_phase", SLOT_PHASE_VALUE[slot.phase]);
    this.gauge("cur_slot_num_voted_nominated", slot.x);
    this.gauge("cur_slot_num_accepted_nominated", slot.y);
    this.gauge("cur_slot_num_confirmed_nominated", slot.z);
    this.gauge("cur_slot_nomination_round", slot.round);
    this.gauge("cur_slot_ballot_counter", slot.b?.n ?? 0);
  }

  private sampleLedger(ledger: SampleLedger): void {
    const db_path = this.o.ledgerPath;
    this.f.ledgerGauge.set({ op: "num_blocks", db_path }, Number(ledger.numBlocks()));
    this.f.ledgerGauge.set({ op: "num_txos", db_path }, Number(ledger.numTxOuts()));
    const bytes = ledger.diskBytes?.();
    if (bytes !== undefined) this.f.ledgerGauge.set({ op: "db_file_size", db_path }, bytes);
  }

  /** Publish a core's cumulative counters as increments since the last sample. */
  private sampleStats(stats: object, prefix: string): void {
    for (const [key, value] of Object.entries(stats)) {
      if (typeof value !== "number") continue;
      const event = prefix + snakeCase(key);
      const delta = value - (this.lastStats.get(event) ?? 0);
      this.lastStats.set(event, value);
      if (delta <= 0) continue;
      this.f.events.inc({ event }, delta);
      if (event === "msgs_wrong_chain")
        this.count("scp_messages_dropped_due_to_invalid_prev_block_id", delta);
    }
  }

  private externalized(slot: number, txCount: number, latenciesMs: readonly number[]): void {
    this.count("tx_externalized_count", txCount);
    for (const ms of latenciesMs) this.f.pendingValueTime.observe(ms / 1000);
    this.gauge("prev_slot_number", slot);
    this.gauge("prev_slot_ended_at", this.o.nowMs());
    this.gauge("prev_slot_num_ext_vals", txCount);
    this.externalizedSinceSample = true;
  }

  private appended(index: bigint): void {
    const db_path = this.o.ledgerPath;
    this.f.ledgerCounter.inc({ op: "blocks_written_count", db_path });
    const txos = this.txosByBlock.get(index);
    this.txosByBlock.delete(index);
    if (txos !== undefined) this.f.ledgerCounter.inc({ op: "txo_written_count", db_path }, txos);
    // An append that never reported back must not pin its entry.
    for (const k of this.txosByBlock.keys()) if (k < index) this.txosByBlock.delete(k);
  }

  private onLinkEvent(event: PeerLinkEvent): void {
    if (event.kind === "state") this.peerState(event.peer, event.state);
    else this.txFetchFailure(event.peer);
  }

  /** The node is closing: every peer link is `closed`. */
  closePeers(): void {
    for (const peer of this.o.peers) this.peerState(peer, "closed");
  }

  private heardFrom(peer: string): void {
    this.f.peerLastHeard.set({ remote_responder_id: this.peerLabel.of(peer) }, this.o.nowMs());
  }
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
