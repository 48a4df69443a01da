// Goal: the SW evidence verifier enforces reference enclave-attest.md §9.3 in order, refusing each
// failure with its own code, and the formats mean what the proto file says (report data is
// SHA-256(nonce ‖ key ‖ custom identity) ‖ zeros; the authority signs "mc-ts-sw-attestation-v1" ‖
// the statement's received bytes; responses carry SW evidence under field 5, never DCAP's 4).
// Method: evidence is made the way a node makes it (fixtures.ts), then altered one property at a
// time; hashes and signatures are re-checked with node:crypto directly, not with the library.
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify } from "node:crypto";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  type AttestErrorCode,
  createDevAuthority,
  DEVELOPMENT_POLICY,
  decodeEvidence,
  decodeEvidenceResponse,
  decodeStatement,
  devRootPublicKey,
  encodeEvidence,
  encodeEvidenceResponse,
  encodeReport,
  enrolmentFor,
  evidenceRefreshAtMs,
  PRODUCTION_POLICY,
  type SignedStatement,
  SwEvidenceVerifier,
  signCertificate,
  signStatement,
  type TrustedIdentity,
  verifyOwnEvidence,
} from "../../src/enclave/attest/index.js";
import {
  DAY,
  ENROLLED,
  HOUR,
  MEASUREMENT_A,
  MEASUREMENT_B,
  makeEnclave,
  NOW,
  prodAuthority,
  prodAuthoritySigner,
  prodChain,
  prodRoot,
  SIGNER,
  seed,
  verifier,
} from "./fixtures.js";

function refusedWith(code: AttestErrorCode, run: () => unknown): void {
  assert.throws(run, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    return true;
  });
}

function ed25519PublicKey(raw: Uint8Array) {
  return createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") },
    format: "jwk",
  });
}

/** Re-sign a statement after changing its fields, with `signer`. */
function resign(
  signed: SignedStatement,
  change: (fields: ReturnType<typeof decodeStatement>) => Parameters<typeof signStatement>[1],
  signer: Ed25519Signer = prodAuthoritySigner,
): SignedStatement {
  return {
    ...signStatement(signer, change(decodeStatement(signed.statement))),
    chain: signed.chain,
  };
}

const at = (enclave: { staticPublic: Uint8Array }, nowMs = NOW) => ({
  remoteStaticKey: enclave.staticPublic,
  nowMs,
});

describe("SW evidence: formats", () => {
  it("report_data is SHA-256(nonce ‖ key ‖ custom identity) followed by 32 zero bytes", () => {
    const enclave = makeEnclave("A");
    const decoded = decodeEvidence(enclave.evidence);
    const { nonce, key, customIdentity } = enclave.contents;
    const hash = createHash("sha256").update(nonce).update(key).update(customIdentity).digest();
    assert.deepEqual(
      Buffer.from(decoded.statementFields.report.reportData),
      Buffer.concat([hash, Buffer.alloc(32)]),
    );
  });

  it("the authority signs the domain label followed by the statement's bytes, and the chain is root-signed", () => {
    const decoded = decodeEvidence(makeEnclave("A").evidence);
    const statementOk = verify(
      null,
      Buffer.concat([Buffer.from("mc-ts-sw-attestation-v1"), decoded.statement]),
      ed25519PublicKey(prodAuthoritySigner.publicKey),
      decoded.signature,
    );
    assert.ok(statementOk);
    const [certificate] = decoded.chain;
    assert.ok(certificate);
    const certificateOk = verify(
      null,
      Buffer.concat([Buffer.from("mc-ts-sw-authority-cert-v1"), certificate.body]),
      ed25519PublicKey(prodRoot.publicKey),
      certificate.signature,
    );
    assert.ok(certificateOk);
    const keyId = createHash("sha256").update(prodAuthoritySigner.publicKey).digest();
    assert.deepEqual(Buffer.from(decoded.statementFields.authorityKeyId), keyId);
  });

  it("a response payload has exactly one top-level field, number 5, holding the evidence bytes", () => {
    const evidence = makeEnclave("A").evidence;
    const wrapped = encodeEvidenceResponse(evidence);
    // Hand-parse: tag byte, varint length, then the bytes; nothing after.
    assert.equal(wrapped[0], (5 << 3) | 2);
    let offset = 1;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wrapped[offset++] as number;
      length |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    assert.equal(offset + length, wrapped.length);
    assert.deepEqual(wrapped.subarray(offset), evidence);
    assert.deepEqual(decodeEvidenceResponse(wrapped), evidence);
  });

  it("refuses DCAP (field 4) and EPID (fields 1-3) payloads in a response", () => {
    const evidence = makeEnclave("A").evidence;
    const asField = (field: number) =>
      new Uint8Array([
        (field << 3) | 2,
        (evidence.length & 0x7f) | 0x80,
        evidence.length >> 7,
        ...evidence,
      ]);
    for (const field of [1, 2, 3, 4]) {
      refusedWith("UNSUPPORTED_EVIDENCE_KIND", () => decodeEvidenceResponse(asField(field)));
    }
    // DCAP next to SW is refused too: a payload means one kind of evidence.
    const both = new Uint8Array([...asField(4), ...encodeEvidenceResponse(evidence)]);
    refusedWith("UNSUPPORTED_EVIDENCE_KIND", () => decodeEvidenceResponse(both));
    refusedWith("UNSUPPORTED_EVIDENCE_KIND", () => decodeEvidenceResponse(new Uint8Array(0)));
  });
});

describe("SW evidence: the verifier", () => {
  it("accepts production evidence for a trusted measurement, with its bound key", () => {
    const enclave = makeEnclave("A");
    const verified = verifier().verify(enclave.evidence, at(enclave));
    assert.deepEqual(verified.report.measurement, MEASUREMENT_A);
    assert.equal(verified.statement.nodeEnrollmentId, ENROLLED.spid);
    assert.equal(verified.dev, false);
    assert.deepEqual(verified.contents.key, enclave.staticPublic);
  });

  it("step 1: refuses bytes that are not SwEvidence, unknown fields, bad lengths and oversize", () => {
    const enclave = makeEnclave("A");
    refusedWith("EVIDENCE_MALFORMED", () =>
      verifier().verify(new Uint8Array([0xff, 0xff]), at(enclave)),
    );
    const extra = new Uint8Array([...enclave.evidence, 0x78, 0x01]); // field 15, varint 1
    refusedWith("EVIDENCE_MALFORMED", () => verifier().verify(extra, at(enclave)));
    const decoded = decodeEvidence(enclave.evidence);
    const shortNonce = encodeEvidence(decoded, { ...enclave.contents, nonce: seed("n", 15) });
    refusedWith("EVIDENCE_FIELD_INVALID", () => verifier().verify(shortNonce, at(enclave)));
    refusedWith("EVIDENCE_TOO_LARGE", () =>
      verifier().verify(new Uint8Array(16 * 1024 + 1), at(enclave)),
    );
  });

  it("step 2: refuses another report format or mode, and SW evidence when SW is not enabled", () => {
    const enclave = makeEnclave("A");
    const signed = decodeEvidence(enclave.evidence);
    const withReport = (change: Record<string, unknown>) => {
      const report = encodeReport({ ...signed.statementFields.report, ...change });
      const resigned = resign(signed, (f) => ({ ...f, reportBytes: report }));
      return encodeEvidence(resigned, enclave.contents);
    };
    refusedWith("UNSUPPORTED_REPORT_FORMAT", () =>
      verifier().verify(withReport({ format: 2 }), at(enclave)),
    );
    refusedWith("MODE_NOT_ALLOWED", () =>
      verifier().verify(withReport({ mode: "DCAP" }), at(enclave)),
    );
    const noSoftware = verifier({ policy: { ...PRODUCTION_POLICY, allowSoftwareEvidence: false } });
    refusedWith("MODE_NOT_ALLOWED", () => noSoftware.verify(enclave.evidence, at(enclave)));
  });

  it("step 2: development evidence is refused under the production policy, accepted under the development one", () => {
    const dev = makeEnclave("A", {
      authority: createDevAuthority({
        enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey)],
        allowedMeasurements: [MEASUREMENT_A],
      }),
    });
    refusedWith("DEV_EVIDENCE_REFUSED", () => verifier().verify(dev.evidence, at(dev)));
    const devVerifier = verifier({ policy: DEVELOPMENT_POLICY, root: devRootPublicKey() });
    assert.equal(devVerifier.verify(dev.evidence, at(dev)).dev, true);
    // A production policy cannot be configured with the published development root at all.
    refusedWith("AUTHORITY_CONFIG_INVALID", () => verifier({ root: devRootPublicKey() }));
  });

  it("step 2: a dev certificate makes the evidence dev even if the statement says otherwise", () => {
    const devCertified = signCertificate(prodRoot, {
      publicKey: prodAuthoritySigner.publicKey,
      subject: "dev-certified",
      notBeforeMs: 0,
      notAfterMs: NOW + DAY * 365,
      dev: true,
    });
    const enclave = makeEnclave("A", {
      tamper: (s) => ({ ...resign(s, (f) => ({ ...f, dev: false })), chain: [devCertified] }),
    });
    refusedWith("DEV_EVIDENCE_REFUSED", () => verifier().verify(enclave.evidence, at(enclave)));
  });

  it("step 2: a debug enclave is refused under the production policy only", () => {
    const enclave = makeEnclave("A", { debug: true });
    refusedWith("DEBUG_ENCLAVE_REFUSED", () => verifier().verify(enclave.evidence, at(enclave)));
    const lenient = verifier({ policy: { ...PRODUCTION_POLICY, allowDebugEnclave: true } });
    assert.equal(lenient.verify(enclave.evidence, at(enclave)).report.debug, true);
  });

  it("step 3: refuses a forged authority signature and a tampered statement", () => {
    const forger = Ed25519Signer.fromSeed(seed("forger"));
    const forged = makeEnclave("A", { tamper: (s) => resign(s, (f) => f, forger) });
    refusedWith("AUTHORITY_SIGNATURE_INVALID", () =>
      verifier().verify(forged.evidence, at(forged)),
    );
    const longer = makeEnclave("A", {
      tamper: (s) => ({ ...s, statement: decodeAndChange(s, NOW + 365 * DAY) }),
    });
    refusedWith("AUTHORITY_SIGNATURE_INVALID", () =>
      verifier().verify(longer.evidence, at(longer)),
    );
  });

  it("step 3: refuses a chain that does not start at the configured root, and an empty chain", () => {
    const enclave = makeEnclave("A");
    const otherRoot = Ed25519Signer.fromSeed(seed("other root")).publicKey;
    refusedWith("AUTHORITY_CHAIN_INVALID", () =>
      verifier({ root: otherRoot }).verify(enclave.evidence, at(enclave)),
    );
    const chainless = makeEnclave("A", { tamper: (s) => ({ ...s, chain: [] }) });
    refusedWith("AUTHORITY_CHAIN_INVALID", () =>
      verifier().verify(chainless.evidence, at(chainless)),
    );
  });

  it("step 3: refuses a statement naming another authority key than the chain certifies", () => {
    const second = Ed25519Signer.fromSeed(seed("second authority"));
    const secondChain = [
      signCertificate(prodRoot, {
        publicKey: second.publicKey,
        subject: "second",
        notBeforeMs: 0,
        notAfterMs: NOW + DAY,
        dev: false,
      }),
    ];
    // Signed by the first authority, presented with the second authority's (valid) chain.
    const swapped = makeEnclave("A", { tamper: (s) => ({ ...s, chain: secondChain }) });
    refusedWith("AUTHORITY_KEY_MISMATCH", () => verifier().verify(swapped.evidence, at(swapped)));
  });

  it("step 4: refuses an expired statement, one issued in the future, and an expired certificate", () => {
    const enclave = makeEnclave("A");
    const { notAfterMs } = decodeEvidence(enclave.evidence).statementFields;
    assert.ok(verifier().verify(enclave.evidence, at(enclave, notAfterMs)));
    refusedWith("STATEMENT_EXPIRED", () =>
      verifier().verify(enclave.evidence, at(enclave, notAfterMs + 1)),
    );
    const early = makeEnclave("A", { issuedAtMs: NOW + HOUR });
    refusedWith("STATEMENT_NOT_YET_VALID", () => verifier().verify(early.evidence, at(early)));
    // A certificate that ends before the statement does: the certificate's end counts.
    const shortCertificate = signCertificate(prodRoot, {
      publicKey: prodAuthoritySigner.publicKey,
      subject: "short-lived",
      notBeforeMs: 0,
      notAfterMs: NOW,
      dev: false,
    });
    const shortChain = makeEnclave("A", { tamper: (s) => ({ ...s, chain: [shortCertificate] }) });
    assert.ok(verifier().verify(shortChain.evidence, at(shortChain, NOW)));
    assert.throws(
      () => verifier().verify(shortChain.evidence, at(shortChain, NOW + 1)),
      (error: { code?: string; payload?: { what?: string } }) =>
        error.code === "STATEMENT_EXPIRED" && error.payload?.what === "certificate 0",
    );
  });

  it("step 5: refuses report-data contents that are not the report's preimage", () => {
    const enclave = makeEnclave("A");
    const decoded = decodeEvidence(enclave.evidence);
    const otherNonce = encodeEvidence(decoded, {
      ...enclave.contents,
      nonce: seed("other nonce", 16),
    });
    refusedWith("REPORT_DATA_MISMATCH", () => verifier().verify(otherNonce, at(enclave)));
  });

  it("step 6: refuses evidence whose key is not the handshake's static key", () => {
    const enclave = makeEnclave("A");
    const impostor = makeEnclave("impostor");
    refusedWith("STATIC_KEY_NOT_BOUND", () => verifier().verify(enclave.evidence, at(impostor)));
  });

  it("step 7: refuses a measurement that is not trusted", () => {
    const enclave = makeEnclave("B", { measurement: MEASUREMENT_B });
    refusedWith("UNTRUSTED_MEASUREMENT", () => verifier().verify(enclave.evidence, at(enclave)));
  });

  it("step 7: signer identities need the product id and at least the minimum SVN", () => {
    const bySigner = (minimumSvn: number, productId = 1): TrustedIdentity[] => [
      {
        kind: "signer",
        mode: "SW",
        signer: SIGNER,
        productId,
        minimumSvn,
        mitigatedConfigAdvisories: [],
        mitigatedHardeningAdvisories: [],
      },
    ];
    const enclave = makeEnclave("B", { measurement: MEASUREMENT_B, svn: 10 });
    assert.ok(verifier({ identities: bySigner(10) }).verify(enclave.evidence, at(enclave)));
    refusedWith("UNTRUSTED_MEASUREMENT", () =>
      verifier({ identities: bySigner(11) }).verify(enclave.evidence, at(enclave)),
    );
    refusedWith("UNTRUSTED_MEASUREMENT", () =>
      verifier({ identities: bySigner(1, 2) }).verify(enclave.evidence, at(enclave)),
    );
    const hardware: TrustedIdentity[] = [{ ...(bySigner(1)[0] as TrustedIdentity), mode: "DCAP" }];
    refusedWith("UNTRUSTED_MEASUREMENT", () =>
      verifier({ identities: hardware }).verify(enclave.evidence, at(enclave)),
    );
  });

  it("runs the steps in order: the earliest failing step names the refusal", () => {
    const expiredAndUntrusted = makeEnclave("B", { measurement: MEASUREMENT_B });
    const late = NOW + 3 * DAY;
    refusedWith("STATEMENT_EXPIRED", () =>
      verifier().verify(expiredAndUntrusted.evidence, at(expiredAndUntrusted, late)),
    );
    const forger = Ed25519Signer.fromSeed(seed("forger"));
    const debugAndForged = makeEnclave("A", {
      debug: true,
      tamper: (s) => resign(s, (f) => f, forger),
    });
    refusedWith("DEBUG_ENCLAVE_REFUSED", () =>
      verifier().verify(debugAndForged.evidence, at(debugAndForged)),
    );
    const impostor = makeEnclave("impostor");
    refusedWith("STATIC_KEY_NOT_BOUND", () =>
      verifier().verify(expiredAndUntrusted.evidence, at(impostor)),
    );
  });

  it("the enclave installs only evidence about its own report", () => {
    const enclave = makeEnclave("A");
    const config = { policy: PRODUCTION_POLICY, rootPublicKey: prodRoot.publicKey };
    assert.ok(verifyOwnEvidence(enclave.evidence, enclave, config, NOW));
    const other = makeEnclave("A2");
    refusedWith("STATIC_KEY_NOT_BOUND", () =>
      verifyOwnEvidence(other.evidence, enclave, config, NOW),
    );
    // The statement is about a report that differs from the one the enclave made (SVN 11).
    const ownReport = decodeEvidence(enclave.evidence).statementFields.report;
    const changed = { ...enclave, report: encodeReport({ ...ownReport, svn: 11 }) };
    refusedWith("REPORT_DATA_MISMATCH", () =>
      verifyOwnEvidence(enclave.evidence, changed, config, NOW),
    );
  });

  it("evidence is renewed after 18 hours, or half-way through a shorter validity", () => {
    const statement = decodeEvidence(makeEnclave("A").evidence).statementFields;
    assert.equal(statement.notAfterMs - statement.issuedAtMs, 48 * HOUR);
    assert.equal(evidenceRefreshAtMs(statement), statement.issuedAtMs + 18 * HOUR);
    const short = { ...statement, notAfterMs: statement.issuedAtMs + 10 * HOUR };
    assert.equal(evidenceRefreshAtMs(short), statement.issuedAtMs + 5 * HOUR);
  });

  it("a verifier needs at least one identity", () => {
    refusedWith(
      "NO_TRUSTED_IDENTITIES",
      () =>
        new SwEvidenceVerifier({
          policy: PRODUCTION_POLICY,
          rootPublicKey: prodRoot.publicKey,
          identities: [],
        }),
    );
  });
});

/** The statement's bytes with not_after changed, not re-signed. */
function decodeAndChange(signed: SignedStatement, notAfterMs: number): Uint8Array {
  return signStatement(prodAuthoritySigner, { ...decodeStatement(signed.statement), notAfterMs })
    .statement;
}

void prodChain;
void prodAuthority;
