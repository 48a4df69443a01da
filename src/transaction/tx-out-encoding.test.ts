// Goal: the direct TxOut encoder writes exactly the bytes protobuf-es writes, for every shape a
// TxOut can take (either amount version, zero value, empty or long token id, no memo, no amount).
// Method: fast-check over random outputs (seed fixed, printed on failure) comparing both encoders,
// and decoding back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { TxOutSchema } from "../proto/external_pb.js";
import { toHex } from "../util/index.js";
import { decodeTxOut, encodeTxOut, type TxOut, txOutToProto } from "./tx-out.js";

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

const txOutArb: fc.Arbitrary<TxOut> = fc.record({
  maskedAmount: fc.option(
    fc.record({
      version: fc.constantFrom(1 as const, 2 as const),
      commitment: bytes(32, 32),
      maskedValue: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
      maskedTokenId: fc.oneof(bytes(0, 0), bytes(8, 8), bytes(120, 200)),
    }),
    { nil: undefined },
  ),
  targetKey: bytes(32, 32),
  publicKey: bytes(32, 32),
  eFogHint: bytes(84, 84),
  eMemo: fc.option(bytes(66, 66), { nil: undefined }),
});

describe("encodeTxOut", () => {
  it("matches protobuf-es byte for byte and decodes back", () => {
    fc.assert(
      fc.property(txOutArb, (t) => {
        const direct = encodeTxOut(t);
        assert.equal(toHex(direct), toHex(toBinary(TxOutSchema, txOutToProto(t))));
        if (t.maskedAmount !== undefined)
          assert.equal(toHex(encodeTxOut(decodeTxOut(direct))), toHex(direct));
      }),
      { numRuns: 500, seed: 20261121 },
    );
  });
});
