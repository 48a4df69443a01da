// Goal: the node's Prometheus text carries MobileCoin's metric names, types and label names
// (reference mobilecoin-service.md §9.1, confirmed in upstream consensus/service/src/counters.rs,
// util/metrics/src/{op_counters,service_metrics}.rs, ledger/db/src/metrics.rs), the hooks move the
// right series, labels from outside stay bounded, and two nodes in one process do not share.
// Method: every expected name, op, label and value below is written by hand from those sources.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { register as globalRegistry } from "prom-client";
import type { ValidatorAction } from "../consensus/index.js";
import { Broadcaster } from "../peers/index.js";
import { SeededRandom } from "../util/index.js";
import { NodeMetrics, type SampleValidator } from "./metrics-prom.js";

const PEERS = ["peer1.test:443", "peer2.test:443"];
const clock = { now: 1_800_000_000_000 };

function metrics(): NodeMetrics {
  return new NodeMetrics({ peers: PEERS, ledgerPath: "/ledger", nowMs: () => clock.now });
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse the sample lines of a Prometheus text exposition. */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable line ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

function types(text: string): Map<string, string> {
  const t = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) t.set(m[1] as string, m[2] as string);
  return t;
}

function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
      Object.keys(s.labels).length === Object.keys(labels).length,
  );
  assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)}: ${found.length} series`);
  return (found[0] as Sample).value;
}

const fakeWorker = (stats: Record<string, number>) => ({
  currentSlot: 12,
  pending: { length: 4 },
  txs: { size: 9 },
  waitingMessages: 2,
  stats,
});

function validatorWith(stats: Record<string, number>): SampleValidator {
  const broadcaster = new Broadcaster({
    local: { id: "self.test:443" },
    peers: PEERS.map((responderId) => ({ responderId })),
    random: new SeededRandom("metrics"),
  });
  return { worker: fakeWorker(stats), broadcaster } as unknown as SampleValidator;
}

const ledger = { numBlocks: () => 12n, numTxOuts: () => 40n, diskBytes: () => 65536 };

describe("NodeMetrics: MobileCoin names and types", () => {
  it("exposes the upstream families with their Prometheus types", async () => {
    const t = types(await metrics().text());
    const expected: Record<string, string> = {
      consensus_scp: "counter",
      consensus_scp_gauge: "gauge",
      consensus_scp_duration: "histogram",
      consensus_service_tx_validation_errors: "counter",
      pending_value_processing_time: "histogram",
      consensus_service_num_req: "counter",
      consensus_service_duration: "histogram",
      consensus_service_grpc_num_error: "counter",
      consensus_service_grpc_num_status_code: "counter",
      ledger_db_counter: "counter",
      ledger_db_gauge: "gauge",
      ledger_db_duration: "histogram",
    };
    for (const [name, type] of Object.entries(expected)) assert.equal(t.get(name), type, name);
    for (const name of t.keys())
      if (!(name in expected))
        assert.match(name, /^mcts_/, `${name} is neither upstream nor mcts_`);
  });

  it("declares every consensus_scp op of counters.rs at zero", async () => {
    const text = await metrics().text();
    const counters = [
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
    ];
    const gauges = [
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
    ];
    for (const op of counters) assert.equal(value(text, "consensus_scp", { op }), 0, op);
    for (const op of gauges) assert.equal(value(text, "consensus_scp_gauge", { op }), 0, op);
  });

  it("records a gRPC call under MobileCoin's method and status_code labels", async () => {
    const m = metrics();
    m.grpcCall("/consensus_client.ConsensusClientAPI/ClientTxPropose", 3, 0.02);
    m.grpcCall("/consensus_client.ConsensusClientAPI/ClientTxPropose", 0, 0.01);
    const text = await m.text();
    const method = "consensus_client.ConsensusClientAPI.ClientTxPropose";
    assert.equal(value(text, "consensus_service_num_req", { method }), 2);
    assert.equal(value(text, "consensus_service_grpc_num_error", { method }), 1);
    const code = (status_code: string) =>
      value(text, "consensus_service_grpc_num_status_code", { method, status_code });
    assert.equal(code("3-INVALID_ARGUMENT"), 1);
    assert.equal(code("0-OK"), 1);
    assert.equal(value(text, "consensus_service_duration_count", { method }), 2);
  });

  it("counts validation errors under err and client calls under their ops", async () => {
    const m = metrics();
    m.txRejected("ContainsSpentKeyImage");
    m.txRejected("ContainsSpentKeyImage");
    m.proposeCall("add_tx", "initiated");
    m.proposeCall("add_tx", "done");
    m.proposeCall("propose_mint_tx", "initiated");
    const text = await m.text();
    const err = "ContainsSpentKeyImage";
    assert.equal(value(text, "consensus_service_tx_validation_errors", { err }), 2);
    assert.equal(value(text, "consensus_scp", { op: "add_tx_initiated" }), 1);
    assert.equal(value(text, "consensus_scp", { op: "add_tx" }), 1);
    assert.equal(value(text, "consensus_scp", { op: "propose_mint_tx_initiated" }), 1);
    assert.equal(value(text, "consensus_scp", { op: "propose_mint_tx" }), 0);
  });

  it("turns an externalized slot into tx count, prev_slot gauges and latency buckets", async () => {
    const m = metrics();
    m.observeActions([
      { kind: "externalized", slot: 7, txCount: 3, latenciesMs: [1500, 50_000], pendingAfter: 0 },
      { kind: "sync-ledger", maxBlocks: 10 },
    ]);
    const text = await m.text();
    assert.equal(value(text, "consensus_scp", { op: "tx_externalized_count" }), 3);
    assert.equal(value(text, "consensus_scp", { op: "catchup_initiated" }), 1);
    assert.equal(value(text, "consensus_scp_gauge", { op: "prev_slot_number" }), 7);
    assert.equal(value(text, "consensus_scp_gauge", { op: "prev_slot_num_ext_vals" }), 3);
    assert.equal(value(text, "consensus_scp_gauge", { op: "prev_slot_ended_at" }), clock.now);
    const bucket = (le: string) => value(text, "pending_value_processing_time_bucket", { le });
    assert.equal(bucket("1"), 0);
    assert.equal(bucket("2"), 1);
    assert.equal(bucket("45"), 1);
    assert.equal(bucket("60"), 2);
  });

  it("counts appended blocks and their outputs under ledger_db_counter", async () => {
    const m = metrics();
    const data = { block: { index: 5n }, contents: { outputs: [{}, {}, {}] } };
    m.observeActions([{ kind: "append-block", data } as unknown as ValidatorAction]);
    m.observeInput({ kind: "appended", index: 5n });
    m.appendTime(0.004);
    const text = await m.text();
    const c = (op: string) => value(text, "ledger_db_counter", { op, db_path: "/ledger" });
    assert.equal(c("blocks_written_count"), 1);
    assert.equal(c("txo_written_count"), 3);
    const d = { op: "append_block", db_path: "/ledger" };
    assert.equal(value(text, "ledger_db_duration_count", d), 1);
  });

  it("samples the slot, caches, ledger and core counters into gauges", async () => {
    const m = metrics();
    const slot = { phase: "Commit" as const, round: 3, x: 1, y: 2, z: 5, b: { n: 6 } };
    m.sample(validatorWith({ msgsWrongChain: 2, msgsStale: 1 }), ledger, slot);
    m.sample(validatorWith({ msgsWrongChain: 5, msgsStale: 1 }), ledger, slot);
    const text = await m.text();
    const g = (op: string) => value(text, "consensus_scp_gauge", { op });
    assert.equal(g("cur_slot_num"), 12);
    assert.equal(g("cur_slot_phase"), 4);
    assert.equal(g("cur_slot_num_voted_nominated"), 1);
    assert.equal(g("cur_slot_num_accepted_nominated"), 2);
    assert.equal(g("cur_slot_num_confirmed_nominated"), 5);
    assert.equal(g("cur_slot_nomination_round"), 3);
    assert.equal(g("cur_slot_ballot_counter"), 6);
    assert.equal(g("cur_num_pending_values"), 4);
    assert.equal(g("tx_cache_num_entries"), 9);
    const db = (op: string) => value(text, "ledger_db_gauge", { op, db_path: "/ledger" });
    assert.equal(db("num_blocks"), 12);
    assert.equal(db("num_txos"), 40);
    assert.equal(db("db_file_size"), 65536);
    const dropped = "scp_messages_dropped_due_to_invalid_prev_block_id";
    assert.equal(value(text, "consensus_scp", { op: dropped }), 5);
    assert.equal(value(text, "mcts_consensus_events_total", { event: "msgs_wrong_chain" }), 5);
    assert.equal(value(text, "mcts_consensus_events_total", { event: "msgs_stale" }), 1);
  });
});

describe("NodeMetrics: per-peer series", () => {
  it("labels configured peers by responder id and every stranger as one", async () => {
    const m = metrics();
    m.peerMessage("peer1.test:443", "in", "ok");
    m.peerState("peer2.test:443", "failing");
    m.txFetchFailure("peer2.test:443");
    for (let i = 0; i < 500; i++) m.peerMessage(`evil${i}.test:443`, "in", "ok");
    const text = await m.text();
    const ids = new Set(
      samples(text)
        .filter((s) => s.name.startsWith("mcts_peer_"))
        .map((s) => s.labels.remote_responder_id),
    );
    assert.deepEqual([...ids].sort(), ["peer1.test:443", "peer2.test:443", "stranger"]);
    const msgs = (id: string) =>
      value(text, "mcts_peer_messages_total", {
        remote_responder_id: id,
        direction: "in",
        outcome: "ok",
      });
    assert.equal(msgs("stranger"), 500);
    assert.equal(msgs("peer1.test:443"), 1);
    const state = (s: string) =>
      value(text, "mcts_peer_connection_state", {
        remote_responder_id: "peer2.test:443",
        state: s,
      });
    assert.equal(state("failing"), 1);
    assert.equal(state("connected"), 0);
    const failures = { remote_responder_id: "peer2.test:443" };
    assert.equal(value(text, "mcts_peer_tx_fetch_failures_total", failures), 1);
    const heard = { remote_responder_id: "peer1.test:443" };
    assert.equal(value(text, "mcts_peer_last_heard_at", heard), clock.now);
  });

  it("keeps at most 64 reason labels and counts the rest as other", async () => {
    const m = metrics();
    for (let i = 0; i < 300; i++)
      m.rejected("peer", "/consensus_peer.ConsensusPeerAPI/SendConsensusMsg", `R${i}`, `x${i}`);
    const text = await m.text();
    const rows = samples(text).filter((s) => s.name === "mcts_rejected_total");
    assert.equal(rows.length, 65);
    assert.equal(
      rows.reduce((a, s) => a + s.value, 0),
      300,
    );
    const other = rows.find((s) => s.labels.reason === "other");
    assert.equal(other?.value, 300 - 64);
    assert.equal(other?.labels.method, "consensus_peer.ConsensusPeerAPI.SendConsensusMsg");
    assert.equal(other?.labels.source, "peer");
  });

  it("reads broadcast queue depth from the broadcaster on sample", async () => {
    const m = metrics();
    const v = validatorWith({});
    const digest = new Uint8Array(32).fill(1);
    v.broadcaster.handle(
      {
        kind: "consensus-msg",
        digest,
        payload: new Uint8Array([1]),
        issuer: "self.test:443",
        receivedFrom: "self.test:443",
      },
      clock.now,
    );
    m.sample(v, ledger);
    const text = await m.text();
    const depth = (id: string) =>
      value(text, "mcts_peer_broadcast_queue_depth", { remote_responder_id: id });
    assert.equal(depth("peer1.test:443"), 1);
    assert.equal(depth("peer2.test:443"), 1);
  });
});

describe("NodeMetrics: per-peer links from the results of our calls", () => {
  const state = (text: string, id: string) =>
    ["connecting", "connected", "failing", "closed"].filter(
      (s) => value(text, "mcts_peer_connection_state", { remote_responder_id: id, state: s }) === 1,
    );
  const failures = (text: string, id: string) =>
    value(text, "mcts_peer_tx_fetch_failures_total", { remote_responder_id: id });

  it("starts every configured peer connecting with no fetch failures", async () => {
    const text = await metrics().text();
    for (const id of PEERS) {
      assert.deepEqual(state(text, id), ["connecting"]);
      assert.equal(failures(text, id), 0);
    }
  });

  it("a broadcast that fails makes the link failing, one that succeeds connected", async () => {
    const m = metrics();
    m.observeInput({ kind: "broadcast-result", peer: "peer1.test:443", ok: false } as never);
    assert.deepEqual(state(await m.text(), "peer1.test:443"), ["failing"]);
    m.observeInput({ kind: "broadcast-result", peer: "peer1.test:443", ok: true } as never);
    assert.deepEqual(state(await m.text(), "peer1.test:443"), ["connected"]);
    assert.deepEqual(state(await m.text(), "peer2.test:443"), ["connecting"]);
  });

  it("counts a failed or empty GetTxs against the peer the fetch went to", async () => {
    const m = metrics();
    const fetch = (id: number, peer: string) =>
      ({ kind: "fetch-txs", id, peer, txHashes: [] }) as unknown as ValidatorAction;
    m.observeActions([
      fetch(1, "peer1.test:443"),
      fetch(2, "peer2.test:443"),
      fetch(3, "peer2.test:443"),
    ]);
    const result = (id: number, outcome: unknown) =>
      m.observeInput({ kind: "fetch-result", id, outcome } as never);
    result(1, { kind: "failed", retryable: true });
    result(2, { kind: "not-in-cache", txHashes: [] });
    result(3, { kind: "delivered", txs: [] });
    result(1, { kind: "failed", retryable: true }); // a second result for one id counts once
    const text = await m.text();
    assert.equal(failures(text, "peer1.test:443"), 1);
    assert.equal(failures(text, "peer2.test:443"), 1);
    assert.deepEqual(state(text, "peer1.test:443"), ["failing"]);
    assert.deepEqual(state(text, "peer2.test:443"), ["connected"]);
  });

  it("a failed keepalive marks the link failing and closing marks every link closed", async () => {
    const m = metrics();
    m.observeInput({
      kind: "latest-msg-result",
      peer: "peer2.test:443",
      outcome: "failed",
    } as never);
    assert.deepEqual(state(await m.text(), "peer2.test:443"), ["failing"]);
    m.closePeers();
    const text = await m.text();
    for (const id of PEERS) assert.deepEqual(state(text, id), ["closed"]);
  });
});

describe("NodeMetrics: one registry per node", () => {
  it("two nodes in one process keep separate series and the global registry stays empty", async () => {
    const a = metrics();
    const b = metrics();
    a.txRejected("Ledger");
    assert.equal(
      value(await a.text(), "consensus_service_tx_validation_errors", { err: "Ledger" }),
      1,
    );
    assert.ok(!(await b.text()).includes('err="Ledger"'));
    assert.ok(!(await globalRegistry.metrics()).includes("consensus_scp"));
  });
});
