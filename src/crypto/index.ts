/** `crypto/`: primitives with MobileCoin's exact encodings. Imports only `util/`. */

export { CryptoError, type CryptoErrorCode } from "./errors.js";
export { blake2b256, blake2b512, sha3_256, sha256, sha512 } from "./hash.js";
export { MerlinTranscript } from "./merlin.js";
export { GROUP_ORDER, Ristretto, RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";
