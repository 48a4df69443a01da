/**
 * The metric names ops/alerts.yml and ops/grafana-dashboard.json may use.
 *
 * MobileCoin's (reference mobilecoin-service.md §9.1), with the `op` values of the OpMetrics
 * families: `null` where a family has no `op` label.
 */
export const MOBILECOIN_METRICS: Readonly<Record<string, readonly string[] | null>> = {
  consensus_scp: [
    "tx_externalized_count",
    "add_tx_initiated",
    "add_tx",
    "propose_mint_config_tx_initiated",
    "propose_mint_config_tx",
    "propose_mint_tx_initiated",
    "propose_mint_tx",
    "scp_messages_dropped_due_to_invalid_prev_block_id",
    "catchup_initiated",
    "attestation_initiated",
  ],
  consensus_scp_gauge: [
    "consensus_msgs_from_network_queue_size",
    "byzantine_ledger_msg_queue_size",
    "tx_cache_num_entries",
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
    "enclave_attestation_evidence_timestamp",
    "prev_slot_num_voted_nominated",
    "prev_slot_num_accepted_nominated",
    "prev_slot_num_confirmed_nominated",
    "prev_slot_nomination_round",
  ],
  consensus_scp_duration: ["well_formed_check_time", "validate_tx_time"],
  pending_value_processing_time: null,
  consensus_service_tx_validation_errors: null,
  consensus_service_num_req: null,
  consensus_service_duration: null,
  consensus_service_grpc_num_error: null,
  consensus_service_grpc_num_status_code: null,
  ledger_db_counter: ["blocks_written_count", "txo_written_count"],
  ledger_db_gauge: ["num_blocks", "num_txos", "db_file_size"],
  ledger_db_duration: ["append_block"],
};

/**
 * Ours, where MobileCoin has none: the per-peer and reject families of the node's metrics module
 * (src/node/metrics-families.ts, being written in parallel) and the ones the alerts need
 * (sync state, quorum health, evidence expiry). docs/OPERATIONS.md lists each one.
 */
export const OUR_METRICS: readonly string[] = [
  "mcts_peer_messages_total",
  "mcts_peer_rejects_total",
  "mcts_peer_connection_state",
  "mcts_peer_last_heard_at",
  "mcts_peer_broadcast_queue_depth",
  "mcts_peer_tx_fetch_failures_total",
  "mcts_rejected_total",
  "mcts_consensus_events_total",
  "mcts_consensus_msgs_waiting_for_txs",
  "mcts_sync_is_behind",
  "mcts_sync_blocks_behind",
  "mcts_quorum_failures_tolerated",
  "mcts_quorum_intersects",
  "mcts_quorum_members",
  "mcts_attestation_evidence_not_after",
];

/** Prometheus' own `up` and node_exporter's filesystem gauges. */
export const OTHER_METRICS: readonly string[] = [
  "up",
  "node_filesystem_avail_bytes",
  "node_filesystem_size_bytes",
];

/** The family a series name belongs to (histograms expose `_bucket`, `_sum`, `_count`). */
export function familyOf(name: string): string {
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return base in MOBILECOIN_METRICS ? base : name;
}
