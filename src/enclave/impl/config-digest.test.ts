// Goal: the peer-prologue suffix is Merlin digest32 of MobileCoin's BlockchainConfig Digestible
// shape under "mc-blockchain-config" (consensus/enclave/api/src/config.rs): fee map, an empty
// governors map and an absent signature omitted, BlockVersion as an aggregate with field "0";
// and it changes with the fee map and the block version.
// Method: the expected transcript is written out by hand, label by label, from the Digestible
// rules (not by walking our DigestNode tree), for a two-token fee map at block version 3.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MerlinTranscript } from "../../crypto/index.js";
import { blockchainConfigDigest } from "./config-digest.js";

const te = (s: string) => new TextEncoder().encode(s);

function le(value: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

function handWritten(entries: readonly [bigint, bigint][], blockVersion: number): Uint8Array {
  const t = new MerlinTranscript("digestible");
  const m = (label: string, data: Uint8Array | string) =>
    t.appendMessage(te(label), typeof data === "string" ? te(data) : data);
  m("mc-blockchain-config", "agg");
  m("name", "BlockchainConfig");
  m("fee_map", "agg");
  m("name", "FeeMap");
  m("map", "seq");
  m("len", le(BigInt(entries.length), 8));
  for (const [token, fee] of entries) {
    m("", "agg");
    m("name", "Tuple");
    m("0", "agg");
    m("name", "TokenId");
    m("0", "prim");
    m("uint", le(token, 8));
    m("0", "agg-end");
    m("name", "TokenId");
    m("1", "prim");
    m("uint", le(fee, 8));
    m("", "agg-end");
    m("name", "Tuple");
  }
  m("fee_map", "agg-end");
  m("name", "FeeMap");
  m("governors_map", "agg");
  m("name", "GovernorsMap");
  m("governors_map", "agg-end");
  m("name", "GovernorsMap");
  m("block_version", "agg");
  m("name", "BlockVersion");
  m("0", "prim");
  m("uint", le(BigInt(blockVersion), 4));
  m("block_version", "agg-end");
  m("name", "BlockVersion");
  m("mc-blockchain-config", "agg-end");
  m("name", "BlockchainConfig");
  return t.challengeBytes("digest32", 32);
}

describe("blockchain config digest", () => {
  const fees = new Map([
    [1n, 1024n],
    [0n, 400_000_000n],
  ]);

  it("is digest32 of the BlockchainConfig shape, fee map sorted by token", () => {
    const expected = handWritten(
      [
        [0n, 400_000_000n],
        [1n, 1024n],
      ],
      3,
    );
    assert.deepEqual(blockchainConfigDigest(fees, 3), expected);
  });

  it("changes with the block version and with any fee", () => {
    const base = blockchainConfigDigest(fees, 3);
    assert.notDeepEqual(blockchainConfigDigest(fees, 2), base);
    assert.notDeepEqual(blockchainConfigDigest(new Map([...fees, [1n, 2048n]]), 3), base);
  });
});
