/**
 * Goal: the checkers shared by live simulations and replay judge what they are fed: agreement
 * reports exactly the slots where nodes decided differently (and a digest that changes with any
 * decision), liveness the consecutive slots and distinct items each node decided, and the SCP
 * invariant checker an emitted Prepare with P above B, an invalid statement, and a slot decided
 * twice differently. Method: hand-fed decisions and statements (no simulation).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AgreementChecker, InvariantChecker, LivenessChecker } from "../../src/sim/index.js";
import { bal, kOf, msg, nominate, prepare, v, vals } from "./helpers.js";

type Block = { id: string; txs: string[] };

function checkers() {
  return {
    agreement: new AgreementChecker<Block>((b) => b.id),
    liveness: new LivenessChecker<Block>((b) => b.txs),
  };
}

test("agreement lists the slots where nodes decided differently, grouped by decision", () => {
  const { agreement } = checkers();
  for (const node of ["a", "b", "c"]) agreement.decided(node, 1, { id: "x", txs: [] });
  agreement.decided("a", 2, { id: "y", txs: [] });
  agreement.decided("b", 2, { id: "z", txs: [] });
  agreement.decided("c", 2, { id: "y", txs: [] });
  agreement.decided("a", 3, { id: "w", txs: [] }); // the others never decided slot 3: no conflict
  assert.deepEqual(agreement.disagreements(["a", "b", "c"], 3), [{ slot: 2, nodes: ["a,c", "b"] }]);
  assert.deepEqual(agreement.disagreements(["a", "c"], 3), []);
  assert.deepEqual(agreement.disagreements(["a", "b", "c"], 1), []);
  assert.equal(agreement.highestSlot(["a", "b"]), 3);
  assert.equal(agreement.highestSlot(["nobody"]), 0);
  assert.equal(agreement.keyAt("b", 2), "z");
});

test("the digest depends on every decision and not on the order they were observed", () => {
  const a = checkers().agreement;
  const b = checkers().agreement;
  a.decided("n1", 1, { id: "x", txs: [] });
  a.decided("n2", 1, { id: "x", txs: [] });
  b.decided("n2", 1, { id: "x", txs: [] });
  b.decided("n1", 1, { id: "x", txs: [] });
  assert.equal(a.digest(["n1", "n2"], 2), b.digest(["n1", "n2"], 2));
  b.decided("n2", 2, { id: "y", txs: [] });
  assert.notEqual(a.digest(["n1", "n2"], 2), b.digest(["n1", "n2"], 2));
  assert.match(a.digest(["n1"], 1), /^[0-9a-f]{64}$/);
});

test("liveness counts consecutive slots from 1 and distinct items per node", () => {
  const { liveness } = checkers();
  liveness.decided("a", 1, { id: "1", txs: ["t1", "t2"] });
  liveness.decided("a", 2, { id: "2", txs: ["t2", "t3"] });
  liveness.decided("a", 4, { id: "4", txs: ["t4"] });
  liveness.decided("b", 2, { id: "2", txs: ["t1"] });
  assert.equal(liveness.decidedPrefix("a"), 2);
  assert.equal(liveness.decidedPrefix("b"), 0);
  assert.equal(liveness.slotsDecidedMin(["a"], 10), 2);
  assert.equal(liveness.slotsDecidedMin(["a"], 1), 1);
  assert.equal(liveness.slotsDecidedMin(["a", "b"], 10), 0);
  assert.equal(liveness.slotsDecidedMin([], 10), 0);
  assert.equal(liveness.itemsDecidedMin(["a"]), 4);
  assert.equal(liveness.itemsDecidedMin(["a", "b"]), 1);
});

test("the invariant checker flags P above B, invalid statements and a second decision", () => {
  const q = kOf(2, ["n2", "n3"]);
  const decided = new Map<string, string>([["n1/1", "0001"]]);
  const inv = new InvariantChecker((node, slot) => decided.get(`${node}/${slot}`));
  const good = msg("n1", q, prepare(bal(2, vals(1)), { p: bal(1, vals(1)) }));
  inv.step("n1", true, { messages: [good], externalized: [] }, undefined, 10);
  assert.equal(inv.violations.length, 0, inv.violations.join("; "));
  assert.equal(inv.statementsChecked, 1);

  const pAboveB = msg("n1", q, prepare(bal(1, vals(1)), { p: bal(2, vals(1)) }));
  inv.step("n1", true, { messages: [pAboveB], externalized: [] }, undefined, 20);
  assert.ok(
    inv.violations.includes("n1 at 20 ms: emitted a Prepare with P above B (slot 1)"),
    inv.violations.join("; "),
  );
  assert.equal(inv.violations.length, 1, "P above B is otherwise a valid statement");

  const unsorted = msg("n1", q, nominate([v(2), v(1)]));
  inv.step("n1", true, { messages: [unsorted], externalized: [] }, undefined, 25);
  assert.match(inv.violations.at(-1) ?? "", /^n1 at 25 ms: emitted an invalid statement \(/);

  // A statement a node with an empty quorum set keeps to itself is not checked.
  inv.step("n1", false, { messages: [pAboveB], externalized: [] }, undefined, 30);
  assert.equal(inv.statementsChecked, 3);

  const before = inv.violations.length;
  inv.step(
    "n1",
    true,
    { messages: [], externalized: [{ slot: 1, values: vals(1) }] },
    undefined,
    40,
  );
  assert.equal(inv.violations.length, before, "the same decision again is no violation");
  inv.step(
    "n1",
    true,
    { messages: [], externalized: [{ slot: 1, values: vals(2) }] },
    undefined,
    50,
  );
  assert.equal(
    inv.violations.at(-1),
    "n1 at 50 ms: externalized slot 1 twice with different values",
  );
});
