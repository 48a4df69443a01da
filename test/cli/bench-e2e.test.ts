// Goal: `consensus-tool bench e2e --json` (SPEC §4.3) as a user runs it, briefly: four real
// consensus-service processes with their enclaves and archivers under a wallet load, one JSON
// figure per line in the pinned shape, the four pinned metrics present, positive and consistent
// with each other (never compared with a time), and no process of the run left afterwards.
// Heavy (real processes): run this file alone. Every process of the run carries the --dir folder
// in its argv (the nodes' --ledger-path, the enclaves' --seal-secret), which is how leftovers are found.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
const work = mkdtempSync(path.join(tmpdir(), "bench-e2e-test-"));

/** Pids (other than ours) whose command line mentions `marker`, zombies left out. */
function processesMentioning(marker: string): number[] {
  return listProcesses(marker).map((p) => p.pid);
}

after(() => {
  killProcessesMentioning(work);
  rmSync(work, { recursive: true, force: true });
});

function run(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [tool, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out, err })));
}

interface Figure {
  bench: string;
  metric: string;
  unit: string;
  value: number;
  runs: number;
  min: number;
  median: number;
  max: number;
}

const KEYS = ["bench", "metric", "unit", "value", "runs", "min", "median", "max"];

describe("consensus-tool bench e2e (real processes)", () => {
  it("--duration 10 --json: the pinned figures, positive and consistent; nothing left", {
    timeout: 600_000,
  }, async () => {
    const dir = path.join(work, "net");
    const r = await run(
      ["bench", "e2e", "--nodes", "4", "--duration", "10", "--warmup", "2"].concat([
        "--tx-rate",
        "2",
        "--json",
        "--dir",
        dir,
      ]),
    );
    assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.err}`);
    const figures = r.out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Figure);
    const by = new Map(figures.map((f) => [f.metric, f]));
    for (const f of figures) {
      assert.deepEqual(Object.keys(f), KEYS, JSON.stringify(f));
      assert.equal(f.bench, "e2e");
      for (const k of ["value", "min", "median", "max"] as const)
        assert.ok(Number.isFinite(f[k]), `${f.metric}.${k}`);
      assert.ok(f.min <= f.median && f.median <= f.max, `${f.metric}: min ≤ median ≤ max`);
      assert.ok(f.runs >= 1, `${f.metric}.runs`);
    }
    const get = (m: string) => {
      const f = by.get(m);
      assert.ok(f !== undefined, `metric ${m} missing from ${r.out}`);
      return f;
    };
    const p50 = get("p50_ms");
    const p99 = get("p99_ms");
    const rate = get("tx_per_s");
    const rss = get("rss_mb");
    // Latency: the same samples behind both percentiles, which lie within them.
    assert.ok(p50.value > 0 && p50.value <= p99.value);
    assert.equal(p50.runs, p99.runs);
    assert.deepEqual([p50.min, p50.max], [p99.min, p99.max]);
    assert.ok(p50.min <= p50.value && p99.value <= p99.max);
    // p50 is the median of its own samples (nearest rank, as the summary's median).
    assert.equal(p50.value, p50.median);
    // Throughput: the window's count over its length.
    const included = get("included_tx").value;
    const windowS = get("window_s").value;
    assert.ok(windowS > 0 && rate.value >= 0);
    assert.ok(Math.abs(rate.value * windowS - included) < 0.01 * Math.max(1, included), r.out);
    // RSS: the largest of the samples, of a real process (a Node process holds tens of MiB).
    assert.equal(rss.value, rss.max);
    assert.ok(rss.value > 10 && get("enclave_rss_mb").value > 10);
    assert.ok(get("cores_used").value > 0);
    assert.deepEqual(processesMentioning(dir), [], "no process of the run is left");
  });
});
