// Goal: merged-file framing assembled from single encodings is byte-identical to the blockchain
// codec's `encodeArchiveBlocks`, and splitting accepts only the canonical framing.
// Method: a synthetic chain; compare bytes; feed hand-broken framings and expect typed errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { syntheticLedger } from "../../test/archive/helpers.js";
import {
  decodeArchiveBlock,
  encodeArchiveBlock,
  encodeArchiveBlocks,
} from "../blockchain/index.js";
import { isCodedError } from "../util/index.js";
import { frameArchiveBlocks, splitArchiveBlocks } from "./bundle.js";

describe("merged archive framing", () => {
  const { chain } = syntheticLedger("bundle-framing", 12, 3);

  it("frames single encodings exactly as encodeArchiveBlocks encodes the blocks", () => {
    for (const n of [0, 1, 2, 13]) {
      const blocks = chain.slice(0, n);
      const framed = frameArchiveBlocks(blocks.map(encodeArchiveBlock));
      assert.deepEqual(framed, encodeArchiveBlocks(blocks), `${n} blocks`);
    }
  });

  it("splits a bundle back into the single encodings", () => {
    const singles = chain.map(encodeArchiveBlock);
    const parts = splitArchiveBlocks(encodeArchiveBlocks(chain));
    assert.equal(parts.length, chain.length);
    parts.forEach((p, i) => {
      assert.deepEqual(p, singles[i]);
      assert.equal(decodeArchiveBlock(p).block.index, BigInt(i));
    });
  });

  it("frames records longer than one varint byte", () => {
    const big = new Uint8Array(300).fill(7);
    const framed = frameArchiveBlocks([big]);
    assert.deepEqual([...framed.subarray(0, 3)], [0x0a, 0xac, 0x02]);
    assert.deepEqual(splitArchiveBlocks(framed)[0], big);
  });

  const rejects = (bytes: number[], why: string) =>
    assert.throws(
      () => splitArchiveBlocks(Uint8Array.from(bytes)),
      (e: unknown) => isCodedError(e) && e.code === "MALFORMED",
      why,
    );

  it("rejects other fields, non-minimal lengths and truncation", () => {
    rejects([0x12, 0x00], "field 2");
    rejects([0x0a, 0x81, 0x00, 0x01], "non-minimal varint");
    rejects([0x0a, 0x05, 1, 2], "record past the end");
    rejects([0x0a], "missing length");
    rejects([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "oversized length");
  });
});
