/** `rpc/`: gRPC servers and clients over our protobuf schemas, and the one error map. */
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
export { RpcError, type RpcErrorCode, type RpcStatus, rpcStatusOf } from "./errors.js";
export { RPC_LIMITS } from "./limits.js";
export { buildNodeConfig, type NodeConfigInputs } from "./node-config.js";
export {
  type CallContext,
  methodPath,
  RpcCallError,
  RpcClient,
  RpcServer,
  type RpcServerOptions,
  type UnaryHandler,
} from "./service.js";
