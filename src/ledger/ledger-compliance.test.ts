// Goal: both ledger implementations behave identically and as MobileCoin's LedgerDB does: every
// query of reference §10.2, every append check of §10.1 with its typed error, atomic refusal.
// Method: one suite, parameterised by implementation, over a seeded synthetic chain; each invalid
// case is a valid block with one specific corruption, and must leave the ledger untouched.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import {
  type BlockData,
  blockContents,
  blockContentsHash,
  computeBlockId,
  newBlockWithParent,
} from "../blockchain/index.js";
import {
  computeImpliedMerkleRoot,
  isMembershipProofValid,
  MembershipProofError,
  merkleLeafHash,
  merkleNodeHash,
  NIL_HASH,
  txOutHash,
} from "../transaction/index.js";
import { bytesEqual, SeededRandom } from "../util/index.js";
import {
  buildSyntheticChain,
  type Ledger,
  LedgerError,
  type LedgerErrorCode,
  openLmdbLedger,
  openMemoryLedger,
  syntheticTxOut,
} from "./index.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const implementations: Record<string, () => Ledger> = {
  memory: () => openMemoryLedger(),
  lmdb: () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ledger-compliance-"));
    dirs.push(dir);
    return openLmdbLedger(dir);
  },
};

const chain = buildSyntheticChain(openMemoryLedger(), {
  seed: "compliance",
  blocks: 6,
  txsPerBlock: 3,
  originOutputs: 5,
});

function rejects(ledger: Ledger, data: BlockData, code: LedgerErrorCode): void {
  const before = ledger.numBlocks();
  const txos = ledger.numTxOuts();
  assert.throws(
    () => ledger.appendBlock(data),
    (e: unknown) => e instanceof LedgerError && e.code === code,
    `expected ${code}`,
  );
  assert.equal(ledger.numBlocks(), before, "a refused block changed the block count");
  assert.equal(ledger.numTxOuts(), txos, "a refused block changed the output count");
}

/** A block after `parent` with these contents, with a correct id and hash. */
function child(
  ledger: Ledger,
  contents = blockContents(
    [new SeededRandom("ki").bytes(32)],
    [syntheticTxOut(new SeededRandom("o"))],
  ),
): BlockData {
  const parent = ledger.getLatestBlock();
  const block = newBlockWithParent(
    parent.version,
    parent,
    ledger.getRootTxOutMembershipElement(),
    contents,
  );
  return { block, contents, signature: undefined, metadata: undefined };
}

for (const [name, open] of Object.entries(implementations)) {
  describe(`ledger compliance: ${name}`, () => {
    it("starts empty and appends a chain, answering every query", () => {
      const ledger = open();
      assert.equal(ledger.numBlocks(), 0n);
      assert.throws(() => ledger.getLatestBlock(), LedgerError);
      assert.throws(
        () => ledger.getRootTxOutMembershipElement(),
        (e: unknown) => e instanceof LedgerError && e.code === "NO_OUTPUTS_IN_LEDGER",
      );
      for (const d of chain) ledger.appendBlock(d);
      assert.equal(ledger.numBlocks(), BigInt(chain.length));
      const last = chain[chain.length - 1] as BlockData;
      assert.deepEqual(ledger.getLatestBlock().id, last.block.id);
      assert.equal(ledger.numTxOuts(), last.block.cumulativeTxoCount);
      let txOutIndex = 0n;
      for (const d of chain) {
        const i = d.block.index;
        assert.deepEqual(ledger.getBlock(i), d.block);
        assert.deepEqual(ledger.getBlockContents(i), d.contents);
        assert.deepEqual(ledger.getBlockData(i), d);
        assert.deepEqual(ledger.getBlockSignature(i), d.signature);
        assert.equal(ledger.getBlockMetadata(i), undefined);
        assert.deepEqual(ledger.getKeyImagesByBlock(i), d.contents.keyImages);
        for (const k of d.contents.keyImages) {
          assert.equal(ledger.checkKeyImage(k), i);
          assert.ok(ledger.containsKeyImage(k));
        }
        for (const o of d.contents.outputs) {
          assert.deepEqual(ledger.getTxOutByIndex(txOutIndex), o);
          assert.equal(ledger.findTxOutIndexByHash(txOutHash(o)), txOutIndex);
          assert.equal(ledger.findTxOutIndexByPublicKey(o.publicKey), txOutIndex);
          assert.ok(ledger.containsTxOutPublicKey(o.publicKey));
          assert.equal(ledger.getBlockIndexByTxOutIndex(txOutIndex), i);
          txOutIndex++;
        }
      }
      const absent = new Uint8Array(32).fill(7);
      assert.equal(ledger.checkKeyImage(absent), undefined);
      assert.equal(ledger.findTxOutIndexByHash(absent), undefined);
      assert.equal(ledger.containsTxOutPublicKey(absent), false);
      assert.throws(
        () => ledger.getBlock(99n),
        (e: unknown) => e instanceof LedgerError && e.code === "NOT_FOUND",
      );
      assert.throws(
        () => ledger.getTxOutByIndex(txOutIndex),
        (e: unknown) => e instanceof LedgerError && e.code === "NOT_FOUND",
      );
      ledger.close();
    });

    it("keeps a Merkle root equal to a from-scratch tree and proofs that fold to it", () => {
      const ledger = open();
      for (const d of chain) ledger.appendBlock(d);
      const n = ledger.numTxOuts();
      const leaves: Uint8Array[] = [];
      for (let i = 0n; i < n; i++)
        leaves.push(merkleLeafHash(txOutHash(ledger.getTxOutByIndex(i))));
      let size = 1;
      while (size < leaves.length) size *= 2;
      let level = Array.from({ length: size }, (_, i) => leaves[i] ?? NIL_HASH);
      while (level.length > 1) {
        const next: Uint8Array[] = [];
        for (let i = 0; i < level.length; i += 2) {
          const left = level[i] as Uint8Array;
          const right = level[i + 1] as Uint8Array;
          // An entirely empty subtree is the nil hash at every size.
          next.push(
            left === NIL_HASH && right === NIL_HASH ? NIL_HASH : merkleNodeHash(left, right),
          );
        }
        level = next;
      }
      const root = ledger.getRootTxOutMembershipElement();
      assert.equal(root.range.from, 0n);
      assert.equal(root.range.to, BigInt(size - 1));
      assert.ok(
        bytesEqual(root.hash, level[0] as Uint8Array),
        "root differs from a from-scratch tree",
      );

      const proofs = ledger.getTxOutProofsOfMembership([0n, n / 2n, n - 1n]);
      for (const proof of proofs) {
        assert.equal(proof.highestIndex, n - 1n);
        const implied = computeImpliedMerkleRoot(proof);
        assert.deepEqual(implied.range, root.range);
        assert.ok(
          bytesEqual(implied.hash, root.hash),
          `proof of ${proof.index} does not fold to the root`,
        );
        assert.ok(isMembershipProofValid(ledger.getTxOutByIndex(proof.index), proof, root.hash));
        if (proof.index !== 0n) {
          assert.throws(
            () => isMembershipProofValid(ledger.getTxOutByIndex(0n), proof, root.hash),
            (e: unknown) => e instanceof MembershipProofError && e.code === "IncorrectLeafHash",
          );
        }
      }
      ledger.close();
    });

    it("checks a block's version before its index, as ledger-db's validate_append_block", () => {
      const ledger = open();
      ledger.appendBlock(chain[0] as BlockData);
      ledger.appendBlock(chain[1] as BlockData);
      assert.equal(ledger.getLatestBlock().version, 2, "the case needs a last block above 1");
      // Block 3 where block 2 is due, at version 1 below the last block's 2: two defects.
      const fields = { ...(chain[3] as BlockData).block, version: 1 };
      const lowered = {
        ...(chain[3] as BlockData),
        block: { ...fields, id: computeBlockId(fields) },
      };
      rejects(ledger, lowered, "INVALID_BLOCK_VERSION");
      ledger.close();
    });

    it("refuses each invalid block with its typed error and writes nothing", () => {
      const ledger = open();
      const origin = chain[0] as BlockData;
      rejects(ledger, chain[1] as BlockData, "INVALID_ORIGIN_BLOCK");
      ledger.appendBlock(origin);
      const good = chain[1] as BlockData;
      rejects(ledger, chain[2] as BlockData, "INVALID_BLOCK_INDEX");
      rejects(ledger, origin, "INVALID_BLOCK_INDEX");

      const relink = (d: BlockData, change: Partial<BlockData["block"]>): BlockData => {
        const fields = { ...d.block, ...change };
        return { ...d, block: { ...fields, id: computeBlockId(fields) } };
      };
      rejects(
        ledger,
        relink(good, { parentId: new Uint8Array(32).fill(9) }),
        "INVALID_PARENT_BLOCK_ID",
      );
      rejects(ledger, relink(good, { version: 5 }), "INVALID_BLOCK_VERSION");
      rejects(
        ledger,
        relink(good, { cumulativeTxoCount: good.block.cumulativeTxoCount + 1n }),
        "INVALID_CUMULATIVE_TXO_COUNT",
      );
      rejects(ledger, child(ledger, blockContents([new Uint8Array(32).fill(1)], [])), "NO_OUTPUTS");
      rejects(
        ledger,
        child(ledger, blockContents([], [syntheticTxOut(new SeededRandom("x"))])),
        "NO_KEY_IMAGES",
      );
      rejects(
        ledger,
        {
          ...good,
          contents: blockContents(good.contents.keyImages, [
            syntheticTxOut(new SeededRandom("swap")),
            ...good.contents.outputs.slice(1),
          ]),
        },
        "INVALID_BLOCK_CONTENTS",
      );
      rejects(
        ledger,
        { ...good, block: { ...good.block, id: new Uint8Array(32) } },
        "INVALID_BLOCK_ID",
      );
      const noAmount = { ...syntheticTxOut(new SeededRandom("y")), maskedAmount: undefined };
      rejects(
        ledger,
        child(ledger, blockContents([new Uint8Array(32).fill(2)], [noAmount])),
        "UNKNOWN_MASKED_AMOUNT_VERSION",
      );
      const o = syntheticTxOut(new SeededRandom("dup"));
      rejects(
        ledger,
        child(
          ledger,
          blockContents(
            [new Uint8Array(32).fill(3)],
            [o, { ...o, targetKey: new Uint8Array(32).fill(4) }],
          ),
        ),
        "DUPLICATE_OUTPUT_PUBLIC_KEY",
      );
      rejects(
        ledger,
        child(
          ledger,
          blockContents([new Uint8Array(32).fill(3)], [{ ...origin.contents.outputs[0]! }]),
        ),
        "DUPLICATE_OUTPUT_PUBLIC_KEY",
      );
      const ki = new Uint8Array(32).fill(5);
      rejects(
        ledger,
        child(ledger, blockContents([ki, ki], [syntheticTxOut(new SeededRandom("z"))])),
        "KEY_IMAGE_ALREADY_SPENT",
      );
      rejects(ledger, relink(child(ledger), { version: 3 }), "BLOCK_METADATA_REQUIRED");

      ledger.appendBlock(good);
      rejects(
        ledger,
        child(
          ledger,
          blockContents([good.contents.keyImages[0]!], [syntheticTxOut(new SeededRandom("w"))]),
        ),
        "KEY_IMAGE_ALREADY_SPENT",
      );
      assert.equal(ledger.numBlocks(), 2n);
      assert.deepEqual(blockContentsHash(ledger.getBlockContents(1n)), good.block.contentsHash);
      ledger.close();
    });
  });
}

describe("LMDB ledger persistence", () => {
  it("reopens with the same chain", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ledger-reopen-"));
    dirs.push(dir);
    const first = openLmdbLedger(dir);
    for (const d of chain) first.appendBlock(d);
    const root = first.getRootTxOutMembershipElement();
    first.close();
    const again = openLmdbLedger(dir);
    assert.equal(again.numBlocks(), BigInt(chain.length));
    assert.deepEqual(again.getRootTxOutMembershipElement(), root);
    assert.deepEqual(again.getBlockData(3n), chain[3]);
    assert.ok((again.diskBytes() ?? 0) > 0);
    again.close();
  });
});

describe("LMDB ledger files that are not ledgers", () => {
  it("refuses garbage, truncated and (read-only) empty data.mdb with a typed error, never a crash", () => {
    const cases: [string, Uint8Array][] = [
      ["garbage", new SeededRandom("garbage").bytes(64 * 1024)],
      ["truncated", new Uint8Array(100)],
    ];
    for (const [name, bytes] of cases) {
      const dir = mkdtempSync(path.join(tmpdir(), `ledger-${name}-`));
      dirs.push(dir);
      writeFileSync(path.join(dir, "data.mdb"), bytes);
      assert.throws(
        () => openLmdbLedger(dir),
        (e: unknown) => e instanceof LedgerError && e.code === "CORRUPT",
        name,
      );
    }
    const empty = mkdtempSync(path.join(tmpdir(), "ledger-empty-"));
    dirs.push(empty);
    writeFileSync(path.join(empty, "data.mdb"), new Uint8Array());
    assert.throws(
      () => openLmdbLedger(empty, { readOnly: true }),
      (e: unknown) => e instanceof LedgerError && e.code === "CORRUPT",
    );
    const missing = mkdtempSync(path.join(tmpdir(), "ledger-missing-"));
    dirs.push(missing);
    assert.throws(
      () => openLmdbLedger(missing, { readOnly: true }),
      (e: unknown) => e instanceof LedgerError && e.code === "NOT_FOUND",
    );
  });
});
