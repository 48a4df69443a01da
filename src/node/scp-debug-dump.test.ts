// Goal: `--scp-debug-dump` writes every incoming and outgoing SCP message and slot state as JSON
// lines, stays within its file-count and file-size limits, never touches other files, survives a
// torn last line and a write error, and reads back into the same messages.
// Method: a temp folder with small limits; messages are built here and compared after a round trip
// through the folder and `messageFromJson`.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { messageFromJson, type QuorumSet, type ScpMessage } from "../scp/index.js";
import { RecordingLogger } from "../util/index.js";
import { readScpDebugDump, ScpDebugDump } from "./scp-debug-dump.js";

const root = mkdtempSync(path.join(tmpdir(), "scp-dump-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `d${n++}`);

const QS: QuorumSet = { threshold: 1, members: [{ type: "Node", args: { id: "b.test:443" } }] };
const clock = { now: 1_000 };

function msg(slot: number, value: number, sender = "b.test:443"): ScpMessage {
  return {
    sender: { id: sender },
    slot,
    quorumSet: QS,
    topic: { type: "Nominate", nominate: { x: [new Uint8Array([value, 1, 2])], y: [] } },
  };
}

function open(dir: string, extra: Partial<ConstructorParameters<typeof ScpDebugDump>[0]> = {}) {
  return new ScpDebugDump({
    dir,
    nowMs: () => clock.now,
    node: "a.test:443",
    quorumSet: QS,
    ...extra,
  });
}

function dumpFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith("scp-dump-"))
    .sort();
}

describe("SCP debug dump", () => {
  it("records incoming and outgoing messages with a start record per slot, readable back", () => {
    const dir = freshDir();
    const d = open(dir);
    d.incoming("b.test:443", msg(3, 7));
    d.outgoing(msg(3, 8, "a.test:443"));
    d.incoming("b.test:443", msg(2, 9)); // an older slot: left out, as MobileCoin does
    d.slotState(3, {
      phase: "Prepare",
      round: 2,
      leaders: ["b.test:443"],
      x: 1,
      y: 0,
      z: 0,
      b: { n: 1, x: [new Uint8Array([5])] },
    });
    d.incoming("b.test:443", msg(4, 1));
    d.close();
    const { records, skipped } = readScpDebugDump(dir);
    assert.deepEqual(skipped, []);
    assert.deepEqual(
      records.map((r) => r.kind),
      ["marker", "start", "incoming", "outgoing", "slot-state", "start", "incoming"],
    );
    assert.deepEqual(
      records.map((r) => r.seq),
      [0, 1, 2, 3, 4, 5, 6],
    );
    const incoming = records[2];
    assert.equal(incoming?.from, "b.test:443");
    assert.equal(incoming?.v, 1);
    assert.deepEqual(messageFromJson(incoming?.msg), msg(3, 7));
    assert.deepEqual(messageFromJson(records[3]?.msg), msg(3, 8, "a.test:443"));
    assert.equal(records[1]?.node, "a.test:443");
    assert.equal(records[1]?.slot, 3);
    assert.deepEqual(records[4]?.state, {
      phase: "Prepare",
      round: 2,
      leaders: ["b.test:443"],
      x: 1,
      y: 0,
      z: 0,
      b: { n: 1, x: ["05"] },
    });
  });

  it("rotates within the file-size and file-count limits and keeps the newest records", () => {
    const dir = freshDir();
    const d = open(dir, { maxFileBytes: 2000, maxFiles: 3 });
    for (let i = 0; i < 200; i++) d.incoming("b.test:443", msg(1, i % 256));
    d.close();
    const files = dumpFiles(dir);
    assert.equal(files.length, 3);
    for (const f of files) assert.ok(statSync(path.join(dir, f)).size <= 2000, f);
    const { records, skipped } = readScpDebugDump(dir);
    assert.deepEqual(skipped, []);
    const last = records[records.length - 1];
    assert.deepEqual(messageFromJson(last?.msg), msg(1, 199));
    const seqs = records.map((r) => r.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(seqs[seqs.length - 1], 201); // marker, start, 200 messages
  });

  it("a restart starts a new file, prunes old dump files and leaves other files alone", () => {
    const dir = freshDir();
    open(dir, { maxFiles: 2 }).close();
    open(dir, { maxFiles: 2 }).close();
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    const third = open(dir, { maxFiles: 2 });
    third.marker("third run");
    third.close();
    assert.deepEqual(dumpFiles(dir), ["scp-dump-00000002.jsonl", "scp-dump-00000003.jsonl"]);
    assert.ok(readdirSync(dir).includes("notes.txt"));
    const { records } = readScpDebugDump(dir);
    assert.equal(records[records.length - 1]?.text, "third run");
  });

  it("replaces an oversized record by a truncated one", () => {
    const dir = freshDir();
    const d = open(dir, { maxRecordBytes: 300 });
    const big = msg(1, 1);
    d.nominate(
      1,
      Array.from({ length: 50 }, (_, i) => new Uint8Array(32).fill(i)),
    );
    d.incoming("b.test:443", big);
    d.close();
    const kinds = readScpDebugDump(dir).records.map((r) => r.kind);
    assert.deepEqual(kinds, ["marker", "start", "truncated", "incoming"]);
    assert.equal(readScpDebugDump(dir).records[2]?.of, "nominate");
  });

  it("skips a torn last line and reports it", () => {
    const dir = freshDir();
    const d = open(dir);
    d.incoming("b.test:443", msg(1, 1));
    d.close();
    const file = path.join(dir, dumpFiles(dir)[0] as string);
    appendFileSync(file, '{"v":1,"seq":9,"at');
    const { records, skipped } = readScpDebugDump(dir);
    assert.equal(records.length, 3);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0] as string, /^scp-dump-00000001\.jsonl:4: not JSON$/);
  });

  it("a write error disables the dump with one warning and never throws", () => {
    const dir = freshDir();
    const log = new RecordingLogger();
    const d = open(dir, { maxFileBytes: 400, log });
    rmSync(dir, { recursive: true });
    for (let i = 0; i < 20; i++) d.incoming("b.test:443", msg(1, i));
    assert.equal(d.working, false);
    const warnings = log.records.filter((r) => r.fields.event === "scp_debug_dump_failed");
    assert.equal(warnings.length, 1);
    d.close();
  });
});
