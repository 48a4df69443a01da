/** `crypto/`: primitives with MobileCoin's exact encodings. Imports only `util/`. */
export { blake2b256, blake2b512, sha3_256, sha256, sha512 } from "./hash.js";
