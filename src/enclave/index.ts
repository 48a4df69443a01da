/**
 * `enclave/`: the trust boundary. The call set and its frame codec, the two hosts behind one
 * interface, the enclave's identity (manifest, CSS, measurement), the sealed key file, and software
 * attestation with the attested key exchange (`attest/`). The enclave implementation itself
 * (`impl/`) is reached by the host folders only through a host.
 */

export {
  type BlockchainConfig,
  CALL_NAMES,
  CALL_NUMBERS,
  type CallName,
  type CallOf,
  type EnclaveCall,
  type EnclaveMessage,
  type EnclaveOk,
  type EnclaveOutcome,
  type EnclaveRefusal,
  type FeeMapEntry,
  type FormBlockInputs,
  type OkOf,
  type ReportDataContents,
  type TxContext,
  type WellFormedTxContext,
} from "./api.js";
export * from "./attest/index.js";
export { decodeCss, type EnclaveCss, encodeCss, signCss } from "./bundle/css.js";
export { DEV_ENCLAVE_SIGNING_SEED, devEnclaveSigningKey } from "./bundle/dev-key.js";
export {
  type EnclaveIdentity,
  type EnclaveIdentityEnv,
  loadEnclaveIdentity,
} from "./bundle/identity.js";
export { computeEnclaveManifest, measurementOf } from "./bundle/manifest.js";
export { PACKAGE_ROOT } from "./bundle/sources.js";
export {
  EnclaveError,
  type EnclaveErrorCode,
  EnclaveHostError,
  type EnclaveHostErrorCode,
  EnclaveSetupError,
  type EnclaveSetupErrorCode,
} from "./errors.js";
export {
  type ChildEnclaveOptions,
  ChildProcessEnclaveHost,
  startChildEnclave,
} from "./host/child-process.js";
export { FramedEnclaveHost, type FramedHostOptions } from "./host/framed-host.js";
export { callOk, type EnclaveHost } from "./host/host.js";
export {
  type EnclaveSignature,
  InProcessEnclaveHost,
  type InProcessEnclaveOptions,
} from "./host/in-process.js";
export { type InitializeEnclaveOptions, initializeEnclave } from "./host/initialize.js";
export {
  acceptClient,
  acceptPeer,
  checkWellFormed,
  connectPeer,
  type MembershipProofSource,
  openFromPeer,
  proposeFromClient,
  type RemoteAuth,
  sealForPeer,
  type WellFormedTx,
} from "./host/pipeline.js";
export { readSealedKeyFile, writeSealedKeyFile } from "./host/sealed-key-file.js";
export {
  connectSocketEnclave,
  type SocketEnclaveHost,
  type SocketEnclaveOptions,
} from "./host/socket.js";
export { BAKED_CONSTANTS } from "./impl/constants.js";
export { ENCLAVE_LIMITS } from "./limits.js";
export { sealSecretFileProblem } from "./process/seal-secret.js";
