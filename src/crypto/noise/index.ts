/** Noise IX/NX over X25519, AES-256-GCM and SHA-512, as MobileCoin's attested channels use them. */
export {
  CipherState,
  NOISE_KEY_LENGTH,
  NOISE_MAX_NONCE,
  NOISE_TAG_LENGTH,
} from "./cipher-state.js";
export { X25519_KEY_LENGTH, X25519KeyPair } from "./dh.js";
export { NoiseHandshake } from "./handshake-state.js";
export {
  type NoiseHandshakeOptions,
  type NoisePatternName,
  type NoiseRole,
  NoiseTransport,
  noiseProtocolName,
  sendsStatic,
} from "./pattern.js";
export { NOISE_HASH_LENGTH } from "./symmetric-state.js";
