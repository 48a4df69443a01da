import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * The metric families of one node, on a registry of its own (several nodes share a test process).
 *
 * MobileCoin's names, labels and help texts (reference mobilecoin-service.md §9.1):
 * - `OpMetrics::new_and_registered("consensus_scp")` (consensus/service/src/counters.rs,
 *   util/metrics/src/op_counters.rs): `consensus_scp{op}`, `consensus_scp_gauge{op}`,
 *   `consensus_scp_duration{op}`;
 * - `consensus_service_tx_validation_errors{err}` and `pending_value_processing_time`;
 * - gRPC: `ServiceMetrics::new_and_registered("consensus_service")` records `num_req` and
 *   `duration`; util/grpc's `send_result` records `num_error` and `num_status_code` under the
 *   binary's name, `consensus_service_grpc` (util/metrics/src/service_metrics.rs);
 * - `ledger_db_counter|gauge|duration{op, db_path}` (ledger/db/src/metrics.rs).
 *
 * Ours, where MobileCoin has nothing (its consensus service has no per-peer or reject metrics):
 * every name starts with `mcts_` and per-peer families use MobileCoin's per-peer label name
 * `remote_responder_id` (OpMetrics' `*_peer_counter`).
 */
export const CONSENSUS_SCP_COUNTER_OPS = [
  "tx_externalized_count",
  "scp_messages_dropped_due_to_invalid_prev_block_id",
  "catchup_initiated",
  "attestation_initiated",
  "add_tx_initiated",
  "add_tx",
  "propose_mint_config_tx_initiated",
  "propose_mint_config_tx",
  "propose_mint_tx_initiated",
  "propose_mint_tx",
] as const;
export type ConsensusScpCounterOp = (typeof CONSENSUS_SCP_COUNTER_OPS)[number];

export const CONSENSUS_SCP_GAUGE_OPS = [
  "consensus_msgs_from_network_queue_size",
  "cur_num_pending_values",
  "cur_slot_num",
  "cur_slot_phase",
  "cur_slot_num_voted_nominated",
  "cur_slot_num_accepted_nominated",
  "cur_slot_num_confirmed_nominated",
  "cur_slot_nomination_round",
  "cur_slot_ballot_counter",
  "prev_slot_number",
  "prev_slot_ended_at",
  "prev_slot_num_ext_vals",
  "prev_num_pending_values",
  "prev_slot_num_voted_nominated",
  "prev_slot_num_accepted_nominated",
  "prev_slot_num_confirmed_nominated",
  "prev_slot_nomination_round",
  "byzantine_ledger_msg_queue_size",
  "tx_cache_num_entries",
  "enclave_attestation_evidence_timestamp",
] as const;
export type ConsensusScpGaugeOp = (typeof CONSENSUS_SCP_GAUGE_OPS)[number];

export const CONSENSUS_SCP_DURATION_OPS = ["well_formed_check_time", "validate_tx_time"] as const;
export type ConsensusScpDurationOp = (typeof CONSENSUS_SCP_DURATION_OPS)[number];

/** MobileCoin's buckets of `pending_value_processing_time`, in seconds. */
export const PENDING_VALUE_BUCKETS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 45, 60];

export function createFamilies(registry: Registry) {
  const reg = [registry];
  return {
    scp: new Counter({
      name: "consensus_scp",
      help: "Counters for consensus_scp",
      labelNames: ["op"],
      registers: reg,
    }),
    scpGauge: new Gauge({
      name: "consensus_scp_gauge",
      help: "Gauges for consensus_scp",
      labelNames: ["op"],
      registers: reg,
    }),
    scpDuration: new Histogram({
      name: "consensus_scp_duration",
      help: "Histogram values for consensus_scp",
      labelNames: ["op"],
      registers: reg,
    }),
    txValidationErrors: new Counter({
      name: "consensus_service_tx_validation_errors",
      help: "Counters for consensus service transaction validation errors",
      labelNames: ["err"],
      registers: reg,
    }),
    pendingValueTime: new Histogram({
      name: "pending_value_processing_time",
      help: "Time from receiving a value until it is externalized (in seconds)",
      buckets: PENDING_VALUE_BUCKETS,
      registers: reg,
    }),
    ...grpcFamilies(reg),
    ...ledgerFamilies(reg),
    ...peerFamilies(reg),
    ...ownFamilies(reg),
  };
}

export type Families = ReturnType<typeof createFamilies>;

function grpcFamilies(registers: Registry[]) {
  return {
    numReq: new Counter({
      name: "consensus_service_num_req",
      help: "Number of requests",
      labelNames: ["method"],
      registers,
    }),
    duration: new Histogram({
      name: "consensus_service_duration",
      help: "Duration for a request, in units of time",
      labelNames: ["method"],
      registers,
    }),
    numError: new Counter({
      name: "consensus_service_grpc_num_error",
      help: "Number of errors",
      labelNames: ["method"],
      registers,
    }),
    numStatusCode: new Counter({
      name: "consensus_service_grpc_num_status_code",
      help: "Number of grpc status codes",
      labelNames: ["method", "status_code"],
      registers,
    }),
  };
}

function ledgerFamilies(registers: Registry[]) {
  const labelNames = ["op", "db_path"];
  return {
    ledgerCounter: new Counter({
      name: "ledger_db_counter",
      help: "LedgerDB Counters",
      labelNames,
      registers,
    }),
    ledgerGauge: new Gauge({
      name: "ledger_db_gauge",
      help: "LedgerDB Gauges",
      labelNames,
      registers,
    }),
    ledgerDuration: new Histogram({
      name: "ledger_db_duration",
      help: "LedgerDB Duration Histograms",
      labelNames,
      registers,
    }),
  };
}

function peerFamilies(registers: Registry[]) {
  return {
    peerMessages: new Counter({
      name: "mcts_peer_messages_total",
      help: "Messages to and from each peer, by direction (in|out) and outcome (ok, failed, or a reject code)",
      labelNames: ["remote_responder_id", "direction", "outcome"],
      registers,
    }),
    peerRejects: new Counter({
      name: "mcts_peer_rejects_total",
      help: "Input from each peer that was refused and dropped, by reason code",
      labelNames: ["remote_responder_id", "reason"],
      registers,
    }),
    peerState: new Gauge({
      name: "mcts_peer_connection_state",
      help: "1 for the peer's current connection state, 0 for the others",
      labelNames: ["remote_responder_id", "state"],
      registers,
    }),
    peerLastHeard: new Gauge({
      name: "mcts_peer_last_heard_at",
      help: "When the node last heard from the peer (ms since the Unix epoch, like prev_slot_ended_at)",
      labelNames: ["remote_responder_id"],
      registers,
    }),
    peerQueueDepth: new Gauge({
      name: "mcts_peer_broadcast_queue_depth",
      help: "Messages and transactions queued or in flight to the peer",
      labelNames: ["remote_responder_id"],
      registers,
    }),
    peerFetchFailures: new Counter({
      name: "mcts_peer_tx_fetch_failures_total",
      help: "Transaction fetches (GetTxs) from the peer that failed",
      labelNames: ["remote_responder_id"],
      registers,
    }),
  };
}

function ownFamilies(registers: Registry[]) {
  return {
    rejected: new Counter({
      name: "mcts_rejected_total",
      help: "Peer and client input refused and dropped, by source, gRPC method and reason code",
      labelNames: ["source", "method", "reason"],
      registers,
    }),
    events: new Counter({
      name: "mcts_consensus_events_total",
      help: "Events counted by the consensus worker and broadcaster (stale, wrong-chain, dropped, sent …)",
      labelNames: ["event"],
      registers,
    }),
    waitingMsgs: new Gauge({
      name: "mcts_consensus_msgs_waiting_for_txs",
      help: "Consensus messages held until their transactions are fetched",
      registers,
    }),
  };
}
