import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { sha256 } from "../../crypto/index.js";
import { EnclaveReportDataContentsSchema } from "../../proto/external_pb.js";
import {
  AuthorityCertificateBodySchema,
  AuthorityCertificateSchema,
  AuthorityStatementSchema,
  SwEvidenceResponseSchema,
  SwEvidenceSchema,
  SwReportSchema,
} from "../../proto/sw_attestation_pb.js";
import { concatBytes } from "../../util/index.js";
import { AttestError } from "./errors.js";
import {
  ATTEST_LIMITS,
  AUTHORITY_KEY_ID_LENGTH,
  KEY_LENGTH,
  MEASUREMENT_LENGTH,
  NONCE_LENGTH,
  REPORT_DATA_HASH_LENGTH,
  REPORT_DATA_LENGTH,
  SIGNER_LENGTH,
  SW_MODE,
  SW_REPORT_FORMAT,
  U16_MAX,
} from "./limits.js";

/** The enclave's report (SwReport in proto/sw_attestation.proto). */
export interface SwReport {
  readonly format: number;
  readonly mode: string;
  readonly measurement: Uint8Array;
  readonly signer: Uint8Array;
  readonly productId: number;
  readonly svn: number;
  readonly debug: boolean;
  readonly reportData: Uint8Array;
}

/** The preimage of report_data, as MobileCoin's EnclaveReportDataContents. */
export interface SwReportDataContents {
  readonly nonce: Uint8Array;
  /** The X25519 key-exchange public key: the Noise static key. */
  readonly key: Uint8Array;
  /** The Ed25519 block-signer public key (empty if absent). */
  readonly customIdentity: Uint8Array;
}

export interface AuthorityStatement {
  /** The report exactly as carried, for byte-equality checks by the enclave. */
  readonly reportBytes: Uint8Array;
  readonly report: SwReport;
  readonly issuedAtMs: number;
  readonly notAfterMs: number;
  readonly nodeEnrollmentId: string;
  readonly authorityKeyId: Uint8Array;
  readonly dev: boolean;
}

export interface CertificateBody {
  readonly publicKey: Uint8Array;
  readonly subject: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly dev: boolean;
}

/** A certificate as carried: the signed body bytes and the issuer's signature over them. */
export interface SignedCertificate {
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
}

/** What the authority hands back: a statement, its signature and the chain of its key. */
export interface SignedStatement {
  readonly statement: Uint8Array;
  readonly signature: Uint8Array;
  readonly chain: readonly SignedCertificate[];
}

/** SwEvidence decoded; `statementBytes` stays the received bytes (never re-encoded). */
export interface DecodedEvidence extends SignedStatement {
  readonly statementFields: AuthorityStatement;
  /** The chain's certificate bodies, decoded but not yet verified. */
  readonly certificates: readonly CertificateBody[];
  readonly contents: SwReportDataContents;
}

function malformed(what: string, cause?: unknown): AttestError {
  return new AttestError("EVIDENCE_MALFORMED", `${what} does not decode`, { what }, { cause });
}

function fieldInvalid(field: string, detail: string): AttestError {
  return new AttestError("EVIDENCE_FIELD_INVALID", `${field}: ${detail}`, { field });
}

interface WithUnknown {
  readonly $unknown?: readonly unknown[] | undefined;
}

/** Decode, refusing unknown fields: evidence is ours end to end, so anything extra is tampering. */
function decodeStrict<D extends DescMessage>(
  schema: D,
  bytes: Uint8Array,
  what: string,
): MessageShape<D> {
  let message: MessageShape<D>;
  try {
    message = fromBinary(schema, bytes);
  } catch (error) {
    throw malformed(what, error);
  }
  refuseUnknown(message as WithUnknown, what);
  return message;
}

function refuseUnknown(message: WithUnknown | undefined, what: string): void {
  if (message?.$unknown !== undefined && message.$unknown.length > 0) {
    throw new AttestError("EVIDENCE_MALFORMED", `${what} has unknown fields`, { what });
  }
}

function exactLength(field: string, bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length !== length) {
    throw fieldInvalid(field, `expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function u16(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > U16_MAX) {
    throw fieldInvalid(field, `expected a u16, got ${value}`);
  }
  return value;
}

function msFromU64(field: string, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw fieldInvalid(field, "time out of range");
  return Number(value);
}

function boundedName(field: string, value: string): string {
  if (value.length > ATTEST_LIMITS.maxNameChars) throw fieldInvalid(field, "too long");
  return value;
}

export function encodeReport(report: SwReport): Uint8Array {
  return toBinary(SwReportSchema, create(SwReportSchema, report));
}

/** Decode and check sizes; the format and mode are policy, checked by the verifier. */
export function decodeReport(bytes: Uint8Array): SwReport {
  const m = decodeStrict(SwReportSchema, bytes, "SwReport");
  return {
    format: m.format,
    mode: m.mode,
    measurement: exactLength("measurement", m.measurement, MEASUREMENT_LENGTH),
    signer: exactLength("signer", m.signer, SIGNER_LENGTH),
    productId: u16("product_id", m.productId),
    svn: u16("svn", m.svn),
    debug: m.debug,
    reportData: exactLength("report_data", m.reportData, REPORT_DATA_LENGTH),
  };
}

/** SHA-256(nonce ‖ key ‖ custom_identity) ‖ 32 zero bytes: the binding of the keys to a report. */
export function reportDataFor(contents: SwReportDataContents): Uint8Array {
  const hash = sha256(contents.nonce, contents.key, contents.customIdentity);
  return concatBytes(hash, new Uint8Array(REPORT_DATA_LENGTH - REPORT_DATA_HASH_LENGTH));
}

export function checkContents(contents: SwReportDataContents): SwReportDataContents {
  exactLength("report_data_contents.nonce", contents.nonce, NONCE_LENGTH);
  exactLength("report_data_contents.key", contents.key, KEY_LENGTH);
  if (contents.customIdentity.length !== 0) {
    exactLength("report_data_contents.custom_identity", contents.customIdentity, KEY_LENGTH);
  }
  return contents;
}

export interface StatementFields {
  readonly reportBytes: Uint8Array;
  readonly issuedAtMs: number;
  readonly notAfterMs: number;
  readonly nodeEnrollmentId: string;
  readonly authorityKeyId: Uint8Array;
  readonly dev: boolean;
}

export function encodeStatement(fields: StatementFields): Uint8Array {
  const message = create(AuthorityStatementSchema, {
    report: fields.reportBytes,
    issuedAtMs: BigInt(fields.issuedAtMs),
    notAfterMs: BigInt(fields.notAfterMs),
    nodeEnrollmentId: fields.nodeEnrollmentId,
    authorityKeyId: fields.authorityKeyId,
    dev: fields.dev,
  });
  return toBinary(AuthorityStatementSchema, message);
}

export function decodeStatement(bytes: Uint8Array): AuthorityStatement {
  const m = decodeStrict(AuthorityStatementSchema, bytes, "AuthorityStatement");
  return {
    reportBytes: m.report,
    report: decodeReport(m.report),
    issuedAtMs: msFromU64("issued_at_ms", m.issuedAtMs),
    notAfterMs: msFromU64("not_after_ms", m.notAfterMs),
    nodeEnrollmentId: boundedName("node_enrollment_id", m.nodeEnrollmentId),
    authorityKeyId: exactLength("authority_key_id", m.authorityKeyId, AUTHORITY_KEY_ID_LENGTH),
    dev: m.dev,
  };
}

export function encodeCertificateBody(body: CertificateBody): Uint8Array {
  const message = create(AuthorityCertificateBodySchema, {
    ...body,
    notBeforeMs: BigInt(body.notBeforeMs),
    notAfterMs: BigInt(body.notAfterMs),
  });
  return toBinary(AuthorityCertificateBodySchema, message);
}

export function decodeCertificateBody(bytes: Uint8Array): CertificateBody {
  const m = decodeStrict(AuthorityCertificateBodySchema, bytes, "AuthorityCertificateBody");
  return {
    publicKey: exactLength("certificate.public_key", m.publicKey, KEY_LENGTH),
    subject: boundedName("certificate.subject", m.subject),
    notBeforeMs: msFromU64("certificate.not_before_ms", m.notBeforeMs),
    notAfterMs: msFromU64("certificate.not_after_ms", m.notAfterMs),
    dev: m.dev,
  };
}

/** One certificate as its own protobuf, for files and flags. */
export function encodeCertificate(certificate: SignedCertificate): Uint8Array {
  return toBinary(AuthorityCertificateSchema, create(AuthorityCertificateSchema, certificate));
}

export function decodeCertificate(bytes: Uint8Array): SignedCertificate {
  const m = decodeStrict(AuthorityCertificateSchema, bytes, "AuthorityCertificate");
  return { body: m.body, signature: m.signature };
}

export function authorityKeyId(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey);
}

/** SwEvidence bytes: a signed statement plus the report-data preimage. */
export function encodeEvidence(
  signed: SignedStatement,
  contents: SwReportDataContents,
): Uint8Array {
  const message = create(SwEvidenceSchema, {
    statement: signed.statement,
    signature: signed.signature,
    authorityChain: signed.chain.map((c) => create(AuthorityCertificateSchema, c)),
    reportDataContents: create(EnclaveReportDataContentsSchema, contents),
  });
  return toBinary(SwEvidenceSchema, message);
}

function checkSize(what: string, bytes: Uint8Array): void {
  if (bytes.length > ATTEST_LIMITS.maxEvidenceBytes) {
    throw new AttestError("EVIDENCE_TOO_LARGE", `${what} of ${bytes.length} bytes`, {
      what,
      bytes: bytes.length,
    });
  }
}

/** Step 1 of the verifier: decode SwEvidence and every structure inside it. */
export function decodeEvidence(bytes: Uint8Array): DecodedEvidence {
  checkSize("SwEvidence", bytes);
  const m = decodeStrict(SwEvidenceSchema, bytes, "SwEvidence");
  if (m.authorityChain.length > ATTEST_LIMITS.maxChainCertificates) {
    throw new AttestError("EVIDENCE_TOO_LARGE", "authority chain too long", {
      certificates: m.authorityChain.length,
    });
  }
  for (const certificate of m.authorityChain) refuseUnknown(certificate, "AuthorityCertificate");
  const rdc = m.reportDataContents;
  if (rdc === undefined) throw fieldInvalid("report_data_contents", "missing");
  refuseUnknown(rdc, "EnclaveReportDataContents");
  const chain = m.authorityChain.map((c) => ({ body: c.body, signature: c.signature }));
  return {
    statement: m.statement,
    signature: m.signature,
    chain,
    statementFields: decodeStatement(m.statement),
    certificates: chain.map((c) => decodeCertificateBody(c.body)),
    contents: checkContents({ nonce: rdc.nonce, key: rdc.key, customIdentity: rdc.customIdentity }),
  };
}

// Field 5, wire type 2 (length-delimited): the only field of SwEvidenceResponse.
const RESPONSE_EVIDENCE_TAG = (5 << 3) | 2;

/** The handshake-response payload: SwEvidence bytes nested, unchanged, under field 5. */
export function encodeEvidenceResponse(evidence: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = evidence.length;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return concatBytes(new Uint8Array([RESPONSE_EVIDENCE_TAG, ...length]), evidence);
}

/** The SwEvidence bytes of a response payload; DCAP (field 4) or EPID (1-3) are refused. */
export function decodeEvidenceResponse(bytes: Uint8Array): Uint8Array {
  checkSize("SwEvidenceResponse", bytes);
  let message: MessageShape<typeof SwEvidenceResponseSchema>;
  try {
    message = fromBinary(SwEvidenceResponseSchema, bytes);
  } catch (error) {
    throw malformed("SwEvidenceResponse", error);
  }
  const others = message.$unknown?.length ?? 0;
  if (message.swEvidence === undefined || others > 0) {
    throw new AttestError(
      "UNSUPPORTED_EVIDENCE_KIND",
      "the response carries no SW evidence in field 5, or carries other evidence kinds",
      { otherFields: others },
    );
  }
  return toBinary(SwEvidenceSchema, message.swEvidence);
}

/** What the enclave knows about itself when it makes a report. */
export interface SwReportIdentity {
  readonly measurement: Uint8Array;
  readonly signer: Uint8Array;
  readonly productId: number;
  readonly svn: number;
  readonly debug: boolean;
}

/**
 * The enclave's `new_ereport`: a format-1 SW report binding `contents` (a fresh nonce, the
 * key-exchange key and the block-signer key) through report_data. Returns the encoded report,
 * which is what the authority signs over and what the enclave later compares byte for byte.
 */
export function makeReport(identity: SwReportIdentity, contents: SwReportDataContents): Uint8Array {
  checkContents(contents);
  exactLength("measurement", identity.measurement, MEASUREMENT_LENGTH);
  exactLength("signer", identity.signer, SIGNER_LENGTH);
  return encodeReport({
    format: SW_REPORT_FORMAT,
    mode: SW_MODE,
    measurement: identity.measurement,
    signer: identity.signer,
    productId: u16("product_id", identity.productId),
    svn: u16("svn", identity.svn),
    debug: identity.debug,
    reportData: reportDataFor(contents),
  });
}
