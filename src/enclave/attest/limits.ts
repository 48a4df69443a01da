/** Sizes, labels and bounds of software attestation (reference enclave-attest.md §5.3, §9.3). */

/** SwReport.format of this layout. */
export const SW_REPORT_FORMAT = 1;
/** SwReport.mode of software evidence. */
export const SW_MODE = "SW";

/** Quote nonce, as mc-sgx-core-types (16 bytes). */
export const NONCE_LENGTH = 16;
/** X25519 key-exchange public key and Ed25519 block-signer public key. */
export const KEY_LENGTH = 32;
export const MEASUREMENT_LENGTH = 32;
export const SIGNER_LENGTH = 32;
/** SGX REPORTDATA size: the binding hash in bytes 0..32, zeros after. */
export const REPORT_DATA_LENGTH = 64;
export const REPORT_DATA_HASH_LENGTH = 32;
export const AUTHORITY_KEY_ID_LENGTH = 32;
/** The Merlin-style config digest appended (as 64 hex digits) to a peer's responder id. */
export const CONFIG_DIGEST_LENGTH = 32;
/** ISV product id and SVN are u16 in SGX and in MobileCoin's trusted-identities JSON. */
export const U16_MAX = 0xffff;

/** Domain label before a statement's bytes in the authority's signature. */
export const STATEMENT_SIGNATURE_DOMAIN = "mc-ts-sw-attestation-v1";
/** Domain label before a certificate body in its issuer's signature. */
export const CERTIFICATE_SIGNATURE_DOMAIN = "mc-ts-sw-authority-cert-v1";

export const ATTEST_LIMITS = {
  /** Largest SwEvidence or response wrapper we decode, bytes (a few hundred in practice). */
  maxEvidenceBytes: 16 * 1024,
  /** Longest authority chain below the root. */
  maxChainCertificates: 4,
  /** Longest enrolment id and subject strings, characters. */
  maxNameChars: 256,
  /** Largest trusted-identities JSON document, bytes. */
  maxTrustedIdentitiesBytes: 1024 * 1024,
  /** Largest authority configuration file (enrolment list, allow-list), bytes. */
  maxAuthorityFileBytes: 1024 * 1024,
  /** Largest HTTP request body the authority reads, bytes. */
  maxStatementRequestBytes: 8 * 1024,
  /** Largest HTTP response body the node reads from the authority, bytes. */
  maxStatementResponseBytes: 64 * 1024,
  /** Default and largest validity of a statement the authority issues, ms (MobileCoin refreshes every 18 h). */
  defaultStatementValidityMs: 48 * 60 * 60 * 1000,
  maxStatementValidityMs: 30 * 24 * 60 * 60 * 1000,
  /** MobileCoin's REPORT_REFRESH_INTERVAL: evidence is renewed this often, ms. */
  evidenceRefreshIntervalMs: 18 * 60 * 60 * 1000,
  /** Default deadline for one statement request, ms. */
  defaultRequestTimeoutMs: 10_000,
} as const;
