import { CodedError } from "../util/index.js";

/**
 * Codes for cryptographic input that fails to decode or verify. Callers branch on the code; the
 * message is for logs only.
 */
export const CRYPTO_ERROR_CODES = [
  /** A scalar encoding that is not 32 bytes or not below the group order ℓ. */
  "INVALID_SCALAR",
  /** A point encoding that is not a canonical ristretto255 encoding of a group element. */
  "INVALID_POINT",
  /** A byte string of the wrong length for its role. */
  "INVALID_LENGTH",
  /** Inverting the zero scalar. */
  "ZERO_INVERSE",
  /** A checksum (CRC-32 of a b58 payload or of a commitment) that does not match. */
  "CHECKSUM_MISMATCH",
  /** A string with characters outside the base58 alphabet, or too short to hold a checksum. */
  "INVALID_BASE58",
  /** A signature that does not verify, or is malformed. */
  "INVALID_SIGNATURE",
  /** Authenticated decryption failed (wrong key, tampered data, wrong version). */
  "DECRYPTION_FAILED",
  /** A BIP39 mnemonic or a derivation parameter that cannot be used. */
  "INVALID_MNEMONIC",
  /** An amount whose commitment does not match its unmasked value, or a malformed masked amount. */
  "INVALID_AMOUNT",
  /** An Ed25519 key in an encoding we cannot use (wrong DER prefix, OID or length). */
  "INVALID_KEY",
  /** A value outside the range its encoding allows (e.g. a fee that does not fit 7 bytes). */
  "OUT_OF_RANGE",
  /** A Noise handshake step out of turn, after completion or after a failure. */
  "HANDSHAKE_STATE",
  /** A Noise cipher reached its last nonce; the channel needs a new handshake. */
  "NONCE_EXHAUSTED",
] as const;
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

/** A typed failure from `crypto/`: bad encodings, failed checks. Never a programmer error. */
export class CryptoError extends CodedError<CryptoErrorCode> {
  constructor(
    code: CryptoErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "CryptoError";
  }
}
