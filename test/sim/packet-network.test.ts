/**
 * Goal: the simulator's packet network carries any payload and applies its fault model exactly as
 * configured: delays within bounds rounded up to the receiver's tick, loss and duplication only
 * before `faultsEndMs`, partitions only inside their window (they heal), packets to a crashed node
 * dropped until it restarts, every packet counted once, and the same seed giving the same schedule.
 * Method: a `PacketNetwork<{ n: number }>` driven by a plain list of due notifications instead of
 * the simulator, with fixed seeds (named in each test).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type NetworkFaults, PacketNetwork } from "../../src/sim/index.js";
import { SeededRandom } from "../../src/util/index.js";

const CALM: NetworkFaults = {
  loss: 0,
  duplicate: 0,
  delayMinMs: 5,
  delayMaxMs: 50,
  faultsEndMs: Number.POSITIVE_INFINITY,
  partitions: [],
  tickMs: 10,
};

function network(faults: Partial<NetworkFaults>, seed = "net") {
  const due: { to: string; at: number }[] = [];
  const net = new PacketNetwork<{ n: number }>(
    { ...CALM, ...faults },
    new SeededRandom(seed),
    (to, at) => due.push({ to, at }),
  );
  /** Every packet that reaches `to`, taking each due batch in time order. */
  const drain = (to: string): { at: number; n: number; from: string }[] => {
    const out: { at: number; n: number; from: string }[] = [];
    for (const d of [...due].sort((a, b) => a.at - b.at)) {
      if (d.to !== to) continue;
      for (const p of net.take(to, d.at)) out.push({ at: d.at, n: p.payload.n, from: p.from });
    }
    return out;
  };
  return { net, due, drain };
}

test("packets arrive once, after a delay in bounds, at the next tick", () => {
  const { net, due, drain } = network({}, "delay");
  for (let i = 0; i < 200; i++) net.send("a", "b", { n: i }, 1000);
  const got = drain("b");
  assert.deepEqual(
    got.map((g) => g.n).sort((x, y) => x - y),
    Array.from({ length: 200 }, (_, i) => i),
  );
  for (const g of got) {
    assert.equal(g.from, "a");
    assert.equal(g.at % 10, 0, `due at ${g.at}, not on a tick`);
    assert.ok(g.at >= 1005 && g.at <= 1050, `due at ${g.at}, outside 1005..1050`);
  }
  // One notification per (receiver, due time), however many packets share it.
  assert.equal(new Set(due.map((d) => d.at)).size, due.length);
  assert.ok(due.length > 1, "every packet landed on the same tick: delays are not drawn");
  assert.deepEqual(net.stats, { sent: 200, delivered: 0, dropped: 0 });
});

test("loss and duplication apply only before faultsEndMs", () => {
  const lossy = network({ loss: 1, faultsEndMs: 500 });
  for (let i = 0; i < 10; i++) lossy.net.send("a", "b", { n: i }, 499);
  for (let i = 10; i < 20; i++) lossy.net.send("a", "b", { n: i }, 500);
  assert.deepEqual(
    lossy
      .drain("b")
      .map((g) => g.n)
      .sort((x, y) => x - y),
    Array.from({ length: 10 }, (_, i) => i + 10),
  );
  assert.equal(lossy.net.stats.dropped, 10);

  const doubled = network({ duplicate: 1, faultsEndMs: 500 });
  doubled.net.send("a", "b", { n: 1 }, 0);
  doubled.net.send("a", "b", { n: 2 }, 600);
  assert.deepEqual(
    doubled
      .drain("b")
      .map((g) => g.n)
      .sort(),
    [1, 1, 2],
  );
});

test("a partition cuts traffic between its groups inside its window and heals at its end", () => {
  const { net, drain } = network({
    partitions: [{ groups: [["a"], ["b"]], startMs: 100, endMs: 200 }],
  });
  net.send("a", "b", { n: 1 }, 99);
  net.send("a", "b", { n: 2 }, 100);
  net.send("b", "a", { n: 3 }, 199);
  net.send("a", "c", { n: 4 }, 150); // c is unlisted: its own group, cut off too
  net.send("a", "b", { n: 5 }, 200);
  assert.equal(net.separated("a", "b", 150), true);
  assert.equal(net.separated("a", "b", 200), false);
  assert.deepEqual(
    drain("b")
      .map((g) => g.n)
      .sort(),
    [1, 5],
  );
  assert.deepEqual(drain("a"), []);
  assert.deepEqual(drain("c"), []);
  assert.deepEqual(net.stats, { sent: 5, delivered: 0, dropped: 3 });
});

test("a crashed node loses what falls due while it is down and receives again after restart", () => {
  const { net, due } = network({ delayMinMs: 10, delayMaxMs: 10 });
  net.send("a", "b", { n: 1 }, 0);
  net.crash("b");
  assert.equal(net.isDown("b"), true);
  assert.deepEqual(net.take("b", 10), []);
  net.restart("b");
  net.send("a", "b", { n: 2 }, 20);
  assert.deepEqual(
    net.take("b", 30).map((p) => p.payload.n),
    [2],
  );
  net.count(1, 0);
  assert.deepEqual(due, [
    { to: "b", at: 10 },
    { to: "b", at: 30 },
  ]);
  assert.deepEqual(net.stats, { sent: 2, delivered: 1, dropped: 1 });
});

test("the same seed gives the same schedule; another seed a different one", () => {
  const schedule = (seed: string) => {
    const { net, due } = network({ loss: 0.3, duplicate: 0.3 }, seed);
    for (let i = 0; i < 100; i++) net.send("a", i % 2 === 0 ? "b" : "c", { n: i }, i * 3);
    return JSON.stringify(due);
  };
  assert.equal(schedule("s1"), schedule("s1"));
  assert.notEqual(schedule("s1"), schedule("s2"));
});
