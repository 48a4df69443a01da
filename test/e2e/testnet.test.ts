// Goal: `consensus-tool testnet` as a user runs it (SPEC §4.3, issue 12's acceptance): four real
// consensus-service processes with their enclaves, archivers and a wallet load; `--json` exits 0
// with agreeing ledgers and every accepted payment included; `--dir` restarts the same network;
// no process of it is left afterwards, also when it is SIGKILLed; piped output is plain lines, and
// on a terminal (tmux) the live view redraws and Ctrl-C ends it.
// Heavy: run this file alone. Every process of a run carries its folder in its argv (the testnet's
// --dir, the nodes' --ledger-path, the enclaves' --seal-secret), which is how leftovers are found.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  killProcessesMentioning,
  processesMentioning as listProcesses,
} from "../helpers/processes.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tool = path.join(root, "bin", "consensus-tool.mjs");
const work = mkdtempSync(path.join(tmpdir(), "testnet-e2e-"));

/** Pids (other than ours) whose command line mentions `marker`, zombies left out. */
function processesMentioning(marker: string): number[] {
  return listProcesses(marker).map((p) => p.pid);
}

/** Poll observable state until it holds; the test's timeout bounds the wait. */
async function until(what: () => boolean, everyMs = 200): Promise<void> {
  while (!what()) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: readonly string[]): Running {
  const child = spawn(process.execPath, [tool, "testnet", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

after(async () => {
  // Whatever a failed test left behind is stopped (only processes of this file's folder).
  killProcessesMentioning(work);
  rmSync(work, { recursive: true, force: true });
});

describe("consensus-tool testnet (real processes)", { concurrency: 1 }, () => {
  const dir = path.join(work, "net");

  it("--nodes 4 --duration 30 --json: ledgers agree, every accepted payment included, nothing left", {
    timeout: 600_000,
  }, async () => {
    const run = start(["--nodes", "4", "--duration", "30", "--json", "--dir", dir]);
    const code = await run.exited;
    const lines = run.stdout().trim().split("\n");
    assert.equal(lines.length, 1, run.stdout());
    const summary = JSON.parse(lines[0] as string);
    assert.equal(code, 0, `${run.stdout()}\n${run.stderr()}`);
    for (const key of [
      "nodes",
      "duration_s",
      "blocks",
      "transactions_submitted",
      "transactions_included",
      "tx_per_s",
      "latency_ms",
      "agreement",
      "dir",
    ])
      assert.ok(key in summary, key);
    assert.equal(summary.nodes, 4);
    assert.equal(summary.agreement, true);
    assert.equal(summary.dir, dir);
    assert.ok(summary.transactions_accepted > 0, JSON.stringify(summary));
    assert.equal(summary.transactions_included, summary.transactions_accepted);
    assert.ok(summary.blocks > 0);
    assert.equal(typeof summary.latency_ms.p50, "number");
    // Progress went to stderr as plain lines (no terminal here): no escape codes.
    assert.ok(!run.stderr().includes("\x1b"));
    assert.match(
      run.stderr(),
      /^testnet: node 4 client insecure-mc:\/\/127\.0\.0\.1:\d+\/ admin /m,
    );
    assert.deepEqual(processesMentioning(dir), []);
    for (const pid of summary.pids as number[])
      assert.ok(
        !existsSync(`/proc/${pid}/cmdline`) ||
          !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir),
      );
  });

  it("--dir restarts the same network from its ledgers; SIGTERM stops it cleanly", {
    timeout: 600_000,
  }, async () => {
    const before = readdirSync(dir);
    const first = JSON.parse(readFileSync(path.join(dir, "testnet.json"), "utf8"));
    const run = start(["--json", "--dir", dir]);
    // Stopped by SIGTERM once payments flow, as a supervisor would stop it.
    await until(() => /txs submitted [1-9]/.test(run.stderr()) || run.child.exitCode !== null);
    run.child.kill("SIGTERM");
    const code = await run.exited;
    assert.equal(code, 0, `${run.stdout()}\n${run.stderr()}`);
    const summary = JSON.parse(run.stdout());
    assert.equal(summary.agreement, true);
    assert.equal(summary.transactions_included, summary.transactions_accepted);
    assert.match(run.stderr(), /restarting 4 nodes/);
    // The chain continued from the first run's ledgers.
    assert.ok(summary.block_count > summary.blocks, JSON.stringify(summary));
    assert.deepEqual(readdirSync(dir), before);
    assert.deepEqual(
      JSON.parse(readFileSync(path.join(dir, "testnet.json"), "utf8")).nodes.map(
        (n: { consensusMsgKey: string }) => n.consensusMsgKey,
      ),
      first.nodes.map((n: { consensusMsgKey: string }) => n.consensusMsgKey),
    );
    assert.deepEqual(processesMentioning(dir), []);
  });

  it("SIGKILL of the testnet process: its children exit by themselves", {
    timeout: 600_000,
  }, async () => {
    const killed = path.join(work, "killed");
    const run = start(["--dir", killed, "--tx-rate", "1"]);
    await until(
      () => /^testnet: node 4 client /m.test(run.stdout()) || run.child.exitCode !== null,
    );
    assert.equal(run.child.exitCode, null, run.stderr());
    const family = processesMentioning(killed);
    // The testnet, 4 nodes, 4 enclaves and 4 archivers.
    assert.ok(family.length >= 13, `expected at least 13 processes, found ${family.length}`);
    run.child.kill("SIGKILL");
    await run.exited;
    await until(() => processesMentioning(killed).length === 0);
  });

  const tmux = spawnSync("tmux", ["-V"]).status === 0;
  if (!tmux && process.env.MCTS_REQUIRE_TMUX === "1")
    throw new Error("MCTS_REQUIRE_TMUX=1 but tmux is not on PATH");
  it("on a terminal: the live view redraws, and Ctrl-C ends it cleanly", {
    skip: !tmux && "tmux is not installed",
    timeout: 600_000,
  }, async () => {
    const live = path.join(work, "live");
    const session = `testnet-e2e-${process.pid}`;
    const exitFile = path.join(work, "live.exit");
    const command = `${process.execPath} ${tool} testnet --dir ${live} --tx-rate 1; echo $? > ${exitFile}; sleep 600`;
    assert.equal(
      spawnSync("tmux", ["new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
        .status,
      0,
    );
    const screen = () =>
      spawnSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" }).stdout ?? "";
    try {
      await until(() => /^4\s+\d+\s/m.test(screen()), 500);
      const first = screen();
      assert.match(first, /^consensus-tool testnet: 4 nodes, \d\d:\d\d, running; Ctrl-C stops/m);
      assert.match(first, /^node\s+blocks\s+phase\s+sync\s+client\s+admin/m);
      const clock = (s: string) => /4 nodes, (\d\d:\d\d)/.exec(s)?.[1];
      await until(() => clock(screen()) !== clock(first), 500);
      assert.equal(
        screen().split("consensus-tool testnet:").length,
        2,
        "one frame, redrawn in place",
      );
      spawnSync("tmux", ["send-keys", "-t", session, "C-c"]);
      await until(() => existsSync(exitFile), 500);
      assert.equal(readFileSync(exitFile, "utf8").trim(), "0", screen());
      assert.match(screen(), /testnet: the 4 ledgers agree/);
      // The tmux shell still names the folder; the testnet's children all name DIR/node-I.
      assert.deepEqual(processesMentioning(`${live}/node-`), []);
    } finally {
      spawnSync("tmux", ["kill-session", "-t", session]);
    }
  });
});
