/**
 * Goal: transactions the builder signs are valid at the block versions they target, survive the
 * protobuf round trip byte for byte, and spend exactly the sender's inputs.
 * Method: `makeSampleSpend` builds a seeded ledger and a signed transaction (rings of 11, sorted
 * rings, inputs and outputs, change, fee, tombstone); each case encodes, decodes, checks the tx
 * hash and re-encoding, and runs the node's full acceptance check against the sample ledger.
 * A few large cases (16 inputs, 16 outputs) and many small ones, at block versions 2, 3 and 4
 * (and one each at 0 and 1, whose MLSAGs sign the raw extended message),
 * with one and several tokens. Seeds are in the test names.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  keyImageOf,
  onetimePrivateKey,
  Ristretto,
  sharedSecretFor,
  subaddressKeys,
} from "../crypto/index.js";
import { bytesEqual, SeededRandom, toHex } from "../util/index.js";
import { makeSampleSpend, type SampleSpendOptions } from "./sample-spend.js";
import { decodeTx, encodeTx, txHash } from "./tx.js";
import { validateTxForLedger } from "./validate.js";

function roundTrip(seed: string, options: Omit<SampleSpendOptions, "rng">): void {
  const spend = makeSampleSpend({ ...options, rng: new SeededRandom(seed) });
  const { tx } = spend;
  assert.equal(tx.prefix.inputs.length, options.inputs);
  assert.equal(tx.prefix.outputs.length, options.outputs);
  for (const input of tx.prefix.inputs) assert.equal(input.ring.length, 11);

  const bytes = encodeTx(tx);
  const decoded = decodeTx(bytes);
  assert.equal(toHex(txHash(decoded)), toHex(txHash(tx)), `seed ${seed}: hash after decoding`);
  assert.ok(bytesEqual(encodeTx(decoded), bytes), `seed ${seed}: re-encoding differs`);
  validateTxForLedger(decoded, spend.ledger, spend.config);

  // The key images are those of the sender's real inputs, one per input.
  const primary = subaddressKeys(spend.sender, 0n);
  const expected = new Set<string>();
  for (const input of tx.prefix.inputs) {
    for (const member of input.ring) {
      const ss = sharedSecretFor(
        spend.sender.viewPrivateKey,
        Ristretto.fromBytes(member.publicKey),
      );
      const x = onetimePrivateKey(ss, primary.spendPrivateKey);
      if (bytesEqual(Ristretto.multiplyBase(x).toBytes(), member.targetKey)) {
        expected.add(toHex(keyImageOf(x)));
      }
    }
  }
  const actual = new Set(tx.signature.ringSignatures.map((s) => toHex(s.keyImage)));
  assert.deepEqual(actual, expected, `seed ${seed}: key images`);
}

const SMALL_CASES: readonly (readonly [number, number, number])[] = [
  [0, 1, 1],
  [1, 1, 2],
  [2, 1, 1],
  [2, 2, 3],
  [2, 3, 2],
  [3, 1, 2],
  [3, 2, 1],
  [3, 3, 2],
  [4, 1, 2],
  [4, 2, 3],
];

for (const [blockVersion, inputs, outputs] of SMALL_CASES) {
  const seed = `rt-v${blockVersion}-${inputs}x${outputs}`;
  test(`round trip v${blockVersion}, ${inputs} in / ${outputs} out (seed ${seed})`, () => {
    roundTrip(seed, { blockVersion, inputs, outputs });
  });
}

test("round trip v3, mixed tokens: fee in MOB, inputs in MOB and token 5 (seed rt-mixed-3)", () => {
  roundTrip("rt-mixed-3", { blockVersion: 3, inputs: 3, outputs: 4, inputTokenIds: [0n, 5n, 5n] });
});

test("round trip v4, fee in a non-MOB token (seed rt-token-4)", () => {
  roundTrip("rt-token-4", { blockVersion: 4, inputs: 2, outputs: 2, tokenId: 8192n });
});

test("round trip v2, fee token other than MOB (seed rt-token-2)", () => {
  roundTrip("rt-token-2", { blockVersion: 2, inputs: 1, outputs: 2, tokenId: 8192n });
});

test("round trip v3, 16 inputs and 16 outputs (seed rt-big-3)", () => {
  roundTrip("rt-big-3", { blockVersion: 3, inputs: 16, outputs: 16 });
});

test("round trip v2, 16 inputs and 1 output (seed rt-big-2)", () => {
  roundTrip("rt-big-2", { blockVersion: 2, inputs: 16, outputs: 1 });
});
