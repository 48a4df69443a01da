/** `crypto/`: primitives with MobileCoin's exact encodings. Imports only `util/`. */

export { BASE58_MAX_CHARS, base58Decode, base58Encode } from "./base58.js";
export { crc32 } from "./crc32.js";
export {
  appendNode,
  D,
  type DigestField,
  type DigestNode,
  digest32,
  extractDigest32,
  type PrimitiveType,
} from "./digestible.js";
export {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  Ed25519Signer,
  ed25519Verify,
  parseConsensusMsgKey,
  publicKeyFromSpki,
  spkiFromPublicKey,
} from "./ed25519.js";
export { CryptoError, type CryptoErrorCode } from "./errors.js";
export {
  GENERATOR_CACHE_LIMIT,
  type PedersenGens,
  pedersenCommit,
  pedersenGens,
} from "./generators.js";
export { blake2b256, blake2b512, sha3_256, sha256, sha512 } from "./hash.js";
export { DOMAIN, hashToPoint, hashToScalar } from "./hash-to.js";
export { hkdfDerive, hmacBlake2b, hmacSha512, type KdfHash } from "./kdf.js";
export { MerlinTranscript } from "./merlin.js";
export * from "./ringct/index.js";
export { GROUP_ORDER, Ristretto, RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";
