/**
 * `testnet/`: the one-command local network (`consensus-tool testnet`): a folder with sample
 * accounts, an origin ledger, keys and a mesh of network files; the node and archiver processes,
 * tied to this process by a pipe; a wallet load over the sample accounts; the live view's text;
 * and the verdict (the ledgers agree, every accepted payment was included).
 */
export { type Agreement, compareLedgers, firstDifferentIndex } from "./agreement.js";
export {
  type Child,
  Children,
  type ChildSpec,
  executable,
  logTail,
  PARENT_PIPE_ENV,
  packageRoot,
} from "./children.js";
export { TESTNET_ERROR_CODES, TestnetError, type TestnetErrorCode } from "./errors.js";
export { TestnetLayout } from "./layout.js";
export { TESTNET_LIMITS } from "./limits.js";
export {
  clientUri,
  type Manifest,
  type NodePlan,
  type NodePorts,
  peerResponderId,
  readManifest,
} from "./manifest.js";
export { inSyncFromInfo, minBlockCount, type NodeView, phaseFromMetrics } from "./monitor.js";
export { meshThreshold, networkToml } from "./network-files.js";
export { freePorts } from "./ports.js";
export { runTestnet, type TestnetIo, type TestnetOptions, type TestnetResult } from "./run.js";
export { distributionSpec, serviceSpec } from "./services.js";
export { prepareTestnet } from "./setup.js";
export { LoadStats, percentile } from "./stats.js";
export { summaryOf, type TestnetSummary, testnetPassed } from "./summary.js";
export {
  addressLines,
  frameLines,
  frameText,
  progressLine,
  type Snapshot,
  table,
  txPerSecond,
} from "./view.js";
