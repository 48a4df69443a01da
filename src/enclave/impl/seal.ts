import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import type { RandomSource } from "../../util/index.js";
import { EnclaveError } from "../errors.js";

/**
 * Sealing the block-signing key in software (reference §9.5). In place of SGX's MRENCLAVE-policy
 * sealing key: seal_key = HKDF-SHA256(ikm = operator seal secret, salt = measurement,
 * info = "mc-ts-seal-v1"). Blob = version(1) ‖ key_id(32, random) ‖ nonce(12) ‖
 * AES-256-GCM(private key) ‖ tag(16), with AAD = version ‖ key_id ‖ measurement. One seal per
 * enclave start, so random 96-bit nonces under one key stay far from collision. A new measurement
 * yields a different key, as with SGX: an upgraded enclave cannot open an old blob.
 */
export const SEAL_VERSION = 1;
export const SEAL_INFO = "mc-ts-seal-v1";
export const SEAL_KEY_ID_BYTES = 32;
export const SEAL_NONCE_BYTES = 12;
export const SEAL_TAG_BYTES = 16;
export const SEALED_PRIVATE_KEY_BYTES = 32;
export const SEALED_BLOB_BYTES =
  1 + SEAL_KEY_ID_BYTES + SEAL_NONCE_BYTES + SEALED_PRIVATE_KEY_BYTES + SEAL_TAG_BYTES;
/** A seal secret shorter than this is refused (it is the only thing protecting the blob). */
export const SEAL_SECRET_BYTES_MIN = 32;
export const MEASUREMENT_BYTES = 32;

export function deriveSealKey(sealSecret: Uint8Array, measurement: Uint8Array): Uint8Array {
  return new Uint8Array(
    hkdfSync("sha256", sealSecret, measurement, new TextEncoder().encode(SEAL_INFO), 32),
  );
}

function aad(keyId: Uint8Array, measurement: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + keyId.length + measurement.length);
  out[0] = SEAL_VERSION;
  out.set(keyId, 1);
  out.set(measurement, 1 + keyId.length);
  return out;
}

export function sealPrivateKey(
  privateKey: Uint8Array,
  sealSecret: Uint8Array,
  measurement: Uint8Array,
  random: RandomSource,
): Uint8Array {
  if (privateKey.length !== SEALED_PRIVATE_KEY_BYTES) throw new RangeError("a 32-byte key");
  const keyId = random.fillBytes(new Uint8Array(SEAL_KEY_ID_BYTES));
  const nonce = random.fillBytes(new Uint8Array(SEAL_NONCE_BYTES));
  const cipher = createCipheriv("aes-256-gcm", deriveSealKey(sealSecret, measurement), nonce);
  cipher.setAAD(aad(keyId, measurement));
  const body = Buffer.concat([cipher.update(privateKey), cipher.final(), cipher.getAuthTag()]);
  const out = new Uint8Array(SEALED_BLOB_BYTES);
  out[0] = SEAL_VERSION;
  out.set(keyId, 1);
  out.set(nonce, 1 + SEAL_KEY_ID_BYTES);
  out.set(body, 1 + SEAL_KEY_ID_BYTES + SEAL_NONCE_BYTES);
  return out;
}

/** Open a blob; `UNSEAL_FAILED` for a wrong secret, another measurement or tampering. */
export function unsealPrivateKey(
  blob: Uint8Array,
  sealSecret: Uint8Array,
  measurement: Uint8Array,
): Uint8Array {
  if (blob.length !== SEALED_BLOB_BYTES || blob[0] !== SEAL_VERSION) {
    throw new EnclaveError(
      "INVALID_SEALED_KEY",
      `a sealed key is ${SEALED_BLOB_BYTES} bytes of version ${SEAL_VERSION}`,
      { length: blob.length, version: blob[0] },
    );
  }
  const keyId = blob.subarray(1, 1 + SEAL_KEY_ID_BYTES);
  const nonceAt = 1 + SEAL_KEY_ID_BYTES;
  const nonce = blob.subarray(nonceAt, nonceAt + SEAL_NONCE_BYTES);
  const ciphertext = blob.subarray(nonceAt + SEAL_NONCE_BYTES, blob.length - SEAL_TAG_BYTES);
  const tag = blob.subarray(blob.length - SEAL_TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", deriveSealKey(sealSecret, measurement), nonce);
  decipher.setAAD(aad(keyId, measurement));
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    throw new EnclaveError(
      "UNSEAL_FAILED",
      "the sealed block-signing key does not open: a wrong seal secret or a different enclave measurement",
    );
  }
}
