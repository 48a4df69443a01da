// Goal: blocks link and count correctly, and ids, signatures and metadata catch tampering.
// Method: seeded outputs; sign/verify round trips; one changed field at a time must fail. (The
// golden block ids and contents hashes are asserted by test/vectors/block-digests.test.ts.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../crypto/index.js";
import type { TxOut } from "../transaction/index.js";
import { SeededRandom } from "../util/index.js";
import {
  type Block,
  blockContents,
  isBlockIdValid,
  newBlockWithParent,
  newOriginBlock,
  signBlock,
  signBlockMetadata,
  verifyBlockMetadata,
  verifyBlockSignature,
} from "./index.js";

describe("blocks, signatures and metadata", () => {
  const random = new SeededRandom("block-tests");
  const outputs: TxOut[] = Array.from({ length: 8 }, () => ({
    maskedAmount: {
      version: 1,
      commitment: random.bytes(32),
      maskedValue: BigInt(random.nextU32()),
      maskedTokenId: new Uint8Array(),
    },
    targetKey: random.bytes(32),
    publicKey: random.bytes(32),
    eFogHint: random.bytes(84),
    eMemo: random.bytes(66),
  }));
  const origin = newOriginBlock(blockContents([], outputs));
  const signer = Ed25519Signer.generate(random);

  it("builds an origin block and a child with linked ids and counts", () => {
    assert.equal(origin.version, 0);
    assert.equal(origin.index, 0n);
    assert.equal(origin.cumulativeTxoCount, BigInt(outputs.length));
    assert.ok(isBlockIdValid(origin));
    const child = newBlockWithParent(
      1,
      origin,
      { range: { from: 0n, to: 15n }, hash: random.bytes(32) },
      blockContents([random.bytes(32)], outputs.slice(0, 2)),
    );
    assert.equal(child.index, 1n);
    assert.equal(child.cumulativeTxoCount, BigInt(outputs.length + 2));
    assert.deepEqual(child.parentId, origin.id);
    assert.ok(isBlockIdValid(child));
  });

  it("detects a change to any header field", () => {
    const variants: Block[] = [
      { ...origin, version: 1 },
      { ...origin, index: 1n },
      { ...origin, cumulativeTxoCount: 0n },
      { ...origin, parentId: new Uint8Array(32).fill(1) },
      { ...origin, contentsHash: new Uint8Array(32).fill(1) },
      { ...origin, rootElement: { range: { from: 0n, to: 1n }, hash: origin.rootElement.hash } },
    ];
    for (const v of variants) assert.equal(isBlockIdValid(v), false);
  });

  it("signs and verifies a block; a different block or signer fails", () => {
    const sig = signBlock(origin, signer, 1_700_000_000n);
    assert.ok(verifyBlockSignature(origin, sig));
    const other = newOriginBlock(blockContents([], outputs.slice(1)));
    assert.equal(verifyBlockSignature(other, sig), false);
    assert.equal(
      verifyBlockSignature(origin, { ...sig, signer: Ed25519Signer.generate(random).publicKey }),
      false,
    );
    const flipped = sig.signature.slice();
    flipped[0] = (flipped[0] as number) ^ 1;
    assert.equal(verifyBlockSignature(origin, { ...sig, signature: flipped }), false);
  });

  it("signs metadata over the block id and quorum set", () => {
    const metadata = signBlockMetadata(
      {
        blockId: origin.id,
        quorumSet: {
          threshold: 1,
          members: [
            { type: "Node", node: { responderId: "peer1:8443", publicKey: signer.publicKey } },
            {
              type: "InnerSet",
              set: {
                threshold: 1,
                members: [
                  {
                    type: "Node",
                    node: { responderId: "peer2:8443", publicKey: signer.publicKey },
                  },
                ],
              },
            },
          ],
        },
        attestationEvidence: undefined,
        responderId: "node1:8443",
      },
      signer,
    );
    assert.ok(verifyBlockMetadata(metadata, origin.id));
    assert.equal(verifyBlockMetadata(metadata, new Uint8Array(32)), false);
    assert.equal(
      verifyBlockMetadata(
        { ...metadata, contents: { ...metadata.contents, responderId: "evil:1" } },
        origin.id,
      ),
      false,
    );
  });
});
