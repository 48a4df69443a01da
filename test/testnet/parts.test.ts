// Goal: the parts of `consensus-tool testnet` that need no running validator: the folder it
// writes (network files that check-quorum and consensus-service --check-config accept, a restart
// that keeps keys and moves taken ports), children that exit when the pipe from their parent
// closes (also when the parent is SIGKILLed), and the live view's text from made-up node data.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { main as serviceMain } from "../../src/cli/consensus-service.js";
import { main as toolMain } from "../../src/cli/consensus-tool.js";
import {
  Children,
  compareLedgers,
  executable,
  frameLines,
  frameText,
  inSyncFromInfo,
  logTail,
  meshThreshold,
  type NodeView,
  percentile,
  phaseFromMetrics,
  prepareTestnet,
  progressLine,
  readManifest,
  type Snapshot,
  serviceSpec,
  TestnetLayout,
} from "../../src/testnet/index.js";
import { runCaptured } from "../helpers/captured-run.js";

const quorumArgs = (layout: TestnetLayout) =>
  (readManifest(layout)?.nodes ?? []).map(
    (n) => `127.0.0.1:${n.ports.peer}=${layout.networkFile(n.index)}`,
  );

/** Poll observable state (a file, a process) until it holds; bounded by the test's timeout. */
async function until(what: () => boolean): Promise<void> {
  while (!what()) await new Promise((resolve) => setTimeout(resolve, 50));
}

const alive = (pid: number): boolean => {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie (exited, not yet reaped by a dead parent's reaper) counts as gone.
  return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
};

describe("testnet folder", () => {
  let dir: string;
  let layout: TestnetLayout;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "testnet-parts-"));
    layout = new TestnetLayout(path.join(dir, "net"));
    await prepareTestnet(layout, 4);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("uses the mesh thresholds that tolerate ⌊(n−1)/3⌋ faults (the node itself left out)", () => {
    // n = 4: 3 of 4 with itself; n = 7: 5 of 7 (2 faults); n = 1: no one else.
    assert.deepEqual([1, 2, 3, 4, 7, 10].map(meshThreshold), [0, 1, 2, 2, 4, 6]);
  });

  it("writes network files whose quorums intersect (check-quorum exits 0)", async () => {
    const r = await runCaptured(toolMain, ["check-quorum", "--json", ...quorumArgs(layout)]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      intersects: true,
      split: null,
      nodes_without_quorum: [],
      unknown_nodes: [],
    });
    // Ports come from below the kernel's ephemeral range (outgoing connections cannot take them).
    const low = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
    );
    const ports = (readManifest(layout)?.nodes ?? []).flatMap((n) => Object.values(n.ports));
    assert.equal(new Set(ports).size, 16);
    for (const port of ports) assert.ok(port >= 10_000 && port < low, `port ${port}`);
    const toml = readFileSync(layout.networkFile(1), "utf8");
    assert.match(toml, /threshold = 2/);
    assert.equal(toml.match(/type = "Node"/g)?.length, 3);
    assert.equal(toml.match(/file:\/\/.*archive-[234]\//g)?.length, 3);
  });

  it("gives each node a configuration consensus-service --check-config accepts", async () => {
    const manifest = readManifest(layout);
    assert.ok(manifest !== undefined);
    for (const node of manifest.nodes) {
      const spec = serviceSpec(layout, manifest, node);
      const r = await runCaptured(serviceMain, [...spec.args, "--check-config"], spec.env);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /quorum set 2 of 3; 3 broadcast peers/);
    }
  });

  it("adds --scp-debug-dump into the node's folder only when asked (testnet --scp-debug-dump)", async () => {
    const manifest = readManifest(layout);
    const node = manifest?.nodes[1];
    assert.ok(manifest !== undefined && node !== undefined);
    assert.ok(!serviceSpec(layout, manifest, node).args.includes("--scp-debug-dump"));
    const spec = serviceSpec(layout, manifest, node, true);
    const at = spec.args.indexOf("--scp-debug-dump");
    assert.equal(spec.args[at + 1], path.join(layout.dir, `node-${node.index}`, "scp-debug-dump"));
    const r = await runCaptured(serviceMain, [...spec.args, "--check-config"], spec.env);
    assert.equal(r.status, 0, r.stderr);
  });

  it("restarts from the folder: same keys, new ports when an old one is taken", async () => {
    const before = readManifest(layout);
    assert.ok(before !== undefined);
    const again = await prepareTestnet(layout, 4);
    assert.equal(again.created, false);
    assert.deepEqual(again.manifest, before);
    const blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen({ host: "127.0.0.1", port: before.nodes[0]?.ports.peer }, resolve),
    );
    try {
      const moved = await prepareTestnet(layout, 4);
      assert.notEqual(moved.manifest.nodes[0]?.ports.peer, before.nodes[0]?.ports.peer);
      assert.deepEqual(
        moved.manifest.nodes.map((n) => n.consensusMsgKey),
        before.nodes.map((n) => n.consensusMsgKey),
      );
      const r = await runCaptured(toolMain, ["check-quorum", ...quorumArgs(layout)]);
      assert.equal(r.status, 0, r.stderr);
    } finally {
      blocker.close();
    }
  });

  it("refuses a non-empty folder that is not a testnet", async () => {
    const other = path.join(dir, "other");
    const r1 = await runCaptured(toolMain, ["sample-keys", "--num", "1", "--dir", other]);
    assert.equal(r1.status, 0);
    await assert.rejects(prepareTestnet(new TestnetLayout(other), 4), /holds no testnet\.json/);
  });

  it("compares ledgers: the same origin agrees, a missing ledger does not", () => {
    const same = compareLedgers([
      { node: 1, dir: layout.originDir },
      { node: 2, dir: layout.originDir },
    ]);
    assert.equal(same.agreement, true);
    assert.equal(same.ledgers[0]?.blockCount, 2n);
    const missing = compareLedgers([
      { node: 1, dir: layout.originDir },
      { node: 2, dir: layout.ledgerDir(2) },
    ]);
    assert.equal(missing.agreement, false);
    assert.ok(missing.ledgers[1]?.error !== undefined);
  });

  it("a child exits when the pipe from its parent closes", { timeout: 120_000 }, async () => {
    const archive = path.join(dir, "archive-pipe");
    const children = new Children(() => {});
    const child = children.start({
      name: "ledger-distribution",
      executable: executable("consensus-tool"),
      args: [
        "ledger-distribution",
        "--ledger-path",
        layout.originDir,
        "--dest",
        `file://${archive}`,
      ],
      env: {},
      logFile: path.join(dir, "pipe.log"),
    });
    try {
      await until(() => existsSync(path.join(archive, "00/00/00/00/00/00/00/0000000000000001.pb")));
      assert.equal(child.exitStatus, undefined);
      (child.process.stdio[3] as NodeJS.WritableStream & { destroy(): void }).destroy();
      assert.equal(await child.exited, "code 0");
    } finally {
      await children.stopAll();
    }
  });

  it("a child exits by itself when its parent is killed with SIGKILL", {
    timeout: 120_000,
  }, async () => {
    const archive = path.join(dir, "archive-kill");
    const supervisor = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(import.meta.dirname, "supervisor.ts"),
        layout.originDir,
        `file://${archive}`,
        path.join(dir, "kill.log"),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    supervisor.stdout.on("data", (d) => {
      out += d;
    });
    await until(() => out.includes("\n"));
    const pid = Number(out.trim());
    await until(() => existsSync(path.join(archive, "00/00/00/00/00/00/00/0000000000000001.pb")));
    assert.ok(alive(pid));
    supervisor.kill("SIGKILL");
    try {
      await until(() => !alive(pid));
    } finally {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("testnet refuses bad flags and a mismatched --dir with one line, exit 2", async () => {
    for (const args of [
      ["--nodes", "0"],
      ["--nodes", "17"],
      ["--tx-rate", "fast"],
      ["--duration", "-1"],
      ["--dir", layout.dir, "--nodes", "5"],
      ["--dir", layout.keysDir],
    ]) {
      const r = await runCaptured(toolMain, ["testnet", ...args]);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, /^testnet: /);
    }
  });

  it("explains a dead child with the last lines of its log", () => {
    const log = path.join(dir, "child.log");
    writeFileSync(log, `${Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n")}\n`);
    assert.equal(logTail(log, 2), "line 4998\nline 4999");
    assert.equal(logTail(path.join(dir, "no-such.log")), "");
  });

  it("refuses an unusable MC_PARENT_PIPE_FD with one line", async () => {
    const r = await runCaptured(toolMain, ["--help"], { MC_PARENT_PIPE_FD: "1" });
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /^consensus-tool: MC_PARENT_PIPE_FD must be a file descriptor number ≥ 3/,
    );
  });
});

function view(
  index: number,
  blockCount: bigint | undefined,
  extra: Partial<NodeView> = {},
): NodeView {
  return {
    index,
    clientUri: `insecure-mc://127.0.0.1:${4000 + index}/`,
    adminUri: `insecure-mca://127.0.0.1:${5000 + index}/`,
    dashboardUri: `http://127.0.0.1:${6000 + index}/`,
    blockCount,
    phase: "Prepare",
    inSync: true,
    error: undefined,
    ...extra,
  };
}

const snap: Snapshot = {
  dir: "/tmp/net",
  elapsedMs: 65_000,
  durationMs: 120_000,
  nodes: [
    view(1, 12n),
    view(2, 11n, { inSync: false, phase: "Commit" }),
    view(3, undefined, { error: "UNAVAILABLE" }),
  ],
  blocks: 10,
  submitted: 30,
  accepted: 29,
  included: 26,
  lost: 0,
  refused: new Map([["ContainsSpentKeyImage", 1]]),
  p50Ms: 1234.4,
  p99Ms: 2500,
  state: "running",
};

describe("testnet view", () => {
  it("shows every node's height, phase, sync and addresses, and the totals", () => {
    const lines = frameLines(snap);
    assert.match(lines[0] ?? "", /3 nodes, 01:05 of 02:00, running; Ctrl-C stops/);
    const row = (i: number) => lines.find((l) => l.startsWith(`${i} `)) ?? "";
    assert.match(
      row(1),
      /^1\s+12\s+Prepare\s+yes\s+insecure-mc:\/\/127\.0\.0\.1:4001\/\s+insecure-mca:\/\/127\.0\.0\.1:5001\/\s+http:\/\/127\.0\.0\.1:6001\/$/,
    );
    assert.match(row(2), /^2\s+11\s+Commit\s+no\s/);
    assert.match(row(3), /^3\s+-\s+down\s/);
    assert.ok(
      lines.includes(
        "blocks 10  txs submitted 30  accepted 29  included 26  0.4 tx/s  latency p50 1234 ms  p99 2500 ms",
      ),
    );
    assert.ok(lines.includes("refused: ContainsSpentKeyImage 1"));
  });

  it("redraws in place on a terminal; progress lines carry no escape codes", () => {
    const text = frameText(snap);
    assert.ok(text.startsWith("\x1b[H"));
    assert.ok(text.endsWith("\x1b[J"));
    const line = progressLine(snap);
    assert.ok(!line.includes("\x1b"));
    assert.equal(line.split("\n").length, 1);
    assert.match(line, /^testnet: 65s running; heights 12,11,-; blocks 10 /);
  });

  it("reads the SCP phase from the admin metrics and the sync status from GetInfo", () => {
    const metrics =
      '# TYPE consensus_scp_gauge gauge\nconsensus_scp_gauge{op="cur_slot_index"} 7\nconsensus_scp_gauge{op="cur_slot_phase"} 4\n';
    assert.equal(phaseFromMetrics(metrics), "Commit");
    assert.equal(phaseFromMetrics("nothing"), undefined);
    assert.equal(inSyncFromInfo('{"status":{"sync_status":"synced"}}'), true);
    assert.equal(inSyncFromInfo('{"status":{"sync_status":"catchup"}}'), false);
    assert.equal(inSyncFromInfo("not json"), undefined);
  });

  it("takes nearest-rank percentiles", () => {
    const values = [50, 10, 40, 20, 30];
    assert.equal(percentile(values, 50), 30);
    assert.equal(percentile(values, 99), 50);
    assert.equal(percentile(values, 0), 10);
    assert.equal(percentile([], 50), null);
  });
});
