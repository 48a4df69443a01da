// Goal: `kill -9` at any moment leaves the LMDB ledger exactly a prefix of the chain (never a torn
// block), and appending continues after reopening (SPEC §5, issue 5).
// Method: a child process appends a prepared chain; the parent kills it with SIGKILL at 50 seeded
// moments (after a random number of progress lines, so the signal lands mid-append), then reopens
// the ledger and checks every stored block, the counts and the Merkle root against the chain.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type BlockData, encodeArchiveBlock } from "../../src/blockchain/index.js";
import {
  buildSyntheticChain,
  type Ledger,
  openLmdbLedger,
  openMemoryLedger,
} from "../../src/ledger/index.js";
import { bytesEqual, SeededRandom } from "../../src/util/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SEED = process.env.CRASH_SEED ?? "crash-safety-1";
const KILLS = 50;
const CHAIN_BLOCKS = 300;

const work = mkdtempSync(path.join(tmpdir(), "crash-safety-"));
// The child is bundled once so each of the 51 restarts loads one file instead of paying the
// TypeScript loader again. The bundle sits in the repository so that its external packages (lmdb
// with its native addon) resolve from our node_modules.
const childBundle = path.join(here, "..", "..", ".tmp", `append-child-${process.pid}.mjs`);
before(async () => {
  await build({
    entryPoints: [path.join(here, "append-child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: childBundle,
    logLevel: "error",
  });
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(childBundle, { force: true });
});

/** Resolve when the child has printed `count` progress lines (or has exited). */
function waitForLines(child: ChildProcess, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      seen += lines.length;
      if (seen >= count) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", () => resolve());
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

/**
 * The ledger must be exactly chain[0..n): every header matches (checked each time), and the full
 * data of blocks added since the previous check matches too (earlier ones were checked already).
 */
function checkPrefix(ledger: Ledger, chain: readonly BlockData[], checkedBefore: number): number {
  const n = Number(ledger.numBlocks());
  assert.ok(n <= chain.length);
  for (let i = 0; i < n; i++) {
    const expected = chain[i] as BlockData;
    assert.ok(
      bytesEqual(ledger.getBlock(BigInt(i)).id, expected.block.id),
      `block ${i} differs from the chain`,
    );
    if (i >= checkedBefore - 1)
      assert.deepEqual(
        ledger.getBlockData(BigInt(i)),
        expected,
        `block ${i} data differs from the chain`,
      );
  }
  if (n > 0) {
    const tip = chain[n - 1] as BlockData;
    assert.equal(
      ledger.numTxOuts(),
      tip.block.cumulativeTxoCount,
      "output count does not match the tip",
    );
    const next = chain[n];
    if (next !== undefined) {
      assert.deepEqual(
        ledger.getRootTxOutMembershipElement(),
        next.block.rootElement,
        "Merkle root is not the chain's",
      );
    }
  }
  return n;
}

it(`survives ${KILLS} SIGKILLs during appends (seed ${SEED})`, { timeout: 600_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (set CRASH_SEED to replay)`);
  const chain = buildSyntheticChain(openMemoryLedger(), {
    seed: SEED,
    blocks: CHAIN_BLOCKS - 1,
    txsPerBlock: 2,
    originOutputs: 8,
  });
  const chainDir = path.join(work, "chain");
  mkdirSync(chainDir);
  for (const [i, block] of chain.entries())
    writeFileSync(path.join(chainDir, `${i}.pb`), encodeArchiveBlock(block));
  const random = new SeededRandom(SEED);
  let ledgerDir = mkdtempSync(path.join(work, "ledger-"));
  const spawnChild = () =>
    spawn(
      process.execPath,
      ["--import", "tsx", path.join(here, "append-child.ts"), ledgerDir, chainDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );

  const heights: number[] = [];
  let checked = 0;
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawnChild();
      // 1 line = opened; each further line is one committed block. Kill after a random count.
      await waitForLines(child, 1 + random.nextInt(12));
      child.kill("SIGKILL");
      await exited(child);
      const ledger = openLmdbLedger(ledgerDir);
      const height = checkPrefix(ledger, chain, checked);
      checked = height;
      ledger.close();
      heights.push(height);
      if (height === chain.length) {
        ledgerDir = mkdtempSync(path.join(work, "ledger-"));
        checked = 0;
      }
    }
    // A last run without a kill must complete the chain from wherever the kills left it.
    const child = spawnChild();
    assert.equal(await exited(child), 0);
    const ledger = openLmdbLedger(ledgerDir);
    assert.equal(checkPrefix(ledger, chain, 0), chain.length);
    ledger.close();
  } catch (error) {
    t.diagnostic(`failed with seed ${SEED} after heights ${heights.join(",")}`);
    throw error;
  }
  assert.ok(
    heights.some((h, i) => i > 0 && h > (heights[i - 1] as number)),
    "appending never progressed across kills",
  );
});
