import {
  create,
  type DescMessage,
  type DescMethodUnary,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { Metadata } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { type Block, blockFromProto } from "../blockchain/index.js";
import {
  type AttestedMessage,
  type ConsensusMsgResult,
  checkConsensusMsgRequest,
  checkGetBlocksReply,
  checkGetBlocksRequest,
  checkGetTxsReply,
  checkGetTxsRequest,
  checkProposeTxRequest,
  type GetTxsResult,
  type PeerConnection,
  PeersError,
} from "../peers/index.js";
import { AttestedApi, AuthMessageSchema, MessageSchema } from "../proto/attest_pb.js";
import { BlockchainAPI, BlocksRequestSchema } from "../proto/consensus_common_pb.js";
import {
  ConsensusMsgResult as ConsensusMsgResultProto,
  ConsensusMsgSchema,
  ConsensusPeerAPI,
  GetTxsRequestSchema,
  type GetTxsResponse,
} from "../proto/consensus_peer_pb.js";
import { LIMITS, type ServiceUri } from "../util/index.js";
import { chainIdMetadata } from "./chain-id.js";
import { channelSettingsFor } from "./credentials.js";
import { RPC_LIMITS } from "./limits.js";
import { methodPath, plainBytes, RpcCallError, RpcClient } from "./service.js";

/**
 * The gRPC `PeerConnection` (MobileCoin peers/src/connection.rs without the attestation, which
 * `PeerConnector` does): one channel to a peer's port, every call with our `chain-id` header and
 * a deadline. A status from the peer or the channel is PEER_UNAVAILABLE (retryable, as MobileCoin
 * de-attests and retries on any RPC failure); a reply that does not decode, is larger than its
 * limit or breaks the seam's reply rules is BAD_REPLY.
 */
export interface GrpcPeerConnectionOptions {
  readonly remoteResponderId: string;
  /** The peer's `mcp://` or `insecure-mcp://` URI (TLS parameters as in `channelSettingsFor`). */
  readonly uri: ServiceUri;
  /** Our `--chain-id`; empty sends no header. */
  readonly chainId: string;
  readonly deadlineMs?: number;
  /** Bytes a GetBlocks reply may take (`RPC_LIMITS.maxBlocksReplyBytes`). */
  readonly maxBlocksReplyBytes?: number;
  /** Bytes any reply may take (`LIMITS.maxGrpcMessageBytes`); larger ones are BAD_REPLY. */
  readonly maxReplyBytes?: number;
}

/** Statuses that mean the reply itself was too large for our channel: the peer's fault. */
const REPLY_TOO_LARGE = /^Received message larger than max/;

export class GrpcPeerConnection implements PeerConnection {
  readonly remoteResponderId: string;
  readonly #client: RpcClient;
  readonly #metadata: Metadata;
  readonly #deadlineMs: number;
  readonly #maxBlocksReplyBytes: number;

  constructor(options: GrpcPeerConnectionOptions) {
    this.remoteResponderId = options.remoteResponderId;
    const channel = channelSettingsFor(options.uri);
    this.#client = new RpcClient(channel.address, channel.credentials, {
      ...channel.options,
      "grpc.max_receive_message_length": options.maxReplyBytes ?? LIMITS.maxGrpcMessageBytes,
      "grpc.max_send_message_length": LIMITS.maxGrpcMessageBytes,
      "grpc.initial_reconnect_backoff_ms": RPC_LIMITS.peerReconnectInitialMs,
      "grpc.max_reconnect_backoff_ms": RPC_LIMITS.peerReconnectMaxMs,
    });
    this.#metadata = chainIdMetadata(options.chainId);
    this.#deadlineMs = options.deadlineMs ?? RPC_LIMITS.peerCallDeadlineMs;
    this.#maxBlocksReplyBytes = options.maxBlocksReplyBytes ?? RPC_LIMITS.maxBlocksReplyBytes;
  }

  async sendConsensusMsg(
    fromResponderId: string,
    payload: Uint8Array,
  ): Promise<ConsensusMsgResult> {
    checkConsensusMsgRequest(fromResponderId, payload);
    const request = create(ConsensusMsgSchema, { fromResponderId, payload });
    const reply = await this.#call(ConsensusPeerAPI.method.sendConsensusMsg, request);
    if (reply.result === ConsensusMsgResultProto.Ok) return "ok";
    if (reply.result === ConsensusMsgResultProto.UnknownPeer) return "unknown-peer";
    throw this.#badReply(`SendConsensusMsg result ${reply.result}`);
  }

  async proposeTx(message: AttestedMessage): Promise<{ readonly blockCount: bigint }> {
    checkProposeTxRequest(message);
    const request = create(MessageSchema, { ...message });
    const reply = await this.#call(ConsensusPeerAPI.method.peerTxPropose, request);
    return { blockCount: reply.blockCount };
  }

  async getLatestMsg(): Promise<Uint8Array | undefined> {
    const reply = await this.#call(ConsensusPeerAPI.method.getLatestMsg, create(EmptySchema));
    return reply.payload.length === 0 ? undefined : reply.payload;
  }

  async getTxs(channelId: Uint8Array, txHashes: readonly Uint8Array[]): Promise<GetTxsResult> {
    checkGetTxsRequest(txHashes);
    const request = create(GetTxsRequestSchema, { channelId, txHashes: [...txHashes] });
    const reply = await this.#call(ConsensusPeerAPI.method.getTxs, request);
    return checkGetTxsReply(txHashes, this.#getTxsResult(reply));
  }

  async getBlocks(offset: bigint, limit: number): Promise<readonly Block[]> {
    checkGetBlocksRequest(offset, limit);
    const method = BlockchainAPI.method.getBlocks;
    const request = toBinary(method.input, create(BlocksRequestSchema, { offset, limit }));
    const bytes = await this.#callBytes(methodPath(method), request);
    if (bytes.length > this.#maxBlocksReplyBytes)
      throw this.#badReply(`GetBlocks reply of ${bytes.length} bytes`);
    const reply = this.#decode(method.output, bytes);
    const blocks = reply.blocks.map((b, i) => this.#guard(`block ${i}`, () => blockFromProto(b)));
    return checkGetBlocksReply(offset, limit, blocks);
  }

  /** `attest.AttestedApi.Auth` on the peer port (checked against our chain id by the peer). */
  async auth(authRequest: Uint8Array): Promise<Uint8Array> {
    const request = create(AuthMessageSchema, { data: authRequest });
    return (await this.#call(AttestedApi.method.auth, request)).data;
  }

  /** Close the channel; calls after this fail as PEER_UNAVAILABLE. */
  close(): void {
    this.#client.close();
  }

  #getTxsResult(reply: GetTxsResponse): GetTxsResult {
    const payload = reply.payload;
    if (payload.case === "success") {
      const { channelId, aad, data } = payload.value;
      return { kind: "success", message: { channelId, aad, data } };
    }
    if (payload.case === "txHashesNotInCache")
      return { kind: "not-in-cache", txHashes: payload.value.txHashes };
    throw this.#badReply("GetTxs reply without a payload");
  }

  async #call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageShape<I>,
  ): Promise<MessageShape<O>> {
    const bytes = await this.#callBytes(methodPath(method), toBinary(method.input, request));
    return this.#decode(method.output, bytes);
  }

  async #callBytes(path: string, request: Uint8Array): Promise<Buffer> {
    const options = { deadlineMs: this.#deadlineMs, metadata: this.#metadata.clone() };
    try {
      return await this.#client.unaryBytes(path, Buffer.from(request), options);
    } catch (error) {
      throw this.#transportError(path, error);
    }
  }

  #transportError(path: string, error: unknown): PeersError {
    if (error instanceof RpcCallError) {
      if (error.code === status.RESOURCE_EXHAUSTED && REPLY_TOO_LARGE.test(error.details))
        return this.#badReply(`${path}: ${error.details}`);
      const payload = { peer: this.remoteResponderId, grpcStatus: error.code };
      return new PeersError("PEER_UNAVAILABLE", `${path}: ${error.message}`, payload, {
        cause: error,
      });
    }
    return new PeersError("PEER_UNAVAILABLE", `${path}: ${String(error)}`, {
      peer: this.remoteResponderId,
    });
  }

  #decode<O extends DescMessage>(schema: O, bytes: Uint8Array) {
    return this.#guard(schema.typeName, () => fromBinary(schema, plainBytes(bytes)));
  }

  #guard<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (error) {
      throw this.#badReply(`${what} does not decode: ${String(error)}`, error);
    }
  }

  #badReply(message: string, cause?: unknown): PeersError {
    return new PeersError("BAD_REPLY", message, { peer: this.remoteResponderId }, { cause });
  }
}
