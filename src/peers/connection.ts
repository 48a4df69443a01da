import type { Block } from "../blockchain/index.js";
import { bytesEqual } from "../util/index.js";
import { PeersError } from "./errors.js";
import { PEERS_LIMITS } from "./limits.js";

/**
 * The transport seam between validators (reference node-runtime.md §3): what one node may ask of a
 * peer, after MobileCoin's `ConsensusConnection` (peers/src/traits.rs) and the `ConsensusPeerAPI` /
 * `BlockchainAPI` services. The in-memory implementation below serves tests and the simulator; the
 * gRPC one joins the same compliance suite (test/peers/connection-compliance.ts) later.
 * Transport failures reject with `PeersError("PEER_UNAVAILABLE")` (retryable); a reply that breaks
 * the protocol rejects with `PeersError("BAD_REPLY")`.
 */

/** `consensus_peer.ConsensusMsgResult`. */
export type ConsensusMsgResult = "ok" | "unknown-peer";

/** `attest.Message`: bytes encrypted for one peer session, with their additional data. */
export interface AttestedMessage {
  readonly channelId: Uint8Array;
  /** For `PeerTxPropose`: the CBOR `TxProposeAAD`; empty for `GetTxs` replies. */
  readonly aad: Uint8Array;
  readonly data: Uint8Array;
}

/** `GetTxsResponse`: the transactions re-encrypted for us, or the hashes the peer lacks. */
export type GetTxsResult =
  | { readonly kind: "success"; readonly message: AttestedMessage }
  | { readonly kind: "not-in-cache"; readonly txHashes: readonly Uint8Array[] };

export interface PeerConnection {
  /** The peer this connection talks to. */
  readonly remoteResponderId: string;
  /** `SendConsensusMsg`: `fromResponderId` is us, the relayer (not necessarily the issuer). */
  sendConsensusMsg(fromResponderId: string, payload: Uint8Array): Promise<ConsensusMsgResult>;
  /** `PeerTxPropose`: transactions encrypted for the peer's session; answers its block count. */
  proposeTx(message: AttestedMessage): Promise<{ readonly blockCount: bigint }>;
  /** `GetLatestMsg`: the CBOR payload of the highest message the peer issued, if any. */
  getLatestMsg(): Promise<Uint8Array | undefined>;
  /** `GetTxs`: at most `PEERS_LIMITS.getTxsChunk` hashes per call. */
  getTxs(channelId: Uint8Array, txHashes: readonly Uint8Array[]): Promise<GetTxsResult>;
  /** `GetBlocks`: consecutive blocks from `offset`, at most `limit` (≤ `maxBlocksPerRequest`). */
  getBlocks(offset: bigint, limit: number): Promise<readonly Block[]>;
  /**
   * `attest.AttestedApi.Auth` on the peer port: our IX handshake message 1 in, the peer's message
   * 2 out (the enclave on each side makes and reads them; see `rpc/PeerConnector`).
   */
  auth(authRequest: Uint8Array): Promise<Uint8Array>;
}

/** A synchronous answer, or a promise of one (a node's service waits on its enclave). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The serving side of a peer, as the in-memory transport calls it. A service may answer later
 * (the node's `PeerTxPropose` and `GetTxs` go through its enclave); a rejection reaches the caller.
 */
export interface PeerService {
  handleConsensusMsg(
    fromResponderId: string,
    payload: Uint8Array,
  ): MaybePromise<ConsensusMsgResult>;
  handleProposeTx(message: AttestedMessage): MaybePromise<{ readonly blockCount: bigint }>;
  latestMsg(): MaybePromise<Uint8Array | undefined>;
  getTxs(channelId: Uint8Array, txHashes: readonly Uint8Array[]): MaybePromise<GetTxsResult>;
  getBlocks(offset: bigint, limit: number): MaybePromise<readonly Block[]>;
  /** The peer port's Auth; a peer without it answers every Auth as unavailable. */
  auth?(authRequest: Uint8Array): Promise<Uint8Array>;
}

/** Requests a caller may make, checked the same way by every implementation (and by servers). */
export function checkConsensusMsgRequest(fromResponderId: string, payload: Uint8Array): void {
  const idBytes = new TextEncoder().encode(fromResponderId).length;
  if (idBytes > PEERS_LIMITS.maxResponderIdBytes)
    throw new PeersError("PAYLOAD_TOO_LARGE", `responder id of ${idBytes} bytes`);
  if (payload.length > PEERS_LIMITS.maxPayloadBytes)
    throw new PeersError("PAYLOAD_TOO_LARGE", `consensus payload of ${payload.length} bytes`);
}

export function checkProposeTxRequest(message: AttestedMessage): void {
  if (message.aad.length > PEERS_LIMITS.maxAadBytes)
    throw new PeersError("PAYLOAD_TOO_LARGE", `TxProposeAAD of ${message.aad.length} bytes`);
}

export function checkGetTxsRequest(txHashes: readonly Uint8Array[]): void {
  if (txHashes.length > PEERS_LIMITS.getTxsChunk)
    throw new PeersError("PAYLOAD_TOO_LARGE", `GetTxs of ${txHashes.length} hashes`);
}

export function checkGetBlocksRequest(offset: bigint, limit: number): void {
  if (
    offset < 0n ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > PEERS_LIMITS.maxBlocksPerRequest
  )
    throw new PeersError("PAYLOAD_TOO_LARGE", `GetBlocks offset ${offset} limit ${limit}`);
}

/** A `not-in-cache` reply may only list hashes we asked for. */
export function checkGetTxsReply(asked: readonly Uint8Array[], reply: GetTxsResult): GetTxsResult {
  if (reply.kind === "not-in-cache") {
    for (const h of reply.txHashes)
      if (!asked.some((a) => bytesEqual(a, h)))
        throw new PeersError("BAD_REPLY", "GetTxs names a hash we did not ask for");
  }
  return reply;
}

/** Blocks must be consecutive from `offset` and at most `limit` (a peer may send fewer). */
export function checkGetBlocksReply(
  offset: bigint,
  limit: number,
  blocks: readonly Block[],
): readonly Block[] {
  if (blocks.length > limit)
    throw new PeersError("BAD_REPLY", `${blocks.length} blocks > ${limit}`);
  blocks.forEach((b, i) => {
    if (b.index !== offset + BigInt(i))
      throw new PeersError("BAD_REPLY", `block ${b.index} where ${offset + BigInt(i)} was due`);
  });
  return blocks;
}

const copy = (b: Uint8Array): Uint8Array => b.slice();
const copyMessage = (m: AttestedMessage): AttestedMessage => ({
  channelId: copy(m.channelId),
  aad: copy(m.aad),
  data: copy(m.data),
});

/**
 * Peers in one process: services registered by responder id, links that can be cut. Calls copy
 * their bytes (a wire does) and resolve on a later microtask, never synchronously.
 */
export class MemoryPeerNetwork {
  private readonly services = new Map<string, PeerService>();
  private readonly cut = new Set<string>();

  serve(responderId: string, service: PeerService): void {
    this.services.set(responderId, service);
  }

  /** Cut (or restore) the link from `from` to `to`; calls over a cut link are unavailable. */
  setLink(from: string, to: string, up: boolean): void {
    const key = `${from}\u0000${to}`;
    if (up) this.cut.delete(key);
    else this.cut.add(key);
  }

  connect(localResponderId: string, remoteResponderId: string): PeerConnection {
    return new MemoryPeerConnection(this, localResponderId, remoteResponderId);
  }

  /** @internal */
  reach(from: string, to: string): PeerService {
    const service = this.services.get(to);
    if (service === undefined || this.cut.has(`${from}\u0000${to}`))
      throw new PeersError("PEER_UNAVAILABLE", `peer ${to} is unreachable`, { peer: to });
    return service;
  }
}

class MemoryPeerConnection implements PeerConnection {
  constructor(
    private readonly network: MemoryPeerNetwork,
    private readonly local: string,
    readonly remoteResponderId: string,
  ) {}

  private async call<T>(f: (s: PeerService) => MaybePromise<T>): Promise<T> {
    await Promise.resolve();
    return await f(this.network.reach(this.local, this.remoteResponderId));
  }

  /** Run a request check as a rejection, without adding ticks to the calls that pass it. */
  private checked<T>(check: () => void, send: () => Promise<T>): Promise<T> {
    try {
      check();
    } catch (error) {
      return Promise.reject(error);
    }
    return send();
  }

  sendConsensusMsg(fromResponderId: string, payload: Uint8Array): Promise<ConsensusMsgResult> {
    return this.checked(
      () => checkConsensusMsgRequest(fromResponderId, payload),
      () => this.call((s) => s.handleConsensusMsg(fromResponderId, copy(payload))),
    );
  }

  proposeTx(message: AttestedMessage): Promise<{ readonly blockCount: bigint }> {
    return this.checked(
      () => checkProposeTxRequest(message),
      () => this.call((s) => s.handleProposeTx(copyMessage(message))),
    );
  }

  async getLatestMsg(): Promise<Uint8Array | undefined> {
    const reply = await this.call((s) => s.latestMsg());
    return reply === undefined || reply.length === 0 ? undefined : copy(reply);
  }

  async getTxs(channelId: Uint8Array, txHashes: readonly Uint8Array[]): Promise<GetTxsResult> {
    checkGetTxsRequest(txHashes);
    const reply = await this.call((s) => s.getTxs(copy(channelId), txHashes.map(copy)));
    const copied: GetTxsResult =
      reply.kind === "success"
        ? { kind: "success", message: copyMessage(reply.message) }
        : { kind: "not-in-cache", txHashes: reply.txHashes.map(copy) };
    return checkGetTxsReply(txHashes, copied);
  }

  async getBlocks(offset: bigint, limit: number): Promise<readonly Block[]> {
    checkGetBlocksRequest(offset, limit);
    const blocks = await this.call((s) => s.getBlocks(offset, limit));
    return checkGetBlocksReply(offset, limit, blocks);
  }

  async auth(authRequest: Uint8Array): Promise<Uint8Array> {
    const reply = await this.call((s) => {
      if (s.auth === undefined)
        throw new PeersError("PEER_UNAVAILABLE", `peer ${this.remoteResponderId} serves no Auth`);
      return s.auth(copy(authRequest));
    });
    return copy(reply);
  }
}
