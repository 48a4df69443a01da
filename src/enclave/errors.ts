import { CodedError } from "../util/index.js";

/**
 * Errors of the enclave boundary. `EnclaveErrorCode`s travel inside reply frames (the enclave's
 * business errors, each with a fixed wire number); `EnclaveHostErrorCode`s are the host's own view
 * of the process (it died, a call timed out, too many calls in flight).
 */
export const ENCLAVE_ERROR_WIRE = {
  /** The frame body is too short to hold its header, or a field overruns the body. */
  MALFORMED_FRAME: 1,
  /** The call number names no call of the enclave API. */
  UNKNOWN_CALL: 2,
  /** An argument has the wrong type tag, length, value or encoding, or bytes trail the last one. */
  INVALID_ARGUMENT: 3,
  /** The body exceeds the per-call size cap. */
  CALL_TOO_LARGE: 4,
  /** A frame's length prefix exceeds the frame cap; the enclave closes the connection after this. */
  FRAME_TOO_LARGE: 5,
  /** A call other than `enclave_init` before `enclave_init`. */
  NOT_INITIALIZED: 6,
  /** `enclave_init` a second time. */
  ALREADY_INITIALIZED: 7,
  /** A call of the API that this enclave does not implement yet (sessions, transactions, blocks, minting). */
  NOT_SUPPORTED_YET: 8,
  /** A sealed key that does not open: a wrong seal secret, a different measurement or a damaged blob. */
  UNSEAL_FAILED: 9,
  /** A sealed key blob of the wrong size or version. */
  INVALID_SEALED_KEY: 10,
  /** A blockchain config the enclave refuses (fee map rules, block version). */
  INVALID_CONFIG: 11,
  /** `get_evidence` before any evidence was installed. */
  EVIDENCE_NOT_INSTALLED: 12,
  /** An unexpected failure inside the enclave while handling a well-formed call. */
  INTERNAL: 13,
  /** A session or pending handshake the enclave does not hold (never made, closed or evicted). */
  NOT_FOUND: 14,
  /** Attestation evidence refused (own evidence at install, or a peer's in a handshake). */
  ATTESTATION_FAILED: 15,
  /** A Noise handshake message that does not complete a handshake (bad, replayed, out of order). */
  HANDSHAKE_FAILED: 16,
  /** A transport message that does not authenticate on its session; the session is ended. */
  DECRYPT_FAILED: 17,
  /** The session cannot encrypt any more (nonce exhausted); the session is ended. */
  ENCRYPT_FAILED: 18,
  // The transaction calls (MobileCoin's consensus enclave `Error` variants), numbered from 32 so
  // that the session calls' codes can take 14…31.
  /** A locally or well-formed encrypted tx that does not open: not ours, altered or truncated. */
  CACHE_CIPHER: 32,
  /** Decrypted bytes that are not a strict protobuf `Tx` / `TxList` (MobileCoin `Serialization`). */
  SERIALIZATION: 33,
  /** The transaction breaks a validation rule; the reply carries the `ProposeTxResult` code. */
  MALFORMED_TX: 34,
  /** The host's membership proofs do not all imply one Merkle root. */
  INVALID_LOCAL_MEMBERSHIP_PROOF: 35,
  /** The one root the proofs imply is not the root element the host gave to form_block. */
  INVALID_LOCAL_MEMBERSHIP_ROOT_ELEMENT: 36,
  /** A block that cannot be formed: duplicate txs, key images or output keys, no transactions. */
  FORM_BLOCK: 37,
  /** A parent block of a later version than the configured one, or outputs the version forbids. */
  BLOCK_VERSION: 38,
} as const;

export type EnclaveErrorCode = keyof typeof ENCLAVE_ERROR_WIRE;

const CODE_BY_WIRE: ReadonlyMap<number, EnclaveErrorCode> = new Map(
  (Object.entries(ENCLAVE_ERROR_WIRE) as [EnclaveErrorCode, number][]).map(([c, n]) => [n, c]),
);

export function enclaveErrorCodeFromWire(wire: number): EnclaveErrorCode | undefined {
  return CODE_BY_WIRE.get(wire);
}

/** A refusal by the enclave (inside the enclave, or as seen by the caller of `callOk`). */
export class EnclaveError extends CodedError<EnclaveErrorCode> {
  constructor(
    code: EnclaveErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "EnclaveError";
  }
}

export const ENCLAVE_HOST_ERROR_CODES = [
  /** The enclave process exited or was killed; every pending call fails with this. */
  "ENCLAVE_EXITED",
  /** The enclave process refused to start (bad CSS, measurement mismatch, seal secret file). */
  "ENCLAVE_START_FAILED",
  /** No reply within the call's timeout. */
  "CALL_TIMEOUT",
  /** More calls in flight than the host's bound. */
  "TOO_MANY_CALLS_IN_FLIGHT",
  /** The host was closed by its owner. */
  "HOST_CLOSED",
  /** The enclave sent a frame the host cannot accept (undecodable, unknown id, wrong call). */
  "PROTOCOL_VIOLATION",
] as const;
export type EnclaveHostErrorCode = (typeof ENCLAVE_HOST_ERROR_CODES)[number];

/** A failure of the process boundary itself, as the host sees it. */
export class EnclaveHostError extends CodedError<EnclaveHostErrorCode> {
  constructor(
    code: EnclaveHostErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "EnclaveHostError";
  }
}

export const ENCLAVE_SETUP_ERROR_CODES = [
  /** The seal secret file is missing, unreadable, of the wrong size or readable by others. */
  "SEAL_SECRET",
  /** The signed manifest (CSS) does not parse or its signature does not verify. */
  "INVALID_CSS",
  /** The enclave bundle (manifest) does not parse or does not match the CSS. */
  "INVALID_BUNDLE",
  /** The measurement recomputed from the files differs from the one the CSS signs. */
  "MEASUREMENT_MISMATCH",
  /** A signing key file that cannot be used. */
  "INVALID_SIGNING_KEY",
  /** A sealed key file that cannot be read or written. */
  "SEALED_KEY_FILE",
] as const;
export type EnclaveSetupErrorCode = (typeof ENCLAVE_SETUP_ERROR_CODES)[number];

/** Set-up of an enclave (files, identity, seal secret) that cannot go ahead: exit 2 with one line. */
export class EnclaveSetupError extends CodedError<EnclaveSetupErrorCode> {
  constructor(
    code: EnclaveSetupErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "EnclaveSetupError";
  }
}
