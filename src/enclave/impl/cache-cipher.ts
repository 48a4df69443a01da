import { createCipheriv, createDecipheriv } from "node:crypto";
import { bytesEqual, type RandomSource } from "../../util/index.js";
import { EnclaveError } from "../errors.js";

/**
 * The enclave's local cache cipher (MobileCoin `crypto/message-cipher`, `AeadMessageCipher` over
 * AES-256-GCM): what `LocallyEncryptedTx` and `WellFormedEncryptedTx` are. Layout:
 *   AES-256-GCM(ciphertext ‖ 16-byte tag, no AAD) ‖ key index u64 LE ‖ nonce (12 bytes)
 * The nonce is a 96-bit little-endian counter from zero; after each encryption it is incremented,
 * and when it reaches 2^96 − 1 (never used) a fresh random key, distinct from every earlier one,
 * is appended and the counter restarts at zero. Old keys stay so older ciphertexts still open.
 * Keys are random per enclave start and never leave it: cached ciphertexts die with the enclave.
 */

export const CACHE_KEY_BYTES = 32;
export const CACHE_NONCE_BYTES = 12;
export const CACHE_TAG_BYTES = 16;
const KEY_INDEX_BYTES = 8;
/** Bytes a ciphertext adds to its plaintext. */
export const CACHE_OVERHEAD_BYTES = CACHE_TAG_BYTES + KEY_INDEX_BYTES + CACHE_NONCE_BYTES;
/** The last counter value: reaching it rotates the key, so it is never used as a nonce. */
export const CACHE_NONCE_MAX = (1n << 96n) - 1n;

function nonceBytes(counter: bigint): Uint8Array {
  const out = new Uint8Array(CACHE_NONCE_BYTES);
  let v = counter;
  for (let i = 0; i < CACHE_NONCE_BYTES; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function refused(message: string): EnclaveError {
  return new EnclaveError("CACHE_CIPHER", message);
}

export class CacheCipher {
  private readonly keys: Uint8Array[] = [];
  private counter: bigint;

  /**
   * `startCounter` exists only so tests can reach the rotation point; the enclave starts at zero,
   * as MobileCoin does.
   */
  constructor(
    private readonly random: RandomSource,
    startCounter = 0n,
  ) {
    if (startCounter < 0n || startCounter >= CACHE_NONCE_MAX) throw new RangeError("startCounter");
    this.keys.push(this.freshKey());
    this.counter = startCounter;
  }

  /** Keys made so far (the first, plus one per exhausted counter). */
  get keyCount(): number {
    return this.keys.length;
  }

  encrypt(plaintext: Uint8Array): Uint8Array {
    const keyIndex = this.keys.length - 1;
    const nonce = nonceBytes(this.counter);
    const cipher = createCipheriv("aes-256-gcm", this.keys[keyIndex] as Uint8Array, nonce, {
      authTagLength: CACHE_TAG_BYTES,
    });
    const body = cipher.update(plaintext);
    cipher.final();
    const out = new Uint8Array(body.length + CACHE_OVERHEAD_BYTES);
    out.set(body, 0);
    out.set(cipher.getAuthTag(), body.length);
    new DataView(out.buffer).setBigUint64(body.length + CACHE_TAG_BYTES, BigInt(keyIndex), true);
    out.set(nonce, out.length - CACHE_NONCE_BYTES);
    this.counter += 1n;
    if (this.counter === CACHE_NONCE_MAX) {
      this.keys.push(this.freshKey());
      this.counter = 0n;
    }
    return out;
  }

  /** Open a ciphertext of this cipher; anything else is a `CACHE_CIPHER` refusal. */
  decrypt(ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length < CACHE_OVERHEAD_BYTES) throw refused("ciphertext too short");
    const nonceAt = ciphertext.length - CACHE_NONCE_BYTES;
    const indexAt = nonceAt - KEY_INDEX_BYTES;
    const view = new DataView(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const keyIndex = view.getBigUint64(indexAt, true);
    if (keyIndex >= BigInt(this.keys.length)) throw refused("ciphertext names an unknown key");
    const tagAt = indexAt - CACHE_TAG_BYTES;
    const decipher = createDecipheriv(
      "aes-256-gcm",
      this.keys[Number(keyIndex)] as Uint8Array,
      ciphertext.subarray(nonceAt),
      { authTagLength: CACHE_TAG_BYTES },
    );
    decipher.setAuthTag(ciphertext.subarray(tagAt, indexAt));
    const body = decipher.update(ciphertext.subarray(0, tagAt));
    try {
      decipher.final();
    } catch {
      throw refused("ciphertext does not authenticate");
    }
    return new Uint8Array(body);
  }

  private freshKey(): Uint8Array {
    for (;;) {
      const key = this.random.fillBytes(new Uint8Array(CACHE_KEY_BYTES));
      if (!this.keys.some((old) => bytesEqual(old, key))) return key;
    }
  }
}
