import { createCipheriv } from "node:crypto";
import { utf8 } from "../util/index.js";
import { CryptoError } from "./errors.js";
import { hkdfDerive, hmacSha512 } from "./kdf.js";

/**
 * Memo encryption and the category-0x01 memo HMAC. A memo payload is 66 bytes (2 type bytes and
 * 64 data bytes), XORed with an AES-256-CTR keystream keyed from the TxOut shared secret; the same
 * operation decrypts.
 */

export const MEMO_PAYLOAD_LENGTH = 66;
export const MEMO_DATA_LENGTH = 64;

const MEMO_OKM_SALT = utf8("mc-memo-okm");
const MEMO_MAC_PREFIX = utf8("mc-memo-mac");
const U64_MASK = 2n ** 64n - 1n;

/**
 * AES-256-CTR with a 64-bit big-endian counter in the low half of the counter block (Rust's
 * `Ctr64BE`): the high half never carries, unlike OpenSSL's 128-bit counter, so the counter
 * blocks are formed here and encrypted in ECB mode.
 */
export function ctr64beKeystream(key: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  const blocks = Math.ceil(length / 16);
  const counters = new Uint8Array(blocks * 16);
  const view = new DataView(counters.buffer);
  const ivView = new DataView(iv.buffer, iv.byteOffset, 16);
  const high = ivView.getBigUint64(0, false);
  const low = ivView.getBigUint64(8, false);
  for (let i = 0; i < blocks; i++) {
    view.setBigUint64(16 * i, high, false);
    view.setBigUint64(16 * i + 8, (low + BigInt(i)) & U64_MASK, false);
  }
  const cipher = createCipheriv("aes-256-ecb", key, null);
  cipher.setAutoPadding(false);
  const out = new Uint8Array(cipher.update(counters));
  return out.subarray(0, length);
}

/** Encrypt or decrypt a 66-byte memo payload with the TxOut shared secret (32 bytes). */
export function applyMemoCipher(sharedSecret: Uint8Array, payload: Uint8Array): Uint8Array {
  if (payload.length !== MEMO_PAYLOAD_LENGTH) {
    throw new CryptoError("INVALID_LENGTH", "a memo payload is 66 bytes", {
      length: payload.length,
    });
  }
  const okm = hkdfDerive("sha512", sharedSecret, MEMO_OKM_SALT, new Uint8Array(0), 48);
  const stream = ctr64beKeystream(okm.subarray(0, 32), okm.subarray(32, 48), payload.length);
  const out = new Uint8Array(payload.length);
  for (let i = 0; i < out.length; i++) out[i] = payload[i]! ^ stream[i]!;
  return out;
}

/**
 * The 16-byte HMAC of an authenticated memo (MCIP #4): HMAC-SHA512 keyed by the sender/recipient
 * DH secret over `"mc-memo-mac" ‖ tx public key ‖ memo type ‖ memo_data[0..48]`, truncated.
 */
export function memoHmac(
  key: Uint8Array,
  txOutPublicKey: Uint8Array,
  memoType: Uint8Array,
  memoDataPrefix: Uint8Array,
): Uint8Array {
  if (memoType.length !== 2 || memoDataPrefix.length !== 48 || txOutPublicKey.length !== 32) {
    throw new CryptoError("INVALID_LENGTH", "memo HMAC inputs have fixed lengths");
  }
  return hmacSha512(key, MEMO_MAC_PREFIX, txOutPublicKey, memoType, memoDataPrefix).slice(0, 16);
}
