// Goal: a crashed and restarted whole node catches up through the block-fetcher seam from a
// simulated archive (fed with the blocks an honest node appends) and from its peers; when the
// archive serves a corrupt block, the node strikes it, skips it for the named back-off, takes the
// blocks from its peers instead and still ends with the same block ids as everyone else.
// Method: the crash/restart scenario of whole-node.test.ts (n2 down longer than the peers'
// broadcasters retry), with `archive` and with `corruptArchive`; the expectations are computed
// here from the ledgers, the archive's named corruption rule and the request log.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ARCHIVE_LIMITS } from "../../src/archive/index.js";
import {
  type ClusterNode,
  runWholeNodeCluster,
  SIM_ARCHIVE_LIMITS,
  type WholeNodeRun,
} from "../../src/sim/index.js";
import { assertWholeNodeInvariants, crashRestartOptions } from "./whole-node-helpers.js";

async function crashRestart(seed: string, corrupt: boolean): Promise<WholeNodeRun> {
  return runWholeNodeCluster(
    crashRestartOptions(seed, corrupt ? { corruptArchive: true } : { archive: true }),
  );
}

/** The restarted incarnation's catch-up requests and per-source scores. */
function restarted(run: WholeNodeRun) {
  const victim = run.cluster.nodes.find((n) => n.id === "n2") as ClusterNode;
  assert.equal(victim.incarnation, 1);
  const url = run.cluster.catchUp.archive?.url as string;
  const requests = run.cluster.catchUp.requests.filter((r) => r.netId === "n2");
  const scores = run.cluster.catchUp.report("n2").at(-1) ?? [];
  const served = (source: string) => scores.find((s) => s.source === source)?.served ?? 0;
  const fromPeers = scores.filter((s) => s.source !== url).reduce((t, s) => t + s.served, 0);
  return { victim, url, requests, scores, archiveServed: served(url), fromPeers };
}

describe("sim --whole-node catch-up through the block fetcher (seeded; seed printed on failure)", () => {
  it("a restarted node catches up from the simulated archive, with the same block ids as its peers", async () => {
    const seed = "wn-catch-up-archive";
    const run = await crashRestart(seed, false);
    assertWholeNodeInvariants(run, seed);
    assert.equal(run.cluster.catchUp.publisher, "n1", `the archive's publisher (seed ${seed})`);
    const r = restarted(run);
    assert.ok(r.victim.syncedBlocks > 0, `n2 fetched no block (seed ${seed})`);
    assert.ok(r.archiveServed > 0, `the archive served n2 nothing (seed ${seed})`);
    assert.ok(
      r.scores.every((s) => s.strikes === 0),
      `an honest source was struck (seed ${seed}): ${JSON.stringify(r.scores)}`,
    );
  });

  it("a corrupt archive is struck and skipped for its back-off; the node takes the blocks from its peers", async () => {
    const seed = "wn-catch-up-corrupt";
    const run = await crashRestart(seed, true);
    assertWholeNodeInvariants(run, seed);
    const r = restarted(run);
    assert.ok(r.victim.syncedBlocks > 0, `n2 fetched no block (seed ${seed})`);
    const archive = r.scores.find((s) => s.source === r.url);
    assert.ok(archive !== undefined && archive.strikes >= 1, `archive not struck (seed ${seed})`);
    assert.match(archive.lastReason ?? "", /contents/);
    assert.ok(r.fromPeers > 0, `no block came from a peer (seed ${seed})`);
    // Every block the archive served as good sits before a corrupt index.
    const mod = SIM_ARCHIVE_LIMITS.corruptIndexMod3;
    const archiveAsks = r.requests.filter((q) => q.source === r.url);
    assert.ok(archiveAsks.length >= 1);
    const first = archiveAsks[0] as (typeof archiveAsks)[number];
    const untilCorrupt = Number((mod - (first.fromIndex % 3n) + 3n) % 3n);
    assert.ok(
      r.archiveServed <= untilCorrupt + 2 * (archiveAsks.length - 1),
      `the archive served blocks past a corrupt one (seed ${seed})`,
    );
    if (untilCorrupt > 0)
      assert.ok(
        r.archiveServed >= untilCorrupt,
        `the good blocks before it were lost (seed ${seed})`,
      );
    // After the first strike, the archive is not asked again within the back-off.
    const next = archiveAsks[1];
    if (next !== undefined)
      assert.ok(
        next.atMs >= first.atMs + ARCHIVE_LIMITS.badSourceBackoffMs,
        `the struck archive was asked again after ${next.atMs - first.atMs} ms (seed ${seed})`,
      );
    // The blocks after the last good archive block came from a peer, starting right there.
    const peerAsk = r.requests.find((q) => q.source !== r.url && q.atMs === first.atMs);
    assert.equal(
      peerAsk?.fromIndex,
      first.fromIndex + BigInt(untilCorrupt),
      `the peers were not asked from the corrupt block (seed ${seed})`,
    );
  });
});
