/** `crypto/`: primitives with MobileCoin's exact encodings. Imports only `util/`. */

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
export { blake2b256, blake2b512, sha3_256, sha256, sha512 } from "./hash.js";
export { MerlinTranscript } from "./merlin.js";
export { GROUP_ORDER, Ristretto, RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";
