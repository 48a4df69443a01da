// Shared fixtures for the software-attestation tests: a production root and authority, enclaves
// with their keys, and evidence made the way a node makes it (report → authority → SwEvidence).
// Keys come from labelled seeds so every run is the same.
import { createHash } from "node:crypto";
import { Ed25519Signer, X25519KeyPair } from "../../src/crypto/index.js";
import {
  AttestationAuthority,
  type AttestationPolicy,
  encodeEvidence,
  enrolmentFor,
  makeReport,
  PRODUCTION_POLICY,
  peerIdentity,
  type SignedStatement,
  SwEvidenceVerifier,
  type SwReportDataContents,
  signCertificate,
  type TrustedIdentity,
} from "../../src/enclave/attest/index.js";

/** 2026-01-01T00:00:00Z: the fixed "now" of these tests. */
export const NOW = Date.UTC(2026, 0, 1);
export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

export function seed(label: string, length = 32): Uint8Array {
  return new Uint8Array(createHash("sha256").update(label).digest()).slice(0, length);
}

export const MEASUREMENT_A = seed("measurement A");
export const MEASUREMENT_B = seed("measurement B");
export const SIGNER = seed("release signer");
export const CONFIG_DIGEST = seed("blockchain config");

export const prodRoot = Ed25519Signer.fromSeed(seed("production root"));
export const prodAuthoritySigner = Ed25519Signer.fromSeed(seed("production authority"));
export const prodChain = [
  signCertificate(prodRoot, {
    publicKey: prodAuthoritySigner.publicKey,
    subject: "test authority",
    notBeforeMs: NOW - 30 * DAY,
    notAfterMs: NOW + 365 * DAY,
    dev: false,
  }),
];

export const ENROLLED = { spid: "node-a-spid", apiKey: "node-a-api-key" };

export function prodAuthority(
  allowed: readonly Uint8Array[] = [MEASUREMENT_A],
): AttestationAuthority {
  return new AttestationAuthority({
    signer: prodAuthoritySigner,
    chain: prodChain,
    enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey), enrolmentFor("other", "other-key")],
    allowedMeasurements: allowed,
  });
}

export interface TestEnclave {
  readonly staticSecret: Uint8Array;
  readonly staticPublic: Uint8Array;
  readonly contents: SwReportDataContents;
  readonly report: Uint8Array;
  readonly evidence: Uint8Array;
}

export interface EnclaveOptions {
  measurement?: Uint8Array;
  debug?: boolean;
  svn?: number;
  productId?: number;
  authority?: AttestationAuthority;
  issuedAtMs?: number;
  /** Bind this key in the evidence instead of the enclave's own static key. */
  boundKey?: Uint8Array;
  /** Post-process the signed statement (to forge or tamper). */
  tamper?: (signed: SignedStatement) => SignedStatement;
}

export function makeEnclave(label: string, options: EnclaveOptions = {}): TestEnclave {
  const staticSecret = seed(`${label} static`);
  const staticPublic = new X25519KeyPair(staticSecret).publicKey;
  const contents = {
    nonce: seed(`${label} nonce`, 16),
    key: options.boundKey ?? staticPublic,
    customIdentity: Ed25519Signer.fromSeed(seed(`${label} block key`)).publicKey,
  };
  const report = makeReport(
    {
      measurement: options.measurement ?? MEASUREMENT_A,
      signer: SIGNER,
      productId: options.productId ?? 1,
      svn: options.svn ?? 10,
      debug: options.debug ?? false,
    },
    contents,
  );
  const authority = options.authority ?? prodAuthority([options.measurement ?? MEASUREMENT_A]);
  let signed = authority.issue({ report, ...ENROLLED }, options.issuedAtMs ?? NOW - HOUR);
  if (options.tamper) signed = options.tamper(signed);
  return {
    staticSecret,
    staticPublic,
    contents,
    report,
    evidence: encodeEvidence(signed, contents),
  };
}

export function verifier(
  options: {
    policy?: AttestationPolicy;
    identities?: readonly TrustedIdentity[];
    root?: Uint8Array;
  } = {},
): SwEvidenceVerifier {
  return new SwEvidenceVerifier({
    policy: options.policy ?? PRODUCTION_POLICY,
    rootPublicKey: options.root ?? prodRoot.publicKey,
    identities: options.identities ?? [peerIdentity(MEASUREMENT_A)],
  });
}
