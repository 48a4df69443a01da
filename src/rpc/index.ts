/** `rpc/`: gRPC servers and clients over our protobuf schemas, and the one error map. */

export {
  type AdminApiHandlers,
  type BuildFacts,
  buildInfoJson,
  serveAdminApi,
  serveBuildInfoApi,
} from "./admin-api.js";
export { type ConsensusInfoInputs, consensusConfigJson, messagePubkey } from "./admin-info.js";
export {
  AttestedClient,
  type AttestedClientOptions,
  AttestedRpcError,
  type AttestedRpcErrorCode,
  type AuthHandlerOptions,
  clientAuthHandler,
  PeerConnector,
  type PeerSession,
  peerAuthHandler,
  SerialQueue,
  serveClientAuth,
  servePeerAuth,
} from "./attested-api.js";
export {
  type BlockchainApiOptions,
  type BlockchainSource,
  blocksReplyWithin,
  type LastBlockInfo,
  lastBlockInfoToProto,
  serveBlockchainApi,
} from "./blockchain-api.js";
export {
  CHAIN_ID_CHECKED_METHODS,
  CHAIN_ID_HEADER,
  chainIdMetadata,
  chainIdRequestCheck,
  checkChainId,
} from "./chain-id.js";
export { type ClientApiHandlers, serveClientApi } from "./client-api.js";
export {
  CLIENT_AUTH_METHODS,
  ClientAuthError,
  type ClientAuthErrorCode,
  clientAuthCheck,
  mintClientAuthToken,
  TokenAuthenticator,
  type TokenAuthenticatorOptions,
} from "./client-auth.js";
export { type ChannelSettings, channelSettingsFor, serverCredentialsFor } from "./credentials.js";
export {
  type MintRefusal,
  type MintValidationCode,
  MintValidationError,
  mintValidationResultOf,
  type ProposeTxRefusal,
  proposeTxResultOf,
  RpcError,
  type RpcErrorCode,
  type RpcStatus,
  rpcStatusOf,
} from "./errors.js";
export { type HealthHandlers, serveHealthApi } from "./health-api.js";
export { RPC_LIMITS } from "./limits.js";
export { buildNodeConfig, type NodeConfigInputs } from "./node-config.js";
export { getTxsResultToProto, type PeerApiOptions, servePeerApi } from "./peer-api.js";
export { GrpcPeerConnection, type GrpcPeerConnectionOptions } from "./peer-connection.js";
export {
  type CallContext,
  methodPath,
  plainBytes,
  type RefusalObserver,
  type RequestCheck,
  RpcCallError,
  RpcClient,
  RpcServer,
  type RpcServerOptions,
  type UnaryHandler,
} from "./service.js";
