import { CodedError } from "../../util/index.js";

/**
 * Why software attestation or an attested key exchange was refused. Each verifier step has its own
 * code so that logs say which check failed; peers and clients only ever see a generic
 * PERMISSION_DENIED (reference enclave-attest.md §10.12).
 */
export const ATTEST_ERROR_CODES = [
  // --- decoding (verifier step 1) ---
  /** Evidence, a statement, a report or a certificate that is not the protobuf it claims to be. */
  "EVIDENCE_MALFORMED",
  /** A field of the wrong length or out of range (nonce, key, measurement, report data, u16 ids). */
  "EVIDENCE_FIELD_INVALID",
  /** More bytes or certificates than our named limits allow. */
  "EVIDENCE_TOO_LARGE",
  /** A response payload without SW evidence in field 5 (e.g. DCAP in field 4, or EPID). */
  "UNSUPPORTED_EVIDENCE_KIND",
  /** A report whose format is not 1. */
  "UNSUPPORTED_REPORT_FORMAT",
  // --- policy (step 2) ---
  /** A report mode other than "SW", or SW evidence where the policy does not enable it. */
  "MODE_NOT_ALLOWED",
  /** Development evidence (dev statement or dev certificate) under a policy that refuses it. */
  "DEV_EVIDENCE_REFUSED",
  /** A debug enclave under a policy that refuses it. */
  "DEBUG_ENCLAVE_REFUSED",
  // --- authority (step 3) ---
  /** The certificate chain does not lead from the configured root to the signing authority. */
  "AUTHORITY_CHAIN_INVALID",
  /** The statement's signature does not verify under the authority key (a forged statement). */
  "AUTHORITY_SIGNATURE_INVALID",
  /** The statement names a different authority key than the one that signed it. */
  "AUTHORITY_KEY_MISMATCH",
  // --- time (step 4) ---
  /** issued_at lies in the future, or a certificate is not yet valid. */
  "STATEMENT_NOT_YET_VALID",
  /** not_after (of the statement or a certificate in its chain) has passed. */
  "STATEMENT_EXPIRED",
  // --- binding (steps 5 and 6) ---
  /** report_data[0..32] is not SHA-256(nonce ‖ key ‖ custom_identity), or [32..64] is not zero. */
  "REPORT_DATA_MISMATCH",
  /** The Noise static key of the handshake is not the key in the evidence. */
  "STATIC_KEY_NOT_BOUND",
  // --- identity (step 7) ---
  /** No trusted identity matches the report's measurement / signer, product id and SVN. */
  "UNTRUSTED_MEASUREMENT",
  // --- trusted identities JSON ---
  /** The trusted-identities JSON does not parse or breaks the schema (unknown field, bad hex…). */
  "TRUSTED_IDENTITIES_INVALID",
  /** The trusted-identities JSON has no SW entry for the enclave name asked for. */
  "NO_TRUSTED_IDENTITIES",
  // --- key exchange state machines ---
  /** A handshake message in a state that already answered or completed: a replay. */
  "HANDSHAKE_REPLAYED",
  /** An input the current state does not take (e.g. a response before initiating). */
  "HANDSHAKE_OUT_OF_ORDER",
  /** The Noise handshake itself failed (bad message, wrong prologue, low-order key). */
  "HANDSHAKE_FAILED",
  /** The machine failed earlier and can no longer be used; a new handshake is needed. */
  "SESSION_TERMINATED",
  /** A transport message names a different channel than this session. */
  "CHANNEL_MISMATCH",
  /** A transport message failed authentication; the session is ended. */
  "DECRYPT_FAILED",
  /** The transport cipher cannot encrypt any more (nonce or byte budget). */
  "ENCRYPT_FAILED",
  // --- attestation authority (issuing and the HTTP service) ---
  /** The enrolment credentials do not name an enrolled node. */
  "NODE_NOT_ENROLLED",
  /** The report's measurement is not on the authority's allow-list. */
  "MEASUREMENT_NOT_ALLOWED",
  /** An authority configuration file (key, certificate, enrolment, allow-list) is unusable. */
  "AUTHORITY_CONFIG_INVALID",
  /** The authority could not be reached or did not answer in time. */
  "AUTHORITY_UNAVAILABLE",
  /** The authority answered with a refusal. */
  "AUTHORITY_REFUSED",
  /** The authority's answer is too large or not a StatementResponse. */
  "AUTHORITY_RESPONSE_INVALID",
] as const;
export type AttestErrorCode = (typeof ATTEST_ERROR_CODES)[number];

/** A typed refusal from `enclave/attest`. The message is for logs, never for the remote side. */
export class AttestError extends CodedError<AttestErrorCode> {
  constructor(
    code: AttestErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, payload, message, options);
    this.name = "AttestError";
  }
}
