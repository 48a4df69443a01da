/** `node/`: the composition root — configuration, clocks, timers, processes. */

export { ActionExecutor, type ExecutorPorts, type ExecutorStats } from "./action-executor.js";
export {
  ADMIN_HTTP_ERROR_CODES,
  type AdminHttpHandlers,
  type AdminHttpServer,
  adminInfoJson,
  parseAdminHttpUri,
  startAdminHttp,
} from "./admin-http.js";
export { ADMIN_LIMITS } from "./admin-limits.js";
export { AdminStatus, type AdminStatusSources, registerAdminGauges } from "./admin-status.js";
export { type BlockSource, type FetchedBlock, rotatingBlockSource } from "./block-source.js";
export {
  type ActionPorts,
  type AsyncAction,
  Driver,
  type DriverEvents,
  type DriverStats,
  type InlineAction,
} from "./driver.js";
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
export {
  ConfigError,
  type ConfigErrorCode,
  RuntimeError,
  type RuntimeErrorCode,
} from "./errors.js";
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
  type HealthCode,
  type HealthReason,
  type HealthVerdict,
  LIVENESS_CODES,
  liveness,
  READINESS_CODES,
  readiness,
} from "./health.js";
export {
  type ClientTxAccepted,
  createIngress,
  type IngressPorts,
  type IngressStats,
  type NodeIngress,
  peerInputRefusal,
} from "./ingress.js";
export {
  keyfileName,
  MAX_KEYFILE_BYTES,
  MAX_SAMPLE_ACCOUNTS,
  readAccountKeyfile,
  readPublicAddresses,
  writeSampleKeys,
} from "./keyfiles.js";
export { RUNTIME_LIMITS } from "./limits.js";
export { checkListenPorts, LISTEN_PROBE_TIMEOUT_MS } from "./listen-check.js";
export * as logLines from "./log-lines.js";
export { BoundedLabel, grpcMethodLabel, grpcStatusCodeLabel, PeerLabel } from "./metric-labels.js";
export {
  CONSENSUS_SCP_COUNTER_OPS,
  CONSENSUS_SCP_DURATION_OPS,
  CONSENSUS_SCP_GAUGE_OPS,
  PENDING_VALUE_BUCKETS,
} from "./metrics-families.js";
export {
  NodeMetrics,
  type NodeMetricsOptions,
  PEER_CONNECTION_STATES,
  type PeerConnectionState,
  type PeerDirection,
  type ProposeKind,
  type RejectSource,
  type SampleLedger,
  type SampleValidator,
  SLOT_PHASE_VALUE,
  type SlotView,
} from "./metrics-prom.js";
export { MSG_SIGNER_KEY_FORMS, parseMsgSignerKey } from "./msg-signer-key.js";
export { type LoadNetworkOptions, loadNetworkFile, readConfigText } from "./network.js";
export { NETWORK_BLOCK_SOURCE_LIMITS, networkBlockSource } from "./network-block-source.js";
export { openNodeLedger } from "./node-ledger.js";
export { HOUSEKEEPING_INTERVAL_MS, logObserver, startHousekeeping } from "./node-observers.js";
export { type BoundServer, buildFacts, clientAdmission, startNodeServers } from "./node-servers.js";
export { OBSERVABILITY_LIMITS } from "./observability-limits.js";
export { describeFsError, directoryProblem, fileProblem } from "./paths.js";
export { enclavePeerAttestor, type PeerAttestor, type PeerAuth } from "./peer-attestor.js";
export { type MessageVerifier, messageVerifier, type PeerTrust } from "./peer-verify.js";
export {
  IntersectionCache,
  type MemberHealth,
  type MemberInput,
  type MemberState,
  type QuorumHealth,
  quorumHealth,
} from "./quorum-health.js";
export {
  createNodeRuntime,
  type NodeRuntime,
  type NodeRuntimeOptions,
  type NodeRuntimePorts,
  trustOf,
} from "./runtime.js";
export {
  dumpFileName,
  readScpDebugDump,
  SCP_DUMP_FORMAT_VERSION,
  ScpDebugDump,
  type ScpDebugDumpOptions,
  type ScpDumpReadResult,
  type ScpDumpRecord,
  type SlotState,
} from "./scp-debug-dump.js";
export {
  latestOnSlot,
  type ScpView,
  scpView,
  scpViewInputFromDump,
  WAIT_CODES,
} from "./scp-view.js";
export { checkServiceConfig, describeServiceCheck, type ServiceCheck } from "./service-check.js";
export {
  type EnclaveSettings,
  parseServiceConfig,
  type ServiceConfig,
} from "./service-config.js";
export { SERVICE_ENVIRONMENT, SERVICE_FLAGS, type ServiceFlag } from "./service-flags.js";
export {
  type ServiceLogging,
  serviceLogger,
  serviceLogging,
  serviceLogLevel,
} from "./service-logger.js";
export {
  SHUTDOWN_DEADLINE_MS,
  type SignalSource,
  STOP_SIGNALS,
  type StopReason,
  type StopWaiter,
  waitForStop,
} from "./signals.js";
export {
  fileStatementStore,
  memoryStatementStore,
  type StatementStore,
} from "./statement-store.js";
export { type BlockEvent, StatementTracker, type TrackedNode } from "./statement-tracker.js";
export { systemTimers, type Timers } from "./timers.js";
export { ACCEPTABLE_MOB_FEE_RANGE, parseTokensConfig, type TokensConfig } from "./tokens-file.js";
export {
  resolveQuorumSet,
  startValidatorNode,
  statementPathOf,
  type ValidatorNode,
  type ValidatorNodeDeps,
} from "./validator-node.js";
export { fanOutObserver, type ValidatorObserver } from "./validator-observer.js";
