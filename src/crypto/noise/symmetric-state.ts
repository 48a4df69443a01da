import { createHash, createHmac } from "node:crypto";
import { CipherState, NOISE_KEY_LENGTH } from "./cipher-state.js";

/** SHA-512: HASHLEN 64, so `h` and the chaining key are 64 bytes. */
export const NOISE_HASH_LENGTH = 64;

const EMPTY = new Uint8Array(0);

function hmac(key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const mac = createHmac("sha512", key);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}

/** Noise's HKDF with two outputs (the only arity IX/NX without PSK need). */
function hkdf2(chainingKey: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
  const temp = hmac(chainingKey, ikm);
  const first = hmac(temp, Uint8Array.of(1));
  const second = hmac(temp, first, Uint8Array.of(2));
  return [first, second];
}

function sha512(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash("sha512");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** Noise's SymmetricState: chaining key, handshake hash and the handshake's cipher. */
export class SymmetricState {
  #chainingKey: Uint8Array;
  #hash: Uint8Array;
  readonly #cipher = new CipherState();

  constructor(protocolName: string) {
    const name = new TextEncoder().encode(protocolName);
    if (name.length <= NOISE_HASH_LENGTH) {
      this.#hash = new Uint8Array(NOISE_HASH_LENGTH);
      this.#hash.set(name);
    } else {
      this.#hash = sha512(name);
    }
    this.#chainingKey = this.#hash.slice();
  }

  get handshakeHash(): Uint8Array {
    return this.#hash.slice();
  }

  hasKey(): boolean {
    return this.#cipher.hasKey();
  }

  mixHash(data: Uint8Array): void {
    this.#hash = sha512(this.#hash, data);
  }

  mixKey(inputKeyMaterial: Uint8Array): void {
    const [chainingKey, tempKey] = hkdf2(this.#chainingKey, inputKeyMaterial);
    this.#chainingKey = chainingKey;
    this.#cipher.initializeKey(tempKey.subarray(0, NOISE_KEY_LENGTH));
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.#cipher.encryptWithAd(this.#hash, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.#cipher.decryptWithAd(this.#hash, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** The two transport ciphers: initiator→responder first. */
  split(): [CipherState, CipherState] {
    const [first, second] = hkdf2(this.#chainingKey, EMPTY);
    return [
      new CipherState(first.subarray(0, NOISE_KEY_LENGTH)),
      new CipherState(second.subarray(0, NOISE_KEY_LENGTH)),
    ];
  }
}
