/**
 * Goal: RingMLSAG and MobileCoin-style range proofs round-trip, and fail for the right reason
 * when anything they bind changes. Method: seeded random rings of 11 and seeded values/blindings;
 * sign/prove, verify, then tamper one thing at a time (message, key image, a response, a ring
 * member, the pseudo output, a proof byte, a commitment, the token generator) and expect the
 * specific RingCtError code. The seed is in each test name.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { SeededRandom } from "../../util/index.js";
import { pedersenGens } from "../generators.js";
import { Ristretto, type Scalar, Scalars } from "../ristretto.js";
import { RingCtError } from "./errors.js";
import { type ReducedTxOut, signMlsag, verifyMlsag } from "./mlsag.js";
import {
  checkRangeProof,
  checkRangeProofBatch,
  generateRangeProofs,
} from "./mobilecoin-range-proofs.js";

function scalar(rng: SeededRandom): Scalar {
  return Scalars.fromBytesModOrderWide(rng.bytes(64));
}

function code(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RingCtError, `untyped failure: ${String(error)}`);
    return error.code;
  }
  return "OK";
}

function makeRing(seed: number) {
  const rng = new SeededRandom(seed);
  const H = pedersenGens(0n).B;
  const ring: ReducedTxOut[] = [];
  for (let j = 0; j < 11; j++) {
    ring.push({
      targetKey: Ristretto.multiplyBase(scalar(rng)).toBytes(),
      commitment: Ristretto.msm([H, Ristretto.BASE], [BigInt(j), scalar(rng)]).toBytes(),
    });
  }
  const realIndex = seed % 11;
  const x = scalar(rng);
  const value = 12345n;
  const blinding = scalar(rng);
  ring[realIndex] = {
    targetKey: Ristretto.multiplyBase(x).toBytes(),
    commitment: Ristretto.msm([H, Ristretto.BASE], [value, blinding]).toBytes(),
  };
  const outputBlinding = scalar(rng);
  const pseudoOutput = Ristretto.msm([H, Ristretto.BASE], [value, outputBlinding]).toBytes();
  const message = rng.bytes(32);
  const secret = {
    realIndex,
    onetimePrivateKey: x,
    value,
    blinding,
    outputBlinding,
    valueGenerator: H,
  };
  return { rng, ring, secret, pseudoOutput, message };
}

test("MLSAG ring 11 round trip and tampering (seed 7)", () => {
  const { rng, ring, secret, pseudoOutput, message } = makeRing(7);
  const sig = signMlsag(message, ring, secret, rng);
  assert.equal(sig.responses.length, 22);
  assert.equal(
    code(() => verifyMlsag(sig, message, ring, pseudoOutput)),
    "OK",
  );

  const otherMessage = message.slice();
  otherMessage[0]! ^= 1;
  assert.equal(
    code(() => verifyMlsag(sig, otherMessage, ring, pseudoOutput)),
    "INVALID_SIGNATURE",
  );
  const responses = sig.responses.slice();
  responses[3] = Scalars.add(responses[3]!, 1n);
  assert.equal(
    code(() => verifyMlsag({ ...sig, responses }, message, ring, pseudoOutput)),
    "INVALID_SIGNATURE",
  );
  assert.equal(
    code(() =>
      verifyMlsag({ ...sig, cZero: Scalars.add(sig.cZero, 1n) }, message, ring, pseudoOutput),
    ),
    "INVALID_SIGNATURE",
  );
  const otherImage = Ristretto.multiplyBase(5n).toBytes();
  assert.equal(
    code(() => verifyMlsag({ ...sig, keyImage: otherImage }, message, ring, pseudoOutput)),
    "INVALID_SIGNATURE",
  );
  assert.equal(
    code(() =>
      verifyMlsag({ ...sig, keyImage: new Uint8Array(32).fill(0xff) }, message, ring, pseudoOutput),
    ),
    "INVALID_KEY_IMAGE",
  );
  const swapped = ring.slice();
  swapped[(secret.realIndex + 3) % 11] = {
    ...ring[0]!,
    targetKey: Ristretto.multiplyBase(9n).toBytes(),
  };
  assert.equal(
    code(() => verifyMlsag(sig, message, swapped, pseudoOutput)),
    "INVALID_SIGNATURE",
  );
  const otherPseudo = Ristretto.multiplyBase(11n).toBytes();
  assert.equal(
    code(() => verifyMlsag(sig, message, ring, otherPseudo)),
    "INVALID_SIGNATURE",
  );
  assert.equal(
    code(() => verifyMlsag(sig, message, ring.slice(1), pseudoOutput)),
    "LENGTH_MISMATCH",
  );
  const badPoint = ring.slice();
  badPoint[2] = { ...ring[2]!, commitment: new Uint8Array(32).fill(0xff) };
  assert.equal(
    code(() => verifyMlsag(sig, message, badPoint, pseudoOutput)),
    "INVALID_CURVE_POINT",
  );
});

test("MLSAG signing refuses a real input whose commitment does not match (seed 3)", () => {
  const { rng, ring, secret, message } = makeRing(3);
  assert.equal(
    code(() => signMlsag(message, ring, { ...secret, value: 1n }, rng)),
    "VALUE_NOT_CONSERVED",
  );
  assert.equal(
    code(() => signMlsag(message, ring, { ...secret, realIndex: 11 }, rng)),
    "INDEX_OUT_OF_BOUNDS",
  );
});

test("range proofs: prove 3 values (padded to 4), verify, tamper, wrong token (seed 11)", () => {
  const rng = new SeededRandom(11);
  const gens = pedersenGens(0n);
  const values = [0n, 1n, 2n ** 64n - 1n];
  const blindings = values.map(() => scalar(rng));
  const { proof, commitments } = generateRangeProofs(values, blindings, gens, rng);
  assert.equal(proof.length, 32 * (9 + 2 * 8));
  assert.equal(commitments.length, 3);
  assert.equal(
    code(() => checkRangeProof(proof, commitments, gens)),
    "OK",
  );
  const p = proof.slice();
  p[100]! ^= 4;
  assert.notEqual(
    code(() => checkRangeProof(p, commitments, gens)),
    "OK",
  );
  const c = commitments.slice();
  c[1] = Ristretto.multiplyBase(3n).toBytes();
  assert.equal(
    code(() => checkRangeProof(proof, c, gens)),
    "RANGE_PROOF_VERIFICATION",
  );
  assert.equal(
    code(() => checkRangeProof(proof, commitments, pedersenGens(1n))),
    "RANGE_PROOF_VERIFICATION",
  );
  assert.equal(
    code(() => checkRangeProof(proof.subarray(1), commitments, gens)),
    "RANGE_PROOF_FORMAT",
  );
  assert.equal(
    code(() => generateRangeProofs([2n ** 64n], [1n], gens, rng)),
    "RANGE_PROOF_PARAMETERS",
  );
});

test("batch verification: several proofs and tokens in one MSM; one bad proof fails the batch (seed 12)", () => {
  const rng = new SeededRandom(12);
  const items = [0n, 5n, 0n].map((token, k) => {
    const gens = pedersenGens(token);
    const values = Array.from({ length: k + 1 }, (_v, i) => BigInt(1000 * i + k));
    const { proof, commitments } = generateRangeProofs(
      values,
      values.map(() => scalar(rng)),
      gens,
      rng,
    );
    return { proof, commitments, gens };
  });
  assert.equal(
    code(() => checkRangeProofBatch(items)),
    "OK",
  );
  const bad = items.slice();
  bad[1] = { ...items[1]!, gens: items[0]!.gens };
  assert.equal(
    code(() => checkRangeProofBatch(bad)),
    "RANGE_PROOF_VERIFICATION",
  );
  const swapped = items.slice();
  swapped[2] = { ...items[2]!, commitments: items[2]!.commitments.slice().reverse() };
  assert.equal(
    code(() => checkRangeProofBatch(swapped)),
    "RANGE_PROOF_VERIFICATION",
  );
});

test("range-proof verification of random bytes fails only with a RingCtError (fast-check seed 41)", () => {
  const gens = pedersenGens(0n);
  const commitment = Ristretto.multiplyBase(7n).toBytes();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1024 }), fc.integer({ min: 1, max: 4 }), (bytes, m) => {
      const result = code(() =>
        checkRangeProof(
          bytes,
          Array.from({ length: m }, () => commitment),
          gens,
        ),
      );
      assert.notEqual(result, "OK");
    }),
    { seed: 41, numRuns: 300 },
  );
});
