/**
 * Goal: the SCP hardening of issue 8 §2 holds: a single Byzantine node cannot choose the decided
 * value, strangers outside the transitive quorum set cost (almost) nothing, emitted Prepares never
 * carry P above B, timeouts are capped, and hostile message objects become typed rejections.
 * Method: small hand-wired networks of `ScpNode`s on a virtual clock with the leader order forced
 * through the injectable priority function; hostile objects built with getters and proxies.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, test } from "node:test";
import {
  fixedPriority,
  INF,
  ownStatementProblem,
  SCP_LIMITS,
  type ScpMessage,
  type ScpNode,
  type ValueList,
  valueListKey,
} from "../../src/scp/index.js";
import {
  buildTopology,
  DEFAULT_SIM_OPTIONS,
  runSimulation,
  type SimOptions,
  safeDespite,
} from "../../src/sim/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { kOf, msg, node, only, prepare, preparePart, show, vals } from "./helpers.js";

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

  test("outgoing Prepare: P and P' are clamped below B (MobileCoin's out_msg; reference test_contradicting_accept_prepare)", () => {
    // Dense 3-node network: one peer is v-blocking. Local B = <2,V>; peers accept <2,V>, then
    // <2,W> with W > V, so P = <2,W> > B and P' = <2,V>. Sent: P = <1,W>, P' = <1,V>.
    const V = vals(1);
    const W = vals(2);
    const n1 = node("1", kOf(2, ["2", "3"]));
    n1.currentSlot.bumpBallot(V, 2, 0);
    n1.handleMessages(
      [msg("2", kOf(2, ["1", "3"]), prepare({ n: 2, x: V }, { p: { n: 2, x: V } }))],
      0,
    );
    const out = n1.handleMessages(
      [msg("3", kOf(2, ["1", "2"]), prepare({ n: 2, x: W }, { p: { n: 2, x: W } }))],
      0,
    );
    const st = n1.currentSlot.snapshot();
    assert.equal(show(st.b), "<2,[1]>");
    assert.equal(show(st.p), "<2,[2]>", "internally P = <2,W>");
    assert.equal(show(st.pp), "<2,[1]>");
    const sent = preparePart(only(out));
    assert.equal(show(sent.b), "<2,[1]>");
    assert.equal(show(sent.p), "<1,[2]>");
    assert.equal(show(sent.pp), "<1,[1]>");
    assert.equal(ownStatementProblem(only(out).topic), undefined);
    // The checker itself flags an unclamped statement.
    assert.equal(
      ownStatementProblem(prepare({ n: 2, x: V }, { p: { n: 2, x: W } })),
      "P exceeds B",
    );
  });

  test("timeouts are capped at SCP_LIMITS.maxTimeoutMs (stellar-core: 30 minutes)", () => {
    assert.equal(SCP_LIMITS.maxTimeoutMs, 30 * 60 * 1000);
    const base = 1000;
    // Ballot timer: a quorum at counter INF - 1 arms base × INF without the cap.
    const n1 = node("1", kOf(1, ["2"]), { baseBallotIntervalMs: base, baseRoundIntervalMs: base });
    n1.currentSlot.bumpBallot(vals(1), INF - 1, 0);
    n1.handleMessages([msg("2", kOf(1, ["1"]), prepare({ n: INF - 1, x: vals(1) }))], 0);
    assert.equal(n1.currentSlot.ballotTimerAt, SCP_LIMITS.maxTimeoutMs);
    // Nomination timer: round r arms base × r; round 1801 would be 1801 s.
    const n2 = node("1", kOf(1, ["2"]), { baseRoundIntervalMs: base, baseBallotIntervalMs: 1e12 });
    n2.propose(vals(5), 0);
    let now = 0;
    for (let r = 1; r <= 1801; r++) {
      const at = n2.currentSlot.nominationTimerAt as number;
      assert.ok(at - now <= SCP_LIMITS.maxTimeoutMs, `round ${r}: ${at - now} ms`);
      now = at;
      n2.processTimeouts(now);
    }
    assert.equal((n2.currentSlot.nominationTimerAt as number) - now, SCP_LIMITS.maxTimeoutMs);
  });

  test("--byzantine-kind split breaks agreement above the intersection bound and never below it", () => {
    const sim = (shape: Partial<SimOptions>, seed: string) =>
      runSimulation({
        ...DEFAULT_SIM_OPTIONS,
        topology: "mesh",
        byzantineKind: "split",
        slots: 3,
        sync: false,
        timeLimitMs: 60_000,
        checkInvariants: true,
        seed,
        ...shape,
      });
    const meshSafe = (nodes: number, threshold: number, byzantine: number) => {
      const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
      const faulty = ids.slice(nodes - byzantine);
      const topo = buildTopology(
        { kind: "mesh", nodes, threshold, faulty },
        new SeededRandom("x").fork("topology"),
      );
      return safeDespite(topo.ids, topo.qsets, new Set(faulty));
    };
    const seeds = Array.from({ length: 10 }, (_, i) => `split-${i}`);
    // Above the bound: the honest nodes' quorums meet only in Byzantine nodes.
    for (const [nodes, threshold, byzantine] of [
      [4, 2, 2],
      [7, 3, 2],
    ] as const) {
      assert.equal(meshSafe(nodes, threshold, byzantine), false, "the checker fails");
      const broken = seeds.filter(
        (seed) => !sim({ nodes, threshold, byzantine }, seed).agreement,
      ).length;
      assert.ok(broken > 0, `mesh ${nodes}/${threshold} with ${byzantine} split: broke ${broken}`);
    }
    // Below the bound: never.
    for (const [nodes, threshold, byzantine] of [
      [4, 2, 1],
      [7, 4, 2],
      [10, 6, 3],
    ] as const) {
      assert.equal(meshSafe(nodes, threshold, byzantine), true, "the checker passes");
      for (const seed of seeds) {
        const r = sim({ nodes, threshold, byzantine }, seed);
        assert.ok(r.agreement, `mesh ${nodes}/${threshold}, ${byzantine} split, seed ${seed}`);
        assert.deepEqual(r.invariant_violations, [], seed);
      }
    }
  });

  test("syncs counts slots the simulated ledger sync decided; sync: false turns it off", () => {
    const frozen: Partial<SimOptions> = {
      topology: "mesh",
      nodes: 4,
      slots: 30,
      partitions: [{ groups: [["n4"], ["n1", "n2", "n3"]], startMs: 1000, endMs: 25_000 }],
      seed: "s30",
    };
    const withSync = runSimulation({ ...DEFAULT_SIM_OPTIONS, ...frozen });
    assert.ok(withSync.syncs > 0 && withSync.live, JSON.stringify(withSync));
    const without = runSimulation({ ...DEFAULT_SIM_OPTIONS, ...frozen, sync: false });
    assert.equal(without.syncs, 0);
    assert.ok(without.agreement);
  });

  test("sim CLI: --byzantine-kind split and --no-sync, with examples in --help", () => {
    const tool = (...args: string[]) =>
      spawnSync(process.execPath, [path.resolve("bin/consensus-tool.mjs"), "sim", ...args], {
        encoding: "utf8",
      });
    const help = tool("--help");
    assert.match(help.stdout + help.stderr, /--no-sync/);
    assert.match(help.stdout + help.stderr, /split/);
    assert.match(help.stdout + help.stderr, /Examples:\n {2}consensus-tool sim /);
    const r = tool(
      ...["--topology", "mesh", "--nodes", "4", "--threshold", "2", "--byzantine", "2"],
      ...["--byzantine-kind", "split", "--no-sync", "--slots", "3", "--seed", "split-0", "--json"],
    );
    const j = JSON.parse(r.stdout);
    assert.equal(j.agreement, false, r.stdout);
    assert.equal(j.syncs, 0);
    assert.equal(r.status, 1);
  });

  test("hostile message objects become typed rejections; later mutation of a handed-in message changes nothing", () => {
    const q2 = kOf(1, ["1"]);
    const V = vals(7);
    const good = () => msg("2", q2, prepare({ n: 1, x: vals(7) }, { p: { n: 1, x: vals(7) } }));
    const n1 = node("1", kOf(1, ["2"]));
    const hostile: unknown[] = [
      {
        ...good(),
        get slot() {
          throw new Error("slot getter");
        },
      },
      {
        ...good(),
        get topic() {
          throw new Error("topic getter");
        },
      },
      new Proxy(good(), {
        get() {
          throw new Error("proxy trap");
        },
      }),
      new Proxy(good(), {
        ownKeys() {
          throw new Error("ownKeys trap");
        },
      }),
      { ...good(), topic: new Proxy(good().topic, { get: () => 42 }) },
      {
        ...good(),
        topic: prepare({ n: 1, x: [new Proxy(new Uint8Array([7]), {}) as Uint8Array] }),
      },
      { ...good(), quorumSet: { threshold: 1, members: { length: 1e9 } } },
      null,
      42,
    ];
    let reads = 0;
    // A proxy answering differently on each read: read once, so validation and use agree.
    hostile.push(
      new Proxy(good(), {
        get(target, key, receiver) {
          if (key === "slot") return reads++ === 0 ? 1 : 99;
          return Reflect.get(target, key, receiver);
        },
      }),
    );
    for (const [i, h] of hostile.entries())
      assert.doesNotThrow(() => n1.handleMessages([h as ScpMessage], 0), `hostile object ${i}`);
    // Two of them read as a well-formed message (fields are read once each, never enumerated):
    // the ownKeys proxy and the one that changes its slot after the first read.
    const rejected = Object.values(n1.stats.rejected).reduce((a, b) => a + (b ?? 0), 0);
    assert.equal(rejected, hostile.length - 2, JSON.stringify(n1.stats));

    // Mutating a message after handing it in: the node works on its own copy.
    const n3 = node("1", kOf(1, ["2"]));
    n3.currentSlot.bumpBallot(vals(7), 1, 0);
    // P = <2,V> is accepted from the peer alone (1 of 1 is v-blocking): the peer's own objects.
    const m = msg("2", q2, prepare({ n: 2, x: vals(7) }, { p: { n: 2, x: vals(7) } }));
    const out = n3.handleMessages([m], 0);
    assert.equal(show(n3.currentSlot.snapshot().p), show({ n: 2, x: V }));
    type Mutable = { n: number; x: Uint8Array[] };
    const prep = (m.topic as unknown as { prepare: { b: Mutable; p: Mutable } }).prepare;
    for (const ballot of [prep.b, prep.p]) {
      (ballot.x[0] as Uint8Array).fill(0xff);
      ballot.n = 0;
    }
    (m.quorumSet as { threshold: number }).threshold = 0;
    assert.equal(show(n3.currentSlot.snapshot().p), show({ n: 2, x: V }));
    // What the node emits is frozen.
    const sent = only(out);
    assert.ok(Object.isFrozen(sent) && Object.isFrozen(sent.topic));
    assert.ok(Object.isFrozen(preparePart(sent).b) && Object.isFrozen(preparePart(sent).b.x));
  });
});
