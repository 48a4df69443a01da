import { createHash } from "node:crypto";
import { blake2bWasm } from "./blake2b-wasm.js";

/**
 * The hash functions MobileCoin uses everywhere. Bulk hashing goes through node:crypto (OpenSSL,
 * SHA-NI) because it is 5–10× faster than pure JS on this class of machine; BLAKE2b with a 32-byte
 * output is not a truncation of BLAKE2b-512 (the output length is in the parameter block) and
 * OpenSSL's EVP interface does not expose it, so that one runs on our generated WebAssembly
 * compression function (about 20× faster than pure JS).
 */

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function sha512(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha512");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function sha3_256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha3-256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function blake2b512(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("blake2b512");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function blake2b256(...parts: readonly Uint8Array[]): Uint8Array {
  return blake2bWasm(32, parts);
}
