/** `quorum/`: network files, quorum-set configuration and the quorum intersection checker. */

// The quorum-set model, sanity rules and normalisation live in `scp/` (the core needs them).
export {
  isQuorumSetSane,
  normalizeQuorumSet,
  type QuorumSet,
  quorumSetFromJson,
  quorumSetToJson,
  validateQuorumSet,
} from "../scp/index.js";
export { closestName, editDistance } from "./closest.js";
export { QuorumError, type QuorumErrorCode } from "./errors.js";
export {
  checkIntersection,
  type IntersectionResult,
  MAX_INTERSECTION_SEARCH_STEPS,
} from "./intersection.js";
export {
  type NetworkConfig,
  type NetworkFileFormat,
  type NetworkFileOptions,
  networkFileFormat,
  type PeerEntry,
  parseNetworkConfig,
  parsePeerUri,
  unresolvedMembers,
} from "./network-file.js";
