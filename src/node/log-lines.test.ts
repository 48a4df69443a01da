// Goal: the notable log lines keep MobileCoin's wording (reference mobilecoin-service.md §9.2 and
// the upstream format strings in byzantine_ledger/worker.rs, scp/src/slot.rs,
// peers/src/threaded_broadcaster.rs, consensus_service.rs) at MobileCoin's level, with the same
// facts as structured fields, and come out of the service's real pino logger as JSON.
// Method: expected messages are MobileCoin's format strings filled in by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingLogger } from "../util/index.js";
import { ConfigError } from "./errors.js";
import * as lines from "./log-lines.js";
import { serviceLogger } from "./service-logger.js";

function only(log: RecordingLogger) {
  assert.equal(log.records.length, 1);
  return log.records[0] as NonNullable<(typeof log.records)[number]>;
}

describe("log lines", () => {
  it("slot ended: MobileCoin's sentence and the counts as fields", () => {
    const log = new RecordingLogger();
    lines.slotEnded(log, 41, 3, 7);
    const r = only(log);
    assert.equal(r.level, "info");
    assert.equal(r.message, "Slot 41 ended with 3 externalized values and 7 pending values.");
    assert.deepEqual(r.fields, { event: "slot_ended", slot: 41, externalized: 3, pending: 7 });
  });

  it("appending block: index, signature hex and value count", () => {
    const log = new RecordingLogger();
    lines.appendingBlock(log, 9n, new Uint8Array([0xab, 0x01]), [new Uint8Array([1])]);
    const r = only(log);
    assert.equal(r.level, "info");
    assert.equal(r.message, "Appending block 9 to ledger (sig: ab01, values: 1).");
    assert.equal(r.fields.block, "9");
    assert.deepEqual(r.fields.valueHashes, ["01"]);
  });

  it("sync transitions read as MobileCoin's arrows", () => {
    const log = new RecordingLogger();
    lines.maybeBehind(log, 5, { "b.test:443": 9 });
    lines.notBehindAfterAll(log);
    lines.isBehind(log);
    lines.caughtUp(log, 10);
    lines.externalizedWhileBehind(log);
    assert.deepEqual(
      log.records.map((r) => r.message),
      [
        'InSync --> MaybeBehind. Slot: 5, network state: {"b.test:443":9}',
        "MaybeBehind --> InSync",
        "MaybeBehind --> IsBehind",
        "IsBehind --> InSync. Slot 10",
        "sync_service reported we're behind, but we just externalized a slot. resetting to InSync",
      ],
    );
    assert.ok(log.records.every((r) => r.level === "info" && r.fields.event === "sync_state"));
    assert.deepEqual(log.records[3]?.fields, {
      event: "sync_state",
      from: "IsBehind",
      to: "InSync",
      slot: 10,
    });
  });

  it("failures carry the peer and the error's code", () => {
    const log = new RecordingLogger();
    const err = new ConfigError("CONFIG_INVALID", "--network x", "boom");
    lines.broadcastFailed(log, "consensus msg", "c.test:443", err);
    lines.resolveTxsFailed(log, [new Uint8Array([2])], "c.test:443", new Error("timeout"));
    lines.couldNotSyncLedger(log, "no peers");
    const [b, f, s] = log.records;
    assert.equal(b?.level, "error");
    assert.match(b?.message ?? "", /^failed broadcasting consensus msg to c\.test:443: /);
    assert.equal(b?.fields.peer, "c.test:443");
    assert.equal(b?.fields.code, "CONFIG_INVALID");
    assert.equal(f?.level, "error");
    assert.equal(f?.message, "Failed resolving transactions [1 hashes] from c.test:443: timeout");
    assert.deepEqual(f?.fields.txHashes, ["02"]);
    assert.equal(s?.level, "warn");
    assert.equal(s?.message, "Could not sync ledger: no peers");
  });

  it("list fields stay bounded", () => {
    const log = new RecordingLogger();
    const many = Array.from({ length: 100 }, (_, i) => new Uint8Array([i]));
    lines.resolveTxsFailed(log, many, "p", new Error("x"));
    const r = only(log);
    assert.equal((r.fields.txHashes as unknown[]).length, lines.LOG_LIST_MAX);
    assert.equal(r.fields.txs, 100);
  });

  it("slot timeouts and listening lines", () => {
    const log = new RecordingLogger();
    lines.ballotTimedOut(log, 3, 2, "Prepare");
    lines.listening(log, "peer", "insecure-mcp://0.0.0.0:8443/");
    lines.listening(log, "client", "insecure-mc://0.0.0.0:3223/");
    lines.listening(log, "admin", "insecure-mca://127.0.0.1:9090/");
    lines.insecureBind(log, "0.0.0.0", 8443);
    assert.deepEqual(
      log.records.map((r) => [r.level, r.message]),
      [
        ["debug", "Ballot 2 timed out in Prepare phase"],
        ["info", "Peer GRPC API listening on insecure-mcp://0.0.0.0:8443/"],
        ["info", "Starting user rpc server on insecure-mc://0.0.0.0:3223/..."],
        ["info", "Admin GRPC API listening on insecure-mca://127.0.0.1:9090/"],
        ["warn", "Binding insecure gRPC server to 0.0.0.0:8443"],
      ],
    );
  });

  it("through the service's pino logger: one JSON line with msg and fields", () => {
    const out: string[] = [];
    const log = serviceLogger({}, { write: (t) => out.push(t) }, { node: "a.test:443" });
    lines.slotEnded(log, 2, 1, 0);
    assert.equal(out.length, 1);
    const j = JSON.parse(out[0] as string);
    assert.equal(j.msg, "Slot 2 ended with 1 externalized values and 0 pending values.");
    assert.equal(j.level, 30);
    assert.equal(j.event, "slot_ended");
    assert.equal(j.slot, 2);
    assert.equal(j.node, "a.test:443");
  });
});
