import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type Amount,
  applyMemoCipher,
  createOnetimeKeys,
  D,
  type DigestNode,
  digest32,
  ENCRYPTED_FOG_HINT_LENGTH,
  type MaskedAmount,
  MEMO_PAYLOAD_LENGTH,
  maskAmount,
  Ristretto,
  type RistrettoPoint,
  recoverSubaddressSpendPublicKey,
  type Scalar,
  sharedSecretFor,
  unmaskAmount,
} from "../crypto/index.js";
import {
  type MaskedAmount as ProtoMaskedAmount,
  type TxOut as ProtoTxOut,
  TxOutSchema,
} from "../proto/external_pb.js";
import { BlockVersionFeatures } from "./block-version.js";
import { TransactionError } from "./errors.js";

/**
 * A transaction output as it sits in a transaction or a block. Keys stay compressed (as
 * MobileCoin's `CompressedRistrettoPublic`): they are decompressed only by the code that needs the
 * point, which reports an invalid one in its own terms.
 */
export interface TxOut {
  /** Absent only in malformed outputs (`UnknownMaskedAmountVersion` at validation). */
  readonly maskedAmount: MaskedAmount | undefined;
  /** One-time public key `P` (32 bytes). */
  readonly targetKey: Uint8Array;
  /** Tx public key `R` (32 bytes). */
  readonly publicKey: Uint8Array;
  /** Encrypted fog hint (84 bytes). */
  readonly eFogHint: Uint8Array;
  /** Encrypted memo (66 bytes), absent for outputs from before block version 1. */
  readonly eMemo: Uint8Array | undefined;
}

/** Largest encoded TxOut we decode on its own (a real one is about 250 bytes). */
export const TX_OUT_MAX_BYTES = 4096;

function fixed(bytes: Uint8Array | undefined, length: number, field: string): Uint8Array {
  if (bytes === undefined || bytes.length !== length) {
    throw new TransactionError("INVALID_FIELD", `${field} must be ${length} bytes`, {
      field,
      length: bytes?.length ?? -1,
    });
  }
  return bytes;
}

function maskedFromProto(m: ProtoMaskedAmount, version: 1 | 2): MaskedAmount {
  return {
    version,
    commitment: fixed(m.commitment?.data, 32, "masked_amount.commitment"),
    maskedValue: m.maskedValue,
    maskedTokenId: m.maskedTokenId,
  };
}

/** From the generated protobuf message; throws `INVALID_FIELD` on wrong lengths. */
export function txOutFromProto(msg: ProtoTxOut): TxOut {
  let maskedAmount: MaskedAmount | undefined;
  if (msg.maskedAmount.case === "maskedAmountV1") {
    maskedAmount = maskedFromProto(msg.maskedAmount.value, 1);
  } else if (msg.maskedAmount.case === "maskedAmountV2") {
    maskedAmount = maskedFromProto(msg.maskedAmount.value, 2);
  }
  return {
    maskedAmount,
    targetKey: fixed(msg.targetKey?.data, 32, "target_key"),
    publicKey: fixed(msg.publicKey?.data, 32, "public_key"),
    eFogHint: fixed(msg.eFogHint?.data, ENCRYPTED_FOG_HINT_LENGTH, "e_fog_hint"),
    eMemo:
      msg.eMemo === undefined ? undefined : fixed(msg.eMemo.data, MEMO_PAYLOAD_LENGTH, "e_memo"),
  };
}

/** To the generated protobuf message. */
export function txOutToProto(t: TxOut): ProtoTxOut {
  const m = t.maskedAmount;
  return create(TxOutSchema, {
    maskedAmount:
      m === undefined
        ? { case: undefined }
        : {
            case: m.version === 1 ? "maskedAmountV1" : "maskedAmountV2",
            value: {
              commitment: { data: m.commitment },
              maskedValue: m.maskedValue,
              maskedTokenId: m.maskedTokenId,
            },
          },
    targetKey: { data: t.targetKey },
    publicKey: { data: t.publicKey },
    eFogHint: { data: t.eFogHint },
    ...(t.eMemo === undefined ? {} : { eMemo: { data: t.eMemo } }),
  });
}

/** Decode protobuf bytes; throws `INVALID_ENCODING` / `INVALID_FIELD` / `LIMIT_EXCEEDED`. */
export function decodeTxOut(bytes: Uint8Array): TxOut {
  if (bytes.length > TX_OUT_MAX_BYTES) {
    throw new TransactionError("LIMIT_EXCEEDED", "TxOut encoding is too large", {
      length: bytes.length,
    });
  }
  let msg: ProtoTxOut;
  try {
    msg = fromBinary(TxOutSchema, bytes);
  } catch (e) {
    throw new TransactionError("INVALID_ENCODING", `not a TxOut: ${(e as Error).message}`);
  }
  return txOutFromProto(msg);
}

/**
 * The protobuf encoding of a TxOut, written directly: the ledger stores every output this way and
 * the generic reflective encoder was a seventh of an append. The bytes are exactly those of
 * `toBinary(TxOutSchema, txOutToProto(t))` (same field order, proto3 defaults omitted), which
 * tx-out.test.ts checks on random outputs.
 */
export function encodeTxOut(t: TxOut): Uint8Array {
  const m = t.maskedAmount;
  // Real outputs have every length below 128, so each length prefix is one byte; anything
  // else goes through the generic encoder below.
  const amountLength =
    m === undefined
      ? 0
      : 2 +
        (2 + m.commitment.length) +
        (m.maskedValue === 0n ? 0 : 9) +
        (m.maskedTokenId.length === 0 ? 0 : 2 + m.maskedTokenId.length);
  const wrapped = (bytes: Uint8Array) => 2 + (bytes.length === 0 ? 0 : 2 + bytes.length);
  const total =
    (m === undefined ? 0 : 2 + amountLength) +
    wrapped(t.targetKey) +
    wrapped(t.publicKey) +
    wrapped(t.eFogHint) +
    (t.eMemo === undefined ? 0 : wrapped(t.eMemo));
  const longest = Math.max(
    t.targetKey.length,
    t.publicKey.length,
    t.eFogHint.length,
    t.eMemo?.length ?? 0,
  );
  if (amountLength > 127 || longest + 2 > 127) return toBinary(TxOutSchema, txOutToProto(t));
  const out = new Uint8Array(total);
  let at = 0;
  const bytesField = (tag: number, bytes: Uint8Array) => {
    out[at++] = tag;
    out[at++] = bytes.length;
    out.set(bytes, at);
    at += bytes.length;
  };
  const messageWithData = (tag: number, data: Uint8Array) => {
    out[at++] = tag;
    out[at++] = data.length === 0 ? 0 : data.length + 2;
    if (data.length > 0) bytesField(0x0a, data);
  };
  const writeAmount = (a: MaskedAmount) => {
    out[at++] = a.version === 1 ? 0x0a : 0x32; // field 1 (v1) or 6 (v2), length-delimited
    out[at++] = amountLength;
    out[at++] = 0x0a; // commitment: CompressedRistretto { data = 1 }
    out[at++] = a.commitment.length + 2;
    bytesField(0x0a, a.commitment);
    if (a.maskedValue !== 0n) {
      out[at++] = 0x11; // masked_value: fixed64, field 2
      new DataView(out.buffer).setBigUint64(at, a.maskedValue, true);
      at += 8;
    }
    if (a.maskedTokenId.length > 0) bytesField(0x1a, a.maskedTokenId);
  };
  // Fields in field-number order, as protobuf-es writes them: a v2 amount (field 6) comes last.
  if (m !== undefined && m.version === 1) writeAmount(m);
  messageWithData(0x12, t.targetKey);
  messageWithData(0x1a, t.publicKey);
  messageWithData(0x22, t.eFogHint);
  if (t.eMemo !== undefined) messageWithData(0x2a, t.eMemo);
  if (m !== undefined && m.version === 2) writeAmount(m);
  return out;
}

/**
 * Digestible node of a masked amount: v1 is the aggregate named `Amount`, v2 `MaskedAmountV2`;
 * an empty masked token id is omitted.
 */
export function maskedAmountDigestNode(m: MaskedAmount): DigestNode {
  return D.agg(m.version === 1 ? "Amount" : "MaskedAmountV2", [
    D.field("commitment", D.ristretto(m.commitment)),
    D.field("masked_value", D.u64(m.maskedValue)),
    D.field("masked_token_id", D.bytes(m.maskedTokenId)),
  ]);
}

/** Digestible node of a TxOut (its masked amount sits under the field name `amount`). */
export function txOutDigestNode(t: TxOut): DigestNode {
  return D.agg("TxOut", [
    D.field(
      "amount",
      t.maskedAmount === undefined ? undefined : maskedAmountDigestNode(t.maskedAmount),
    ),
    D.field("target_key", D.ristretto(t.targetKey)),
    D.field("public_key", D.ristretto(t.publicKey)),
    D.field("e_fog_hint", D.bytes(t.eFogHint)),
    D.field(
      "e_memo",
      t.eMemo === undefined ? undefined : D.agg("EncryptedMemo", [D.field("0", D.bytes(t.eMemo))]),
    ),
  ]);
}

/** `TxOut::hash()`: the Digestible digest with context `mobilecoin-txout`. */
export function txOutHash(t: TxOut): Uint8Array {
  return digest32("mobilecoin-txout", txOutDigestNode(t));
}

/** What the memo builder gets to produce a memo for an output. */
export interface MemoContext {
  readonly txOutPublicKey: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

export interface CreateTxOutParams {
  readonly blockVersion: number;
  readonly amount: Amount;
  /** Recipient subaddress public keys (C, D). */
  readonly recipient: {
    readonly viewPublicKey: RistrettoPoint;
    readonly spendPublicKey: RistrettoPoint;
  };
  readonly txPrivateKey: Scalar;
  /** The 84-byte encrypted fog hint (real or fake). */
  readonly eFogHint: Uint8Array;
  /** Produces the 66-byte memo payload (before encryption); default: the unused memo. */
  readonly memo?: (context: MemoContext) => Uint8Array;
}

export interface CreatedTxOut {
  readonly txOut: TxOut;
  readonly sharedSecret: Uint8Array;
  readonly blinding: Scalar;
}

/** Build an output for a recipient at a block version (reference transactions.md §3.2). */
export function createTxOut(p: CreateTxOutParams): CreatedTxOut {
  fixed(p.eFogHint, ENCRYPTED_FOG_HINT_LENGTH, "e_fog_hint");
  const v = p.blockVersion;
  if (!BlockVersionFeatures.maskedTokenIdRequired(v) && p.amount.tokenId !== 0n) {
    throw new TransactionError("INVALID_BUILD", "token ids other than 0 need block version 2", {
      blockVersion: v,
    });
  }
  const keys = createOnetimeKeys(p.txPrivateKey, p.recipient);
  const version = BlockVersionFeatures.maskedAmountV2(v) ? 2 : 1;
  const { masked, blinding } = maskAmount(
    version,
    p.amount,
    keys.sharedSecret,
    BlockVersionFeatures.maskedTokenIdRequired(v),
  );
  const publicKey = keys.publicKey.toBytes();
  let eMemo: Uint8Array | undefined;
  if (BlockVersionFeatures.eMemoRequired(v)) {
    const payload =
      p.memo === undefined
        ? new Uint8Array(MEMO_PAYLOAD_LENGTH)
        : p.memo({ txOutPublicKey: publicKey, sharedSecret: keys.sharedSecret });
    eMemo = applyMemoCipher(keys.sharedSecret, payload);
  }
  return {
    txOut: {
      maskedAmount: masked,
      targetKey: keys.targetKey.toBytes(),
      publicKey,
      eFogHint: p.eFogHint.slice(),
      eMemo,
    },
    sharedSecret: keys.sharedSecret,
    blinding,
  };
}

/** What a recipient learns from one of its outputs. */
export interface ViewedTxOut {
  readonly sharedSecret: Uint8Array;
  /** The subaddress spend public key `D_i` the output was sent to. */
  readonly subaddressSpendPublicKey: RistrettoPoint;
  readonly amount: Amount;
  readonly blinding: Scalar;
  /** The decrypted 66-byte memo payload, if the output has a memo. */
  readonly memo: Uint8Array | undefined;
}

/**
 * Open an output with the account view key: shared secret, the subaddress it was sent to (the
 * caller checks it against its own), amount (commitment checked) and memo. Throws a typed error
 * (`INVALID_POINT`, `INVALID_AMOUNT`, `INVALID_FIELD`) when the output is not readable with this key.
 */
export function viewTxOut(t: TxOut, viewPrivateKey: Scalar): ViewedTxOut {
  if (t.maskedAmount === undefined) {
    throw new TransactionError("INVALID_FIELD", "TxOut has no masked amount");
  }
  const sharedSecret = sharedSecretFor(viewPrivateKey, Ristretto.fromBytes(t.publicKey));
  const subaddressSpendPublicKey = recoverSubaddressSpendPublicKey(
    sharedSecret,
    Ristretto.fromBytes(t.targetKey),
  );
  const { amount, blinding } = unmaskAmount(t.maskedAmount, sharedSecret);
  return {
    sharedSecret,
    subaddressSpendPublicKey,
    amount,
    blinding,
    memo: t.eMemo === undefined ? undefined : applyMemoCipher(sharedSecret, t.eMemo),
  };
}
