/** `crypto/`: primitives with MobileCoin's exact encodings. Imports only `util/`. */

export {
  type AccountKey,
  accountKeyFromMnemonic,
  accountKeyFromRootEntropy,
  accountKeyFromSlip10Key,
  burnAddressKeys,
  CHANGE_SUBADDRESS_INDEX,
  DEFAULT_SUBADDRESS_INDEX,
  entropyMnemonic,
  type FogInfo,
  GIFT_CODE_SUBADDRESS_INDEX,
  INVALID_SUBADDRESS_INDEX,
  mnemonicEntropy,
  type PublicAddressKeys,
  type SubaddressKeys,
  slip10DeriveEd25519,
  spendPublicKeyOf,
  subaddressKeys,
  viewOnlySubaddress,
} from "./account-keys.js";
export {
  type Amount,
  amountSharedSecret,
  type MaskedAmount,
  type MaskedAmountVersion,
  maskAmount,
  recomputeAmount,
  unmaskAmount,
  unmaskAmountWithAmountSecret,
} from "./amount.js";
export type { GroupBackend } from "./backend.js";
export { nobleBackend } from "./backend-noble.js";
export { wasmBackend } from "./backend-wasm.js";
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
  decryptFogHint,
  ENCRYPTED_FOG_HINT_LENGTH,
  encryptFogHint,
  fakeFogHint,
} from "./fog-hint.js";
export {
  GENERATOR_CACHE_LIMIT,
  type PedersenGens,
  pedersenCommit,
  pedersenGens,
} from "./generators.js";
export { blake2b256, blake2b512, sha3_256, sha256, sha512 } from "./hash.js";
export { DOMAIN, hashToPoint, hashToScalar } from "./hash-to.js";
export { Hc128Rng } from "./hc128.js";
export { hkdfDerive, hmacBlake2b, hmacSha512, type KdfHash } from "./kdf.js";
export {
  applyMemoCipher,
  MEMO_DATA_LENGTH,
  MEMO_PAYLOAD_LENGTH,
  memoHmac,
} from "./memo-crypto.js";
export { MerlinTranscript } from "./merlin.js";
export * from "./noise/index.js";
export {
  confirmationNumber,
  createOnetimeKeys,
  keyImageBase,
  keyImageOf,
  type OnetimeKeys,
  onetimePrivateKey,
  recoverSubaddressSpendPublicKey,
  sharedSecretFor,
} from "./onetime-keys.js";
export * from "./ringct/index.js";
export { GROUP_ORDER, Ristretto, RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";
export {
  SCHNORRKEL_SIGNATURE_LENGTH,
  schnorrkelSignDeterministic,
  schnorrkelVerify,
} from "./schnorrkel.js";
