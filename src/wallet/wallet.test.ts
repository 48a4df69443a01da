// Goal: the wallet library's accounting: a payment, once in a block, moves exactly amount + fee
// from the sender's balance to the recipient's (spent outputs recognised by key image, change
// found on the change subaddress); inputs are chosen largest first and refused when short; ring
// members are distinct and never the real output, and no output is in two rings of one payment;
// waiting sees the block that holds the payment.
// Method: an in-memory ledger from generateSampleLedger at block version 2; the test itself
// appends the block a validator would form from the built transaction (its key images and
// outputs). Expected balances come from the sample ledger's value per output and the amounts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blockContents, newBlockWithParent } from "../blockchain/index.js";
import { type AccountKey, accountKeyFromRootEntropy } from "../crypto/index.js";
import { generateSampleLedger, type Ledger, openMemoryLedger } from "../ledger/index.js";
import { MOB_MINIMUM_FEE, publicAddressOf } from "../transaction/index.js";
import { SeededRandom, toHex } from "../util/index.js";
import { type BuiltSend, buildSend, selectInputs } from "./build.js";
import { WalletError } from "./errors.js";
import { drawMixinIndices } from "./ring.js";
import { balanceOf, OwnedOutputs, type OwnedTxOut } from "./scan.js";
import { waitForTx } from "./wait.js";

const VERSION = 2;
const TXS = 4;
const ACCOUNTS = 16;

function sampleWorld(seed: string) {
  const random = new SeededRandom(`wallet-lib/${seed}`);
  const accounts = Array.from({ length: ACCOUNTS }, () =>
    accountKeyFromRootEntropy(random.bytes(32)),
  );
  const ledger = openMemoryLedger();
  const summary = generateSampleLedger(ledger, {
    recipients: accounts.map((a) => publicAddressOf(a, 0n)),
    txs: TXS,
    blocks: 1,
    keyImagesPerBlock: 1,
    seed: "ab".repeat(32),
    blockVersion: VERSION,
  });
  return { accounts, ledger, value: summary.valuePerOutput, random };
}

function send(
  ledger: Ledger,
  from: AccountKey,
  to: AccountKey,
  amount: bigint,
  random: SeededRandom,
) {
  return buildSend({
    ledger,
    account: from,
    request: {
      to: publicAddressOf(to, 0n),
      amount,
      fee: MOB_MINIMUM_FEE,
      blockVersion: VERSION,
      tombstoneBlock: ledger.numBlocks() + 10n,
    },
    pending: new Set(),
    rng: random,
  });
}

/** What a validator appends for the transaction: its key images and outputs in one block. */
function appendTx(ledger: Ledger, built: BuiltSend): void {
  const contents = blockContents([...built.keyImages], [...built.tx.prefix.outputs]);
  const block = newBlockWithParent(
    VERSION,
    ledger.getLatestBlock(),
    ledger.getRootTxOutMembershipElement(),
    contents,
  );
  ledger.appendBlock({ block, contents, signature: undefined, metadata: undefined });
}

describe("a payment in a block", () => {
  it("moves exactly amount + fee from the sender's balance to the recipient's", () => {
    const { accounts, ledger, value, random } = sampleWorld("move");
    const [alice, bob] = accounts as [AccountKey, AccountKey];
    const start = value * BigInt(TXS);
    // Scans kept across the payment (incremental) and fresh ones must agree.
    const aliceScan = new OwnedOutputs(alice);
    const bobScan = new OwnedOutputs(bob);
    assert.equal(balanceOf(ledger, alice, aliceScan).balance, start);
    assert.equal(balanceOf(ledger, bob, bobScan).balance, start);
    const amount = 2n * value + 777n; // three inputs
    const built = send(ledger, alice, bob, amount, random);
    assert.equal(built.inputs.length, 3);
    appendTx(ledger, built);
    const a = balanceOf(ledger, alice);
    const b = balanceOf(ledger, bob);
    assert.deepEqual(balanceOf(ledger, alice, aliceScan), a);
    assert.deepEqual(balanceOf(ledger, bob, bobScan), b);
    assert.equal(a.balance, start - amount - MOB_MINIMUM_FEE);
    assert.equal(a.txos, TXS - 3 + 1, "three outputs spent, one change output");
    assert.equal(b.balance, start + amount);
    assert.equal(b.txos, TXS + 1);
    assert.equal(a.blockCount, 2n);
  });

  it("a second payment spends none of the first one's outputs once that is in the ledger", () => {
    const { accounts, ledger, value, random } = sampleWorld("twice");
    const [alice, bob] = accounts as [AccountKey, AccountKey];
    const first = send(ledger, alice, bob, value / 2n, random);
    appendTx(ledger, first);
    const second = send(ledger, alice, bob, value / 2n, random);
    const firstImages = new Set(first.keyImages.map(toHex));
    assert.ok(second.keyImages.every((k) => !firstImages.has(toHex(k))));
  });
});

describe("waiting for a payment", () => {
  it("reports the block that holds its outputs, looking again after each poll", async () => {
    const { accounts, ledger, value, random } = sampleWorld("wait");
    const built = send(ledger, accounts[0]!, accounts[1]!, value / 3n, random);
    let now = 0;
    let polls = 0;
    const fate = await waitForTx({
      openLedger: () => unclosable(ledger),
      tx: { outputPublicKey: built.outputPublicKeys[1]!, keyImages: built.keyImages },
      tombstoneBlock: 100n,
      timeoutMs: 60_000,
      clock: {
        nowMs: () => now,
        sleep: async (ms) => {
          now += ms;
          if (++polls === 3) appendTx(ledger, built); // the chain moves on while we wait
        },
      },
    });
    assert.deepEqual(fate, { status: "included", blockIndex: 1n });
    assert.equal(polls, 3);
  });
});

/** The shared ledger as the waiting loop sees it: its `close` after each look is ignored. */
function unclosable(ledger: Ledger): Ledger {
  return new Proxy(ledger, {
    get: (target, key) => {
      if (key === "close") return () => {};
      const v = Reflect.get(target, key);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const owned = (index: number, value: bigint): OwnedTxOut =>
  ({ index: BigInt(index), value, tokenId: 0n }) as OwnedTxOut;

describe("input selection and rings", () => {
  it("takes the largest outputs first and refuses when the total is short", () => {
    const pool = [owned(0, 5n), owned(1, 50n), owned(2, 20n), owned(3, 20n)];
    assert.deepEqual(
      selectInputs(pool, 60n).map((o) => o.index),
      [1n, 2n],
    );
    assert.throws(
      () => selectInputs(pool, 96n),
      (e: unknown) => e instanceof WalletError && e.code === "INSUFFICIENT_FUNDS",
    );
    const many = Array.from({ length: 20 }, (_, i) => owned(i, 1n));
    assert.throws(
      () => selectInputs(many, 17n),
      (e: unknown) => e instanceof WalletError && e.code === "TOO_MANY_INPUTS",
    );
  });

  it("draws ten distinct mixins, never the real output, and refuses a ledger too small", () => {
    const random = new SeededRandom("mixins");
    for (let trial = 0; trial < 200; trial++) {
      const mixins = drawMixinIndices(12n, 5n, random);
      assert.equal(new Set(mixins).size, 10);
      assert.ok(!mixins.includes(5n));
      assert.ok(mixins.every((i) => i >= 0n && i < 12n));
    }
    assert.throws(
      () => drawMixinIndices(10n, 0n, random),
      (e: unknown) => e instanceof WalletError && e.code === "NOT_ENOUGH_MIXINS",
    );
  });

  it("keeps the rings of one payment disjoint (members unique across rings, as validation requires)", () => {
    const { accounts, ledger, value, random } = sampleWorld("disjoint-rings");
    for (let trial = 0; trial < 10; trial++) {
      // One output's value plus the fee needs two of the sender's outputs.
      const built = send(ledger, accounts[0]!, accounts[1]!, value, random);
      const rings = built.tx.prefix.inputs.map((input) =>
        input.ring.map((o) => toHex(o.publicKey)),
      );
      assert.equal(rings.length, 2);
      assert.equal(
        new Set(rings.flat()).size,
        2 * 11,
        `trial ${trial}: a ledger output in two rings`,
      );
    }
  });

  it("never draws an excluded index, and refuses when too few are left", () => {
    const random = new SeededRandom("mixins-excluded");
    const exclude = new Set([0n, 1n, 2n]);
    for (let trial = 0; trial < 200; trial++) {
      const mixins = drawMixinIndices(14n, 5n, random, 10, exclude);
      assert.equal(new Set(mixins).size, 10);
      assert.ok(mixins.every((i) => !exclude.has(i) && i !== 5n));
    }
    // 13 outputs, 3 excluded: 10 left, one short of a ring of 11.
    assert.throws(
      () => drawMixinIndices(13n, 5n, random, 10, exclude),
      (e: unknown) => e instanceof WalletError && e.code === "NOT_ENOUGH_MIXINS",
    );
  });
});
