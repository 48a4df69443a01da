// Goal: quorum health in real processes (issue 13 acceptance). In a 4-node runbook network (each
// node trusts the other three, 2 of them: a quorum is 3 of 4), every node's /quorum shows the
// other three agreeing; `/quorum?fail=ID,ID` answers what `consensus-tool check-quorum` says for
// the same network files with those nodes left out (intersection, whether we keep a quorum, how
// many more crashes we survive); a node stopped with SIGTERM turns `missing` in the others'
// /quorum within the keepalive window while their /readyz stays 200 (3 of 4 remain), and with a
// second node stopped the last two answer /readyz 503 with NO_QUORUM naming the missing members.
// Method: test/helpers/runbook-network.ts with `--admin-http-listen-uri` on port 0 (the address
// from each node's "Listening..." line); one payment makes every node hear the others' statements
// (and so their quorum sets). Expected values come from the real check-quorum CLI run on the
// network files, and from docs/OPERATIONS.md ("Health reasons": missing after the keepalive
// silence plus one probe interval, 40 s; NO_QUORUM lists the missing members). Every wait polls
// HTTP or GetBlocks under a deadline; after() kills every process.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { RunbookNetwork } from "../helpers/runbook-network.js";

const TOOL = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "bin",
  "consensus-tool.mjs",
);
const MOB = 1_000_000_000_000n;
/**
 * The keepalive window: a member is `missing` once silent for longer than MobileCoin's keepalive
 * silence (30 s) plus one probe interval (10 s) — reference enclave-attest.md (PeerKeepalive) and
 * docs/OPERATIONS.md "Health reasons".
 */
const KEEPALIVE_WINDOW_MS = 40_000;
/**
 * Allowed beyond the window, measured from the stopped node's exit: the poll interval (200 ms),
 * HTTP round trips to three nodes, and event-loop delays of four nodes and this test sharing two
 * loaded cores. The node computes the state when asked, so no timer granularity adds to it.
 */
const SLACK_MS = 5_000;
/** Elapsed times on the node and here agree; this covers a request's transit and handling. */
const CLOCK_SLACK_MS = 1_000;
/** Longest wait for a state change after a stop: the window, its slack and margin for a report. */
const STATE_DEADLINE_MS = KEEPALIVE_WINDOW_MS + 20_000;

interface Member {
  id: string;
  state: string;
  trusts: string[] | null;
  inLocalQuorumSet: boolean;
  lastHeardAgoMs: number | null;
}
interface QuorumAnswer {
  ok: boolean;
  local: string;
  members: Member[];
  hasQuorum: boolean;
  intersection: {
    intersects: boolean | null;
    split: [string[], string[]] | null;
    nodesWithoutQuorum: string[];
    unknownNodes: string[];
  };
  liveness: { tolerates: number; exact: boolean };
  failed: string[];
}
interface CheckQuorum {
  code: number;
  json: {
    intersects: boolean;
    split: [string[], string[]] | null;
    nodes_without_quorum: string[];
    unknown_nodes: string[];
  };
}

let net: RunbookNetwork;
/** check-quorum's answer for every set of left-out nodes (key: sorted ids joined by ","). */
let checkQuorumTable: Promise<Map<string, CheckQuorum>>;

const id = (i: number) => net.nodes[i]?.peerResponderId as string;
const keyOf = (ids: readonly string[]) => [...ids].sort().join(",");

function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [[]];
  for (const x of items) for (const s of [...out]) out.push([...s, x]);
  return out;
}

/** The real CLI on the network files of every node not in `left`. */
function checkQuorum(left: readonly string[]): Promise<CheckQuorum> {
  const args = net.nodes
    .filter((x) => !left.includes(x.peerResponderId))
    .map((x) => `${x.peerResponderId}=${x.networkPath}`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [TOOL, "check-quorum", "--json", ...args],
      { cwd: net.dir, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        if (code !== 0 && code !== 1) reject(new Error(`check-quorum failed (${code}): ${stderr}`));
        else resolve({ code, json: JSON.parse(stdout) });
      },
    );
  });
}

/** check-quorum for every proper subset of the nodes left out, one run at a time. */
async function tabulateCheckQuorum(): Promise<Map<string, CheckQuorum>> {
  const table = new Map<string, CheckQuorum>();
  const all = net.nodes.map((x) => x.peerResponderId);
  for (const left of subsets(all))
    if (left.length < all.length) table.set(keyOf(left), await checkQuorum(left));
  return table;
}

async function getJson<T>(i: number, p: string): Promise<{ status: number; body: T }> {
  const r = await fetch(new URL(p, net.adminHttpUrl(i)), { signal: AbortSignal.timeout(10_000) });
  return { status: r.status, body: (await r.json()) as T };
}

const quorum = async (i: number, fail?: readonly string[]) =>
  (
    await getJson<QuorumAnswer>(
      i,
      fail === undefined ? "/quorum" : `/quorum?fail=${encodeURIComponent(fail.join(","))}`,
    )
  ).body;

type Readyz = { ok: boolean; reasons: { code: string; text: string }[] };
const readyz = (i: number) => getJson<Readyz>(i, "/readyz");

/** Every node in `nodes` has the same block ids, at least `count` of them. */
async function sameBlocks(nodes: readonly number[], count: number): Promise<void> {
  await net.waitFor(
    async () => {
      const ids = await Promise.all(nodes.map((i) => net.blockIds(i)));
      const ref = ids[0] as string[];
      return ref.length >= count && ids.every((l) => l.join() === ref.join());
    },
    `nodes ${nodes.join(",")} agree on ${count} blocks`,
  );
}

/**
 * What check-quorum's table says node `local` should answer for `/quorum?fail=` while no member
 * is missing: the intersection of the remaining files; a quorum containing us exactly when we are
 * not among nodes_without_quorum; liveness tolerates the largest k such that leaving out any k
 * more of the others still keeps us in a quorum (0 when we have none).
 */
function expectedFromTable(table: Map<string, CheckQuorum>, local: string, fail: string[]) {
  const cq = table.get(keyOf(fail)) as CheckQuorum;
  const keeps = (left: readonly string[]) =>
    !(table.get(keyOf(left)) as CheckQuorum).json.nodes_without_quorum.includes(local);
  const rest = net.nodes
    .map((x) => x.peerResponderId)
    .filter((x) => x !== local && !fail.includes(x));
  let tolerates = 0;
  for (let k = 1; k <= rest.length; k++) {
    const ok = subsets(rest)
      .filter((s) => s.length === k)
      .every((s) => keeps([...fail, ...s]));
    if (!ok) break;
    tolerates = k;
  }
  const hasQuorum = keeps(fail);
  return {
    code: cq.code,
    hasQuorum,
    ok: hasQuorum && cq.json.intersects,
    liveness: hasQuorum ? tolerates : 0,
    intersection: {
      intersects: cq.json.intersects,
      split: cq.json.split,
      nodesWithoutQuorum: cq.json.nodes_without_quorum,
      unknownNodes: cq.json.unknown_nodes,
    },
  };
}

/**
 * Node `i`'s view of node `watched`, stopped at `stoppedAt` (our clock), in one /quorum answer:
 * missing exactly when its silence exceeds the keepalive window, and that silence at least the
 * time since it stopped (a stopped node cannot be heard; elapsed times on the node and here
 * agree). Only `alsoGone` may be missing besides it: live peers of an idle network are heard
 * through keepalive. Returns the answer and whether `watched` is missing in it.
 */
async function viewOfStopped(
  i: number,
  watched: number,
  stoppedAt: number,
  alsoGone: readonly number[] = [],
): Promise<{ q: QuorumAnswer; missing: boolean }> {
  const asked = Date.now();
  const q = await quorum(i);
  const what = `node ${i} about node ${watched}`;
  const gone = [watched, ...alsoGone].map(id);
  const missing = q.members.filter((x) => x.state === "missing").map((x) => x.id);
  assert.ok(
    missing.every((x) => gone.includes(x)),
    `${what}: missing ${missing}`,
  );
  const m = q.members.find((x) => x.id === id(watched)) as Member;
  const ago = m.lastHeardAgoMs ?? Number.POSITIVE_INFINITY;
  assert.equal(m.state === "missing", ago > KEEPALIVE_WINDOW_MS, `${what}: ${JSON.stringify(m)}`);
  assert.ok(
    ago + CLOCK_SLACK_MS >= asked - stoppedAt,
    `${what}: heard after it stopped? ${ago} ms`,
  );
  return { q, missing: m.state === "missing" };
}

/**
 * Poll until node `watched` is `missing` in the /quorum of every node in `observers`, checking at
 * every round that each observer's /readyz is still 200 and its view of `watched` (above).
 * Returns, per observer, the ms from `stoppedAt` to the first answer showing it missing.
 */
async function untilMissing(
  watched: number,
  observers: readonly number[],
  stoppedAt: number,
): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  await net.waitFor(
    async () => {
      for (const i of observers) {
        const r = await readyz(i);
        assert.equal(
          r.status,
          200,
          `node ${i}: /readyz with a quorum left: ${JSON.stringify(r.body)}`,
        );
        const { missing } = await viewOfStopped(i, watched, stoppedAt);
        if (missing && !seen.has(i)) seen.set(i, Date.now() - stoppedAt);
      }
      return seen.size === observers.length;
    },
    `node ${watched} missing on nodes ${observers.join(",")}`,
    STATE_DEADLINE_MS,
  );
  return seen;
}

describe("quorum health in a four-node network of real processes", { timeout: 400_000 }, () => {
  before(async () => {
    net = await RunbookNetwork.create({
      nodes: 4,
      extraFlags: ["--admin-http-listen-uri=http://127.0.0.1:0/"],
    });
    checkQuorumTable = tabulateCheckQuorum();
    // A failure is reported where the table is awaited, not as an unhandled rejection here.
    checkQuorumTable.catch(() => undefined);
  });
  after(async () => {
    await checkQuorumTable?.catch(() => undefined);
    await net?.destroy();
  });

  it("after a block, each node's /quorum shows the other three agreeing", async () => {
    await net.startAll();
    const sent = net.send(0, { from: 0, to: 1, picoMob: MOB });
    assert.equal(sent.result, "Ok", JSON.stringify(sent));
    await sameBlocks([0, 1, 2, 3], 2);
    for (let i = 0; i < 4; i++) {
      const others = [0, 1, 2, 3].filter((j) => j !== i).map(id);
      // Each node learns a peer's quorum set from that peer's statements: wait until all arrived.
      await net.waitFor(async () => {
        const q = await quorum(i);
        return q.members.every((m) => m.state === "self" || (m.state === "agreeing" && m.trusts));
      }, `node ${i} sees the others agreeing`);
      const q = await quorum(i);
      assert.equal(q.local, id(i));
      assert.deepEqual(
        q.members.map((m) => [m.id, m.state, m.inLocalQuorumSet]),
        [[id(i), "self", false], ...others.sort().map((o) => [o, "agreeing", true])],
      );
      for (const m of q.members.slice(1))
        assert.deepEqual(
          [...(m.trusts ?? [])].sort(),
          [0, 1, 2, 3]
            .map(id)
            .filter((x) => x !== m.id)
            .sort(),
        );
      assert.equal(q.hasQuorum, true);
      assert.equal(q.ok, true);
      const r = await readyz(i);
      assert.deepEqual([r.status, r.body], [200, { ok: true, reasons: [] }]);
    }
  });

  it("/quorum?fail= answers what check-quorum says for the network files left", async () => {
    const table = await checkQuorumTable;
    // The network files: all four intersect; without two nodes nobody has a quorum any more.
    assert.equal(table.get("")?.code, 0);
    assert.equal(table.get(keyOf([id(2), id(3)]))?.json.nodes_without_quorum.length, 2);
    let compared = 0;
    for (const i of [0, 2]) {
      const others = [0, 1, 2, 3].filter((j) => j !== i).map(id);
      for (const fail of subsets(others)) {
        const q = await quorum(i, fail);
        const want = expectedFromTable(table, id(i), fail);
        const what = `node ${i}, fail=${fail.join(",")}`;
        assert.deepEqual(q.failed, [...fail].sort(), what);
        assert.deepEqual(q.intersection, { ...want.intersection, error: null }, what);
        assert.equal(q.intersection.intersects, want.code === 0, `${what}: exit code`);
        assert.equal(q.hasQuorum, want.hasQuorum, `${what}: hasQuorum`);
        assert.equal(q.ok, want.ok, `${what}: ok`);
        assert.deepEqual(
          q.liveness,
          { tolerates: want.liveness, exact: true },
          `${what}: liveness`,
        );
        compared++;
      }
    }
    assert.equal(compared, 16);
  });

  it("a stopped node turns missing within the keepalive window; /readyz stays 200 with 3 of 4", async (t) => {
    const table = await checkQuorumTable;
    const exit = await net.stop(3, "SIGTERM");
    const stoppedAt = Date.now();
    assert.deepEqual(exit, { code: 0, signal: null }, net.nodes[3]?.stderr);
    const took = await untilMissing(3, [0, 1, 2], stoppedAt);
    for (const [i, ms] of took) {
      assert.ok(
        ms <= KEEPALIVE_WINDOW_MS + SLACK_MS,
        `node ${i} saw node 3 missing ${ms} ms after it stopped (window ${KEEPALIVE_WINDOW_MS} ms)`,
      );
      // The live answer now equals check-quorum without node 3's file for what depends on who is
      // up, and with it for the intersection (a missing node's quorum set is still declared).
      const q = await quorum(i);
      const without3 = expectedFromTable(table, id(i), [id(3)]);
      const all = expectedFromTable(table, id(i), []);
      assert.equal(q.hasQuorum, without3.hasQuorum);
      assert.equal(q.liveness.tolerates, without3.liveness);
      assert.deepEqual(q.intersection, { ...all.intersection, error: null });
    }
    // Figures for the report: ms from node 3's exit to "missing" on nodes 0, 1, 2.
    t.diagnostic(
      `node 3 missing after (ms from its exit): ${JSON.stringify(Object.fromEntries(took))}`,
    );
  });

  it("with a second node stopped, the last two answer /readyz 503 with NO_QUORUM naming them", async (t) => {
    const exit = await net.stop(2, "SIGTERM");
    const stoppedAt = Date.now();
    assert.deepEqual(exit, { code: 0, signal: null }, net.nodes[2]?.stderr);
    const took = new Map<number, number>();
    const answers = new Map<number, Readyz>();
    // /readyz is asked before /quorum: once node 2 is missing it stays so, so a 503 must be
    // followed by an answer without a quorum, and an answer without one by a 503 next round.
    await net.waitFor(
      async () => {
        for (const i of [0, 1]) {
          if (took.has(i)) continue;
          const r = await readyz(i);
          const { q, missing } = await viewOfStopped(i, 2, stoppedAt, [3]);
          assert.equal(q.hasQuorum, !missing, `node ${i}: a quorum exactly while node 2 is heard`);
          if (r.status === 503) {
            assert.equal(
              q.hasQuorum,
              false,
              `node ${i}: 503 with a quorum: ${JSON.stringify(r.body)}`,
            );
            took.set(i, Date.now() - stoppedAt);
            answers.set(i, r.body);
          } else assert.equal(r.status, 200, JSON.stringify(r.body));
        }
        return took.size === 2;
      },
      "nodes 0 and 1 not ready",
      STATE_DEADLINE_MS,
    );
    for (const i of [0, 1]) {
      const body = answers.get(i) as Readyz;
      assert.equal(body.ok, false);
      const noQuorum = body.reasons.find((r) => r.code === "NO_QUORUM");
      assert.ok(noQuorum, JSON.stringify(body));
      // docs/OPERATIONS.md: "the text lists the missing ones".
      for (const gone of [2, 3]) assert.ok(noQuorum.text.includes(id(gone)), noQuorum.text);
      assert.ok(
        !noQuorum.text.includes(id(1 - i)),
        `the live peer is not listed: ${noQuorum.text}`,
      );
      assert.ok(
        (took.get(i) as number) <= KEEPALIVE_WINDOW_MS + SLACK_MS,
        `node ${i}: ${took.get(i)} ms`,
      );
      const q = await quorum(i);
      assert.deepEqual([q.ok, q.hasQuorum], [false, false]);
      assert.deepEqual(
        q.members
          .filter((m) => m.state === "missing")
          .map((m) => m.id)
          .sort(),
        [id(2), id(3)].sort(),
      );
    }
    t.diagnostic(
      `/readyz 503 after (ms from node 2's exit): ${JSON.stringify(Object.fromEntries(took))}`,
    );
  });
});
