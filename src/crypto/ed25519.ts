import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import {
  bytesEqual,
  concatBytes,
  fromBase64,
  fromBase64Url,
  type RandomSource,
  toBase64,
  toBase64Url,
} from "../util/index.js";
import { CryptoError } from "./errors.js";

/**
 * Ed25519 message-signing keys in the encodings operators handle: the PKCS#8 DER private key that
 * `openssl genpkey -algorithm ed25519` writes (passed base64 as `--msg-signer-key`), and the SPKI DER
 * public key carried URL-safe base64 in a peer URI's `consensus-msg-key`. Signing and verification go
 * through node:crypto (OpenSSL), about 10× faster than pure JS.
 */

/** PrivateKeyInfo for Ed25519: this 16-byte prefix and the 32-byte seed. */
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
/** SubjectPublicKeyInfo for Ed25519: this 12-byte prefix and the 32-byte key. */
const SPKI_PREFIX = new Uint8Array([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);
const OID_RANGE = [6, 9] as const;

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** A private signing key with its public half. */
export class Ed25519Signer {
  readonly publicKey: Uint8Array;
  private readonly key: KeyObject;
  private readonly der: Uint8Array;

  private constructor(pkcs8: Uint8Array) {
    this.der = pkcs8;
    this.key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    const spki = new Uint8Array(createPublicKey(this.key).export({ format: "der", type: "spki" }));
    this.publicKey = spki.slice(SPKI_PREFIX.length);
  }

  /** From the 32-byte seed. */
  static fromSeed(seed: Uint8Array): Ed25519Signer {
    if (seed.length !== 32)
      throw new CryptoError("INVALID_LENGTH", `an Ed25519 seed is 32 bytes, got ${seed.length}`);
    return new Ed25519Signer(concatBytes(PKCS8_PREFIX, seed));
  }

  /** From PKCS#8 PrivateKeyInfo DER (48 bytes). */
  static fromPkcs8Der(der: Uint8Array): Ed25519Signer {
    if (der.length !== PKCS8_PREFIX.length + 32) {
      throw new CryptoError(
        "INVALID_KEY",
        `an Ed25519 PKCS#8 key is 48 bytes of DER, got ${der.length}`,
      );
    }
    if (!bytesEqual(der.subarray(...OID_RANGE), PKCS8_PREFIX.subarray(...OID_RANGE))) {
      throw new CryptoError(
        "INVALID_KEY",
        "the PKCS#8 key is not an Ed25519 key (wrong algorithm OID)",
      );
    }
    if (!bytesEqual(der.subarray(0, PKCS8_PREFIX.length), PKCS8_PREFIX)) {
      throw new CryptoError(
        "INVALID_KEY",
        "not an Ed25519 PKCS#8 PrivateKeyInfo (unexpected DER prefix)",
      );
    }
    return new Ed25519Signer(der);
  }

  /** From standard base64 of the PKCS#8 DER, as `--msg-signer-key` takes it. */
  static fromBase64(text: string): Ed25519Signer {
    let der: Uint8Array;
    try {
      der = fromBase64(text);
    } catch {
      throw new CryptoError("INVALID_KEY", "could not decode the private key from base64");
    }
    return Ed25519Signer.fromPkcs8Der(der);
  }

  /** A fresh key from the given randomness source. */
  static generate(random: RandomSource): Ed25519Signer {
    return Ed25519Signer.fromSeed(random.fillBytes(new Uint8Array(32)));
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.key));
  }

  pkcs8Der(): Uint8Array {
    return this.der.slice();
  }

  /** Standard base64 of the PKCS#8 DER: what openssl prints and `--msg-signer-key` takes. */
  pkcs8Base64(): string {
    return toBase64(this.der);
  }

  spkiDer(): Uint8Array {
    return spkiFromPublicKey(this.publicKey);
  }

  /** URL-safe base64 of the SPKI DER: the `consensus-msg-key` URI parameter. */
  consensusMsgKey(): string {
    return toBase64Url(this.spkiDer());
  }
}

export function spkiFromPublicKey(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new CryptoError(
      "INVALID_LENGTH",
      `an Ed25519 public key is 32 bytes, got ${publicKey.length}`,
    );
  }
  return concatBytes(SPKI_PREFIX, publicKey);
}

/** The raw public key from SPKI DER (44 bytes), checking length, OID and prefix separately. */
export function publicKeyFromSpki(der: Uint8Array): Uint8Array {
  if (der.length !== SPKI_PREFIX.length + 32) {
    throw new CryptoError(
      "INVALID_KEY",
      `an Ed25519 SPKI public key is 44 bytes of DER, got ${der.length}`,
    );
  }
  if (!bytesEqual(der.subarray(...OID_RANGE), SPKI_PREFIX.subarray(...OID_RANGE))) {
    throw new CryptoError(
      "INVALID_KEY",
      "the SPKI key is not an Ed25519 key (wrong algorithm OID)",
    );
  }
  if (!bytesEqual(der.subarray(0, SPKI_PREFIX.length), SPKI_PREFIX)) {
    throw new CryptoError(
      "INVALID_KEY",
      "not an Ed25519 SubjectPublicKeyInfo (unexpected DER prefix)",
    );
  }
  return der.slice(SPKI_PREFIX.length);
}

/**
 * Decode a `consensus-msg-key` URI parameter: hex of the raw 32-byte key, or URL-safe base64 of the
 * SPKI DER (MobileCoin tries hex first).
 */
export function parseConsensusMsgKey(param: string): Uint8Array {
  if (/^[0-9a-fA-F]{64}$/.test(param)) return new Uint8Array(Buffer.from(param, "hex"));
  let der: Uint8Array;
  try {
    der = fromBase64Url(param);
  } catch {
    throw new CryptoError("INVALID_KEY", "consensus-msg-key is neither hex nor URL-safe base64");
  }
  return publicKeyFromSpki(der);
}

/** Verify a signature; false for any malformed key or signature (never throws on bad input). */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (
    publicKey.length !== ED25519_PUBLIC_KEY_LENGTH ||
    signature.length !== ED25519_SIGNATURE_LENGTH
  )
    return false;
  try {
    return verify(null, message, verifyingKey(publicKey), signature);
  } catch {
    return false;
  }
}

/**
 * Verification keys by public key. A validator checks every consensus message against one of a
 * handful of peer keys, and building the OpenSSL key object cost more than the check itself
 * (≈ 17 % of a whole-node simulation). Bounded; the oldest entry goes first.
 */
export const VERIFY_KEY_CACHE_MAX = 256;
const verifyKeys = new Map<string, KeyObject>();

function verifyingKey(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString("hex");
  const cached = verifyKeys.get(id);
  if (cached !== undefined) return cached;
  const key = createPublicKey({
    key: Buffer.from(spkiFromPublicKey(publicKey)),
    format: "der",
    type: "spki",
  });
  if (verifyKeys.size >= VERIFY_KEY_CACHE_MAX) {
    const oldest = verifyKeys.keys().next().value;
    if (oldest !== undefined) verifyKeys.delete(oldest);
  }
  verifyKeys.set(id, key);
  return key;
}
