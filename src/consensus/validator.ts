import type { Ed25519Signer } from "../crypto/index.js";
import type { WellFormedTxContext } from "../enclave/index.js";
import {
  type BroadcastAction,
  Broadcaster,
  type BroadcastPeer,
  type KeepaliveAction,
  type KeepaliveInput,
  PeerKeepalive,
  txRelayInput,
} from "../peers/index.js";
import type { RandomSource } from "../util/index.js";
import {
  ConsensusWorker,
  type FormBlockCodec,
  type WorkerAction,
  type WorkerInput,
  type WorkerLedger,
  type WorkerOptions,
} from "./worker.js";

/**
 * The I/O-free assembly of one validator's runtime (reference node-runtime.md §2): the consensus
 * worker, the broadcaster and the keepalive, wired so that the worker's statements and relays go
 * to the broadcaster, accepted transactions are relayed, and every verified message counts as
 * hearing from its relayer. `node/` and `sim/` drive it: they execute the actions and feed back
 * results and time.
 */
export type ValidatorOptions = Omit<WorkerOptions, "ledger" | "codec" | "signer"> & {
  readonly peers: readonly BroadcastPeer[];
};

export interface ValidatorPorts {
  readonly ledger: WorkerLedger;
  readonly codec: FormBlockCodec;
  readonly signer: Ed25519Signer;
  /** Jitter of broadcast retries. */
  readonly random: RandomSource;
}

export type ValidatorInput =
  | Exclude<WorkerInput, { kind: "tx" }>
  /** A well-formed transaction; `aad` is the `TxProposeAAD` of a peer's proposal, absent for clients. */
  | {
      readonly kind: "tx";
      readonly encrypted: Uint8Array;
      readonly context: WellFormedTxContext;
      readonly aad?: Uint8Array;
    }
  | {
      readonly kind: "broadcast-result";
      readonly peer: string;
      readonly id: number;
      readonly ok: boolean;
      readonly retryable?: boolean;
    }
  | KeepaliveInput;

export type ValidatorAction =
  | Exclude<WorkerAction, { kind: "broadcast-msg" }>
  | BroadcastAction
  | KeepaliveAction;

export interface Validator {
  readonly worker: ConsensusWorker;
  readonly broadcaster: Broadcaster;
  readonly keepalive: PeerKeepalive;
  handle(input: ValidatorInput, nowMs: number): ValidatorAction[];
  tick(nowMs: number): ValidatorAction[];
  nextDeadlineMs(): number | null;
}

export function createValidator(options: ValidatorOptions, ports: ValidatorPorts): Validator {
  const worker = new ConsensusWorker({ ...options, ...ports });
  const broadcaster = new Broadcaster({
    local: options.local,
    peers: options.peers,
    random: ports.random,
  });
  const keepalive = new PeerKeepalive({
    peers: options.peers.map((p) => p.responderId),
    startMs: options.nowMs,
  });
  const route = (actions: WorkerAction[], nowMs: number): ValidatorAction[] => {
    const out: ValidatorAction[] = [];
    for (const a of actions) {
      if (a.kind === "broadcast-msg") out.push(...broadcaster.handle(a.input, nowMs));
      else out.push(a);
    }
    return out;
  };
  return {
    worker,
    broadcaster,
    keepalive,
    handle(input, nowMs) {
      switch (input.kind) {
        case "broadcast-result":
          return broadcaster.handle({ ...input, kind: "result" }, nowMs);
        case "heard-from":
        case "latest-msg-result":
          return keepalive.handle(input, nowMs);
        case "tx": {
          const fromClient = input.aad === undefined;
          // Decode the AAD first: a peer proposal with a bad AAD is refused before it is cached.
          const relay = txRelayInput(options.local, input.context.txHash, input.aad);
          const actions = route(worker.handle({ ...input, kind: "tx", fromClient }, nowMs), nowMs);
          if (worker.txs.contains(input.context.txHash))
            actions.push(...broadcaster.handle(relay, nowMs));
          return actions;
        }
        case "consensus-msg": {
          const heard = keepalive.handle(
            { kind: "heard-from", peer: input.verified.fromResponderId },
            nowMs,
          );
          return [...heard, ...route(worker.handle(input, nowMs), nowMs)];
        }
        default:
          return route(worker.handle(input, nowMs), nowMs);
      }
    },
    tick(nowMs) {
      return [
        ...route(worker.tick(nowMs), nowMs),
        ...broadcaster.tick(nowMs),
        ...keepalive.tick(nowMs),
      ];
    },
    nextDeadlineMs() {
      const ds = [
        worker.nextDeadlineMs(),
        broadcaster.nextDeadlineMs(),
        keepalive.nextDeadlineMs(),
      ];
      const present = ds.filter((d): d is number => d !== null);
      return present.length === 0 ? null : Math.min(...present);
    },
  };
}
