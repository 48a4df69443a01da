// Goal: one observer fed by the driver reaches both the metrics and the SCP debug dump: a verified
// consensus message counts as `in`/`ok` from its relayer and is dumped as `incoming`; our own
// persisted statement is decoded and dumped as `outgoing`; an undecodable one becomes a marker.
// Method: real CBOR payloads from peers/wire, a temp folder, hand-written expectations.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import type { ValidatorInput } from "../consensus/index.js";
import { encodeConsensusMsgPayload } from "../peers/index.js";
import { messageFromJson, type QuorumSet, type ScpMessage } from "../scp/index.js";
import { NodeMetrics } from "./metrics-prom.js";
import { readScpDebugDump, ScpDebugDump } from "./scp-debug-dump.js";
import { fanOutObserver } from "./validator-observer.js";

const dir = mkdtempSync(path.join(tmpdir(), "observer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const key = new Uint8Array(32).fill(7);
const QS: QuorumSet = {
  threshold: 1,
  members: [{ type: "Node", args: { id: "b.test:443", publicKey: key } }],
};
const msg = (sender: string, slot: number): ScpMessage => ({
  sender: { id: sender, publicKey: key },
  slot,
  quorumSet: QS,
  topic: { type: "Nominate", nominate: { x: [new Uint8Array(32).fill(1)], y: [] } },
});
const signed = (m: ScpMessage) => ({
  scpMsg: m,
  prevBlockId: new Uint8Array(32),
  signature: new Uint8Array(64),
});

it("fans validator inputs and actions out to metrics and the debug dump", async () => {
  const now = () => 5_000;
  const metrics = new NodeMetrics({ peers: ["b.test:443"], ledgerPath: "/l", nowMs: now });
  const dump = new ScpDebugDump({ dir, nowMs: now, node: "a.test:443", quorumSet: QS });
  const observer = fanOutObserver(metrics, undefined, dump);
  const incoming = msg("c.test:443", 4);
  const input = {
    kind: "consensus-msg",
    verified: {
      msg: signed(incoming),
      fromResponderId: "b.test:443",
      position: "current",
      digest: new Uint8Array(32),
    },
    payload: encodeConsensusMsgPayload(signed(incoming)),
  } as ValidatorInput;
  observer.observeInput(input);
  const own = msg("a.test:443", 4);
  observer.observeActions([
    { kind: "persist-statement", slot: 4, payload: encodeConsensusMsgPayload(signed(own)) },
    { kind: "persist-statement", slot: 4, payload: new Uint8Array([0xff]) },
  ]);
  dump.close();
  const text = await metrics.text();
  assert.ok(
    text.includes(
      'mcts_peer_messages_total{remote_responder_id="b.test:443",direction="in",outcome="ok"} 1',
    ),
  );
  assert.ok(text.includes('mcts_peer_last_heard_at{remote_responder_id="b.test:443"} 5000'));
  const records = readScpDebugDump(dir).records;
  assert.deepEqual(
    records.map((r) => r.kind),
    ["marker", "start", "incoming", "outgoing", "marker"],
  );
  assert.equal(records[2]?.from, "b.test:443");
  assert.deepEqual(messageFromJson(records[2]?.msg).sender.id, "c.test:443");
  assert.deepEqual(messageFromJson(records[3]?.msg).sender.id, "a.test:443");
  assert.match(String(records[4]?.text), /^undecodable own statement for slot 4: /);
});
