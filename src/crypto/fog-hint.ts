import { createCipheriv, createDecipheriv } from "node:crypto";
import type { RandomSource } from "../util/index.js";
import { bytesEqual, concatBytes, utf8 } from "../util/index.js";
import { CryptoError } from "./errors.js";
import { hkdfDerive } from "./kdf.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";

/**
 * The encrypted fog hint (84 bytes): the recipient's subaddress view public key and two magic
 * bytes, sealed to the fog ingest key with MobileCoin's `VersionedCryptoBox` v1.0 (ristretto DH,
 * HKDF-Blake2b-512, AES-256-GCM). Recipients without fog get a hint of zeros sealed to a random key.
 */

export const ENCRYPTED_FOG_HINT_LENGTH = 84;
const PLAINTEXT_LENGTH = 34;
const MAGIC = 42;
const TAG_LENGTH = 16;
const VERSION_MAJOR = 1;
const VERSION_MINOR = 0;
const SALT = utf8("dei-salty-box");
const INFO = utf8("aead-key-iv");

function aeadKeyIv(dh: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  const okm = hkdfDerive("blake2b512", dh, SALT, INFO, 44);
  return { key: okm.subarray(0, 32), iv: okm.subarray(32, 44) };
}

/** Seal 34 bytes to `recipient` with the ephemeral scalar `e`. */
function seal(recipient: RistrettoPoint, e: Scalar, plaintext: Uint8Array): Uint8Array {
  const { key, iv } = aeadKeyIv(recipient.multiply(e).toBytes());
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = new Uint8Array(cipher.update(plaintext));
  cipher.final();
  const out = new Uint8Array(ENCRYPTED_FOG_HINT_LENGTH);
  out.set(ct, 0);
  out.set(Ristretto.multiplyBase(e).toBytes(), PLAINTEXT_LENGTH);
  out.set(cipher.getAuthTag(), PLAINTEXT_LENGTH + 32);
  out[82] = VERSION_MAJOR;
  out[83] = VERSION_MINOR;
  return out;
}

/** The hint for a fog-enabled recipient: their view public key, sealed to the ingest key. */
export function encryptFogHint(
  ingestPublicKey: RistrettoPoint,
  recipientViewPublicKey: RistrettoPoint,
  rng: RandomSource,
): Uint8Array {
  const plaintext = new Uint8Array(PLAINTEXT_LENGTH);
  plaintext.set(recipientViewPublicKey.toBytes());
  plaintext[32] = MAGIC;
  plaintext[33] = MAGIC;
  return seal(ingestPublicKey, Scalars.random(rng), plaintext);
}

/** A hint indistinguishable from a real one: zeros sealed to a fresh random point. */
export function fakeFogHint(rng: RandomSource): Uint8Array {
  const target = Ristretto.fromUniformBytes(rng.fillBytes(new Uint8Array(64)));
  return seal(target, Scalars.random(rng), new Uint8Array(PLAINTEXT_LENGTH));
}

/**
 * Fog ingest side: open a hint with the ingest private key and return the recipient's view public
 * key bytes. Throws `DECRYPTION_FAILED` for a wrong key, a tampered hint or a bad version.
 */
export function decryptFogHint(ingestPrivateKey: Scalar, hint: Uint8Array): Uint8Array {
  if (hint.length !== ENCRYPTED_FOG_HINT_LENGTH) {
    throw new CryptoError("INVALID_LENGTH", "an encrypted fog hint is 84 bytes");
  }
  if (hint[82] !== VERSION_MAJOR || hint[83] !== VERSION_MINOR) {
    throw new CryptoError("DECRYPTION_FAILED", "unsupported crypto box version");
  }
  let ephemeral: RistrettoPoint;
  try {
    ephemeral = Ristretto.fromBytes(hint.subarray(PLAINTEXT_LENGTH, PLAINTEXT_LENGTH + 32));
  } catch {
    throw new CryptoError("DECRYPTION_FAILED", "ephemeral key is not a valid point");
  }
  const { key, iv } = aeadKeyIv(ephemeral.multiply(ingestPrivateKey).toBytes());
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(hint.subarray(PLAINTEXT_LENGTH + 32, PLAINTEXT_LENGTH + 32 + TAG_LENGTH));
  let plaintext: Uint8Array;
  try {
    const head = new Uint8Array(decipher.update(hint.subarray(0, PLAINTEXT_LENGTH)));
    plaintext = concatBytes(head, new Uint8Array(decipher.final()));
  } catch {
    throw new CryptoError("DECRYPTION_FAILED", "fog hint authentication failed");
  }
  if (!bytesEqual(plaintext.subarray(32), new Uint8Array([MAGIC, MAGIC]))) {
    throw new CryptoError("DECRYPTION_FAILED", "fog hint magic bytes are wrong");
  }
  return plaintext.slice(0, 32);
}
