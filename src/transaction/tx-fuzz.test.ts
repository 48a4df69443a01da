/**
 * Goal: a signed transaction's encoding is tamper-evident byte by byte, and decoding arbitrary
 * bytes never throws anything but a typed `TransactionError`.
 * Method: fast-check with fixed seeds. (1) Flip one byte of a valid transaction's protobuf
 * encoding (any position, any nonzero XOR mask): decoding must fail with a TransactionError or
 * the node's acceptance check must fail with a TxValidationError. numRuns is modest because each
 * acceptance check can cost ~20 ms; a deterministic sweep also flips one byte in every 24-byte
 * window so that every field of the encoding is hit. (2) Random byte strings, and random
 * truncations of a valid encoding, decode or fail with a TransactionError only.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { SeededRandom } from "../util/index.js";
import { TransactionError, TxValidationError } from "./errors.js";
import { makeSampleSpend } from "./sample-spend.js";
import { decodeTx, encodeTx } from "./tx.js";
import { validateTxForLedger } from "./validate.js";

const SEED = 20261121;
const spend = makeSampleSpend({
  blockVersion: 4,
  inputs: 1,
  outputs: 2,
  rng: new SeededRandom("fuzz-v4"),
});
const encoded = encodeTx(spend.tx);

test(`the untampered encoding is accepted (seed fuzz-v4)`, () => {
  validateTxForLedger(decodeTx(encoded), spend.ledger, spend.config);
});

test(`flipping any byte of a signed transaction makes it invalid (fast-check seed ${SEED})`, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: encoded.length - 1 }),
      fc.integer({ min: 1, max: 255 }),
      (position, mask) => {
        const tampered = encoded.slice();
        tampered[position]! ^= mask;
        try {
          validateTxForLedger(decodeTx(tampered), spend.ledger, spend.config);
        } catch (error) {
          assert.ok(
            error instanceof TransactionError || error instanceof TxValidationError,
            `byte ${position} ^ ${mask}: untyped failure ${String(error)}`,
          );
          return;
        }
        assert.fail(`byte ${position} ^ ${mask}: the tampered transaction was accepted`);
      },
    ),
    { seed: SEED, numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
  );
});

test("a sweep: one flipped byte in every 24-byte window of the encoding makes it invalid", () => {
  const rejected = (position: number): boolean => {
    const tampered = encoded.slice();
    tampered[position]! ^= 1 << (position % 8);
    try {
      validateTxForLedger(decodeTx(tampered), spend.ledger, spend.config);
      return false;
    } catch (error) {
      assert.ok(error instanceof TransactionError || error instanceof TxValidationError);
      return true;
    }
  };
  let checked = 0;
  for (let window = 0; window * 24 < encoded.length; window++) {
    const position = Math.min(encoded.length - 1, window * 24 + (window % 24));
    assert.ok(rejected(position), `byte ${position} (window ${window}) was accepted`);
    checked++;
  }
  assert.ok(checked > 100);
});

test(`decoding random bytes fails only with a TransactionError (fast-check seed ${SEED})`, () => {
  const decodeOrTyped = (bytes: Uint8Array) => {
    try {
      decodeTx(bytes);
    } catch (error) {
      assert.ok(error instanceof TransactionError, `untyped failure: ${String(error)}`);
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), decodeOrTyped), {
    seed: SEED,
    numRuns: 2000,
  });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: encoded.length }), (cut) =>
      decodeOrTyped(encoded.subarray(0, cut)),
    ),
    { seed: SEED, numRuns: 300 },
  );
});
