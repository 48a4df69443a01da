import type { PriorityHash } from "./priority.js";
import type { QuorumSet } from "./quorum-set.js";
import type { NodeId, Value, ValueList } from "./values.js";

/** What the application supplies to an SCP node. */
export interface ScpConfig {
  readonly local: NodeId;
  /** The local quorum set, which does not list the local node (MobileCoin's convention). */
  readonly quorumSet: QuorumSet;
  /** Value validity; must be stable for the whole slot. Invalid values make a message be dropped. */
  readonly validity: (value: Value) => boolean;
  /** Deterministic combination of candidate values into a ballot value (never empty for non-empty input). */
  readonly combine: (values: ValueList) => ValueList;
  /** Leader/priority hash; MobileCoin's SHA3-256 by default. */
  readonly priorityHash: PriorityHash;
  /** Nomination round timeout is `baseRoundIntervalMs × round`. */
  readonly baseRoundIntervalMs: number;
  /** Ballot timeout is `baseBallotIntervalMs × (counter + 1)`. */
  readonly baseBallotIntervalMs: number;
  /** Map a node id found in a quorum set to its full identity (public key), for leader hashing. */
  readonly nodeById: (id: string) => NodeId;
}
