import { fromBinary } from "@bufbuild/protobuf";
import {
  type Amount,
  CryptoError,
  crc32,
  ENCRYPTED_FOG_HINT_LENGTH,
  type MaskedAmount,
  MEMO_PAYLOAD_LENGTH,
  Ristretto,
  recomputeAmount,
  type Scalar,
  sharedSecretFor,
} from "../crypto/index.js";
import { type TxOutRecord as ProtoTxOutRecord, TxOutRecordSchema } from "../proto/fog_view_pb.js";
import { TransactionError } from "./errors.js";
import type { TxOut } from "./tx-out.js";

/**
 * Fog's `TxOutRecord`: a compact form of an owned TxOut that carries a CRC-32 of the amount
 * commitment instead of the commitment. Recovery recomputes the commitment from the view key and
 * requires its CRC to match, which is what proves the record was read with the right key.
 */

/** Largest encoded TxOutRecord we decode (a real one is under 300 bytes). */
export const TX_OUT_RECORD_MAX_BYTES = 4096;

export interface RecoveredTxOutRecord {
  /** The TxOut rebuilt from the record (its fog hint is unrecoverable: 84 zero bytes). */
  readonly txOut: TxOut;
  readonly amount: Amount;
  readonly blinding: Scalar;
  readonly sharedSecret: Uint8Array;
  readonly globalIndex: bigint;
  readonly blockIndex: bigint;
  readonly timestamp: bigint;
}

/** Decode a TxOutRecord protobuf; throws `INVALID_ENCODING` / `LIMIT_EXCEEDED`. */
export function decodeTxOutRecord(bytes: Uint8Array): ProtoTxOutRecord {
  if (bytes.length > TX_OUT_RECORD_MAX_BYTES) {
    throw new TransactionError("LIMIT_EXCEEDED", "TxOutRecord encoding is too large");
  }
  try {
    return fromBinary(TxOutRecordSchema, bytes);
  } catch (e) {
    throw new TransactionError("INVALID_ENCODING", `not a TxOutRecord: ${(e as Error).message}`);
  }
}

function bytes32(b: Uint8Array, field: string): Uint8Array {
  if (b.length !== 32) {
    throw new TransactionError("INVALID_FIELD", `${field} must be 32 bytes`, { field });
  }
  return b;
}

/**
 * `FogTxOut::try_recover_tx_out`: rebuild the TxOut with the account view key. Throws
 * `CHECKSUM_MISMATCH` when the recomputed commitment's CRC differs (the wrong key, or a corrupted
 * record), `INVALID_POINT` / `INVALID_FIELD` for malformed keys and lengths.
 */
export function recoverTxOutRecord(
  record: ProtoTxOutRecord,
  viewPrivateKey: Scalar,
): RecoveredTxOutRecord {
  const publicKey = bytes32(record.txOutPublicKeyData, "tx_out_public_key_data");
  const targetKey = bytes32(record.txOutTargetKeyData, "tx_out_target_key_data");
  const sharedSecret = sharedSecretFor(viewPrivateKey, Ristretto.fromBytes(publicKey));
  const which = record.txOutAmountMaskedTokenId;
  const version = which.case === "txOutAmountMaskedV2TokenId" ? 2 : 1;
  const maskedTokenId = which.case === undefined ? new Uint8Array(0) : which.value;
  const recomputed = recomputeAmount(
    version,
    record.txOutAmountMaskedValue,
    maskedTokenId,
    sharedSecret,
  );
  let expectedCrc = record.txOutAmountCommitmentDataCrc32;
  if (record.txOutAmountCommitmentData.length > 0) {
    expectedCrc = crc32(bytes32(record.txOutAmountCommitmentData, "tx_out_amount_commitment_data"));
  }
  if (crc32(recomputed.commitment) !== expectedCrc) {
    throw new CryptoError("CHECKSUM_MISMATCH", "recomputed commitment does not match the record");
  }
  const memo = record.txOutEMemoData;
  if (memo.length !== 0 && memo.length !== MEMO_PAYLOAD_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "tx_out_e_memo_data must be 66 bytes or empty");
  }
  const maskedAmount: MaskedAmount = {
    version,
    commitment: recomputed.commitment,
    maskedValue: record.txOutAmountMaskedValue,
    maskedTokenId,
  };
  return {
    txOut: {
      maskedAmount,
      targetKey: targetKey.slice(),
      publicKey: publicKey.slice(),
      eFogHint: new Uint8Array(ENCRYPTED_FOG_HINT_LENGTH),
      eMemo: memo.length === 0 ? undefined : memo.slice(),
    },
    amount: recomputed.amount,
    blinding: recomputed.blinding,
    sharedSecret,
    globalIndex: record.txOutGlobalIndex,
    blockIndex: record.blockIndex,
    timestamp: record.timestamp,
  };
}
