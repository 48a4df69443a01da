import { createCipheriv, createDecipheriv } from "node:crypto";
import { CryptoError } from "../errors.js";

/** AES-256-GCM as Noise uses it: 32-byte key, 16-byte tag, nonce = 4 zero bytes ‖ u64 big-endian. */
export const NOISE_KEY_LENGTH = 32;
export const NOISE_TAG_LENGTH = 16;

/** Noise reserves nonce 2^64 − 1; a cipher that reaches it must be replaced by a new handshake. */
export const NOISE_MAX_NONCE = 2n ** 64n - 1n;

function nonceBytes(n: bigint): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(n, 4);
  return iv;
}

/**
 * A Noise CipherState. The nonce is implicit and advances only on success, so a failed decrypt
 * leaves the direction where it was (the caller ends the session anyway). There is no rekey:
 * MobileCoin never calls it, and a worn-out channel is replaced by a new handshake.
 */
export class CipherState {
  #key: Buffer | undefined;
  #nonce = 0n;

  constructor(key?: Uint8Array) {
    if (key !== undefined) this.initializeKey(key);
  }

  initializeKey(key: Uint8Array): void {
    if (key.length !== NOISE_KEY_LENGTH) {
      throw new CryptoError("INVALID_LENGTH", `a Noise cipher key is 32 bytes, got ${key.length}`);
    }
    this.#key = Buffer.from(key);
    this.#nonce = 0n;
  }

  hasKey(): boolean {
    return this.#key !== undefined;
  }

  /** The next nonce this state will use. */
  get nonce(): bigint {
    return this.#nonce;
  }

  /** Noise's SetNonce; used to resume at a known counter (and by tests of the nonce limit). */
  setNonce(nonce: bigint): void {
    if (nonce < 0n || nonce > NOISE_MAX_NONCE) {
      throw new CryptoError("OUT_OF_RANGE", "a Noise nonce is a 64-bit unsigned integer");
    }
    this.#nonce = nonce;
  }

  /** EncryptWithAd; with no key yet the plaintext passes through, as Noise specifies. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const key = this.#key;
    if (key === undefined) return new Uint8Array(plaintext);
    const nonce = this.#usableNonce();
    const cipher = createCipheriv("aes-256-gcm", key, nonceBytes(nonce), {
      authTagLength: NOISE_TAG_LENGTH,
    });
    cipher.setAAD(ad);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    this.#nonce = nonce + 1n;
    return new Uint8Array(body);
  }

  /** DecryptWithAd; a wrong key, tag or AD is DECRYPTION_FAILED and the nonce does not move. */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const key = this.#key;
    if (key === undefined) return new Uint8Array(ciphertext);
    const nonce = this.#usableNonce();
    if (ciphertext.length < NOISE_TAG_LENGTH) {
      throw new CryptoError("DECRYPTION_FAILED", "a Noise ciphertext is shorter than its tag");
    }
    const split = ciphertext.length - NOISE_TAG_LENGTH;
    const decipher = createDecipheriv("aes-256-gcm", key, nonceBytes(nonce), {
      authTagLength: NOISE_TAG_LENGTH,
    });
    decipher.setAAD(ad);
    decipher.setAuthTag(ciphertext.subarray(split));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext.subarray(0, split)), decipher.final()]);
    } catch {
      throw new CryptoError("DECRYPTION_FAILED", "Noise message failed authentication");
    }
    this.#nonce = nonce + 1n;
    return new Uint8Array(plaintext);
  }

  #usableNonce(): bigint {
    if (this.#nonce >= NOISE_MAX_NONCE) {
      throw new CryptoError(
        "NONCE_EXHAUSTED",
        "Noise nonce limit reached: a new handshake is needed",
      );
    }
    return this.#nonce;
  }
}
