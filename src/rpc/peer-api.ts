import { create } from "@bufbuild/protobuf";
import type { EnclaveHost } from "../enclave/index.js";
import {
  checkConsensusMsgRequest,
  checkGetTxsRequest,
  checkProposeTxRequest,
  type GetTxsResult,
  type PeerService,
  TX_HASH_LENGTH,
} from "../peers/index.js";
import { AttestedApi, AuthMessageSchema, type Message } from "../proto/attest_pb.js";
import { ProposeTxResponseSchema, ProposeTxResult } from "../proto/consensus_common_pb.js";
import {
  ConsensusMsgResponseSchema,
  ConsensusMsgResult,
  ConsensusPeerAPI,
  GetLatestMsgResponseSchema,
  type GetTxsResponse,
  GetTxsResponseSchema,
} from "../proto/consensus_peer_pb.js";
import { type AuthHandlerOptions, servePeerAuth } from "./attested-api.js";
import {
  type BlockchainApiOptions,
  type LastBlockInfo,
  serveBlockchainApi,
} from "./blockchain-api.js";
import { RpcError } from "./errors.js";
import type { RpcServer } from "./service.js";

/**
 * `consensus_peer.ConsensusPeerAPI` (reference mobilecoin-service.md §5.4) over a `PeerService`,
 * plus the peer port's BlockchainAPI when `lastBlockInfo` is given. Requests pass the seam's own
 * request checks (the same ones a `PeerConnection` applies before sending), so an oversized or
 * malformed request is a typed refusal (INVALID_ARGUMENT through the one error map), and whatever
 * the service throws is mapped there too.
 */
export interface PeerApiOptions {
  /**
   * Serve the peer port's `attest.AttestedApi.Auth` from this enclave (`peerAuthHandler`);
   * without it, from the service's own `auth` if it has one.
   */
  readonly enclave?: EnclaveHost;
  readonly authOptions?: AuthHandlerOptions;
  /** Serve `BlockchainAPI` from the service's `getBlocks` and this for GetLastBlockInfo. */
  readonly lastBlockInfo?: () => LastBlockInfo | Promise<LastBlockInfo>;
  readonly blockchain?: BlockchainApiOptions;
}

const toMessage = (m: Message) => ({ channelId: m.channelId, aad: m.aad, data: m.data });

function checkTxHashes(hashes: readonly Uint8Array[]): void {
  checkGetTxsRequest(hashes);
  hashes.forEach((h, i) => {
    if (h.length !== TX_HASH_LENGTH)
      throw new RpcError("RPC_BAD_REQUEST", `tx_hashes[${i}] is ${h.length} bytes`);
  });
}

export function getTxsResultToProto(result: GetTxsResult): GetTxsResponse {
  if (result.kind === "success")
    return create(GetTxsResponseSchema, { payload: { case: "success", value: result.message } });
  return create(GetTxsResponseSchema, {
    payload: { case: "txHashesNotInCache", value: { txHashes: [...result.txHashes] } },
  });
}

function serveAuth(server: RpcServer, service: PeerService, options: PeerApiOptions): void {
  if (options.enclave !== undefined) {
    servePeerAuth(server, options.enclave, options.authOptions);
    return;
  }
  const auth = service.auth?.bind(service);
  if (auth === undefined) return;
  server.unary(AttestedApi.method.auth, async (request) =>
    create(AuthMessageSchema, { data: await auth(request.data) }),
  );
}

export function servePeerApi(
  server: RpcServer,
  service: PeerService,
  options: PeerApiOptions = {},
): RpcServer {
  server
    .unary(ConsensusPeerAPI.method.sendConsensusMsg, async (request) => {
      checkConsensusMsgRequest(request.fromResponderId, request.payload);
      const result = await service.handleConsensusMsg(request.fromResponderId, request.payload);
      return create(ConsensusMsgResponseSchema, {
        result: result === "ok" ? ConsensusMsgResult.Ok : ConsensusMsgResult.UnknownPeer,
      });
    })
    .unary(ConsensusPeerAPI.method.peerTxPropose, async (request) => {
      const message = toMessage(request);
      checkProposeTxRequest(message);
      const { blockCount } = await service.handleProposeTx(message);
      return create(ProposeTxResponseSchema, { result: ProposeTxResult.Ok, blockCount });
    })
    .unary(ConsensusPeerAPI.method.getLatestMsg, async () =>
      create(GetLatestMsgResponseSchema, {
        payload: (await service.latestMsg()) ?? new Uint8Array(0),
      }),
    )
    .unary(ConsensusPeerAPI.method.getTxs, async (request) => {
      checkTxHashes(request.txHashes);
      return getTxsResultToProto(await service.getTxs(request.channelId, request.txHashes));
    });
  serveAuth(server, service, options);
  const lastBlockInfo = options.lastBlockInfo;
  if (lastBlockInfo === undefined) return server;
  const source = { lastBlockInfo, getBlocks: (o: bigint, l: number) => service.getBlocks(o, l) };
  return serveBlockchainApi(server, source, options.blockchain);
}
