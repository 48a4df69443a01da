/** `sim/`: deterministic simulation of SCP networks with fault injection, traces and replay. */
export { SimError, type SimErrorCode } from "./errors.js";
export { EventQueue } from "./event-queue.js";
export { optionsFromJson, type ReplayResult, replayTrace } from "./replay.js";
export {
  BYZANTINE_KINDS,
  type ByzantineKind,
  DEFAULT_SIM_OPTIONS,
  decidedPrefix,
  makeHost,
  optionsToJson,
  type Partition,
  runSimulation,
  type SimOptions,
  type SimResult,
  type TraceRecord,
  type TraceSink,
} from "./simulator.js";
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
