/**
 * Goal: nomination priorities use MobileCoin's exact hash layout, and leader selection follows its
 * rules (neighbours by weight, a new leader per round, zero-weight nodes never chosen).
 * Method: recompute SHA3-256 over the documented byte layout with node:crypto and compare; run
 * leader selection with hand-made hash functions.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { flatQuorumSet, mobilecoinPriorityHash, nextLeader, type PriorityHash } from "./index.js";

describe("nomination priority", () => {
  test("SHA3-256(slot u64 BE ‖ salt u8 ‖ round u32 BE ‖ public key) as a big-endian integer", () => {
    const key = new Uint8Array(32).map((_, i) => i * 7);
    // slot 0x0102 = 258, salt 2, round 3 → 00..0102 ‖ 02 ‖ 00000003
    const layout = Buffer.concat([
      Buffer.from("0000000000000102", "hex"),
      Buffer.from([2]),
      Buffer.from("00000003", "hex"),
      key,
    ]);
    const direct = createHash("sha3-256").update(layout).digest("hex");
    assert.equal(
      mobilecoinPriorityHash(258, 2, 3, { id: "x:1", publicKey: key })
        .toString(16)
        .padStart(64, "0"),
      direct,
    );
  });

  test("leaders: highest priority among neighbours, never twice, zero weight excluded, self as fallback", () => {
    const q = flatQuorumSet(1, ["a", "b"]);
    const prio: Record<string, bigint> = { a: 5n, b: 9n, z: 100n, me: 1n };
    const hash: PriorityHash = (_s, salt, _r, node) => (salt === 1 ? 0n : (prio[node.id] ?? 0n));
    const byId = (id: string) => ({ id });
    const chosen = new Set<string>();
    const order: string[] = [];
    for (let round = 1; round <= 4; round++) {
      const l = nextLeader(hash, 1, round, { id: "me" }, q, chosen, byId);
      order.push(l);
      chosen.add(l);
    }
    assert.deepEqual(
      order,
      ["b", "a", "me", "me"],
      "z is not in the quorum set; self once all are chosen",
    );
    // A node whose salt-1 hash is not below its scaled weight is not a neighbour.
    const picky: PriorityHash = (_s, salt, _r, node) =>
      salt === 1 ? (node.id === "b" ? (1n << 256n) - 1n : 0n) : (prio[node.id] ?? 0n);
    assert.equal(nextLeader(picky, 1, 1, { id: "me" }, q, new Set(), byId), "a");
  });
});
