import type { BlockData } from "../blockchain/index.js";
import { CONSENSUS_LIMITS, type FetchOutcome, type ValidatorInput } from "../consensus/index.js";
import { type EnclaveHost, openFromPeer, sealForPeer } from "../enclave/index.js";
import type { Ledger } from "../ledger/index.js";
import type { PeerConnection } from "../peers/index.js";
import { isCodedError } from "../util/index.js";
import type { BlockSource } from "./block-source.js";
import type { ActionPorts, AsyncAction } from "./driver.js";
import type { PeerAttestor } from "./peer-attestor.js";
import type { MessageVerifier } from "./peer-verify.js";
import type { StatementStore } from "./statement-store.js";

/**
 * Executes a validator's actions against the node's ports (reference mobilecoin-service.md §6):
 * consensus messages and transaction relays to peers, `GetTxs` for missing transactions,
 * keepalive probes, catch-up, `form_block`, statements and blocks to storage. Every peer failure
 * becomes an input (a retryable failure), never an exception: only the enclave process dying is
 * fatal. Calls over one peer's IX session that carry ciphertext back to us (`GetTxs`) run one at a
 * time per peer, because the session's nonces must be used in order.
 */
export interface ExecutorPorts {
  readonly localResponderId: string;
  readonly peers: ReadonlyMap<string, PeerConnection>;
  readonly enclave: EnclaveHost;
  readonly ledger: Ledger;
  readonly statements: StatementStore;
  readonly attestor: PeerAttestor;
  readonly blocks: BlockSource;
  readonly verify: MessageVerifier;
  /** The well-formed encrypted body of a cached transaction (the validator's tx cache). */
  readonly cachedTx: (txHash: Uint8Array) => Uint8Array | undefined;
}

export interface ExecutorStats {
  peerCallsFailed: number;
  latestMsgsRejected: number;
}

export class ActionExecutor implements ActionPorts {
  readonly stats: ExecutorStats = { peerCallsFailed: 0, latestMsgsRejected: 0 };
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(private readonly p: ExecutorPorts) {}

  persistStatement(slot: number, payload: Uint8Array): void {
    this.p.statements.save(slot, payload);
  }

  appendBlock(data: BlockData): void {
    this.p.ledger.appendBlock(data);
  }

  async start(a: AsyncAction): Promise<ValidatorInput[]> {
    switch (a.kind) {
      case "send-consensus-msg":
        return [await this.sendMsg(a)];
      case "propose-tx":
        return [await this.proposeTx(a)];
      case "fetch-txs": {
        const outcome = await this.inLane(a.peer, () => this.fetchTxs(a.peer, a.txHashes));
        return [{ kind: "fetch-result", id: a.id, outcome }];
      }
      case "fetch-latest-msg":
        return this.latestMsg(a.peer);
      case "sync-ledger":
        return [await this.syncLedger(a.maxBlocks)];
      case "enclave-call":
        // A refusal is an outcome; a rejection (the enclave process is gone) is fatal.
        return [{ kind: "enclave-result", id: a.id, outcome: await this.p.enclave.call(a.call) }];
    }
  }

  private async sendMsg(
    a: Extract<AsyncAction, { kind: "send-consensus-msg" }>,
  ): Promise<ValidatorInput> {
    const report = (ok: boolean, retryable: boolean) =>
      ({ kind: "broadcast-result", peer: a.peer, id: a.id, ok, retryable }) as const;
    const conn = this.p.peers.get(a.peer);
    if (conn === undefined) return report(false, false);
    try {
      const result = await conn.sendConsensusMsg(a.fromResponderId, a.payload);
      return report(result === "ok", result === "ok");
    } catch (error) {
      return this.peerFailed(error, () => report(false, true));
    }
  }

  /** `txs_for_peer` on our session with the peer, then `PeerTxPropose`. */
  private async proposeTx(
    a: Extract<AsyncAction, { kind: "propose-tx" }>,
  ): Promise<ValidatorInput> {
    const report = (ok: boolean, retryable: boolean) =>
      ({ kind: "broadcast-result", peer: a.peer, id: a.id, ok, retryable }) as const;
    const conn = this.p.peers.get(a.peer);
    const encrypted = this.p.cachedTx(a.txHash);
    // Purged from the cache since it was queued (in a block or expired): nothing to relay.
    if (conn === undefined || encrypted === undefined) return report(false, false);
    try {
      const session = await this.p.attestor.sessionFor(a.peer);
      const message = await sealForPeer(this.p.enclave, session, [encrypted], a.aad);
      await conn.proposeTx(message);
      return report(true, false);
    } catch (error) {
      this.p.attestor.forget(a.peer);
      return this.peerFailed(error, () => report(false, true));
    }
  }

  /** `GetTxs` with our session's channel id; the reply is opened and checked by our enclave. */
  private async fetchTxs(peer: string, txHashes: readonly Uint8Array[]): Promise<FetchOutcome> {
    const conn = this.p.peers.get(peer);
    if (conn === undefined) return { kind: "failed", retryable: false };
    try {
      const session = await this.p.attestor.sessionFor(peer);
      const reply = await conn.getTxs(session, txHashes);
      if (reply.kind === "not-in-cache") return { kind: "not-in-cache", txHashes: reply.txHashes };
      const txs = await openFromPeer(this.p.enclave, this.p.ledger, reply.message);
      return { kind: "delivered", txs };
    } catch (error) {
      this.p.attestor.forget(peer);
      return this.peerFailed(error, () => ({ kind: "failed", retryable: true }) as const);
    }
  }

  /** Keepalive: a message answer is verified and handled as if the peer had sent it. */
  private async latestMsg(peer: string): Promise<ValidatorInput[]> {
    const failed = [{ kind: "latest-msg-result", peer, outcome: "failed" } as const];
    const conn = this.p.peers.get(peer);
    if (conn === undefined) return failed;
    let payload: Uint8Array | undefined;
    try {
      payload = await conn.getLatestMsg();
    } catch (error) {
      return this.peerFailed(error, () => failed);
    }
    if (payload === undefined) return [{ kind: "latest-msg-result", peer, outcome: "empty" }];
    try {
      const verified = this.p.verify(peer, payload);
      return [
        { kind: "consensus-msg", verified, payload },
        { kind: "latest-msg-result", peer, outcome: "message" },
      ];
    } catch (error) {
      if (!isCodedError(error)) throw error;
      this.stats.latestMsgsRejected++;
      return failed;
    }
  }

  private async syncLedger(maxBlocks: number): Promise<ValidatorInput> {
    const max = Math.min(maxBlocks, CONSENSUS_LIMITS.syncChunkBlocks);
    try {
      const blocks = await this.p.blocks.fetchBlocks(this.p.ledger.numBlocks(), max);
      return blocks.length === 0
        ? { kind: "catch-up-failed" }
        : { kind: "catch-up-blocks", blocks };
    } catch (error) {
      return this.peerFailed(error, () => ({ kind: "catch-up-failed" }) as const);
    }
  }

  /** A peer call failed: typed errors are the peer's or the transport's; others are our bugs. */
  private peerFailed<T>(error: unknown, report: () => T): T {
    if (!isCodedError(error)) throw error;
    this.stats.peerCallsFailed++;
    return report();
  }

  /** Run `body` after the previous call in `peer`'s lane has settled. */
  private inLane<T>(peer: string, body: () => Promise<T>): Promise<T> {
    const previous = this.lanes.get(peer) ?? Promise.resolve();
    const next = previous.then(body, body);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(peer, settled);
    settled.then(() => {
      if (this.lanes.get(peer) === settled) this.lanes.delete(peer);
    });
    return next;
  }
}
