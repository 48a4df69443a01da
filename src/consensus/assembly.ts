import type { Ed25519Signer } from "../crypto/index.js";
import type { LedgerReader } from "../ledger/index.js";
import type { BroadcastPeer } from "../peers/index.js";
import type { NodeId, QuorumSet } from "../scp/index.js";
import type { RandomSource } from "../util/index.js";
import { formBlockCodecFor } from "./form-block-codec.js";
import { createValidator, type Validator, type ValidatorOptions } from "./validator.js";
import { workerLedgerOf } from "./worker.js";

/**
 * The one place a validator is assembled from a node's configuration and its ledger: the real
 * node (`node/runtime.ts`) and the simulator (`sim/cluster.ts`) both call it, so the node under
 * test in the simulator is the node that runs.
 */
export interface ValidatorSpec {
  /** This node: responder id and message-signing public key. */
  readonly local: NodeId;
  readonly quorumSet: QuorumSet;
  readonly peers: readonly BroadcastPeer[];
  /** Resolves a responder id named in a quorum set to the node with its key. */
  readonly nodeById?: (id: string) => NodeId;
  /** Timing and bounds the operator or simulation may set; absent ones take their defaults. */
  readonly tuning?: ValidatorTuning;
}

type TunedOption =
  | "baseRoundIntervalMs"
  | "baseBallotIntervalMs"
  | "rebroadcastIntervalMs"
  | "pendingValuesMax"
  | "isBehindGraceMs";

/** Optional timing and bounds; an undefined entry means the default. */
export type ValidatorTuning = { readonly [K in TunedOption]?: ValidatorOptions[K] | undefined };

export interface ValidatorAssemblyPorts {
  readonly ledger: LedgerReader;
  readonly signer: Ed25519Signer;
  readonly random: RandomSource;
}

export function assembleValidator(
  spec: ValidatorSpec,
  ports: ValidatorAssemblyPorts,
  nowMs: number,
): Validator {
  const tuning = spec.tuning ?? {};
  const defined = Object.fromEntries(
    Object.entries(tuning).filter(([, v]) => v !== undefined),
  ) as Pick<ValidatorOptions, TunedOption>;
  return createValidator(
    {
      local: spec.local,
      quorumSet: spec.quorumSet,
      peers: spec.peers,
      nowMs,
      ...(spec.nodeById ? { nodeById: spec.nodeById } : {}),
      ...defined,
    },
    {
      ledger: workerLedgerOf(ports.ledger),
      codec: formBlockCodecFor(ports.ledger),
      signer: ports.signer,
      random: ports.random,
    },
  );
}
