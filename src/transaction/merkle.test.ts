// Goal: the TxOut Merkle tree, its proofs, verification and roll-back behave as MobileCoin's.
// Method: NIL_HASH known answer; roots compared with an independent recursive definition of the
// tree for sizes 0..33; every proof folds to the root; a proof rolled back to its index equals
// the proof from the smaller tree; one corruption per error path gives its typed error; real
// TxOuts go through isMembershipProofValid (leaf from the Digestible TxOut hash).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accountKeyFromRootEntropy,
  fakeFogHint,
  Scalars,
  subaddressKeys,
} from "../crypto/index.js";
import { isCodedError, SeededRandom, toHex } from "../util/index.js";
import {
  computeImpliedMerkleRoot,
  deriveProofAtIndex,
  isMembershipProofValid,
  membershipProofFromProto,
  membershipProofToProto,
  merkleNodeHash,
  NIL_HASH,
  type TxOutMembershipProof,
  TxOutMerkleTree,
} from "./merkle.js";
import { createTxOut } from "./tx-out.js";

const SEED = 5200;

function referenceRoot(leaves: readonly Uint8Array[], low: bigint, high: bigint): Uint8Array {
  if (low >= BigInt(leaves.length)) return NIL_HASH;
  if (low === high) return leaves[Number(low)]!;
  const mid = (low + high) / 2n;
  return merkleNodeHash(referenceRoot(leaves, low, mid), referenceRoot(leaves, mid + 1n, high));
}

function treeOf(leaves: readonly Uint8Array[]): TxOutMerkleTree {
  const t = new TxOutMerkleTree();
  for (const l of leaves) t.appendLeafHash(l);
  return t;
}

const code = (c: string) => (e: unknown) => isCodedError(e, [c]);

describe("TxOut Merkle tree", () => {
  it("NIL_HASH is MobileCoin's", () => {
    assert.equal(
      toHex(NIL_HASH),
      "ffdaaf4305e365c4c30ca1e5fbf4f5e62b081441ee94eb2d0980470b5e705968",
    );
    assert.equal(toHex(new TxOutMerkleTree().rootElement().hash), toHex(NIL_HASH));
  });

  it("roots match the recursive definition and every proof folds to the root", () => {
    const rng = new SeededRandom(SEED);
    const leaves = Array.from({ length: 33 }, () => rng.bytes(32));
    for (let n = 1; n <= leaves.length; n++) {
      const prefix = leaves.slice(0, n);
      const tree = treeOf(prefix);
      const root = tree.rootElement();
      let width = 1n;
      while (width < BigInt(n)) width <<= 1n;
      assert.equal(root.range.to, width - 1n);
      assert.equal(toHex(root.hash), toHex(referenceRoot(prefix, 0n, width - 1n)), `n=${n}`);
      for (let i = 0n; i < BigInt(n); i++) {
        const implied = computeImpliedMerkleRoot(tree.proof(i));
        assert.equal(toHex(implied.hash), toHex(root.hash), `seed ${SEED}: n=${n} i=${i}`);
        assert.deepEqual(implied.range, root.range);
      }
    }
  });

  it("rolls a proof back to the tree of its own index", () => {
    const rng = new SeededRandom(SEED + 1);
    const leaves = Array.from({ length: 21 }, () => rng.bytes(32));
    const big = treeOf(leaves);
    for (let i = 0; i < leaves.length; i++) {
      const derived = deriveProofAtIndex(big.proof(BigInt(i)));
      const small = treeOf(leaves.slice(0, i + 1)).proof(BigInt(i));
      assert.deepEqual(
        derived.elements.map((e) => [e.range.from, e.range.to, toHex(e.hash)]),
        small.elements.map((e) => [e.range.from, e.range.to, toHex(e.hash)]),
        `seed ${SEED + 1}: i=${i}`,
      );
      assert.equal(derived.highestIndex, BigInt(i));
    }
  });

  it("rejects malformed proofs with typed errors", () => {
    const rng = new SeededRandom(SEED + 2);
    const tree = treeOf(Array.from({ length: 9 }, () => rng.bytes(32)));
    const good = tree.proof(5n);
    const withElements = (els: TxOutMembershipProof["elements"]) => ({ ...good, elements: els });
    assert.throws(
      () => computeImpliedMerkleRoot({ ...good, highestIndex: 4n }),
      code("HighestIndexMismatch"),
    );
    assert.throws(
      () => computeImpliedMerkleRoot(withElements(good.elements.slice(1))),
      code("MissingLeafHash"),
    );
    const swapped = [good.elements[0]!, good.elements[3]!, good.elements[1]!, good.elements[2]!];
    assert.throws(
      () => computeImpliedMerkleRoot(withElements(swapped)),
      code("UnexpectedMembershipElement"),
    );
    const inverted = good.elements.map((e, i) =>
      i === 1 ? { ...e, range: { from: e.range.to + 1n, to: e.range.from } } : e,
    );
    assert.throws(() => computeImpliedMerkleRoot(withElements(inverted)), code("RangeError"));
    assert.throws(
      () => computeImpliedMerkleRoot(withElements(good.elements.slice(0, 2))),
      code("RootNotCoveringZero"),
    );
    assert.throws(
      () => computeImpliedMerkleRoot({ ...good, highestIndex: 100n }),
      code("HighestIndexMismatch"),
    );
    const tampered = good.elements.map((e, i) => (i === 2 ? { ...e, hash: rng.bytes(32) } : e));
    assert.notEqual(
      toHex(computeImpliedMerkleRoot(withElements(tampered)).hash),
      toHex(tree.rootElement().hash),
    );
  });

  it("verifies real TxOuts and round-trips proofs through protobuf", () => {
    const rng = new SeededRandom(SEED + 3);
    const account = accountKeyFromRootEntropy(rng.bytes(32));
    const recipient = subaddressKeys(account, 0n);
    const outs = Array.from(
      { length: 6 },
      (_, i) =>
        createTxOut({
          blockVersion: 3,
          amount: { value: BigInt(i), tokenId: 0n },
          recipient,
          txPrivateKey: Scalars.random(rng),
          eFogHint: fakeFogHint(rng),
        }).txOut,
    );
    const tree = new TxOutMerkleTree();
    for (const o of outs) tree.append(o);
    const root = tree.rootElement().hash;
    outs.forEach((o, i) => {
      const proof = membershipProofFromProto(membershipProofToProto(tree.proof(BigInt(i))));
      assert.ok(isMembershipProofValid(o, proof, root));
      assert.ok(!isMembershipProofValid(o, proof, NIL_HASH));
      const other = outs[(i + 1) % outs.length]!;
      assert.throws(() => isMembershipProofValid(other, proof, root), code("IncorrectLeafHash"));
    });
  });
});
