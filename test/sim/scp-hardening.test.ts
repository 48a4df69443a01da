/**
 * Goal: the SCP hardening of issue 8 §2 holds: a single Byzantine node cannot choose the decided
 * value, strangers outside the transitive quorum set cost (almost) nothing, emitted Prepares never
 * carry P above B, timeouts are capped, and hostile message objects become typed rejections.
 * Method: small hand-wired networks of `ScpNode`s on a virtual clock with the leader order forced
 * through the injectable priority function; hostile objects built with getters and proxies.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  fixedPriority,
  INF,
  type ScpMessage,
  type ScpNode,
  type ValueList,
  valueListKey,
} from "../../src/scp/index.js";
import { kOf, msg, node, prepare, vals } from "./helpers.js";

/** A fully connected network of nodes with a fixed message delay, driven on a virtual clock. */
function network(nodes: ScpNode[], delayMs = 10) {
  const queue: { at: number; to: ScpNode; m: ScpMessage }[] = [];
  const decided = new Map<string, ValueList>();
  let now = 0;
  const emit = (from: ScpNode, ms: readonly ScpMessage[]) => {
    for (const m of ms)
      for (const to of nodes) if (to !== from) queue.push({ at: now + delayMs, to, m });
  };
  const record = (n: ScpNode) => {
    const x = n.externalizedValues(1);
    if (x !== undefined && !decided.has(n.config.local.id)) decided.set(n.config.local.id, x);
  };
  return {
    decided,
    send(to: ScpNode, m: ScpMessage) {
      queue.push({ at: now, to, m });
    },
    propose(n: ScpNode, values: ValueList) {
      emit(n, n.propose(values, now).messages);
    },
    /** Run until every node decided slot 1 or `untilMs` passes. */
    run(untilMs: number) {
      while (now <= untilMs && decided.size < nodes.length) {
        const timers = nodes.map((n) => n.nextDeadline() ?? Number.POSITIVE_INFINITY);
        const nextMsg = queue.reduce((a, q) => Math.min(a, q.at), Number.POSITIVE_INFINITY);
        const next = Math.min(nextMsg, ...timers);
        if (!Number.isFinite(next)) break;
        now = Math.max(now, next);
        for (const n of nodes) {
          const due = queue.filter((q) => q.to === n && q.at <= now);
          if (due.length > 0) {
            for (const d of due) queue.splice(queue.indexOf(d), 1);
            emit(
              n,
              n.handleMessages(
                due.map((d) => d.m),
                now,
              ).messages,
            );
          }
          if ((n.nextDeadline() ?? Number.POSITIVE_INFINITY) <= now)
            emit(n, n.processTimeouts(now).messages);
          record(n);
        }
      }
    },
  };
}

describe("SCP hardening (issue 8 §2)", () => {
  test("a single Byzantine node cannot steer the decided value (INF Prepare while the round-1 leader is silent)", () => {
    // 4-node mesh, each honest node trusts 2 of the 3 others. n1 leads round 1 but has nothing
    // to propose (silent); n4 is Byzantine, never a leader, and claims b = p = <INF, J>, hn = INF.
    const ids = ["n1", "n2", "n3", "n4"];
    const q = (id: string) =>
      kOf(
        2,
        ids.filter((o) => o !== id),
      );
    const lead = { priorityHash: fixedPriority(["n1", "n2", "n3"]) };
    const honest = ["n1", "n2", "n3"].map((id) => node(id, q(id), lead));
    const net = network(honest);
    const J = vals(666);
    const forged = prepare({ n: INF, x: J }, { p: { n: INF, x: J }, hn: INF });
    for (const n of honest) net.send(n, msg("n4", q("n4"), forged));
    net.propose(honest[1] as ScpNode, vals(2));
    net.propose(honest[2] as ScpNode, vals(3));
    net.run(60_000);
    for (const [id, x] of net.decided)
      assert.notEqual(valueListKey(x), valueListKey(J), `${id} decided the Byzantine value`);
    // Liveness is kept: the honest nodes decide an honest value once round 2 adds a leader.
    assert.equal(net.decided.size, 3, "every honest node decides");
    const keys = new Set([...net.decided.values()].map(valueListKey));
    assert.equal(keys.size, 1, "agreement");
  });

  test("senders outside the transitive quorum set are dropped before any work; nodes a peer's quorum set names are kept", () => {
    const peers = Array.from({ length: 9 }, (_, i) => `n${i + 1}`);
    const n0 = node("n0", kOf(7, peers));
    const strangers: ScpMessage[] = [];
    for (let i = 0; i < 1000; i++) {
      const b = { n: 1 + (i % 50), x: vals(i + 10) };
      strangers.push(msg(`s${i}`, kOf(1, ["n1"]), prepare(b, { p: b })));
    }
    n0.handleMessages(strangers, 0);
    assert.equal(n0.stats.rejected.MSG_SENDER_NOT_IN_QUORUM, 1000);
    // Future-slot buffer: strangers are not buffered either.
    n0.handleMessages(
      strangers.slice(0, 10).map((m) => ({ ...m, slot: 2 })),
      0,
    );
    assert.equal(n0.stats.buffered, 0);
    assert.equal(n0.stats.rejected.MSG_SENDER_NOT_IN_QUORUM, 1010);
    // "far" is named only by n1's quorum set: accepted in the same batch, whatever the order.
    const q1 = kOf(2, ["n0", "far"]);
    const b = { n: 1, x: vals(1) };
    const out = n0.handleMessages(
      [msg("far", kOf(1, ["n1"]), prepare(b)), msg("n1", q1, prepare(b))],
      0,
    );
    assert.equal(n0.stats.rejected.MSG_SENDER_NOT_IN_QUORUM, 1010);
    assert.ok(n0.currentSlot.tracks("far"));
    assert.equal(out.messages.length, 0);
  });
});
