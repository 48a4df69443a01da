import type { Block } from "../blockchain/index.js";
import { ConsensusError, type Validator } from "../consensus/index.js";
import {
  acceptClient,
  acceptPeer,
  EnclaveError,
  type EnclaveHost,
  type EnclaveMessage,
  openFromPeer,
  proposeFromClient,
  sealForPeer,
} from "../enclave/index.js";
import type { LedgerReader } from "../ledger/index.js";
import {
  type AttestedMessage,
  type ConsensusMsgResult,
  checkGetBlocksRequest,
  checkGetTxsRequest,
  type GetTxsResult,
  type PeerService,
  PeersError,
  type PeersErrorCode,
} from "../peers/index.js";
import { isCodedError } from "../util/index.js";
import type { Driver } from "./driver.js";
import { RuntimeError } from "./errors.js";
import { RUNTIME_LIMITS } from "./limits.js";
import type { MessageVerifier } from "./peer-verify.js";

/**
 * What the gRPC servers call (narrow functions, not the whole node; reference node-runtime.md §2):
 * the client API's `ClientTxPropose` and both `Auth` calls, and the peer API as a `PeerService`.
 * Transactions go through the enclave (`client_tx_propose` or `peer_tx_propose`, then
 * `tx_is_well_formed`) before the driver hands them to the validator. Bad input is refused with a
 * typed error (the caller maps it once, in `rpc/errors.ts`) and counted; it never stops the node.
 */
export interface NodeIngress {
  /** `ClientTxPropose`: resolves with the ledger's block count and the network's block version. */
  submitClientTx(message: EnclaveMessage): Promise<ClientTxAccepted>;
  /** The client API's `Auth`: NX with our enclave. */
  clientAuth(authRequest: Uint8Array): Promise<Uint8Array>;
  /** The peer API's `Auth`: IX, the peer initiating. */
  peerAuth(authRequest: Uint8Array): Promise<Uint8Array>;
  readonly peerService: PeerService;
  readonly stats: IngressStats;
}

export interface ClientTxAccepted {
  readonly blockCount: bigint;
  readonly blockVersion: number;
}

export interface IngressStats {
  clientTxsAccepted: number;
  /** Consensus messages from peers that verified and went to the driver. */
  consensusMsgsAccepted: number;
  /** Refusals by code (client and peer transactions, consensus messages, GetTxs). */
  readonly refused: Map<string, number>;
}

export interface IngressPorts {
  readonly driver: Driver;
  readonly validator: Validator;
  readonly enclave: EnclaveHost;
  readonly ledger: LedgerReader;
  readonly verify: MessageVerifier;
  /** The network's block version (MobileCoin answers its configured one). */
  readonly blockVersion: number;
}

export function createIngress(p: IngressPorts): NodeIngress {
  const stats: IngressStats = {
    clientTxsAccepted: 0,
    consensusMsgsAccepted: 0,
    refused: new Map(),
  };
  const count = (error: unknown): void => {
    if (isCodedError(error))
      stats.refused.set(error.code, (stats.refused.get(error.code) ?? 0) + 1);
  };
  const refuse = (error: unknown): never => {
    count(error);
    throw error;
  };
  let busy = 0;
  /** Enclave work for incoming transactions, bounded by `ingressInFlightMax`. */
  const bounded = async <T>(work: () => Promise<T>): Promise<T> => {
    if (busy >= RUNTIME_LIMITS.ingressInFlightMax)
      throw new ConsensusError("OVER_CAPACITY", "too many transactions being checked");
    busy++;
    try {
      return await work();
    } finally {
      busy--;
    }
  };

  const submitClientTx = async (message: EnclaveMessage): Promise<ClientTxAccepted> => {
    try {
      if (!p.driver.running) throw new RuntimeError("RPC_NOT_SERVING", "the node is closing");
      if (p.validator.worker.sync.isBehind)
        throw new RuntimeError("RPC_BEHIND", "catching up with the network");
      const pending = p.validator.worker.pending;
      // Refuse before any enclave work when the answer is known (MobileCoin checks first too).
      if (pending.length >= pending.capacity)
        throw new ConsensusError("OVER_CAPACITY", "too many pending values");
      const tx = await bounded(() => proposeFromClient(p.enclave, p.ledger, message));
      p.driver.submitClientTx({ kind: "tx", ...tx });
      stats.clientTxsAccepted++;
      return { blockCount: p.ledger.numBlocks(), blockVersion: p.blockVersion };
    } catch (error) {
      return refuse(error);
    }
  };

  return {
    submitClientTx,
    clientAuth: (authRequest) => acceptClient(p.enclave, authRequest).catch(refuse),
    peerAuth: (authRequest) => acceptPeer(p.enclave, authRequest).catch(refuse),
    peerService: peerServiceOf(p, stats, bounded, count),
    stats,
  };
}

/**
 * Enclave refusals of a peer's own bytes: a channel id of the wrong length, a `TxList` that does
 * not decode once decrypted, a message too large for the boundary. They are the peer's fault and
 * answer INVALID_ARGUMENT (MobileCoin answers INTERNAL; the fuzz of issue 11 holds bad input
 * apart from our faults), where the enclave's code alone would map to INTERNAL.
 */
const PEER_BYTES_REFUSED: ReadonlyMap<string, PeersErrorCode> = new Map([
  ["INVALID_ARGUMENT", "MALFORMED_PAYLOAD"],
  ["SERIALIZATION", "MALFORMED_PAYLOAD"],
  ["CALL_TOO_LARGE", "PAYLOAD_TOO_LARGE"],
]);

/** The error a peer's refused PeerTxPropose or GetTxs is answered with. */
export function peerInputRefusal(error: unknown): unknown {
  if (!(error instanceof EnclaveError)) return error;
  const code = PEER_BYTES_REFUSED.get(error.code);
  if (code === undefined) return error;
  return new PeersError(
    code,
    `the enclave refused the peer's message: ${error.code}`,
    { enclaveCode: error.code },
    { cause: error },
  );
}

function peerServiceOf(
  p: IngressPorts,
  stats: IngressStats,
  bounded: <T>(work: () => Promise<T>) => Promise<T>,
  count: (error: unknown) => void,
): PeerService {
  const refuse = (error: unknown): never => {
    count(error);
    throw error;
  };
  return {
    handleConsensusMsg(from, payload): ConsensusMsgResult {
      try {
        const verified = p.verify(from, payload);
        p.driver.deliver({ kind: "consensus-msg", verified, payload });
        stats.consensusMsgsAccepted++;
        return "ok";
      } catch (error) {
        if (error instanceof PeersError && error.code === "UNKNOWN_PEER") {
          count(error);
          return "unknown-peer";
        }
        return refuse(error);
      }
    },

    async handleProposeTx(message: AttestedMessage) {
      try {
        if (!p.driver.running) throw new RuntimeError("RPC_NOT_SERVING", "the node is closing");
        const txs = await bounded(() => openFromPeer(p.enclave, p.ledger, message));
        for (const tx of txs) p.driver.deliver({ kind: "tx", ...tx, aad: message.aad });
        return { blockCount: p.ledger.numBlocks() };
      } catch (error) {
        return refuse(peerInputRefusal(error));
      }
    },

    latestMsg: () => p.validator.worker.latestIssued.payload(),

    async getTxs(channelId, txHashes): Promise<GetTxsResult> {
      try {
        checkGetTxsRequest(txHashes);
        const entries = txHashes.map((h) => p.validator.worker.txs.get(h));
        const missing = txHashes.filter((_, i) => entries[i] === undefined);
        if (missing.length > 0) return { kind: "not-in-cache", txHashes: missing };
        const bodies = entries.map((e) => (e as NonNullable<typeof e>).encrypted);
        const message = await sealForPeer(p.enclave, channelId, bodies, new Uint8Array(0));
        return { kind: "success", message };
      } catch (error) {
        return refuse(peerInputRefusal(error));
      }
    },

    getBlocks(offset, limit): readonly Block[] {
      try {
        checkGetBlocksRequest(offset, limit);
        const out: Block[] = [];
        for (let i = offset; i < p.ledger.numBlocks() && out.length < limit; i++)
          out.push(p.ledger.getBlock(i));
        return out;
      } catch (error) {
        return refuse(error);
      }
    },
  };
}
