// Goal: `consensus-tool sim --whole-node` as SPEC §4.3 pins it: every key of `sim`'s JSON plus
// blocks_identical, txs_submitted, txs_included, txs_included_twice and double_spends; identical
// arguments print identical JSON; exit 0 on a clean run, 2 on bad arguments; --trace writes the
// externalize lines in sim's shape, and --replay re-runs that trace record for record.
// Method: spawn ./bin/consensus-tool.mjs on a 4-node mesh with a little loss and duplication.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";

const TOOL = path.resolve("bin/consensus-tool.mjs");
const dir = mkdtempSync(path.join(tmpdir(), "sim-whole-node-"));

function tool(...args: string[]) {
  const r = spawnSync(process.execPath, [TOOL, "sim", ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SIM_KEYS = [
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
];
const NEW_KEYS = [
  "blocks_identical",
  "txs_submitted",
  "txs_included",
  "txs_included_twice",
  "double_spends",
];

test("sim --whole-node: SPEC §4.3 JSON, deterministic, exit codes, trace", () => {
  const args = [
    "--whole-node",
    "--topology",
    "mesh",
    "--nodes",
    "4",
    "--slots",
    "1",
    "--values-per-slot",
    "2",
    "--tx-rate",
    "5",
    "--double-spends",
    "1",
    "--loss",
    "0.05",
    "--duplicate",
    "0.05",
    "--faults-end-ms",
    "2000",
    "--seed",
    "wn-cli",
    "--json",
  ];
  const a = tool(...args, "--trace", "run.jsonl");
  assert.equal(a.code, 0, a.stderr);
  const j = JSON.parse(a.stdout);
  for (const k of [...SIM_KEYS, ...NEW_KEYS]) assert.ok(k in j, `missing ${k}`);
  assert.equal(j.blocks_identical, true);
  assert.equal(j.txs_submitted, 3); // two payments and one second spend of an output
  assert.equal(j.txs_included, 2);
  assert.equal(j.txs_included_twice, 0);
  assert.equal(j.double_spends, 0);
  const b = tool(...args);
  assert.equal(b.stdout, a.stdout, "identical arguments, identical JSON");
  const lines = readFileSync(path.join(dir, "run.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const ext = lines.filter((l) => l.event === "externalize");
  assert.ok(ext.length >= 4, "one externalize line per node and block");
  for (const e of ext)
    assert.deepEqual(Object.keys(e), ["event", "node", "slot", "value", "virtual_ms"]);
  assert.equal(
    tool("--whole-node", "--topology", "mesh", "--nodes", "4", "--tx-rate", "0").code,
    2,
  );
  assert.equal(tool("--topology", "mesh", "--nodes", "4", "--tx-rate", "5").code, 2);
  assert.equal(tool("--whole-node", "--replay", "run.jsonl").code, 2);
  // The trace's header holds the options: --replay runs them again and compares every record.
  const replay = tool("--replay", "run.jsonl", "--json");
  assert.equal(replay.code, 0, replay.stderr);
  const r = JSON.parse(replay.stdout);
  assert.equal(r.matches, true, r.first_mismatch);
  assert.equal(r.outputs_compared, lines.length);
  assert.equal(r.digest, j.digest);
  // An edited record is a divergence (exit 1), named by its position.
  const edited = [...lines];
  const k = edited.findIndex((l) => l.event === "externalize");
  edited[k] = { ...edited[k], value: ["00"] };
  writeFileSync(path.join(dir, "edited.jsonl"), edited.map((l) => JSON.stringify(l)).join("\n"));
  const diverged = tool("--replay", "edited.jsonl", "--json");
  assert.equal(diverged.code, 1);
  assert.match(JSON.parse(diverged.stdout).first_mismatch, new RegExp(`^record ${k + 1}:`));
});
