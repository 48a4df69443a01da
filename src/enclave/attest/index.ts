/**
 * Software attestation and the attested key exchange (reference enclave-attest.md §5, §9.3): the
 * SW report and evidence formats, the verifier, attestation authorities (the published development
 * one and the HTTP service), and the AKE state machines over our Noise core.
 */
export {
  AkeInitiator,
  type AkePhase,
  AkeResponder,
  type AttestMessage,
  type AuthResponseInput,
  type ClientAcceptInput,
  type ClientInitiateInput,
  clientPrologue,
  type PeerAcceptInput,
  type PeerInitiateInput,
  peerPrologue,
} from "./ake.js";
export {
  AttestationAuthority,
  type AuthorityOptions,
  createDevAuthority,
  DEV_AUTHORITY_SEED_LABEL,
  DEV_CERTIFICATE_NOT_AFTER_MS,
  DEV_ROOT_SEED_LABEL,
  devAuthorityCertificate,
  devAuthoritySigner,
  devRootPublicKey,
  devRootSigner,
  type Enrolment,
  enrolmentFor,
  type StatementRequestInput,
  signCertificate,
  signStatement,
} from "./authority.js";
export {
  parseAllowListFile,
  parseChainFile,
  parseEnrolmentFile,
  parseKeyFile,
} from "./authority-files.js";
export {
  type AuthorityServerOptions,
  type RunningAuthorityServer,
  requestStatement,
  STATEMENT_PATH,
  type StatementClientOptions,
  startAuthorityServer,
} from "./authority-http.js";
export { AttestError, type AttestErrorCode } from "./errors.js";
export {
  type AuthorityStatement,
  authorityKeyId,
  type CertificateBody,
  type DecodedEvidence,
  decodeCertificate,
  decodeCertificateBody,
  decodeEvidence,
  decodeEvidenceResponse,
  decodeReport,
  decodeStatement,
  encodeCertificate,
  encodeEvidence,
  encodeEvidenceResponse,
  encodeReport,
  makeReport,
  reportDataFor,
  type SignedCertificate,
  type SignedStatement,
  type SwReport,
  type SwReportDataContents,
  type SwReportIdentity,
} from "./formats.js";
export {
  type AttestationMode,
  parseTrustedIdentitySet,
  peerIdentity,
  type TrustedIdentity,
  type TrustedIdentitySet,
  trustedIdentitiesFor,
} from "./identities.js";
export { ATTEST_LIMITS, SW_MODE, SW_REPORT_FORMAT } from "./limits.js";
export {
  type AttestationPolicy,
  DEVELOPMENT_POLICY,
  evidenceRefreshAtMs,
  identityMatches,
  PRODUCTION_POLICY,
  SwEvidenceVerifier,
  type VerifiedEvidence,
  type VerifierConfig,
  type VerifyContext,
  verifyOwnEvidence,
} from "./verifier.js";
