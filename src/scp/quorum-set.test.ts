/**
 * Goal: acceptance scenario 31 — the quorum-set utilities reproduce stellar-core's "vblocking and
 * quorum", "v blocking distance", "sane quorum set" and normalization examples, and MobileCoin's
 * exact nomination weights.
 * Method: small hand-built quorum sets with the expected answers from reference/scp.md §4.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  flatQuorumSet as flat,
  isQuorum,
  isQuorumSetSane,
  isQuorumSlice,
  isVBlocking,
  maximalQuorum,
  nestedQuorumSet,
  nodeWeight,
  normalizeQuorumSet,
  type QuorumSet,
  quorumSetsEqual,
  validateQuorumSet,
  vBlockingDistance,
} from "./index.js";

const withInner = (t: number, nodes: string[], inner: QuorumSet[]): QuorumSet => ({
  threshold: t,
  members: [
    ...nodes.map((id) => ({ type: "Node" as const, args: { id } })),
    ...inner.map((args) => ({ type: "InnerSet" as const, args })),
  ],
});

describe("scenario 31: quorum-set utilities", () => {
  test("vblocking and quorum: {t:3, v0..v3}", () => {
    const q = flat(3, ["v0", "v1", "v2", "v3"]);
    const s = (...ids: string[]) => new Set(ids);
    assert.deepEqual([isVBlocking(q, s("v0")), isQuorumSlice(q, s("v0"))], [false, false]);
    assert.deepEqual(
      [isVBlocking(q, s("v0", "v2")), isQuorumSlice(q, s("v0", "v2"))],
      [true, false],
    );
    assert.deepEqual(
      [isVBlocking(q, s("v0", "v2", "v3")), isQuorumSlice(q, s("v0", "v2", "v3"))],
      [true, true],
    );
    assert.deepEqual(
      [isVBlocking(q, s("v0", "v1", "v2", "v3")), isQuorumSlice(q, s("v0", "v1", "v2", "v3"))],
      [true, true],
    );
    assert.equal(
      isVBlocking({ threshold: 0, members: [] }, s("v0")),
      false,
      "threshold 0 is never blocked",
    );
  });

  test("MobileCoin's blocking-set and quorum examples: {2 of [{2 of 2,3,4}, {2 of 5,6,7}]}", () => {
    const q = nestedQuorumSet(2, [flat(2, ["2", "3", "4"]), flat(2, ["5", "6", "7"])]);
    assert.equal(isVBlocking(q, new Set(["2", "5"])), false);
    assert.equal(isVBlocking(q, new Set(["2", "3"])), true);
    // Every node's own set: the others of its group.
    const qsets = new Map<string, QuorumSet>([["1", q]]);
    for (const g of [
      ["2", "3", "4"],
      ["5", "6", "7"],
    ])
      for (const id of g)
        qsets.set(
          id,
          flat(
            1,
            g.filter((x) => x !== id),
          ),
        );
    assert.equal(
      isQuorum(new Set(["2", "3"]), (id) => qsets.get(id)) && isQuorumSlice(q, new Set(["2", "3"])),
      false,
    );
    assert.equal(
      isQuorum(new Set(["1", "2", "3", "5", "6"]), (id) => qsets.get(id)),
      true,
    );
    assert.deepEqual(
      [...maximalQuorum(["1", "3", "5", "6"], (id) => qsets.get(id))].sort(),
      ["5", "6"],
      "without 2, {1,3} has no slice",
    );
  });

  test("v blocking distance", () => {
    const q = withInner(
      2,
      ["v0", "v1", "v2"],
      [flat(1, ["v3", "v4", "v5"]), flat(2, ["v6", "v7"])],
    );
    // Entries: v0, v1, v2, {1 of v3..v5}, {2 of v6,v7}: 5 entries, threshold 2 → 4 must be blocked.
    // Costs: nodes 1 each, inner {1 of 3} needs all 3, inner {2 of 2} needs 1.
    assert.equal(vBlockingDistance(q, new Set()), 1 + 1 + 1 + 1);
    assert.equal(vBlockingDistance(q, new Set(["v0"])), 3);
    assert.equal(vBlockingDistance(q, new Set(["v0", "v6"])), 2);
    assert.equal(vBlockingDistance(q, new Set(["v0", "v1", "v6"])), 1);
    assert.equal(vBlockingDistance(q, new Set(["v0", "v1", "v2", "v6"])), 0);
    const q1 = { ...q, threshold: 1 };
    assert.equal(
      vBlockingDistance(q1, new Set()),
      3 + 1 + 1 + 1 + 1,
      "threshold 1: every entry must be blocked",
    );
    const q4 = { ...q, threshold: 4 };
    assert.equal(vBlockingDistance(q4, new Set()), 2);
    assert.equal(
      vBlockingDistance({ threshold: 0, members: [] }, new Set()),
      Number.POSITIVE_INFINITY,
    );
  });

  test("sane quorum set", () => {
    const sane = (q: QuorumSet) => isQuorumSetSane(q);
    assert.equal(sane({ threshold: 0, members: [] }), false);
    assert.equal(sane(flat(0, ["v0"])), false);
    assert.equal(sane(flat(2, ["v0"])), false);
    assert.equal(sane(flat(1, ["v0"])), true);
    assert.equal(sane(withInner(1, ["v0"], [flat(2, ["v1"])])), false, "bad inner threshold");
    const nest = (d: number): QuorumSet =>
      d === 0 ? flat(1, ["leaf"]) : withInner(1, [`n${d}`], [nest(d - 1)]);
    assert.equal(sane(nest(4)), true, "nesting level 4");
    assert.equal(sane(nest(5)), false, "nesting level 5");
    const ids = (n: number, p = "v") => Array.from({ length: n }, (_, i) => `${p}${i}`);
    assert.equal(sane(flat(1, ids(1000))), true);
    assert.equal(sane(flat(1, ids(1001))), false);
    assert.equal(
      sane(nestedQuorumSet(1, [flat(1, ids(500, "a")), flat(1, ids(501, "b"))])),
      false,
      "1001 over inner sets",
    );
    assert.equal(sane(withInner(1, ["v0"], [flat(1, ["v0"])])), false, "duplicate across levels");
    assert.equal(
      isQuorumSetSane({ threshold: 0, members: [] }, { allowEmpty: true }),
      true,
      "local single-node config",
    );
    assert.throws(() => validateQuorumSet(flat(3, ["a", "b"])), {
      code: "QSET_THRESHOLD_OUT_OF_RANGE",
    });
  });

  test("normalization examples", () => {
    const n = (q: QuorumSet) => normalizeQuorumSet(q);
    assert.ok(quorumSetsEqual(n(withInner(1, ["v0"], [flat(1, ["v1"])])), flat(1, ["v0", "v1"])));
    const input = nestedQuorumSet(1, [
      withInner(1, ["v0"], [flat(1, ["v1"]), flat(1, ["v2", "v3"])]),
    ]);
    const expected = withInner(1, ["v0", "v1"], [flat(1, ["v2", "v3"])]);
    assert.deepEqual(n(input), expected);
    // Removing a node lowers its level's threshold.
    assert.deepEqual(normalizeQuorumSet(flat(2, ["a", "b", "c"]), "b"), flat(1, ["a", "c"]));
    // Order-insensitive equality at every level.
    assert.ok(
      quorumSetsEqual(
        withInner(2, ["b", "a"], [flat(1, ["y", "x"]), flat(2, ["q", "p"])]),
        withInner(2, ["a", "b"], [flat(2, ["p", "q"]), flat(1, ["x", "y"])]),
      ),
    );
  });

  test("nomination weights are exact fractions (MobileCoin)", () => {
    const q = flat(3, ["v0", "v1", "v2", "v3"]);
    assert.deepEqual(nodeWeight(q, "v2"), { num: 3n, den: 4n });
    assert.deepEqual(nodeWeight(q, "v4"), { num: 0n, den: 1n });
    const q2 = withInner(3, ["v0", "v1", "v2", "v3"], [flat(1, ["v4", "v5"])]);
    assert.deepEqual(nodeWeight(q2, "v4"), { num: 3n, den: 10n }, "0.6 × 0.5");
  });
});
