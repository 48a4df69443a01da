/**
 * Goal: validating several transactions with all their range proofs in one multi-scalar
 * multiplication accepts exactly the transactions that one-by-one validation accepts, and pins a
 * bad range proof on the transaction that carries it.
 * Method: three seeded spends valid against one shared ledger; a fourth whose range proof is
 * corrupted and whose MLSAG is re-signed over the corrupted proof (so only the range proof is
 * wrong); a fifth with a broken MLSAG. Compare batch results with one-by-one results.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pedersenGens, Scalars, signMlsag } from "../crypto/index.js";
import { SeededRandom } from "../util/index.js";
import { TxValidationError } from "./errors.js";
import { InMemoryLedgerView, makeSampleSpend, type SampleSpend } from "./sample-spend.js";
import { mlsagSigningDigest } from "./signing-digest.js";
import type { Tx } from "./tx.js";
import { validateTxForLedger, validateTxsForLedger } from "./validate.js";

const ledger = new InMemoryLedgerView(10n);
const spends: SampleSpend[] = [0, 1, 2, 3, 4].map((i) =>
  makeSampleSpend({
    blockVersion: 4,
    inputs: 1,
    outputs: 2,
    ledger,
    rng: new SeededRandom(`batch-${i}`),
  }),
);
const config = spends[0]!.config;

/** Corrupt the range proof, then re-sign the single MLSAG over the corrupted transaction. */
function badRangeProof(spend: SampleSpend): Tx {
  const { tx } = spend;
  const proof = tx.signature.rangeProofs[0]!.slice();
  proof[7 * 32 + 5]! ^= 1; // inside the first inner-product L point
  const signature = { ...tx.signature, rangeProofs: [proof] };
  const digest = mlsagSigningDigest(
    4,
    tx.prefix,
    signature.pseudoOutputCommitments,
    signature.rangeProofBytes,
    signature.rangeProofs,
  );
  const ring = spend.rings[0]!;
  // With one input, the pseudo output's blinding is the sum of the output blindings.
  const pseudoBlinding = spend.outputSecrets.reduce((acc, o) => Scalars.add(acc, o.blinding), 0n);
  const mlsag = signMlsag(
    digest,
    ring.members,
    {
      realIndex: ring.realIndex,
      onetimePrivateKey: ring.secret.onetimePrivateKey,
      value: ring.secret.value,
      blinding: ring.secret.blinding,
      outputBlinding: pseudoBlinding,
      valueGenerator: pedersenGens(ring.secret.tokenId).B,
    },
    new SeededRandom("batch-resign"),
  );
  return { ...tx, signature: { ...signature, ringSignatures: [mlsag] } };
}

function brokenMlsag(tx: Tx): Tx {
  const s = tx.signature.ringSignatures[0]!;
  const ringSignatures = [{ ...s, cZero: Scalars.add(s.cZero, 1n) }];
  return { ...tx, signature: { ...tx.signature, ringSignatures } };
}

function oneByOne(tx: Tx): string {
  try {
    validateTxForLedger(tx, ledger, config);
    return "Ok";
  } catch (error) {
    assert.ok(error instanceof TxValidationError);
    return `${error.code}/${error.reason}`;
  }
}

test("batch validation agrees with one-by-one validation (seeds batch-0..4)", () => {
  const txs = [
    spends[0]!.tx,
    spends[1]!.tx,
    badRangeProof(spends[3]!),
    spends[2]!.tx,
    brokenMlsag(spends[4]!.tx),
  ];
  const expected = txs.map(oneByOne);
  assert.deepEqual(expected, [
    "Ok",
    "Ok",
    "InvalidTransactionSignature/RangeProof",
    "Ok",
    "InvalidTransactionSignature/InvalidSignature",
  ]);
  const batch = validateTxsForLedger(txs, ledger, config).map((e) =>
    e === undefined ? "Ok" : `${e.code}/${e.reason}`,
  );
  assert.deepEqual(batch, expected);
  // All good: one joint check, no fallback.
  const good = validateTxsForLedger([spends[0]!.tx, spends[1]!.tx, spends[2]!.tx], ledger, config);
  assert.deepEqual(good, [undefined, undefined, undefined]);
});
