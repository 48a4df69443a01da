// Goal: Fog TxOutRecords recover with the recipient's view key exactly as MobileCoin's
// `try_recover_tx_out` does, and fail with a checksum mismatch (not a parse error) with another
// account's key. Method: decode the RistrettoPrivate and TxOutRecord protobufs of each line,
// recover, and check value 10, token 0, global index 100+i, block 1, timestamp 10, an all-zero
// memo, and a rebuilt TxOut the view key recognises; the incorrect file must fail CHECKSUM_MISMATCH.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { Scalars } from "../../src/crypto/index.js";
import { RistrettoPrivateSchema } from "../../src/proto/external_pb.js";
import { decodeTxOutRecord, recoverTxOutRecord, viewTxOut } from "../../src/transaction/index.js";
import { isCodedError, toHex } from "../../src/util/index.js";
import { forEachVector, hexBytes } from "./lib.js";

function viewKey(hex: string): bigint {
  return Scalars.fromCanonicalBytes(fromBinary(RistrettoPrivateSchema, hexBytes(hex)).data);
}

describe("tx_out_records vectors", () => {
  it("correct_tx_out_records.jsonl recovers", () => {
    forEachVector<{
      recipient_view_private_key_hex_proto_bytes: string;
      tx_out_record_hex_proto_bytes: string;
    }>("tx_out_records/correct_tx_out_records.jsonl", (line, i) => {
      const a = viewKey(line.recipient_view_private_key_hex_proto_bytes);
      const record = decodeTxOutRecord(hexBytes(line.tx_out_record_hex_proto_bytes));
      const r = recoverTxOutRecord(record, a);
      assert.deepEqual(r.amount, { value: 10n, tokenId: 0n });
      assert.equal(r.globalIndex, BigInt(100 + i));
      assert.equal(r.blockIndex, 1n);
      assert.equal(r.timestamp, 10n);
      assert.equal(r.txOut.maskedAmount?.version, 1);
      assert.equal(r.txOut.maskedAmount?.maskedTokenId.length, 8);
      const viewed = viewTxOut(r.txOut, a);
      assert.deepEqual(viewed.amount, r.amount);
      assert.equal(toHex(viewed.memo!), "00".repeat(66));
    });
  });

  it("incorrect_tx_out_records.jsonl fails with a checksum mismatch", () => {
    forEachVector<{
      spurious_view_private_key_hex_proto_bytes: string;
      tx_out_record_hex_proto_bytes: string;
    }>("tx_out_records/incorrect_tx_out_records.jsonl", (line) => {
      const a = viewKey(line.spurious_view_private_key_hex_proto_bytes);
      const record = decodeTxOutRecord(hexBytes(line.tx_out_record_hex_proto_bytes));
      assert.throws(
        () => recoverTxOutRecord(record, a),
        (e: unknown) => isCodedError(e, ["CHECKSUM_MISMATCH"]),
      );
    });
  });
});
