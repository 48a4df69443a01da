// Goal: the sample ledger is deterministic, pays each recipient what it claims, and refuses bad inputs.
// Method: two accounts from fixed mnemonics; generate twice with one seed and once with another;
// every output is recovered with the recipients' view keys. Key images must be canonical Ristretto
// points (MobileCoin's `KeyImage::from(u64)`), and every metadata signature must verify over
// MobileCoin's `digest32("block_metadata")`, whose Merlin transcript is written out here by hand
// from the Rust types (see src/blockchain/metadata-digest.test.ts for the derive rules).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { oneNodeMetadataDigest } from "../../test/helpers/transcripts.js";
import {
  accountKeyFromMnemonic,
  CryptoError,
  DOMAIN,
  ed25519Verify,
  entropyMnemonic,
  hashToPoint,
  Ristretto,
  Scalars,
  subaddressKeys,
} from "../crypto/index.js";
import { publicAddressOf, viewTxOut } from "../transaction/index.js";
import { InputError, toHex } from "../util/index.js";
import { generateSampleLedger, openMemoryLedger, TOTAL_MOB_PICOMOB } from "./index.js";
import { sampleKeyImage } from "./sample-ledger.js";

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

  it("signs every block's metadata over MobileCoin's digest", () => {
    const ledger = openMemoryLedger();
    const summary = generateSampleLedger(ledger, {
      recipients,
      txs: 4,
      blocks: 3,
      keyImagesPerBlock: 1,
      seed: "metadata",
      blockVersion: 3,
      responderId: "node1.example.com:443",
    });
    for (let i = 0n; i < ledger.numBlocks(); i++) {
      const metadata = ledger.getBlockMetadata(i);
      assert.ok(metadata !== undefined, `block ${i} has no metadata`);
      assert.equal(toHex(metadata.nodeKey), toHex(summary.signer));
      const blockId = ledger.getBlock(i).id;
      const digest = oneNodeMetadataDigest(blockId, "node1.example.com:443", summary.signer);
      assert.ok(
        ed25519Verify(metadata.nodeKey, digest, metadata.signature),
        `block ${i}: the metadata signature does not verify over MobileCoin's digest`,
      );
    }
  });

  it("writes key images that are canonical Ristretto points", () => {
    const ledger = openMemoryLedger();
    generateSampleLedger(ledger, {
      recipients,
      txs: 4,
      blocks: 4,
      keyImagesPerBlock: 3,
      seed: "key-images",
    });
    const seen = new Set<string>();
    for (let i = 1n; i < ledger.numBlocks(); i++) {
      for (const keyImage of ledger.getKeyImagesByBlock(i)) {
        // fromBytes refuses any non-canonical encoding; re-encoding must give the same bytes.
        const point = Ristretto.fromBytes(keyImage);
        assert.equal(toHex(point.toBytes()), toHex(keyImage));
        seen.add(toHex(keyImage));
      }
    }
    assert.equal(seen.size, 9, "key images must be distinct");
  });

  it("makes key images as MobileCoin's KeyImage::from(u64): x·Hp(x·G) with x = n", () => {
    // x = 1: x·G is the base point, so the key image is Hp(G) itself.
    const basepoint = Ristretto.multiplyBase(Scalars.fromBigint(1n)).toBytes();
    const hpG = hashToPoint(DOMAIN.ONETIME_KEY_TO_POINT, basepoint);
    assert.equal(toHex(sampleKeyImage(1n)), toHex(hpG.toBytes()));
    // x = 2: 2·Hp(2·G).
    const twoG = Ristretto.multiplyBase(Scalars.fromBigint(2n)).toBytes();
    const expected = hashToPoint(DOMAIN.ONETIME_KEY_TO_POINT, twoG).multiply(
      Scalars.fromBigint(2n),
    );
    assert.equal(toHex(sampleKeyImage(2n)), toHex(expected.toBytes()));
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
