// Goal: the sample ledger is deterministic, pays each recipient what it claims, and refuses bad inputs.
// Method: two accounts from fixed mnemonics; generate twice with one seed and once with another;
// every output is recovered with the recipients' view keys.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accountKeyFromMnemonic,
  CryptoError,
  entropyMnemonic,
  subaddressKeys,
} from "../crypto/index.js";
import { publicAddressOf, viewTxOut } from "../transaction/index.js";
import { InputError } from "../util/index.js";
import { generateSampleLedger, openMemoryLedger, TOTAL_MOB_PICOMOB } from "./index.js";

const accounts = [1, 2].map((n) =>
  accountKeyFromMnemonic(entropyMnemonic(new Uint8Array(32).fill(n)), 0),
);
const recipients = accounts.map((a) => publicAddressOf(a, 0n));

describe("generateSampleLedger", () => {
  it("gives byte-identical block ids for the same seed and different ones for another", () => {
    const run = (seed: string) => {
      const ledger = openMemoryLedger();
      return generateSampleLedger(ledger, {
        recipients,
        txs: 4,
        blocks: 3,
        keyImagesPerBlock: 1,
        seed,
      }).blockIds;
    };
    assert.deepEqual(run("a"), run("a"));
    assert.notDeepEqual(run("a"), run("b"));
  });

  it("pays every recipient equal outputs it can recover with its view key", () => {
    const ledger = openMemoryLedger();
    const summary = generateSampleLedger(ledger, {
      recipients,
      txs: 4,
      blocks: 3,
      keyImagesPerBlock: 2,
      seed: "pay",
      blockVersion: 2,
    });
    assert.equal(ledger.numBlocks(), 3n);
    assert.equal(ledger.numTxOuts(), 24n);
    assert.equal(summary.valuePerOutput, TOTAL_MOB_PICOMOB / 24n);
    const received = [0n, 0n];
    for (let i = 0n; i < ledger.numTxOuts(); i++) {
      const txOut = ledger.getTxOutByIndex(i);
      const owner = accounts.findIndex((account) => {
        try {
          const viewed = viewTxOut(txOut, account.viewPrivateKey);
          return viewed.subaddressSpendPublicKey.equals(subaddressKeys(account, 0n).spendPublicKey);
        } catch (e) {
          // Another account's output: the amount does not unmask with this view key.
          assert.ok(e instanceof CryptoError);
          return false;
        }
      });
      assert.ok(owner >= 0, `output ${i} belongs to nobody`);
      const viewed = viewTxOut(
        txOut,
        (accounts[owner] as (typeof accounts)[number]).viewPrivateKey,
      );
      assert.equal(viewed.amount.value, summary.valuePerOutput);
      assert.equal(viewed.amount.tokenId, 0n);
      received[owner] = (received[owner] as bigint) + viewed.amount.value;
    }
    assert.equal(received[0], received[1]);
    assert.equal(ledger.getKeyImagesByBlock(2n).length, 2);
    assert.ok(
      ledger.getBlockSignature(1n) !== undefined && ledger.getBlockMetadata(1n) !== undefined,
    );
  });

  it("refuses too few outputs and a non-empty ledger", () => {
    assert.throws(
      () =>
        generateSampleLedger(openMemoryLedger(), {
          recipients,
          txs: 1,
          blocks: 1,
          keyImagesPerBlock: 1,
          seed: "x",
        }),
      InputError,
    );
    const ledger = openMemoryLedger();
    generateSampleLedger(ledger, {
      recipients,
      txs: 8,
      blocks: 1,
      keyImagesPerBlock: 1,
      seed: "x",
    });
    assert.throws(
      () =>
        generateSampleLedger(ledger, {
          recipients,
          txs: 8,
          blocks: 1,
          keyImagesPerBlock: 1,
          seed: "x",
        }),
      InputError,
    );
  });
});
