import { status } from "@grpc/grpc-js";
import { CodedError } from "../util/index.js";

/**
 * THE map from our typed error codes to gRPC status codes and the message an outsider sees. Details
 * stay in our logs: a peer or client learns the category, never the reason (reference
 * enclave-attest.md §5.6, node-runtime.md §5). Codes are matched by string because every area
 * defines its own code union; an unknown code is INTERNAL.
 */
export interface RpcStatus {
  readonly code: status;
  readonly details: string;
}

export const RPC_ERROR_CODES = [
  /** The request bytes do not decode as the method's protobuf message. */
  "RPC_BAD_REQUEST",
  /** The service is not ready (e.g. no attestation evidence installed yet) or is shutting down. */
  "RPC_NOT_SERVING",
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

/** Raised by the rpc layer itself. */
export class RpcError extends CodedError<RpcErrorCode> {
  constructor(code: RpcErrorCode, message: string) {
    super(code, {}, message);
    this.name = "RpcError";
  }
}

const PERMISSION_DENIED: RpcStatus = {
  code: status.PERMISSION_DENIED,
  details: "Permission denied",
};
const UNAVAILABLE: RpcStatus = { code: status.UNAVAILABLE, details: "Service unavailable" };
const INVALID_ARGUMENT: RpcStatus = { code: status.INVALID_ARGUMENT, details: "Invalid argument" };
const INTERNAL: RpcStatus = { code: status.INTERNAL, details: "Internal error" };

const STATUS_BY_CODE: Readonly<Record<string, RpcStatus>> = {
  RPC_BAD_REQUEST: INVALID_ARGUMENT,
  RPC_NOT_SERVING: UNAVAILABLE,
};

/**
 * Codes whose whole family maps alike. Attested-channel handlers turn every failure of a handshake
 * or a transport message into an `ATTEST_…` code, so they all end the same way for the caller.
 */
const STATUS_BY_PREFIX: readonly [string, RpcStatus][] = [["ATTEST_", PERMISSION_DENIED]];

export function rpcStatusOf(error: unknown): RpcStatus {
  if (!(error instanceof CodedError)) return INTERNAL;
  const exact = STATUS_BY_CODE[error.code];
  if (exact !== undefined) return exact;
  const family = STATUS_BY_PREFIX.find(([prefix]) => error.code.startsWith(prefix));
  return family?.[1] ?? INTERNAL;
}
