/** `sim/`: deterministic simulation of SCP networks with fault injection, traces and replay. */

export { SIM_ARCHIVE_LIMITS, type SimArchiveOptions, SimCatchUp } from "./catch-up.js";
export {
  AgreementChecker,
  type DecisionKey,
  type DecisionObserver,
  LivenessChecker,
  observers,
} from "./checkers.js";
export {
  CLUSTER_LIMITS,
  Cluster,
  type ClusterNode,
  halves,
  type PreparedWallet,
  prepareWallet,
} from "./cluster.js";
export { SimError, type SimErrorCode } from "./errors.js";
export { EventQueue } from "./event-queue.js";
export { InvariantChecker } from "./invariants.js";
export { applySync, decidedPrefix, makeHost, memoizedPriorityHash } from "./node-harness.js";
export {
  BYZANTINE_KINDS,
  type ByzantineKind,
  DEFAULT_SIM_OPTIONS,
  optionsFromJson,
  optionsToJson,
  type SimOptions,
} from "./options.js";
export {
  type NetworkFaults,
  type NetworkStats,
  type Packet,
  PacketNetwork,
  type Partition,
} from "./packet-network.js";
export { type ReplayResult, replayTrace } from "./replay.js";
export {
  checkRestarts,
  contradicts,
  type IssuedStatement,
  type RestartCheck,
} from "./restart-check.js";
export { type ClientSession, hashKey, SimEnclave, type WellFormed } from "./sim-enclave.js";
export { runSimulation, type TraceRecord, type TraceSink } from "./simulator.js";
export type { SimResult } from "./summary.js";
export {
  buildTopology,
  defaultMeshThreshold,
  meshFaults,
  nodeIds,
  safeDespite,
  TOPOLOGY_KINDS,
  type Topology,
  type TopologyKind,
  type TopologySpec,
} from "./topology.js";
export { SIM_BLOCK_VERSION, SimWallet, WALLET_LIMITS, type WalletTx } from "./wallet.js";
export {
  runWholeNode,
  runWholeNodeCluster,
  WHOLE_NODE_LIMITS,
  type WholeNodeResult,
  type WholeNodeRun,
  type WholeNodeTraceSink,
} from "./whole-node.js";
export {
  type WholeNodeOptions,
  wholeNodeHeader,
  wholeNodeOptionsFromHeader,
} from "./whole-node-options.js";
export { isWholeNodeTrace, replayWholeNode } from "./whole-node-replay.js";
