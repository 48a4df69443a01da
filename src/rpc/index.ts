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
export {
  type CallContext,
  methodPath,
  type RequestCheck,
  RpcCallError,
  RpcClient,
  RpcServer,
  type RpcServerOptions,
  type UnaryHandler,
} from "./service.js";
