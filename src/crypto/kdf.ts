import { createHmac, hkdfSync } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { createHasher } from "@noble/hashes/utils.js";

/**
 * HKDF and HMAC over the hashes MobileCoin uses. SHA-512 goes through OpenSSL; BLAKE2b variants
 * through @noble/hashes because BLAKE2b-256 is a parameterised hash (not a truncation) that
 * OpenSSL's HMAC cannot express.
 */
export type KdfHash = "sha512" | "blake2b256" | "blake2b512";

const blake2b256Hasher = createHasher(() => blake2b.create({ dkLen: 32 }));
const blake2b512Hasher = createHasher(() => blake2b.create({ dkLen: 64 }));

/** HKDF (RFC 5869) extract-then-expand. An empty salt means HashLen zero bytes, as in the RFC. */
export function hkdfDerive(
  hash: KdfHash,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (hash === "sha512") return new Uint8Array(hkdfSync("sha512", ikm, salt, info, length));
  const h = hash === "blake2b256" ? blake2b256Hasher : blake2b512Hasher;
  return hkdf(h, ikm, salt, info, length);
}

/** HMAC-SHA512 over the concatenation of the parts. */
export function hmacSha512(key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const mac = createHmac("sha512", key);
  for (const p of parts) mac.update(p);
  return new Uint8Array(mac.digest());
}

/** HMAC with a BLAKE2b hash (for completeness of the KDF set; used by tests). */
export function hmacBlake2b(
  hash: "blake2b256" | "blake2b512",
  key: Uint8Array,
  message: Uint8Array,
): Uint8Array {
  return hmac(hash === "blake2b256" ? blake2b256Hasher : blake2b512Hasher, key, message);
}
