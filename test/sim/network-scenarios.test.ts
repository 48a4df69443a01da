/**
 * Goal: the network-level acceptance scenarios of reference/scp.md (4–8, 26–30, 33) hold in the
 * deterministic simulator: agreement always, liveness where the topology allows it, the exact
 * submitted value set in identical blocks, and step-by-step replay.
 * Method: `runSimulation` with seeded workloads and fault schedules; ledgers are rebuilt from the
 * trace's externalize records (the same lines `consensus-tool sim --trace` writes). Seeds are
 * fixed; a failing assertion message names the seed. SCP_SCENARIO_VALUES (default 10000) sets the
 * value count of scenarios 4–6.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isNewer, messageFromJson, type ScpMessage, topicKey } from "../../src/scp/index.js";
import {
  DEFAULT_SIM_OPTIONS,
  replayTrace,
  runSimulation,
  type SimOptions,
  type SimResult,
  type TraceRecord,
} from "../../src/sim/index.js";

const VALUES = Number(process.env.SCP_SCENARIO_VALUES ?? 10_000);

interface Run {
  result: SimResult;
  /** node → slot → value list (hex). */
  ledgers: Map<string, string[][]>;
  /** node → externalize times by slot. */
  times: Map<string, number[]>;
  submitted: Set<string>;
  lines: string[];
}

function run(partial: Partial<SimOptions>, keepLines = false): Run {
  const ledgers = new Map<string, string[][]>();
  const times = new Map<string, number[]>();
  const submitted = new Set<string>();
  const lines: string[] = [];
  const result = runSimulation(
    { ...DEFAULT_SIM_OPTIONS, checkInvariants: true, ...partial },
    (r: TraceRecord) => {
      if (keepLines) lines.push(JSON.stringify(r));
      if (r.event === "externalize") {
        const node = r.node as string;
        const l = ledgers.get(node) ?? [];
        l[r.slot as number] = r.value as string[];
        ledgers.set(node, l);
        const t = times.get(node) ?? [];
        t[r.slot as number] = r.virtual_ms as number;
        times.set(node, t);
      }
      if (r.event === "submit") for (const v of r.values as string[]) submitted.add(v);
    },
  );
  assert.deepEqual(result.invariant_violations, [], `seed ${result.seed}`);
  return { result, ledgers, times, submitted, lines };
}

/** Every listed node holds exactly `submitted`, in identical blocks of at most 100 values. */
function assertSameLedgers(r: Run, nodes: readonly string[], label: string): void {
  const ref = JSON.stringify(r.ledgers.get(nodes[0] as string));
  for (const id of nodes) {
    const l = r.ledgers.get(id) ?? [];
    assert.equal(
      JSON.stringify(l),
      ref,
      `${label}: ${id} has the same blocks (seed ${r.result.seed})`,
    );
    const all = l.slice(1).flat();
    assert.equal(new Set(all).size, all.length, `${label}: no value twice`);
    assert.deepEqual(new Set(all), r.submitted, `${label}: exactly the submitted set`);
    for (const block of l.slice(1))
      assert.ok(block.length >= 1 && block.length <= 100, `${label}: block size`);
  }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

describe("SCP acceptance scenarios (simulated networks)", () => {
  test(`scenario 4: mesh consensus, ${VALUES} values submitted to every node`, () => {
    for (const [n, t] of [
      [1, 0],
      [2, 1],
      [3, 1],
      [3, 2],
      [4, 3],
      [5, 3],
      [5, 4],
    ] as const) {
      const r = run({
        topology: "mesh",
        nodes: n,
        ...(n > 1 ? { threshold: t } : {}),
        totalValues: VALUES,
        timeLimitMs: 500_000,
        seed: `s4-${n}-${t}`,
      });
      assert.ok(r.result.agreement && r.result.live, `mesh ${n}/${t}: ${JSON.stringify(r.result)}`);
      assert.ok(r.result.virtual_ms <= 500_000);
      assertSameLedgers(r, ids(n), `mesh ${n}/${t}`);
    }
  });

  test(`scenario 5: values submitted to one random node and gossiped`, () => {
    for (const [n, t] of [
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 3],
    ] as const) {
      const r = run({
        topology: "mesh",
        nodes: n,
        threshold: t,
        totalValues: VALUES,
        submitTo: "random",
        timeLimitMs: 500_000,
        seed: `s5-${n}-${t}`,
      });
      assert.ok(r.result.agreement && r.result.live, `mesh ${n}/${t}: ${JSON.stringify(r.result)}`);
      assertSameLedgers(r, ids(n), `mesh ${n}/${t}`);
    }
  });

  test("scenario 6: directed cycles of 2..6 nodes", () => {
    for (let n = 2; n <= 6; n++) {
      const r = run({
        topology: "cycle",
        nodes: n,
        totalValues: Math.min(VALUES, 2000),
        timeLimitMs: 500_000,
        seed: `s6-${n}`,
      });
      assert.ok(r.result.agreement && r.result.live, `cycle ${n}: ${JSON.stringify(r.result)}`);
      assertSameLedgers(r, ids(n), `cycle ${n}`);
    }
  });

  test("scenario 7: metamesh 3 orgs × 3/4/5 servers, base timeout 100 ms in effect, 1 then 1000 values", () => {
    for (const m of [3, 4, 5]) {
      for (const values of [1, 1000]) {
        const r = run({
          topology: "metamesh",
          nodes: 3 * m,
          orgs: 3,
          perOrg: m,
          baseTimeoutMs: 100,
          totalValues: values,
          timeLimitMs: 500_000,
          seed: `s7-${m}-${values}`,
        });
        assert.ok(
          r.result.agreement && r.result.live,
          `metamesh 3×${m}, ${values} values: ${JSON.stringify(r.result)}`,
        );
        assertSameLedgers(r, ids(3 * m), `metamesh 3×${m}`);
      }
    }
    // The configured base is what the nodes use: with delays of 200–300 ms and a 100 ms base,
    // nomination rounds time out long before any reply, which a 1000 ms base would not allow.
    const timeouts: number[] = [];
    runSimulation(
      {
        ...DEFAULT_SIM_OPTIONS,
        topology: "metamesh",
        nodes: 9,
        baseTimeoutMs: 100,
        delayMinMs: 200,
        delayMaxMs: 300,
        slots: 1,
        seed: "s7-timer",
      },
      (r) => {
        if (r.event === "timeout" && r.node === "n1") timeouts.push(r.virtual_ms as number);
      },
    );
    assert.ok(
      timeouts.length > 0 && (timeouts[0] as number) <= 110,
      `first timer at ${timeouts[0]} ms`,
    );
  });

  test("scenario 8: whitepaper Figure 2 — values only at v1 are externalized by all; v1 crashed, v2–v4 go on", () => {
    const r = run({ topology: "figure2", nodes: 4, totalValues: 300, submitTo: "n1", seed: "s8" });
    assert.ok(r.result.agreement && r.result.live, JSON.stringify(r.result));
    assertSameLedgers(r, ids(4), "figure2");
    const c = run({
      topology: "figure2",
      nodes: 4,
      slots: 10,
      crashes: [{ node: "n1", atMs: 0 }],
      seed: "s8-crash",
    });
    assert.ok(c.result.agreement && c.result.live, JSON.stringify(c.result));
    assert.equal(c.result.slots_decided_min, 10);
  });

  test("scenario 26: Byzantine equivocation never breaks agreement", () => {
    for (const seed of ["a", "b", "c"]) {
      for (const [n, t] of [
        [4, 3],
        [7, 5],
      ] as const) {
        const r = run({
          topology: "mesh",
          nodes: n,
          threshold: t,
          byzantine: 1,
          byzantineKind: "equivocate",
          slots: 8,
          timeLimitMs: 120_000,
          seed: `s26-${seed}`,
        });
        assert.ok(
          r.result.agreement,
          `mesh ${n}/${t} seed ${seed}: ${JSON.stringify(r.result.disagreements)}`,
        );
        assert.ok(r.result.slots_decided_min >= 1 || n === 4, `7-node progress (seed ${seed})`);
      }
      // With the default threshold (tolerating ⌊(N−1)/3⌋ faults) the honest nodes also stay live.
      const live = run({
        topology: "mesh",
        nodes: 7,
        byzantine: 2,
        byzantineKind: "equivocate",
        slots: 8,
        seed: `s26-live-${seed}`,
      });
      assert.ok(live.result.agreement && live.result.live, JSON.stringify(live.result));
    }
  });

  test("scenario 27: crash tolerance and restart", () => {
    for (const crashed of ids(4)) {
      const r = run({
        topology: "mesh",
        nodes: 4,
        slots: 10,
        crashes: [{ node: crashed, atMs: 300 }],
        seed: `s27-${crashed}`,
      });
      assert.ok(
        r.result.agreement && r.result.live,
        `${crashed} crashed: ${JSON.stringify(r.result)}`,
      );
    }
    const two = run({
      topology: "mesh",
      nodes: 4,
      slots: 10,
      crashes: [
        { node: "n1", atMs: 0 },
        { node: "n2", atMs: 0 },
      ],
      timeLimitMs: 30_000,
      seed: "s27-two",
    });
    assert.ok(two.result.agreement);
    assert.equal(
      two.result.slots_decided_min,
      0,
      "two of four crashed: no quorum, nothing externalized",
    );
    const restart = run(
      {
        topology: "mesh",
        nodes: 4,
        slots: 15,
        crashes: [{ node: "n2", atMs: 400 }],
        restarts: [{ node: "n2", atMs: 6000 }],
        seed: "s27-restart",
      },
      true,
    );
    assert.ok(restart.result.agreement && restart.result.live, JSON.stringify(restart.result));
    assert.deepEqual(restart.result.crashed, [], "n2 is back");
    // No conflicting statement: per slot, every statement n2 makes — before the crash, after the
    // restart (restored from its persisted last statement), re-broadcasts included — repeats or
    // supersedes the previous one in SCP's per-sender order.
    const lastBySlot = new Map<number, ScpMessage>();
    let restored = 0;
    for (const line of restart.lines) {
      const r = JSON.parse(line);
      if (r.event === "restart" && r.node === "n2" && r.restore !== null) restored += 1;
      if (r.event !== "send" || r.node !== "n2") continue;
      const m = messageFromJson(r.message);
      const prev = lastBySlot.get(m.slot);
      if (prev !== undefined)
        assert.ok(
          topicKey(prev.topic) === topicKey(m.topic) || isNewer(m.topic, prev.topic),
          `slot ${m.slot} at ${r.virtual_ms} ms: ${topicKey(m.topic)} after ${topicKey(prev.topic)}`,
        );
      lastBySlot.set(m.slot, m);
    }
    assert.equal(restored, 1, "the restart restored the interrupted slot's statement");
    assert.equal(
      JSON.stringify(replayTrace(restart.lines).first_mismatch),
      "null",
      "restart replays",
    );
  });

  test("scenario 28: partition and heal", () => {
    const start = 2000;
    const end = 62_000;
    const split = run({
      topology: "mesh",
      nodes: 4,
      slots: 10,
      partitions: [
        {
          groups: [
            ["n1", "n2"],
            ["n3", "n4"],
          ],
          startMs: start,
          endMs: end,
        },
      ],
      seed: "s28-even",
    });
    assert.ok(split.result.agreement && split.result.live, JSON.stringify(split.result));
    for (const [node, t] of split.times) {
      for (const [slot, at] of t.entries()) {
        if (at === undefined) continue;
        assert.ok(
          !(at > start + 1500 && at < end),
          `${node} externalized slot ${slot} at ${at} inside the partition`,
        );
      }
    }
    const side = run({
      topology: "mesh",
      nodes: 4,
      slots: 20,
      partitions: [{ groups: [["n1"], ["n2", "n3", "n4"]], startMs: 1000, endMs: 30_000 }],
      seed: "s28-majority",
    });
    assert.ok(side.result.agreement && side.result.live, JSON.stringify(side.result));
    const majorityProgress = (side.times.get("n2") ?? []).filter(
      (t) => t !== undefined && t > 2000 && t < 30_000,
    ).length;
    const minorityProgress = (side.times.get("n1") ?? []).filter(
      (t) => t !== undefined && t > 2000 && t < 30_000,
    ).length;
    assert.ok(majorityProgress > 0, "the side with a quorum progresses");
    assert.equal(minorityProgress, 0, "the side without one does not");
  });

  test("scenario 29: loss, reorder and duplicate soak", () => {
    const r = run({
      topology: "mesh",
      nodes: 4,
      slots: 1000,
      loss: 0.2,
      delayMinMs: 0,
      delayMaxMs: 500,
      duplicate: 0.1,
      baseTimeoutMs: 100,
      rebroadcastMs: 100,
      timeLimitMs: 10_000_000,
      seed: "s29",
    });
    assert.ok(r.result.agreement, JSON.stringify(r.result.disagreements));
    assert.ok(r.result.live, JSON.stringify(r.result));
    assert.ok(r.result.messages_dropped > 0);
  });

  test("scenario 30: a node frozen for 20 slots catches up (buffered Externalize quorums, then ledger sync)", () => {
    const r = run({
      topology: "mesh",
      nodes: 4,
      slots: 50,
      partitions: [{ groups: [["n4"], ["n1", "n2", "n3"]], startMs: 1000, endMs: 25_000 }],
      seed: "s30",
    });
    assert.ok(r.result.agreement && r.result.live, JSON.stringify(r.result));
    const n1 = r.times.get("n1") ?? [];
    const behind = n1.filter((t) => t !== undefined && t > 1000 && t < 25_000).length;
    assert.ok(behind >= 20, `the others decided ${behind} slots while n4 was cut off`);
    assert.ok(r.result.syncs > 0, "the host's sync path brought n4 to the tip");
    assertSameLedgers(
      { ...r, submitted: new Set((r.ledgers.get("n1") ?? []).slice(1).flat()) },
      ids(4),
      "after catch-up",
    );
  });

  test("scenario 33: deterministic replay of an equivocation run", () => {
    const r = run(
      {
        topology: "mesh",
        nodes: 7,
        threshold: 5,
        byzantine: 1,
        byzantineKind: "equivocate",
        slots: 6,
        loss: 0.05,
        duplicate: 0.05,
        seed: "s33",
      },
      true,
    );
    const replay = replayTrace(r.lines);
    assert.equal(replay.first_mismatch, null);
    assert.ok(replay.matches && replay.outputs_compared > 100);
    assert.equal(replay.digest, r.result.digest);
    // Identical arguments, identical run.
    const again = run({
      topology: "mesh",
      nodes: 7,
      threshold: 5,
      byzantine: 1,
      byzantineKind: "equivocate",
      slots: 6,
      loss: 0.05,
      duplicate: 0.05,
      seed: "s33",
    });
    assert.equal(again.result.digest, r.result.digest);
    // A tampered trace is caught at the first differing output.
    const tampered = r.lines.map((l) =>
      l.includes('"event":"send"') ? l.replace('"hn":1', '"hn":2') : l,
    );
    assert.equal(replayTrace(tampered).matches, false);
  });

  test("the checkers can fail: quorums that do not intersect, partitioned, disagree", () => {
    const r = run({
      topology: "mesh",
      nodes: 4,
      threshold: 1,
      slots: 3,
      partitions: [
        {
          groups: [
            ["n1", "n2"],
            ["n3", "n4"],
          ],
          startMs: 0,
          endMs: 1e9,
        },
      ],
      timeLimitMs: 20_000,
      seed: "split",
    });
    assert.equal(r.result.agreement, false);
    assert.ok(r.result.disagreements.length > 0);
    const stuck = run({
      topology: "mesh",
      nodes: 4,
      slots: 3,
      crashes: [
        { node: "n1", atMs: 0 },
        { node: "n2", atMs: 0 },
      ],
      timeLimitMs: 5_000,
      seed: "stuck",
    });
    assert.equal(stuck.result.live, false);
  });

  test("regression (property-test counterexample, seed 424242 path 6084): nodes that missed nomination join the ballots", () => {
    // n4 and n5 were cut off while n1–n3 nominated and prepared; n1 then crashed. n2 and n3 send
    // Prepare (no nomination part), so n4/n5 never confirm a candidate on their own.
    const r = run({
      topology: "mesh",
      nodes: 5,
      threshold: 2,
      slots: 4,
      valuesPerSlot: 1,
      duplicate: 0.3,
      delayMinMs: 0,
      delayMaxMs: 3000,
      crashes: [{ node: "n1", atMs: 6638 }],
      partitions: [
        {
          groups: [
            ["n1", "n2", "n3"],
            ["n4", "n5"],
          ],
          startMs: 6,
          endMs: 8561,
        },
      ],
      faultsEndMs: 15_000,
      timeLimitMs: 315_000,
      seed: "prop-221859",
    });
    assert.ok(r.result.agreement && r.result.live, JSON.stringify(r.result));
  });

  test("regression (property-test counterexample, seed 20261121 path 2359): a slow node is not 'behind'; it must not leave a slot others still need", () => {
    // Random 4-node network, n4 silent. n1 was slow but still needed by n3; syncing it past slot 1
    // stranded n3 (whose only other slice member is the silent n4), and n1/n2 then needed n3.
    const r = run({
      topology: "random",
      nodes: 4,
      slots: 3,
      valuesPerSlot: 3,
      loss: 0.4,
      delayMinMs: 0,
      delayMaxMs: 200,
      byzantine: 1,
      byzantineKind: "silent",
      partitions: [
        {
          groups: [
            ["n1", "n2"],
            ["n3", "n4"],
          ],
          startMs: 381,
          endMs: 1382,
        },
      ],
      faultsEndMs: 15_000,
      timeLimitMs: 315_000,
      seed: "prop-7",
    });
    assert.ok(r.result.agreement && r.result.live, JSON.stringify(r.result));
  });

  test("regressions (property-test counterexamples, seeds 424242/20261121/7): laggards catch up (answers from retained slots, sync when their slices moved on)", () => {
    const cases: Partial<SimOptions>[] = [
      {
        topology: "random",
        nodes: 5,
        slots: 4,
        valuesPerSlot: 4,
        loss: 0.2,
        duplicate: 0.3,
        byzantineKind: "spam",
        partitions: [
          {
            groups: [
              ["n1", "n2"],
              ["n3", "n4", "n5"],
            ],
            startMs: 4593,
            endMs: 11624,
          },
        ],
        seed: "prop-598037",
      },
      {
        topology: "random",
        nodes: 6,
        slots: 2,
        valuesPerSlot: 2,
        loss: 0.4,
        duplicate: 0.1,
        delayMaxMs: 3000,
        byzantine: 1,
        byzantineKind: "silent",
        partitions: [
          {
            groups: [
              ["n1", "n2"],
              ["n3", "n4", "n5", "n6"],
            ],
            startMs: 5,
            endMs: 8998,
          },
        ],
        seed: "prop-398275",
      },
      {
        topology: "random",
        nodes: 5,
        slots: 3,
        valuesPerSlot: 2,
        loss: 0.05,
        duplicate: 0.3,
        partitions: [
          {
            groups: [
              ["n1", "n2"],
              ["n3", "n4", "n5"],
            ],
            startMs: 3031,
            endMs: 11373,
          },
        ],
        seed: "prop-999991",
      },
      {
        topology: "random",
        nodes: 5,
        slots: 2,
        valuesPerSlot: 3,
        loss: 0.4,
        duplicate: 0.1,
        byzantineKind: "spam",
        partitions: [{ groups: [["n1"], ["n2", "n3", "n4", "n5"]], startMs: 1, endMs: 5713 }],
        seed: "prop-469390",
      },
    ];
    for (const c of cases) {
      const r = run({
        delayMinMs: 0,
        delayMaxMs: 1000,
        faultsEndMs: 15_000,
        timeLimitMs: 315_000,
        ...c,
      });
      assert.ok(r.result.agreement && r.result.live, JSON.stringify(r.result));
    }
  });
});
