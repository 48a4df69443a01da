// Goal: a ledger written by `consensus-tool generate-sample-ledger` carries what MobileCoin would
// accept: metadata signatures over MobileCoin's `digest32("block_metadata")` and key images that
// are canonical Ristretto points.
// Method: a real process in a temporary directory; the LMDB ledger is read back and each metadata
// signature is checked against a Merlin transcript written out here by hand from the Rust types
// (the derive rules are spelled out in src/blockchain/metadata-digest.test.ts), and through the
// verification path the archive and the ledger use (`verifyBlockMetadata`).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { verifyBlockMetadata } from "../../src/blockchain/index.js";
import { ed25519Verify, Ristretto } from "../../src/crypto/index.js";
import { openLmdbLedger } from "../../src/ledger/index.js";
import { toHex } from "../../src/util/index.js";
import { oneNodeMetadataDigest } from "../helpers/transcripts.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tool = (args: readonly string[]) =>
  spawnSync(process.execPath, [path.join(root, "bin", "consensus-tool.mjs"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });

describe("generate-sample-ledger output as MobileCoin reads it", () => {
  it("signs metadata over MobileCoin's digest and writes canonical key images", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sample-ledger-metadata-"));
    const keys = path.join(dir, "keys");
    const out = path.join(dir, "ledger");
    assert.equal(tool(["sample-keys", "--num", "2", "--dir", keys, "--seed", "0a"]).status, 0);
    const r = tool([
      ...["generate-sample-ledger", "--keys-dir", keys, "--output-dir", out],
      ...["--txs", "4", "--blocks", "3", "--key-images", "2", "--seed", "0b"],
    ]);
    assert.equal(r.status, 0, r.stderr);
    const ledger = openLmdbLedger(out);
    try {
      assert.equal(ledger.numBlocks(), 3n);
      for (let i = 0n; i < ledger.numBlocks(); i++) {
        const metadata = ledger.getBlockMetadata(i);
        assert.ok(metadata !== undefined, `block ${i} has no metadata`);
        const { blockId, responderId } = metadata.contents;
        assert.equal(toHex(blockId), toHex(ledger.getBlock(i).id));
        const digest = oneNodeMetadataDigest(blockId, responderId, metadata.nodeKey);
        assert.ok(
          ed25519Verify(metadata.nodeKey, digest, metadata.signature),
          `block ${i}: metadata signature does not verify over MobileCoin's digest`,
        );
        assert.ok(
          verifyBlockMetadata(metadata, blockId),
          `block ${i}: verifyBlockMetadata refuses`,
        );
        for (const keyImage of i === 0n ? [] : ledger.getKeyImagesByBlock(i)) {
          assert.equal(toHex(Ristretto.fromBytes(keyImage).toBytes()), toHex(keyImage));
        }
      }
      assert.equal(ledger.getKeyImagesByBlock(2n).length, 2);
    } finally {
      ledger.close();
    }
  });
});
