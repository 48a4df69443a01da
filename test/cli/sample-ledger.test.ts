// Goal: sample-keys and generate-sample-ledger work as commands and are deterministic (SPEC §4.3).
// Method: real processes in temporary directories; the same seed twice, then another seed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tool = (args: readonly string[]) =>
  spawnSync(process.execPath, [path.join(root, "bin", "consensus-tool.mjs"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });

describe("sample-keys and generate-sample-ledger", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sample-ledger-cli-"));

  it("writes the same accounts and the same block ids for the same seed", () => {
    for (const k of ["k1", "k2"])
      assert.equal(
        tool(["sample-keys", "--num", "3", "--dir", path.join(dir, k), "--seed", "abcd"]).status,
        0,
      );
    assert.deepEqual(
      readFileSync(path.join(dir, "k1", "account_keys_2.pub")),
      readFileSync(path.join(dir, "k2", "account_keys_2.pub")),
    );
    const generate = (keys: string, out: string, seed: string) => {
      const r = tool([
        "generate-sample-ledger",
        "--keys-dir",
        path.join(dir, keys),
        "--output-dir",
        path.join(dir, out),
        "--txs",
        "3",
        "--blocks",
        "2",
        "--seed",
        seed,
        "--json",
      ]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { block_ids: string[]; outputs: number };
    };
    const a = generate("k1", "l1", "01");
    const b = generate("k2", "l2", "01");
    const c = generate("k1", "l3", "02");
    assert.equal(a.outputs, 18);
    assert.equal(a.block_ids.length, 2);
    assert.deepEqual(a.block_ids, b.block_ids);
    assert.notDeepEqual(a.block_ids, c.block_ids);
  });

  it("refuses an existing ledger, too few outputs and missing flags with exit 2 and one line", () => {
    const again = tool([
      "generate-sample-ledger",
      "--keys-dir",
      path.join(dir, "k1"),
      "--output-dir",
      path.join(dir, "l1"),
      "--txs",
      "3",
      "--blocks",
      "2",
    ]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already holds a ledger/);
    const few = tool([
      "generate-sample-ledger",
      "--keys-dir",
      path.join(dir, "k1"),
      "--output-dir",
      path.join(dir, "l9"),
      "--txs",
      "1",
      "--blocks",
      "1",
    ]);
    assert.equal(few.status, 2);
    assert.equal(few.stderr.trim().split("\n").length, 1);
    assert.equal(tool(["generate-sample-ledger", "--keys-dir", path.join(dir, "k1")]).status, 2);
    assert.equal(tool(["sample-keys", "--num", "0", "--dir", path.join(dir, "k0")]).status, 2);
  });
});
