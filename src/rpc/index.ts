/** `rpc/`: gRPC servers and clients over our protobuf schemas, and the one error map. */
export { RpcError, type RpcErrorCode, type RpcStatus, rpcStatusOf } from "./errors.js";
export { RPC_LIMITS } from "./limits.js";
export {
  type CallContext,
  methodPath,
  RpcCallError,
  RpcClient,
  RpcServer,
  type RpcServerOptions,
  type UnaryHandler,
} from "./service.js";
