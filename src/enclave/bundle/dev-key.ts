import { Ed25519Signer } from "../../crypto/index.js";
import { fromHex } from "../../util/index.js";

/**
 * The development release-signing key. Its seed is published here on purpose (it is
 * SHA-256("mc-ts development enclave signing key v1")), like MobileCoin's build-time random key for
 * unsigned builds: a CSS signed with it says "some developer built this", nothing more. Production
 * bundles are signed with `consensus-tool enclave-bundle --signing-key FILE`.
 */
export const DEV_ENCLAVE_SIGNING_SEED = fromHex(
  "67210b2e673b9029985b823cf3983388906350d9e8047b26928d4f08d453b79f",
  32,
);

export function devEnclaveSigningKey(): Ed25519Signer {
  return Ed25519Signer.fromSeed(DEV_ENCLAVE_SIGNING_SEED);
}
