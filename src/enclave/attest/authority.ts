import { timingSafeEqual } from "node:crypto";
import { Ed25519Signer, sha256, sha512 } from "../../crypto/index.js";
import { bytesEqual, toHex, utf8 } from "../../util/index.js";
import { AttestError } from "./errors.js";
import {
  authorityKeyId,
  type CertificateBody,
  decodeCertificateBody,
  decodeReport,
  encodeCertificateBody,
  encodeStatement,
  type SignedCertificate,
  type SignedStatement,
  type StatementFields,
} from "./formats.js";
import {
  ATTEST_LIMITS,
  CERTIFICATE_SIGNATURE_DOMAIN,
  STATEMENT_SIGNATURE_DOMAIN,
  SW_MODE,
  SW_REPORT_FORMAT,
} from "./limits.js";

/** Sign a certificate body: the issuer signs the domain label followed by the body's bytes. */
export function signCertificate(issuer: Ed25519Signer, body: CertificateBody): SignedCertificate {
  const bodyBytes = encodeCertificateBody(body);
  const signature = issuer.sign(
    new Uint8Array([...utf8(CERTIFICATE_SIGNATURE_DOMAIN), ...bodyBytes]),
  );
  return { body: bodyBytes, signature };
}

/** Encode and sign a statement; the signature covers the label and exactly these bytes. */
export function signStatement(
  signer: Ed25519Signer,
  fields: StatementFields,
): { statement: Uint8Array; signature: Uint8Array } {
  const statement = encodeStatement(fields);
  const signature = signer.sign(
    new Uint8Array([...utf8(STATEMENT_SIGNATURE_DOMAIN), ...statement]),
  );
  return { statement, signature };
}

/** An enrolled node: its SPID and the SHA-256 of its API key (the authority never stores the key). */
export interface Enrolment {
  readonly spid: string;
  readonly apiKeySha256: Uint8Array;
}

export function enrolmentFor(spid: string, apiKey: string): Enrolment {
  return { spid, apiKeySha256: sha256(utf8(apiKey)) };
}

/** A request for a statement: the enclave's encoded report and the node's enrolment credentials. */
export interface StatementRequestInput {
  readonly report: Uint8Array;
  readonly spid: string;
  readonly apiKey: string;
}

export interface AuthorityOptions {
  readonly signer: Ed25519Signer;
  /** Certificates from the root to `signer`'s key (the last one certifies `signer`). */
  readonly chain: readonly SignedCertificate[];
  readonly enrolled: readonly Enrolment[];
  /** Measurements (32 bytes each) the authority signs for. */
  readonly allowedMeasurements: readonly Uint8Array[];
  readonly statementValidityMs?: number;
}

/**
 * An attestation authority: signs statements about reports, only for enrolled nodes and only for
 * allow-listed measurements. Whether its statements say `dev` follows from its own certificate,
 * so a development key can never issue production-looking evidence.
 */
export class AttestationAuthority {
  readonly keyId: Uint8Array;
  readonly dev: boolean;
  readonly #options: AuthorityOptions;
  readonly #validityMs: number;
  readonly #notAfterMs: number;
  readonly #allowed: ReadonlySet<string>;

  constructor(options: AuthorityOptions) {
    const last = options.chain.at(-1);
    if (last === undefined) throw configError("the authority needs a certificate chain");
    const body = decodeCertificateBody(last.body);
    if (!bytesEqual(body.publicKey, options.signer.publicKey)) {
      throw configError("the last certificate does not certify the authority's key");
    }
    const validity = options.statementValidityMs ?? ATTEST_LIMITS.defaultStatementValidityMs;
    if (!(validity > 0 && validity <= ATTEST_LIMITS.maxStatementValidityMs)) {
      throw configError(`statement validity must be 1..${ATTEST_LIMITS.maxStatementValidityMs} ms`);
    }
    this.#options = options;
    this.#validityMs = validity;
    this.#notAfterMs = body.notAfterMs;
    this.#allowed = new Set(options.allowedMeasurements.map(toHex));
    this.keyId = authorityKeyId(options.signer.publicKey);
    this.dev = body.dev;
  }

  /** Sign a statement for `request` at `nowMs`, or refuse with a typed error. */
  issue(request: StatementRequestInput, nowMs: number): SignedStatement {
    const enrolment = this.#enrolment(request.spid, request.apiKey);
    const report = decodeReport(request.report);
    if (report.format !== SW_REPORT_FORMAT) {
      throw new AttestError("UNSUPPORTED_REPORT_FORMAT", `report format ${report.format}`);
    }
    if (report.mode !== SW_MODE) throw new AttestError("MODE_NOT_ALLOWED", "not an SW report");
    if (!this.#allowed.has(toHex(report.measurement))) {
      throw new AttestError("MEASUREMENT_NOT_ALLOWED", "measurement is not on the allow-list", {
        measurement: toHex(report.measurement),
      });
    }
    const signed = signStatement(this.#options.signer, {
      reportBytes: request.report,
      issuedAtMs: nowMs,
      notAfterMs: Math.min(nowMs + this.#validityMs, this.#notAfterMs),
      nodeEnrollmentId: enrolment.spid,
      authorityKeyId: this.keyId,
      dev: this.dev,
    });
    return { ...signed, chain: this.#options.chain };
  }

  #enrolment(spid: string, apiKey: string): Enrolment {
    const presented = Buffer.from(sha256(utf8(apiKey)));
    const entry = this.#options.enrolled.find((e) => e.spid === spid);
    // Compare the hashes in constant time, and compare even when the SPID is unknown.
    const expected = Buffer.from(entry?.apiKeySha256 ?? new Uint8Array(32));
    const same = expected.length === presented.length && timingSafeEqual(expected, presented);
    if (entry === undefined || !same) {
      throw new AttestError("NODE_NOT_ENROLLED", "unknown SPID or wrong API key", { spid });
    }
    return entry;
  }
}

function configError(message: string): AttestError {
  return new AttestError("AUTHORITY_CONFIG_INVALID", message);
}

// ---- the published development authority -------------------------------------------------------

/**
 * The development root and authority keys are derived from these published labels
 * (seed = first 32 bytes of SHA-512(label)), so anyone can rebuild them: development evidence
 * proves nothing, which is why every certificate and statement it makes says `dev = true`.
 */
export const DEV_ROOT_SEED_LABEL =
  "mc-ts-sw-attestation development root key v1 (published, insecure)";
export const DEV_AUTHORITY_SEED_LABEL =
  "mc-ts-sw-attestation development authority key v1 (published, insecure)";
/** The development certificate's validity: from the epoch to 2100-01-01T00:00:00Z. */
export const DEV_CERTIFICATE_NOT_AFTER_MS = 4_102_444_800_000;

function seedFrom(label: string): Uint8Array {
  return sha512(utf8(label)).slice(0, 32);
}

export function devRootSigner(): Ed25519Signer {
  return Ed25519Signer.fromSeed(seedFrom(DEV_ROOT_SEED_LABEL));
}

export function devAuthoritySigner(): Ed25519Signer {
  return Ed25519Signer.fromSeed(seedFrom(DEV_AUTHORITY_SEED_LABEL));
}

/** The root public key a development verifier trusts. */
export function devRootPublicKey(): Uint8Array {
  return devRootSigner().publicKey;
}

/** The development authority's certificate, signed by the development root (deterministic). */
export function devAuthorityCertificate(): SignedCertificate {
  return signCertificate(devRootSigner(), {
    publicKey: devAuthoritySigner().publicKey,
    subject: "development attestation authority (published key, insecure)",
    notBeforeMs: 0,
    notAfterMs: DEV_CERTIFICATE_NOT_AFTER_MS,
    dev: true,
  });
}

/** The built-in authority of IAS_MODE=DEV: same rules as any authority, statements say dev. */
export function createDevAuthority(
  options: Pick<AuthorityOptions, "enrolled" | "allowedMeasurements" | "statementValidityMs">,
): AttestationAuthority {
  return new AttestationAuthority({
    ...options,
    signer: devAuthoritySigner(),
    chain: [devAuthorityCertificate()],
  });
}
