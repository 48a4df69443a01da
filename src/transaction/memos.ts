import {
  MEMO_DATA_LENGTH,
  MEMO_PAYLOAD_LENGTH,
  memoHmac,
  type RistrettoPoint,
  type Scalar,
} from "../crypto/index.js";
import { beBytesToU64, bytesEqual, u64ToBeBytes } from "../util/index.js";
import { TransactionError } from "./errors.js";
import { type PublicAddress, shortAddressHash } from "./public-address.js";

/**
 * Memo payloads (66 bytes: a 2-byte type and 64 data bytes, integers big-endian) and the two
 * families the builder writes (MCIP #4): authenticated sender memos to recipients, with an HMAC
 * keyed by a sender/recipient DH secret, and destination memos to the sender's own change output.
 */

export const MemoType = {
  UNUSED: 0x0000,
  BURN_REDEMPTION: 0x0001,
  GIFT_CODE_SENDER: 0x0002,
  DEFRAGMENTATION: 0x0003,
  AUTHENTICATED_SENDER: 0x0100,
  AUTHENTICATED_SENDER_WITH_PAYMENT_REQUEST_ID: 0x0101,
  AUTHENTICATED_SENDER_WITH_PAYMENT_INTENT_ID: 0x0102,
  DESTINATION: 0x0200,
  GIFT_CODE_FUNDING: 0x0201,
  GIFT_CODE_CANCELLATION: 0x0202,
  DESTINATION_WITH_PAYMENT_REQUEST_ID: 0x0203,
  DESTINATION_WITH_PAYMENT_INTENT_ID: 0x0204,
} as const;

export type MemoTypeCode = (typeof MemoType)[keyof typeof MemoType];

const SHORT_HASH_LENGTH = 16;
const HMAC_OFFSET = 48;
const MAX_FEE_7_BYTES = 2n ** 56n - 1n;

/** Assemble a payload from its type and 64 data bytes. */
export function memoPayload(type: number, data: Uint8Array): Uint8Array {
  if (data.length !== MEMO_DATA_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "memo data must be 64 bytes");
  }
  const out = new Uint8Array(MEMO_PAYLOAD_LENGTH);
  out[0] = (type >> 8) & 0xff;
  out[1] = type & 0xff;
  out.set(data, 2);
  return out;
}

/** Split a payload into its type and data. */
export function splitMemoPayload(payload: Uint8Array): { type: number; data: Uint8Array } {
  if (payload.length !== MEMO_PAYLOAD_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "a memo payload is 66 bytes");
  }
  return { type: (payload[0]! << 8) | payload[1]!, data: payload.slice(2) };
}

/** The unused (default) memo: 66 zero bytes. */
export function unusedMemo(): Uint8Array {
  return new Uint8Array(MEMO_PAYLOAD_LENGTH);
}

// ---------------------------------------------------------------------------------------------
// Authenticated sender memos (category 0x01)

/** Optional id carried by the 0x0101 / 0x0102 variants in data bytes 16..24. */
export type SenderMemoId =
  | { readonly kind: "none" }
  | { readonly kind: "paymentRequestId"; readonly id: bigint }
  | { readonly kind: "paymentIntentId"; readonly id: bigint };

function senderType(id: SenderMemoId): number {
  if (id.kind === "paymentRequestId") return MemoType.AUTHENTICATED_SENDER_WITH_PAYMENT_REQUEST_ID;
  if (id.kind === "paymentIntentId") return MemoType.AUTHENTICATED_SENDER_WITH_PAYMENT_INTENT_ID;
  return MemoType.AUTHENTICATED_SENDER;
}

/** Sender side of the HMAC key: `d_sender · C_recipient` (compressed). */
export function senderMemoKeyForSender(
  senderSpendPrivate: Scalar,
  recipientViewPublic: RistrettoPoint,
): Uint8Array {
  return recipientViewPublic.multiply(senderSpendPrivate).toBytes();
}

/** Recipient side of the HMAC key: `c_recipient · D_sender` (compressed); equals the sender's. */
export function senderMemoKeyForRecipient(
  recipientSubaddressViewPrivate: Scalar,
  senderSpendPublic: RistrettoPoint,
): Uint8Array {
  return senderSpendPublic.multiply(recipientSubaddressViewPrivate).toBytes();
}

/** The 64 data bytes of an authenticated sender memo, HMAC included. */
export function authenticatedSenderMemoData(
  senderAddressHash: Uint8Array,
  id: SenderMemoId,
  hmacKey: Uint8Array,
  txOutPublicKey: Uint8Array,
): Uint8Array {
  if (senderAddressHash.length !== SHORT_HASH_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "a short address hash is 16 bytes");
  }
  const data = new Uint8Array(MEMO_DATA_LENGTH);
  data.set(senderAddressHash, 0);
  if (id.kind !== "none") data.set(u64ToBeBytes(id.id), 16);
  const type = senderType(id);
  const typeBytes = new Uint8Array([type >> 8, type & 0xff]);
  data.set(
    memoHmac(hmacKey, txOutPublicKey, typeBytes, data.subarray(0, HMAC_OFFSET)),
    HMAC_OFFSET,
  );
  return data;
}

/** A full authenticated sender memo payload, from the sender's keys. */
export function makeAuthenticatedSenderMemo(p: {
  readonly senderAddress: PublicAddress;
  readonly senderSpendPrivate: Scalar;
  readonly recipientViewPublic: RistrettoPoint;
  readonly txOutPublicKey: Uint8Array;
  readonly id?: SenderMemoId;
}): Uint8Array {
  const id = p.id ?? { kind: "none" };
  const key = senderMemoKeyForSender(p.senderSpendPrivate, p.recipientViewPublic);
  const data = authenticatedSenderMemoData(
    shortAddressHash(p.senderAddress),
    id,
    key,
    p.txOutPublicKey,
  );
  return memoPayload(senderType(id), data);
}

export interface ParsedSenderMemo {
  readonly type: number;
  readonly addressHash: Uint8Array;
  readonly id: SenderMemoId;
  readonly hmac: Uint8Array;
}

/** Parse the data of an authenticated sender memo of the given type. */
export function parseAuthenticatedSenderMemo(type: number, data: Uint8Array): ParsedSenderMemo {
  if (data.length !== MEMO_DATA_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "memo data must be 64 bytes");
  }
  let id: SenderMemoId;
  const raw = beBytesToU64(data.subarray(16, 24));
  if (type === MemoType.AUTHENTICATED_SENDER) id = { kind: "none" };
  else if (type === MemoType.AUTHENTICATED_SENDER_WITH_PAYMENT_REQUEST_ID) {
    id = { kind: "paymentRequestId", id: raw };
  } else if (type === MemoType.AUTHENTICATED_SENDER_WITH_PAYMENT_INTENT_ID) {
    id = { kind: "paymentIntentId", id: raw };
  } else {
    throw new TransactionError("INVALID_FIELD", "not an authenticated sender memo type", { type });
  }
  return {
    type,
    addressHash: data.slice(0, SHORT_HASH_LENGTH),
    id,
    hmac: data.slice(HMAC_OFFSET),
  };
}

/**
 * Recipient-side validation (MCIP #4): the memo names `senderAddress` and its HMAC verifies with
 * the key the recipient derives. Both checks run in full before answering.
 */
export function validateAuthenticatedSenderMemo(
  type: number,
  data: Uint8Array,
  senderAddress: PublicAddress,
  recipientSubaddressViewPrivate: Scalar,
  txOutPublicKey: Uint8Array,
): boolean {
  const parsed = parseAuthenticatedSenderMemo(type, data);
  const hashOk = bytesEqual(parsed.addressHash, shortAddressHash(senderAddress));
  const key = senderMemoKeyForRecipient(
    recipientSubaddressViewPrivate,
    senderAddress.spendPublicKey,
  );
  const typeBytes = new Uint8Array([type >> 8, type & 0xff]);
  const expected = memoHmac(key, txOutPublicKey, typeBytes, data.subarray(0, HMAC_OFFSET));
  const macOk = bytesEqual(expected, parsed.hmac);
  return hashOk && macOk;
}

// ---------------------------------------------------------------------------------------------
// Destination memos (category 0x02)

export type DestinationMemoId =
  | { readonly kind: "none" }
  | { readonly kind: "paymentRequestId"; readonly id: bigint }
  | { readonly kind: "paymentIntentId"; readonly id: bigint };

export interface DestinationMemo {
  /** ShortAddressHash of the (last) recipient. */
  readonly addressHash: Uint8Array;
  readonly numRecipients: number;
  /** Must fit in 7 bytes. */
  readonly fee: bigint;
  /** Sum of the outputs to others plus the fee. */
  readonly totalOutlay: bigint;
  readonly id: DestinationMemoId;
}

function destinationType(id: DestinationMemoId): number {
  if (id.kind === "paymentRequestId") return MemoType.DESTINATION_WITH_PAYMENT_REQUEST_ID;
  if (id.kind === "paymentIntentId") return MemoType.DESTINATION_WITH_PAYMENT_INTENT_ID;
  return MemoType.DESTINATION;
}

/** The 64 data bytes of a destination memo; `INVALID_BUILD` if the fee needs more than 7 bytes. */
export function destinationMemoData(m: DestinationMemo): Uint8Array {
  if (m.addressHash.length !== SHORT_HASH_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "a short address hash is 16 bytes");
  }
  if (m.fee < 0n || m.fee > MAX_FEE_7_BYTES) {
    throw new TransactionError("INVALID_BUILD", "destination memo fee does not fit 7 bytes");
  }
  if (!Number.isInteger(m.numRecipients) || m.numRecipients < 0 || m.numRecipients > 255) {
    throw new TransactionError("INVALID_BUILD", "num_recipients must fit one byte");
  }
  const data = new Uint8Array(MEMO_DATA_LENGTH);
  data.set(m.addressHash, 0);
  data[16] = m.numRecipients;
  data.set(u64ToBeBytes(m.fee).subarray(1), 17);
  data.set(u64ToBeBytes(m.totalOutlay), 24);
  if (m.id.kind !== "none") data.set(u64ToBeBytes(m.id.id), 32);
  return data;
}

/** A full destination memo payload. */
export function makeDestinationMemo(m: DestinationMemo): Uint8Array {
  return memoPayload(destinationType(m.id), destinationMemoData(m));
}

/** Parse the data of a destination memo of the given type. */
export function parseDestinationMemo(type: number, data: Uint8Array): DestinationMemo {
  if (data.length !== MEMO_DATA_LENGTH) {
    throw new TransactionError("INVALID_FIELD", "memo data must be 64 bytes");
  }
  const feeBytes = new Uint8Array(8);
  feeBytes.set(data.subarray(17, 24), 1);
  const raw = beBytesToU64(data.subarray(32, 40));
  let id: DestinationMemoId;
  if (type === MemoType.DESTINATION) id = { kind: "none" };
  else if (type === MemoType.DESTINATION_WITH_PAYMENT_REQUEST_ID) {
    id = { kind: "paymentRequestId", id: raw };
  } else if (type === MemoType.DESTINATION_WITH_PAYMENT_INTENT_ID) {
    id = { kind: "paymentIntentId", id: raw };
  } else {
    throw new TransactionError("INVALID_FIELD", "not a destination memo type", { type });
  }
  return {
    addressHash: data.slice(0, SHORT_HASH_LENGTH),
    numRecipients: data[16]!,
    fee: beBytesToU64(feeBytes),
    totalOutlay: beBytesToU64(data.subarray(24, 32)),
    id,
  };
}
