/**
 * Goal: `consensus-tool sim` behaves as SPEC §4.3: the JSON fields, determinism for identical
 * arguments, exit 0/1/2, the `--trace` externalize lines in the pinned shape, and `--replay`.
 * Method: spawn `./bin/consensus-tool.mjs sim` on small networks in a temp dir.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";

const TOOL = path.resolve("bin/consensus-tool.mjs");
const dir = mkdtempSync(path.join(tmpdir(), "sim-cli-"));

function tool(...args: string[]) {
  const r = spawnSync(process.execPath, [TOOL, "sim", ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("consensus-tool sim", () => {
  test("JSON summary, deterministic, trace lines and replay", () => {
    const args = [
      "--topology",
      "mesh",
      "--nodes",
      "4",
      "--slots",
      "3",
      "--byzantine",
      "1",
      "--byzantine-kind",
      "equivocate",
      "--loss",
      "0.1",
      "--delay-ms",
      "5:80",
      "--seed",
      "cli",
      "--check-invariants",
      "--json",
    ];
    const a = tool(...args, "--trace", "run.jsonl");
    assert.equal(a.code, 0, a.stderr);
    const j = JSON.parse(a.stdout);
    for (const k of [
      "seed",
      "topology",
      "nodes",
      "slots",
      "agreement",
      "live",
      "slots_decided_min",
      "virtual_ms",
      "messages_sent",
      "digest",
    ])
      assert.ok(k in j, `missing ${k}`);
    assert.deepEqual(
      [j.seed, j.topology, j.nodes, j.slots, j.agreement, j.live, j.slots_decided_min],
      ["cli", "mesh", 4, 3, true, true, 3],
    );
    const b = tool(...args);
    assert.equal(JSON.parse(b.stdout).digest, j.digest, "identical arguments, identical digest");

    const lines = readFileSync(path.join(dir, "run.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const ext = lines.filter((l) => l.event === "externalize");
    assert.equal(ext.length, 3 * 3, "3 honest nodes × 3 slots");
    for (const e of ext) {
      assert.deepEqual(Object.keys(e), ["event", "node", "slot", "value", "virtual_ms"]);
      assert.ok(e.value.every((x: string) => /^[0-9a-f]+$/.test(x)));
    }
    const replay = tool("--replay", "run.jsonl", "--json");
    assert.equal(replay.code, 0, replay.stderr);
    const r = JSON.parse(replay.stdout);
    assert.deepEqual([r.matches, r.digest], [true, j.digest]);
  });

  test("a negative verdict exits 1", () => {
    const r = tool(
      "--topology",
      "mesh",
      "--nodes",
      "4",
      "--threshold",
      "1",
      "--slots",
      "2",
      "--partition",
      "n1,n2|n3,n4@0-100000000",
      "--time-limit-ms",
      "20000",
      "--json",
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).agreement, false);
  });

  test("bad arguments and a malformed trace exit 2 with one line", () => {
    for (const args of [
      ["--topology", "ring", "--nodes", "4"],
      ["--topology", "mesh", "--nodes", "4", "--loss", "2"],
      ["--topology", "mesh", "--nodes", "4", "--partition", "n1@5"],
    ]) {
      const r = tool(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    writeFileSync(path.join(dir, "bad.jsonl"), '{"event":"header"}\nnot json\n');
    const bad = tool("--replay", "bad.jsonl");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.jsonl/);
  });
});
