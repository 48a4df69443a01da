/** `scp/`: the Stellar Consensus Protocol, sans I/O (messages and time in; messages, timers, decisions out). */
export type { ScpConfig } from "./config.js";
export { ScpError, type ScpErrorCode } from "./errors.js";
export { RebroadcastingNode } from "./host.js";
export {
  type Json,
  messageFromJson,
  messageToJson,
  quorumSetFromJson,
  quorumSetToJson,
  topicToJson,
  values as valuesFromJson,
} from "./json.js";
export { INF, SCP_LIMITS } from "./limits.js";
export {
  acceptsCommit,
  acceptsPrepared,
  ballotCounter,
  type CommitPayload,
  type ExternalizePayload,
  isNewer,
  type NominatePayload,
  ownStatementProblem,
  type PreparePayload,
  type ScpMessage,
  type Topic,
  type TopicType,
  validateMessage,
  validateTopic,
  votesOrAcceptsCommit,
  votesOrAcceptsPrepared,
} from "./message.js";
export { type NodeOutput, type NodeStats, ScpNode, type ScpNodeOptions } from "./node.js";
export {
  fixedPriority,
  mobilecoinPriorityHash,
  nextLeader,
  type PriorityHash,
} from "./priority.js";
export {
  type CompiledQuorumSet,
  compareQuorumSets,
  compileQuorumSet,
  EMPTY_QUORUM_SET,
  type Fraction,
  flatQuorumSet,
  isQuorum,
  isQuorumSetSane,
  isQuorumSlice,
  isVBlocking,
  maximalQuorum,
  type NodeSet,
  nestedQuorumSet,
  nodeWeight,
  normalizeQuorumSet,
  type QuorumSet,
  type QuorumSetMember,
  type QuorumSetValidationOptions,
  quorumSetNodes,
  quorumSetsEqual,
  sortQuorumSet,
  validateQuorumSet,
  vBlockingDistance,
} from "./quorum-set.js";
export { findExtendedInterval, type Phase, Slot, type SlotOutput, topicKey } from "./slot.js";
export {
  type Ballot,
  compareBallots,
  compareValueLists,
  compatible,
  isStrictlyAscending,
  type NodeId,
  sortedCombine,
  sortedUnique,
  type Value,
  type ValueList,
  valueListKey,
} from "./values.js";
