/**
 * Goal: the protobuf conversion of transactions follows MobileCoin's field rules: MLSAG scalars
 * (`CurveScalar`) are reduced mod ℓ rather than refused, 32-byte fields must be 32 bytes, a
 * missing prefix or signature is a typed error, and the wire uses MobileCoin's field numbers.
 * Method: take one seeded valid transaction, edit its generated protobuf message, re-encode,
 * decode, and check the outcome.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { GROUP_ORDER, Scalars } from "../crypto/index.js";
import { KeyImageSchema, type Tx as TxProto, TxSchema } from "../proto/external_pb.js";
import { isCodedError, SeededRandom, toHex } from "../util/index.js";
import { makeSampleSpend } from "./sample-spend.js";
import { decodeTx, encodeTx, txHash, txToProto } from "./tx.js";
import { validateTxForLedger } from "./validate.js";

const spend = makeSampleSpend({
  blockVersion: 4,
  inputs: 1,
  outputs: 2,
  rng: new SeededRandom("proto-v4"),
});

function edited(edit: (p: TxProto) => void): Uint8Array {
  const proto = txToProto(spend.tx);
  edit(proto);
  return toBinary(TxSchema, proto);
}

function decodeCode(bytes: Uint8Array): string {
  try {
    decodeTx(bytes);
    return "OK";
  } catch (error) {
    assert.ok(isCodedError(error), `untyped failure: ${String(error)}`);
    return error.code;
  }
}

test("a non-canonical MLSAG response decodes to its reduction and the tx stays valid (seed proto-v4)", () => {
  const bytes = edited((p) => {
    const response = p.signature!.ringSignatures[0]!.responses[0]!;
    const value = Scalars.fromCanonicalBytes(response.data);
    // value + ℓ still fits 32 bytes for most values; pick the first response for which it does.
    const big = value + GROUP_ORDER;
    assert.ok(big < 2n ** 256n);
    const out = new Uint8Array(32);
    let x = big;
    for (let i = 0; i < 32; i++) {
      out[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    response.data = out;
  });
  const tx = decodeTx(bytes);
  assert.equal(toHex(txHash(tx)), toHex(txHash(spend.tx)));
  validateTxForLedger(tx, spend.ledger, spend.config);
});

test("wrong-length 32-byte fields and missing messages are typed errors", () => {
  assert.equal(
    decodeCode(
      edited((p) => {
        p.signature!.ringSignatures[0]!.keyImage = create(KeyImageSchema, {
          data: new Uint8Array(31),
        });
      }),
    ),
    "INVALID_FIELD",
  );
  const withoutPrefix = edited((p) => {
    p.prefix = undefined;
  });
  assert.equal(decodeCode(withoutPrefix), "INVALID_FIELD");
  const withoutSignature = edited((p) => {
    p.signature = undefined;
  });
  assert.equal(decodeCode(withoutSignature), "INVALID_FIELD");
  assert.equal(
    decodeCode(
      edited((p) => {
        p.signature!.pseudoOutputCommitments[0]!.data = new Uint8Array(33);
      }),
    ),
    "INVALID_FIELD",
  );
  assert.equal(decodeCode(new Uint8Array(5 * 1024 * 1024)), "LIMIT_EXCEEDED");
});

test("the encoding uses MobileCoin's field numbers (Tx: prefix 1, signature 2, fee_map_digest 3)", () => {
  const bytes = encodeTx(spend.tx);
  assert.equal(bytes[0], (1 << 3) | 2); // prefix, length-delimited
  // The fee-map digest (pinned by the sample) is the last field: tag 3, 32 bytes.
  const tail = bytes.subarray(bytes.length - 34);
  assert.equal(tail[0], (3 << 3) | 2);
  assert.equal(tail[1], 32);
  assert.equal(toHex(tail.subarray(2)), toHex(spend.tx.feeMapDigest));
});
