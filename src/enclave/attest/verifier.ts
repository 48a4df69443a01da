import { ed25519Verify } from "../../crypto/index.js";
import { bytesEqual, concatBytes, toHex, utf8 } from "../../util/index.js";
import { devRootPublicKey } from "./authority.js";
import { AttestError } from "./errors.js";
import {
  type AuthorityStatement,
  authorityKeyId,
  type DecodedEvidence,
  decodeEvidence,
  decodeReport,
  reportDataFor,
  type SwReport,
  type SwReportDataContents,
} from "./formats.js";
import { peerIdentity, type TrustedIdentity } from "./identities.js";
import {
  ATTEST_LIMITS,
  CERTIFICATE_SIGNATURE_DOMAIN,
  KEY_LENGTH,
  STATEMENT_SIGNATURE_DOMAIN,
  SW_MODE,
  SW_REPORT_FORMAT,
} from "./limits.js";

/** What local policy accepts (reference enclave-attest.md §9.3 steps 1 and 6, §9.6). */
export interface AttestationPolicy {
  /** Software evidence proves nothing about the operator; a verifier must opt in to accept it. */
  readonly allowSoftwareEvidence: boolean;
  /** Accept evidence from the published development authority (`dev = true`). */
  readonly allowDevEvidence: boolean;
  /** Accept a report whose enclave says it is a debug build. */
  readonly allowDebugEnclave: boolean;
}

/** IAS_MODE=DEV: software evidence from the development authority, debug enclaves. */
export const DEVELOPMENT_POLICY: AttestationPolicy = {
  allowSoftwareEvidence: true,
  allowDevEvidence: true,
  allowDebugEnclave: true,
};

/** IAS_MODE=PROD: software evidence only from a real authority, no debug enclave. */
export const PRODUCTION_POLICY: AttestationPolicy = {
  allowSoftwareEvidence: true,
  allowDevEvidence: false,
  allowDebugEnclave: false,
};

export interface VerifierConfig {
  readonly policy: AttestationPolicy;
  /** The Ed25519 root that certifies authorities (the SW trust anchor). */
  readonly rootPublicKey: Uint8Array;
  /** At least one must match (peers: only their own measurement). */
  readonly identities: readonly TrustedIdentity[];
}

/** What a successful verification tells the caller about the remote enclave. */
export interface VerifiedEvidence {
  readonly report: SwReport;
  readonly statement: AuthorityStatement;
  readonly contents: SwReportDataContents;
  /** Whether the development authority (or a dev certificate) stands behind this evidence. */
  readonly dev: boolean;
  /** The SwEvidence bytes as verified, e.g. to hand to the host as the peer's evidence. */
  readonly bytes: Uint8Array;
}

export interface VerifyContext {
  /** The Noise static key the remote side used in this handshake. */
  readonly remoteStaticKey: Uint8Array;
  /** Milliseconds since the Unix epoch, from the caller's clock. */
  readonly nowMs: number;
}

/**
 * The verifier of SW evidence. Steps run in order and each refusal has its own code:
 * 1 decode; 2 mode, dev and debug policy; 3 authority chain to the root and statement signature;
 * 4 validity times; 5 report-data hash; 6 Noise static key binding; 7 trusted identity.
 */
export class SwEvidenceVerifier {
  readonly #config: VerifierConfig;

  constructor(config: VerifierConfig) {
    if (config.rootPublicKey.length !== KEY_LENGTH) {
      throw new AttestError("AUTHORITY_CONFIG_INVALID", "the root key must be 32 bytes");
    }
    if (!config.policy.allowDevEvidence && bytesEqual(config.rootPublicKey, devRootPublicKey())) {
      throw new AttestError(
        "AUTHORITY_CONFIG_INVALID",
        "a policy that refuses development evidence cannot trust the published development root",
      );
    }
    if (config.identities.length === 0) {
      throw new AttestError("NO_TRUSTED_IDENTITIES", "a verifier needs a trusted identity");
    }
    this.#config = config;
  }

  verify(evidence: Uint8Array, context: VerifyContext): VerifiedEvidence {
    const decoded = decodeEvidence(evidence);
    const dev = this.#checkPolicy(decoded);
    this.#checkAuthority(decoded);
    checkTimes(decoded, context.nowMs);
    const { report } = decoded.statementFields;
    if (!bytesEqual(report.reportData, reportDataFor(decoded.contents))) {
      throw new AttestError("REPORT_DATA_MISMATCH", "report data is not the hash of its contents");
    }
    if (!bytesEqual(context.remoteStaticKey, decoded.contents.key)) {
      throw new AttestError(
        "STATIC_KEY_NOT_BOUND",
        "the handshake's static key is not the key in the evidence",
      );
    }
    this.#checkIdentity(report);
    return {
      report,
      statement: decoded.statementFields,
      contents: decoded.contents,
      dev,
      bytes: evidence.slice(),
    };
  }

  #checkPolicy(decoded: DecodedEvidence): boolean {
    const { policy } = this.#config;
    const { report } = decoded.statementFields;
    if (report.format !== SW_REPORT_FORMAT) {
      throw new AttestError("UNSUPPORTED_REPORT_FORMAT", `report format ${report.format}`);
    }
    if (report.mode !== SW_MODE || !policy.allowSoftwareEvidence) {
      throw new AttestError("MODE_NOT_ALLOWED", `mode ${JSON.stringify(report.mode)} not allowed`);
    }
    const dev = decoded.statementFields.dev || decoded.certificates.some((c) => c.dev);
    if (dev && !policy.allowDevEvidence) {
      throw new AttestError("DEV_EVIDENCE_REFUSED", "development evidence under this policy");
    }
    if (report.debug && !policy.allowDebugEnclave) {
      throw new AttestError("DEBUG_ENCLAVE_REFUSED", "debug enclave under this policy");
    }
    return dev;
  }

  #checkAuthority(decoded: DecodedEvidence): void {
    if (decoded.chain.length === 0) {
      throw new AttestError("AUTHORITY_CHAIN_INVALID", "no authority certificate");
    }
    let issuer = this.#config.rootPublicKey;
    decoded.chain.forEach((certificate, index) => {
      const signed = concatBytes(utf8(CERTIFICATE_SIGNATURE_DOMAIN), certificate.body);
      if (!ed25519Verify(issuer, signed, certificate.signature)) {
        throw new AttestError(
          "AUTHORITY_CHAIN_INVALID",
          `certificate ${index} is not signed by its issuer`,
          {
            index,
          },
        );
      }
      issuer = (decoded.certificates[index] as { publicKey: Uint8Array }).publicKey;
    });
    if (!bytesEqual(decoded.statementFields.authorityKeyId, authorityKeyId(issuer))) {
      throw new AttestError("AUTHORITY_KEY_MISMATCH", "statement names another authority key", {
        named: toHex(decoded.statementFields.authorityKeyId),
      });
    }
    const signed = concatBytes(utf8(STATEMENT_SIGNATURE_DOMAIN), decoded.statement);
    if (!ed25519Verify(issuer, signed, decoded.signature)) {
      throw new AttestError("AUTHORITY_SIGNATURE_INVALID", "statement signature does not verify");
    }
  }

  #checkIdentity(report: SwReport): void {
    const match = this.#config.identities.some((identity) => identityMatches(identity, report));
    if (!match) {
      throw new AttestError("UNTRUSTED_MEASUREMENT", "no trusted identity matches the report", {
        measurement: toHex(report.measurement),
        signer: toHex(report.signer),
        productId: report.productId,
        svn: report.svn,
      });
    }
  }
}

/** Every window is closed: valid from `from` through `to` inclusive. */
function checkTimes(decoded: DecodedEvidence, nowMs: number): void {
  const windows = [
    ...decoded.certificates.map((c, i) => ({
      what: `certificate ${i}`,
      from: c.notBeforeMs,
      to: c.notAfterMs,
    })),
    {
      what: "statement",
      from: decoded.statementFields.issuedAtMs,
      to: decoded.statementFields.notAfterMs,
    },
  ];
  for (const { what, from, to } of windows) {
    if (nowMs < from) {
      throw new AttestError("STATEMENT_NOT_YET_VALID", `${what} is not valid yet`, {
        what,
        from,
        nowMs,
      });
    }
    if (nowMs > to)
      throw new AttestError("STATEMENT_EXPIRED", `${what} expired`, { what, to, nowMs });
  }
}

/** MobileCoin's rule: equal measurement, or equal signer and product id with SVN ≥ minimum. */
export function identityMatches(identity: TrustedIdentity, report: SwReport): boolean {
  if (identity.mode !== SW_MODE) return false;
  if (identity.kind === "measurement") return bytesEqual(identity.measurement, report.measurement);
  return (
    bytesEqual(identity.signer, report.signer) &&
    identity.productId === report.productId &&
    report.svn >= identity.minimumSvn
  );
}

/**
 * The enclave's check before installing its own evidence (the report cache's
 * `verify_attestation_evidence`): full verification with its own key and measurement, and the
 * statement must carry exactly the report the enclave made.
 */
export function verifyOwnEvidence(
  evidence: Uint8Array,
  expected: { readonly report: Uint8Array; readonly contents: SwReportDataContents },
  config: Omit<VerifierConfig, "identities">,
  nowMs: number,
): VerifiedEvidence {
  const ownMeasurement = decodeReport(expected.report).measurement;
  const verifier = new SwEvidenceVerifier({
    ...config,
    identities: [peerIdentity(ownMeasurement)],
  });
  const verified = verifier.verify(evidence, { remoteStaticKey: expected.contents.key, nowMs });
  if (!bytesEqual(verified.statement.reportBytes, expected.report)) {
    throw new AttestError("REPORT_DATA_MISMATCH", "the statement is about another report");
  }
  return verified;
}

/**
 * When to renew installed evidence: MobileCoin's 18-hour cadence, but never later than half-way
 * through the statement's validity, so a node always holds evidence well before it expires.
 */
export function evidenceRefreshAtMs(statement: AuthorityStatement): number {
  const halfLife = Math.floor((statement.notAfterMs - statement.issuedAtMs) / 2);
  return (
    statement.issuedAtMs + Math.max(0, Math.min(ATTEST_LIMITS.evidenceRefreshIntervalMs, halfLife))
  );
}
