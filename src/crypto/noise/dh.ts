import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import { CryptoError } from "../errors.js";

/** X25519 through node:crypto (OpenSSL), on raw 32-byte keys as Noise carries them. */
export const X25519_KEY_LENGTH = 32;

// DER wrappings of a raw X25519 key (RFC 8410): PKCS#8 for private, SPKI for public keys.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

function checkLength(bytes: Uint8Array, role: string): void {
  if (bytes.length !== X25519_KEY_LENGTH) {
    throw new CryptoError("INVALID_LENGTH", `${role} must be 32 bytes, got ${bytes.length}`);
  }
}

function privateKeyObject(secret: Uint8Array): KeyObject {
  checkLength(secret, "an X25519 private key");
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secret]),
    format: "der",
    type: "pkcs8",
  });
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  checkLength(publicKey, "an X25519 public key");
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, publicKey]),
    format: "der",
    type: "spki",
  });
}

/** An X25519 key pair; the private half never leaves this object except through `dh`. */
export class X25519KeyPair {
  readonly publicKey: Uint8Array;
  readonly #secret: KeyObject;

  constructor(secret: Uint8Array) {
    this.#secret = privateKeyObject(secret);
    const spki = createPublicKey(this.#secret).export({ format: "der", type: "spki" });
    this.publicKey = new Uint8Array(spki.subarray(spki.length - X25519_KEY_LENGTH));
  }

  /**
   * DH(self, remote). OpenSSL refuses a result of all zeros (a low-order remote point); that is
   * a hostile or broken key and becomes a typed error rather than a weak shared secret.
   */
  dh(remotePublic: Uint8Array): Uint8Array {
    const remote = publicKeyObject(remotePublic);
    try {
      return new Uint8Array(diffieHellman({ privateKey: this.#secret, publicKey: remote }));
    } catch {
      throw new CryptoError("INVALID_KEY", "X25519 with this remote key gives no shared secret");
    }
  }
}
