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

export type RpcErrorCode =
  /** The request bytes do not decode as the method's protobuf message. */
  | "RPC_BAD_REQUEST"
  /** The service is not ready (e.g. no attestation evidence installed yet) or is shutting down. */
  | "RPC_NOT_SERVING"
  /** A `chain-id` request header that differs from ours (payload `serverChainId`, public). */
  | "RPC_CHAIN_ID_MISMATCH"
  /** A TLS certificate, key or CA file of a service URI that is missing or unusable. */
  | "RPC_TLS_CONFIG";

/** Raised by the rpc layer itself. */
export class RpcError extends CodedError<RpcErrorCode> {
  constructor(
    code: RpcErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, payload, message, options);
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

/**
 * MobileCoin's one public detail (util/grpc/src/chain_id.rs): the mismatch names the server's
 * chain id, so a misconfigured caller can see which network it reached.
 */
function chainIdMismatch(error: CodedError): RpcStatus {
  const serverChainId = String(error.payload.serverChainId ?? "");
  return { code: status.FAILED_PRECONDITION, details: `chain-id mismatch: '${serverChainId}'` };
}

/**
 * Peer input refused by the peers layer (`PeersErrorCode`): MobileCoin answers an undecodable
 * payload or a bad signature with INVALID_ARGUMENT. PEER_UNAVAILABLE and BAD_REPLY are outbound
 * failures and never answer a call, so they stay INTERNAL.
 */
const PEER_INPUT_CODES: readonly string[] = [
  "MALFORMED_PAYLOAD",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_VALUE",
  "INVALID_SCP_MSG",
  "ZERO_SLOT",
  "MISSING_NODE_KEY",
  "UNKNOWN_ISSUER",
  "ISSUER_KEY_MISMATCH",
  "INVALID_SIGNATURE",
  "PREV_BLOCK_MISMATCH",
];

const STATUS_BY_CODE: Readonly<Record<string, RpcStatus>> = {
  RPC_BAD_REQUEST: INVALID_ARGUMENT,
  RPC_NOT_SERVING: UNAVAILABLE,
  ...Object.fromEntries(PEER_INPUT_CODES.map((code) => [code, INVALID_ARGUMENT])),
};

/**
 * Codes whose whole family maps alike. Attested-channel handlers turn every failure of a handshake
 * or a transport message into an `ATTEST_…` code, so they all end the same way for the caller.
 */
const STATUS_BY_PREFIX: readonly [string, RpcStatus][] = [["ATTEST_", PERMISSION_DENIED]];

export function rpcStatusOf(error: unknown): RpcStatus {
  if (!(error instanceof CodedError)) return INTERNAL;
  if (error.code === "RPC_CHAIN_ID_MISMATCH") return chainIdMismatch(error);
  const exact = STATUS_BY_CODE[error.code];
  if (exact !== undefined) return exact;
  const family = STATUS_BY_PREFIX.find(([prefix]) => error.code.startsWith(prefix));
  return family?.[1] ?? INTERNAL;
}
