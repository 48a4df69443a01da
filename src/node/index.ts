/** `node/`: the composition root — configuration, clocks, timers, processes. */
export {
  type AttestationLabel,
  blockchainConfigOf,
  DEV_ENROLMENT,
  type EnclaveLabel,
  type EnclaveStartupOptions,
  enclaveIdentityFor,
  enclaveLabel,
  type StartedEnclave,
  startEnclave,
} from "./enclave-startup.js";
export { ConfigError, type ConfigErrorCode } from "./errors.js";
export {
  EVIDENCE_LIMITS,
  EvidenceRefresher,
  type EvidenceRefresherOptions,
  type EvidenceStepResult,
  type StatementSource,
  type StatementSourceOptions,
  statementSource,
} from "./evidence.js";
export {
  keyfileName,
  MAX_KEYFILE_BYTES,
  MAX_SAMPLE_ACCOUNTS,
  readAccountKeyfile,
  readPublicAddresses,
  writeSampleKeys,
} from "./keyfiles.js";
export { checkListenPorts, LISTEN_PROBE_TIMEOUT_MS } from "./listen-check.js";
export { MSG_SIGNER_KEY_FORMS, parseMsgSignerKey } from "./msg-signer-key.js";
export { type LoadNetworkOptions, loadNetworkFile, readConfigText } from "./network.js";
export { describeFsError, directoryProblem, fileProblem } from "./paths.js";
export { checkServiceConfig, describeServiceCheck, type ServiceCheck } from "./service-check.js";
export {
  type EnclaveSettings,
  parseServiceConfig,
  type ServiceConfig,
} from "./service-config.js";
export { SERVICE_ENVIRONMENT, SERVICE_FLAGS, type ServiceFlag } from "./service-flags.js";
export { serviceLogger, serviceLogLevel } from "./service-logger.js";
export { ACCEPTABLE_MOB_FEE_RANGE, parseTokensConfig, type TokensConfig } from "./tokens-file.js";
