import { status } from "@grpc/grpc-js";
import { EnclaveError, EnclaveHostError } from "../enclave/index.js";
import { PEERS_ERROR_CODES, PeersError } from "../peers/index.js";
import { MintValidationResultCode } from "../proto/consensus_client_pb.js";
import { ProposeTxResult } from "../proto/consensus_common_pb.js";
import { type TxValidationCode, TxValidationError } from "../transaction/index.js";
import { CodedError } from "../util/index.js";
import { PROPOSE_TX_ERR_MSG } from "./propose-tx-messages.js";

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
  /** The node is behind the network (catch-up): MobileCoin `NotServing`. */
  "RPC_BEHIND",
  /** A proposed mint whose protobuf does not convert (upstream `InvalidArgument`, INTERNAL). */
  "RPC_INVALID_MINT",
  /** A `chain-id` request header that differs from ours (payload `serverChainId`, public). */
  "RPC_CHAIN_ID_MISMATCH",
  /** A TLS certificate, key or CA file of a service URI that is missing or unusable. */
  "RPC_TLS_CONFIG",
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

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

/** MobileCoin's client-facing texts (consensus/service/src/api/grpc_error.rs, util/grpc/src/auth). */
const OVER_CAPACITY: RpcStatus = { code: status.UNAVAILABLE, details: "Temporarily over capacity" };
const BEHIND: RpcStatus = { code: status.UNAVAILABLE, details: "Temporarily not serving requests" };
const ATTESTATION_DENIED: RpcStatus = {
  code: status.PERMISSION_DENIED,
  details: "Permission Denied (attestation)",
};
const unauthenticated = (details: string): RpcStatus => ({
  code: status.UNAUTHENTICATED,
  details,
});

/**
 * MobileCoin's one public detail (util/grpc/src/chain_id.rs): the mismatch names the server's
 * chain id, so a misconfigured caller can see which network it reached.
 */
function chainIdMismatch(error: CodedError): RpcStatus {
  const serverChainId = String(error.payload.serverChainId ?? "");
  return { code: status.FAILED_PRECONDITION, details: `chain-id mismatch: '${serverChainId}'` };
}

/**
 * Peer input refused by the peers layer: MobileCoin answers an undecodable payload or a bad
 * signature with INVALID_ARGUMENT. PEER_UNAVAILABLE and BAD_REPLY are outbound failures and never
 * answer a call, and an unknown relayer is answered in the reply (`unknown-peer`), so those three
 * stay INTERNAL.
 */
const NOT_PEER_INPUT: ReadonlySet<string> = new Set([
  "PEER_UNAVAILABLE",
  "BAD_REPLY",
  "UNKNOWN_PEER",
]);
const PEER_INPUT_CODES: readonly string[] = PEERS_ERROR_CODES.filter((c) => !NOT_PEER_INPUT.has(c));

const STATUS_BY_CODE: Readonly<Record<string, RpcStatus>> = {
  RPC_BAD_REQUEST: INVALID_ARGUMENT,
  RPC_NOT_SERVING: UNAVAILABLE,
  RPC_BEHIND: BEHIND,
  // Upstream maps its InvalidArgument to INTERNAL (grpc_error.rs has no case for it).
  RPC_INVALID_MINT: INTERNAL,
  // consensus/: the pending-value limit (PENDING_LIMIT) and our bounded transaction cache.
  OVER_CAPACITY: OVER_CAPACITY,
  TX_CACHE_FULL: OVER_CAPACITY,
  // rpc/client-auth.ts: MobileCoin's AuthenticatorError Display texts are what clients see.
  AUTH_UNAUTHENTICATED: unauthenticated("Unauthenticated"),
  AUTH_INVALID_TOKEN: unauthenticated("Invalid user authorization token"),
  AUTH_EXPIRED_TOKEN: unauthenticated("Expired user authorization token"),
  AUTH_UNSUPPORTED_METHOD: unauthenticated(
    "Authorization header error: Unsupported authorization method",
  ),
  AUTH_INVALID_HEADER: unauthenticated("Authorization header error: Invalid authorization header"),
  AUTH_INVALID_CREDENTIALS: unauthenticated("Authorization header error: Invalid credentials"),
  // node/log-filter.ts: an admin's SetRustLog text that is not a filter.
  LOG_FILTER_INVALID: INVALID_ARGUMENT,
};

/** Enclave refusals that mean the client's attested channel failed (MobileCoin `Error::Attest`). */
const ENCLAVE_ATTEST_CODES: ReadonlySet<string> = new Set([
  "NOT_FOUND",
  "ATTESTATION_FAILED",
  "HANDSHAKE_FAILED",
  "DECRYPT_FAILED",
  "ENCRYPT_FAILED",
]);

/** The enclave process is gone or saturated: retry later (upstream has no process boundary). */
const ENCLAVE_HOST_UNAVAILABLE: ReadonlySet<string> = new Set([
  "ENCLAVE_EXITED",
  "CALL_TIMEOUT",
  "TOO_MANY_CALLS_IN_FLIGHT",
  "HOST_CLOSED",
]);

function enclaveStatusOf(error: CodedError): RpcStatus | undefined {
  if (error instanceof EnclaveError && ENCLAVE_ATTEST_CODES.has(error.code)) {
    return ATTESTATION_DENIED;
  }
  if (error instanceof EnclaveHostError && ENCLAVE_HOST_UNAVAILABLE.has(error.code)) {
    return UNAVAILABLE;
  }
  return undefined;
}

/**
 * Codes whose whole family maps alike. Attested-channel handlers turn every failure of a handshake
 * or a transport message into an `ATTEST_…` code, so they all end the same way for the caller.
 */
const STATUS_BY_PREFIX: readonly [string, RpcStatus][] = [["ATTEST_", PERMISSION_DENIED]];

export function rpcStatusOf(error: unknown): RpcStatus {
  if (!(error instanceof CodedError)) return INTERNAL;
  if (error.code === "RPC_CHAIN_ID_MISMATCH") return chainIdMismatch(error);
  // Matched by class: other areas reuse some of these code names (e.g. INVALID_SIGNATURE).
  if (error instanceof PeersError && PEER_INPUT_CODES.includes(error.code)) return INVALID_ARGUMENT;
  const enclave = enclaveStatusOf(error);
  if (enclave !== undefined) return enclave;
  const exact = STATUS_BY_CODE[error.code];
  if (exact !== undefined) return exact;
  const family = STATUS_BY_PREFIX.find(([prefix]) => error.code.startsWith(prefix));
  return family?.[1] ?? INTERNAL;
}

/** A transaction refusal a client gets as gRPC OK with a `ProposeTxResult` (reference §5.9). */
export interface ProposeTxRefusal {
  readonly result: ProposeTxResult;
  /** `ProposeTxResponse.err_msg`: MobileCoin's Display text of the validation error. */
  readonly errMsg: string;
}

const TX_RESULT_BY_NAME = ProposeTxResult as unknown as Readonly<Record<string, number>>;

function refusalFor(name: unknown): ProposeTxRefusal | undefined {
  if (typeof name !== "string" || name === "Ok") return undefined;
  const result = TX_RESULT_BY_NAME[name];
  if (result === undefined) return undefined;
  return { result, errMsg: PROPOSE_TX_ERR_MSG[name as TxValidationCode] };
}

/**
 * The one map from our typed errors to `ProposeTxResult`: a validation failure (ours, the
 * enclave's `MALFORMED_TX` with its rule, or the tx manager's `TX_INVALID` with its reason) is a
 * result; anything else is `undefined` and goes to `rpcStatusOf` instead.
 */
export function proposeTxResultOf(error: unknown): ProposeTxRefusal | undefined {
  if (error instanceof TxValidationError) return refusalFor(error.code);
  if (!(error instanceof CodedError)) return undefined;
  if (error instanceof EnclaveError && error.code === "MALFORMED_TX") {
    return refusalFor(error.payload["txCode"]);
  }
  if (error.code === "TX_INVALID") return refusalFor(error.payload["reason"]);
  return undefined;
}

/** A `MintValidationResultCode` name other than `Ok`. */
export type MintValidationCode = Exclude<keyof typeof MintValidationResultCode, "Ok">;

/**
 * A mint transaction refused by validation; the client gets gRPC OK with a
 * `MintValidationResult` (reference §5.2, §5.9). This node refuses every mint: it has no
 * governors (`NoGovernors`) and hence no active mint configuration (`NoMatchingMintConfig`).
 */
export class MintValidationError extends CodedError<MintValidationCode> {
  constructor(
    code: MintValidationCode,
    message: string,
    payload: { tokenId?: bigint; blockVersion?: number; nonceLength?: bigint } = {},
  ) {
    super(code, payload, message);
    this.name = "MintValidationError";
  }
}

export interface MintRefusal {
  readonly code: MintValidationResultCode;
  readonly tokenId: bigint;
  readonly blockVersion: number;
  readonly nonceLength: bigint;
}

/** The `MintValidationResult` for a mint refusal, or `undefined` when it is a gRPC status. */
export function mintValidationResultOf(error: unknown): MintRefusal | undefined {
  if (!(error instanceof MintValidationError)) return undefined;
  const p = error.payload as { tokenId?: bigint; blockVersion?: number; nonceLength?: bigint };
  return {
    code: MintValidationResultCode[error.code],
    tokenId: p.tokenId ?? 0n,
    blockVersion: p.blockVersion ?? 0,
    nonceLength: p.nonceLength ?? 0n,
  };
}
