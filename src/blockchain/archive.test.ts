// Goal: archive files use MobileCoin's path layout and a reader refuses every kind of bad record.
// Method: a small seeded chain encoded to ArchiveBlock/ArchiveBlocks; then one corruption at a time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../crypto/index.js";
import type { TxOut } from "../transaction/index.js";
import { SeededRandom } from "../util/index.js";
import {
  archiveBlockPath,
  BlockchainError,
  type BlockData,
  blockContents,
  decodeArchiveBlock,
  decodeArchiveBlocks,
  encodeArchiveBlock,
  encodeArchiveBlocks,
  mergedArchivePath,
  newBlockWithParent,
  newOriginBlock,
  signBlock,
} from "./index.js";

function randomTxOut(r: SeededRandom): TxOut {
  return {
    maskedAmount: {
      version: 2,
      commitment: r.bytes(32),
      maskedValue: BigInt(r.nextU32()),
      maskedTokenId: r.bytes(8),
    },
    targetKey: r.bytes(32),
    publicKey: r.bytes(32),
    eFogHint: r.bytes(84),
    eMemo: r.bytes(66),
  };
}

function chain(length: number, seed = "archive"): BlockData[] {
  const r = new SeededRandom(seed);
  const signer = Ed25519Signer.generate(r);
  const originContents = blockContents([], [randomTxOut(r), randomTxOut(r)]);
  const out: BlockData[] = [
    {
      block: newOriginBlock(originContents),
      contents: originContents,
      signature: undefined,
      metadata: undefined,
    },
  ];
  for (let i = 1; i < length; i++) {
    const parent = (out[i - 1] as BlockData).block;
    const contents = blockContents([r.bytes(32)], [randomTxOut(r), randomTxOut(r)]);
    const block = newBlockWithParent(
      2,
      parent,
      { range: { from: 0n, to: 7n }, hash: r.bytes(32) },
      contents,
    );
    out.push({
      block,
      contents,
      signature: signBlock(block, signer, BigInt(1_700_000_000 + i)),
      metadata: undefined,
    });
  }
  return out;
}

function rejects(
  bytes: Uint8Array,
  code: string,
  decode: (b: Uint8Array) => unknown = decodeArchiveBlock,
): void {
  assert.throws(
    () => decode(bytes),
    (e: unknown) => e instanceof BlockchainError && e.code === code,
    `expected ${code}`,
  );
}

describe("archive layout", () => {
  it("places blocks under seven two-digit directories of their 16-digit hex index", () => {
    assert.equal(archiveBlockPath(0n), "00/00/00/00/00/00/00/0000000000000000.pb");
    assert.equal(archiveBlockPath(1n), "00/00/00/00/00/00/00/0000000000000001.pb");
    assert.equal(archiveBlockPath(0x1234n), "00/00/00/00/00/00/12/0000000000001234.pb");
    assert.equal(archiveBlockPath((1n << 64n) - 1n), "ff/ff/ff/ff/ff/ff/ff/ffffffffffffffff.pb");
    assert.equal(
      mergedArchivePath(100, 200n),
      "merged-100/00/00/00/00/00/00/00/00000000000000c8.pb",
    );
    assert.throws(() => archiveBlockPath(-1n), RangeError);
  });
});

describe("archive codec", () => {
  const blocks = chain(5);

  it("round-trips blocks with and without signatures, byte for byte", () => {
    for (const d of blocks) {
      const bytes = encodeArchiveBlock(d);
      const back = decodeArchiveBlock(bytes);
      assert.deepEqual(encodeArchiveBlock(back), bytes);
      assert.equal(back.signature === undefined, d.signature === undefined);
    }
    const bundle = encodeArchiveBlocks(blocks);
    assert.equal(decodeArchiveBlocks(bundle).length, blocks.length);
    assert.deepEqual(encodeArchiveBlocks(decodeArchiveBlocks(bundle)), bundle);
  });

  it("refuses a wrong id, wrong contents, a bad signature and garbage", () => {
    const d = blocks[2] as BlockData;
    rejects(encodeArchiveBlock({ ...d, block: { ...d.block, index: 9n } }), "INVALID_BLOCK_ID");
    rejects(encodeArchiveBlock({ ...d, contents: blockContents([], []) }), "INVALID_CONTENTS_HASH");
    const sig = (d.signature as NonNullable<BlockData["signature"]>).signature.slice();
    sig[5] = (sig[5] as number) ^ 0x40;
    rejects(
      encodeArchiveBlock({
        ...d,
        signature: { ...(d.signature as NonNullable<BlockData["signature"]>), signature: sig },
      }),
      "INVALID_SIGNATURE",
    );
    rejects(new Uint8Array([0xff, 0xff, 0xff]), "MALFORMED");
    rejects(new Uint8Array(), "UNSUPPORTED_ARCHIVE_VERSION");
  });

  it("refuses every single-byte flip, except in the unauthenticated signed_at timestamp", () => {
    // MobileCoin's block signature covers the header digest only; `signed_at` is the host's clock
    // reading and is not signed, so a changed timestamp is the one change a reader cannot detect.
    const original = blocks[3] as BlockData;
    const bytes = encodeArchiveBlock(original);
    let timestampFlips = 0;
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] = (copy[i] as number) ^ 0x01;
      let accepted: BlockData;
      try {
        accepted = decodeArchiveBlock(copy);
      } catch (e) {
        assert.ok(e instanceof BlockchainError, `flip at byte ${i}: ${String(e)}`);
        continue;
      }
      const withOriginalTime = {
        ...accepted,
        signature: { ...accepted.signature!, signedAt: original.signature!.signedAt },
      };
      assert.deepEqual(
        encodeArchiveBlock(withOriginalTime),
        bytes,
        `flip at byte ${i} was accepted and changed more than signed_at`,
      );
      timestampFlips++;
    }
    assert.ok(
      timestampFlips <= 10,
      `${timestampFlips} accepted flips is more than a varint timestamp has`,
    );
  });

  it("accepts the same block with its fields in another order, as other encoders write it", () => {
    // Split a length-delimited message into its top-level fields (all fields here are LEN-typed
    // with one-byte tags), so they can be written back in reverse order.
    const fields = (bytes: Uint8Array): Uint8Array[] => {
      const out: Uint8Array[] = [];
      let at = 0;
      while (at < bytes.length) {
        const start = at++;
        let length = 0;
        for (let shift = 0; ; shift += 7) {
          const b = bytes[at++] as number;
          length += (b & 0x7f) * 2 ** shift;
          if ((b & 0x80) === 0) break;
        }
        at += length;
        out.push(bytes.subarray(start, at));
      }
      return out;
    };
    const original = encodeArchiveBlock(blocks[2] as BlockData);
    const [v1] = fields(original);
    let headerLength = 1;
    while (((v1 as Uint8Array)[headerLength] as number) & 0x80) headerLength++;
    const header = (v1 as Uint8Array).subarray(0, headerLength + 1);
    const inner = fields((v1 as Uint8Array).subarray(header.length));
    assert.ok(inner.length >= 3);
    const reordered = new Uint8Array(original.length);
    reordered.set(header, 0);
    let at = header.length;
    for (const f of [...inner].reverse()) {
      reordered.set(f, at);
      at += f.length;
    }
    assert.notDeepEqual(reordered, original);
    assert.deepEqual(decodeArchiveBlock(reordered), decodeArchiveBlock(original));
  });

  it("refuses a merged file whose blocks do not chain", () => {
    const other = chain(3, "other");
    rejects(
      encodeArchiveBlocks([blocks[0] as BlockData, blocks[1] as BlockData, other[2] as BlockData]),
      "BROKEN_CHAIN",
      decodeArchiveBlocks,
    );
    rejects(
      encodeArchiveBlocks([blocks[0] as BlockData, blocks[2] as BlockData]),
      "BROKEN_CHAIN",
      decodeArchiveBlocks,
    );
  });
});
