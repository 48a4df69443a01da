import { assembleValidator, type Validator, type ValidatorSpec } from "../consensus/index.js";
import type { Ed25519Signer } from "../crypto/index.js";
import type { EnclaveHost } from "../enclave/index.js";
import type { Ledger } from "../ledger/index.js";
import type { PeerConnection } from "../peers/index.js";
import type { QuorumSet } from "../scp/index.js";
import type { RandomSource } from "../util/index.js";
import { ActionExecutor } from "./action-executor.js";
import type { BlockSource } from "./block-source.js";
import { Driver, type DriverEvents } from "./driver.js";
import { createIngress, type NodeIngress } from "./ingress.js";
import type { PeerAttestor } from "./peer-attestor.js";
import { messageVerifier, type PeerTrust } from "./peer-verify.js";
import type { StatementStore } from "./statement-store.js";
import type { Timers } from "./timers.js";

/**
 * One validator's runtime, assembled from its configuration and ports: the validator (by the same
 * `assembleValidator` the simulator uses), the action executor, the one driver and the ingress the
 * gRPC servers call. The composition root builds the ports (LMDB ledger, enclave process, gRPC
 * peer connections, block fetcher) and closes them after `close()`.
 */
export interface NodeRuntimeOptions {
  readonly validator: ValidatorSpec;
  /** Who may send us messages and whose keys we know; by default the spec's peers and quorum set. */
  readonly trust?: PeerTrust;
  /** The network's block version, answered to clients. */
  readonly blockVersion: number;
}

export interface NodeRuntimePorts {
  readonly ledger: Ledger;
  readonly enclave: EnclaveHost;
  /** The consensus message-signing key. */
  readonly signer: Ed25519Signer;
  /** Jitter of broadcast retries. */
  readonly random: RandomSource;
  readonly timers: Timers;
  /** A connection per configured peer, by responder id. */
  readonly peers: ReadonlyMap<string, PeerConnection>;
  readonly attestor: PeerAttestor;
  readonly statements: StatementStore;
  readonly blocks: BlockSource;
  readonly events: DriverEvents;
}

export interface NodeRuntime {
  readonly validator: Validator;
  readonly driver: Driver;
  readonly executor: ActionExecutor;
  readonly ingress: NodeIngress;
  /** Restore the persisted statement of the current slot, if any, and arm the timer. */
  start(): void;
  /** Stop taking input, finish the block being appended; the caller then closes the ports. */
  close(): Promise<void>;
}

export function createNodeRuntime(o: NodeRuntimeOptions, p: NodeRuntimePorts): NodeRuntime {
  const spec = o.validator;
  const validator = assembleValidator(
    spec,
    { ledger: p.ledger, signer: p.signer, random: p.random },
    p.timers.nowMs(),
  );
  const verify = messageVerifier(o.trust ?? trustOf(spec), p.ledger);
  const executor = new ActionExecutor({
    localResponderId: spec.local.id,
    peers: p.peers,
    enclave: p.enclave,
    ledger: p.ledger,
    statements: p.statements,
    attestor: p.attestor,
    blocks: p.blocks,
    verify,
    cachedTx: (h) => validator.worker.txs.get(h)?.encrypted,
  });
  const driver = new Driver(validator, executor, p.timers, p.events);
  const ingress = createIngress({
    driver,
    validator,
    enclave: p.enclave,
    ledger: p.ledger,
    verify,
    blockVersion: o.blockVersion,
  });
  return {
    validator,
    driver,
    executor,
    ingress,
    start() {
      const saved = p.statements.load();
      // Only a statement about the slot we are on binds us (scenario 27); older ones are history.
      const current = saved !== undefined && saved.slot === Number(p.ledger.numBlocks());
      driver.start(current ? saved.payload : undefined);
    },
    close: () => driver.close(),
  };
}

/** The configured peers, and the keys of every node the quorum set names. */
export function trustOf(spec: ValidatorSpec): PeerTrust {
  const knownNodes = new Map<string, Uint8Array>();
  const walk = (q: QuorumSet): void => {
    for (const m of q.members) {
      if (m.type === "InnerSet") walk(m.args);
      else if (m.args.publicKey !== undefined) knownNodes.set(m.args.id, m.args.publicKey);
    }
  };
  walk(spec.quorumSet);
  if (spec.local.publicKey !== undefined) knownNodes.set(spec.local.id, spec.local.publicKey);
  return { peers: new Set(spec.peers.map((x) => x.responderId)), knownNodes };
}
