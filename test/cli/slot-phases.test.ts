// Goal: scripts/slot-phases.mjs (BENCHMARKS.md, where a slot's time goes) measures the steps of a
// slot from SCP debug dumps as documented: per node, from the slot's first message to its own
// statements, a stall when its first statement came ≥ 800 ms late, the gap to the next slot.
// Method: a testnet-shaped folder with two nodes' dumps written by hand (format v1), instants
// chosen so that every figure below was worked out by hand; the real script run as a process.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const work = mkdtempSync(path.join(tmpdir(), "slot-phases-"));
after(() => rmSync(work, { recursive: true, force: true }));

type Event = [atMs: number, kind: "incoming" | "outgoing", slot: number, topic: string];

function writeDump(node: number, events: readonly Event[]): void {
  const dir = path.join(work, `node-${node}`, "scp-debug-dump");
  mkdirSync(dir, { recursive: true });
  const lines = events.map(([atMs, kind, slot, type], seq) =>
    JSON.stringify({ v: 1, seq, atMs, kind, slot, msg: { slot, topic: { type } } }),
  );
  // A torn last line, as a node killed mid-write leaves: skipped.
  writeFileSync(path.join(dir, "scp-dump-00000000.jsonl"), `${lines.join("\n")}\n{"v":1,"se`);
}

// Node 1: slot 3 (start-up, skipped), then slot 4 on time and slot 5 stalled 900 ms.
writeDump(1, [
  [500, "outgoing", 3, "Externalize"],
  [1000, "incoming", 4, "Nominate"],
  [1010, "outgoing", 4, "Nominate"],
  [1100, "outgoing", 4, "NominatePrepare"],
  [1200, "outgoing", 4, "Prepare"],
  [1250, "outgoing", 4, "Commit"],
  [1300, "outgoing", 4, "Externalize"],
  [1500, "incoming", 5, "Nominate"],
  [2400, "outgoing", 5, "Nominate"],
  [2450, "outgoing", 5, "NominatePrepare"],
  [2500, "outgoing", 5, "Prepare"],
  [2550, "outgoing", 5, "Commit"],
  [2600, "outgoing", 5, "Externalize"],
]);
// Node 1's log: its blocks 4 and 5 appended 150 and 100 ms after its Externalize statements.
writeFileSync(
  path.join(work, "node-1", "service.log"),
  [
    "not a log record",
    JSON.stringify({
      level: 30,
      time: 1450,
      msg: "Slot 4 ended with 2 externalized values and 0 pending values.",
    }),
    JSON.stringify({ level: 30, time: 2000, msg: "Appending block 5 to ledger" }),
    JSON.stringify({
      level: 30,
      time: 2700,
      msg: "Slot 5 ended with 1 externalized values and 0 pending values.",
    }),
  ].join("\n"),
);
// Node 2: slot 4 only, its own statement first (it was a leader); no log.
writeDump(2, [
  [1000, "outgoing", 4, "Nominate"],
  [1040, "outgoing", 4, "NominatePrepare"],
  [1100, "outgoing", 4, "Prepare"],
  [1130, "outgoing", 4, "Commit"],
  [1190, "outgoing", 4, "Externalize"],
]);

describe("scripts/slot-phases.mjs", () => {
  it("measures each step of every node's slots from a testnet folder's dumps", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(root, "scripts", "slot-phases.mjs"), "--json", work],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      dumps: number;
      slots: number;
      stalled: number;
      rows: { step: string; n: number; p50: number; p90: number; mean: number }[];
    };
    assert.deepEqual([out.dumps, out.slots, out.stalled], [2, 3, 1]);
    const row = (prefix: string) => out.rows.find((x) => x.step.startsWith(prefix));
    // first → own: 10, 900, 0 → sorted 0, 10, 900; p50 = the 2nd, mean 303.
    assert.deepEqual(row("first message"), {
      ...row("first message"),
      n: 3,
      p50: 10,
      p90: 900,
      mean: 303,
    });
    // NominatePrepare → Prepare: 100, 50, 60; Commit → Externalize: 50, 50, 60.
    assert.deepEqual([row("NominatePrepare")?.p50, row("NominatePrepare")?.mean], [60, 70]);
    assert.deepEqual([row("Commit")?.p90, row("Commit")?.mean], [60, 53]);
    // Slot: 300, 1100, 190. Gaps: node 1 slot 4 after slot 3 (500 ms), slot 5 after 4 (200 ms).
    assert.deepEqual([row("slot")?.p50, row("slot")?.mean], [300, 530]);
    assert.deepEqual(row("Externalize → next"), {
      ...row("Externalize → next"),
      n: 2,
      p50: 500,
      mean: 350,
    });
    // Appended: 150 and 100 ms (node 1 only).
    assert.deepEqual(row("Externalize → block"), {
      ...row("Externalize → block"),
      n: 2,
      p50: 150,
      mean: 125,
    });
  });

  it("exits 2 with its usage when given nothing to read", () => {
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "slot-phases.mjs")], {
      encoding: "utf8",
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^usage: /);
  });
});
