// Goal: trusted identities parse from MobileCoin's attest/verifier/config JSON shape plus our `mode`
// field, strictly; authorities sign only for enrolled nodes and allow-listed measurements; the
// development authority's keys are the published derivation and its evidence always says dev.
// Method: documents in MobileCoin's README shape (with mode added) and one broken property at a
// time; the development key is re-derived here with node:crypto from the published label.
import assert from "node:assert/strict";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, it } from "node:test";
import {
  type AttestErrorCode,
  createDevAuthority,
  DEV_AUTHORITY_SEED_LABEL,
  DEV_ROOT_SEED_LABEL,
  decodeEvidence,
  decodeStatement,
  devAuthoritySigner,
  devRootPublicKey,
  encodeCertificate,
  enrolmentFor,
  makeReport,
  parseAllowListFile,
  parseChainFile,
  parseEnrolmentFile,
  parseKeyFile,
  parseTrustedIdentitySet,
  trustedIdentitiesFor,
} from "../../src/enclave/attest/index.js";
import {
  ENROLLED,
  HOUR,
  MEASUREMENT_A,
  MEASUREMENT_B,
  makeEnclave,
  NOW,
  prodAuthority,
  prodChain,
  SIGNER,
  seed,
} from "./fixtures.js";

function refusedWith(code: AttestErrorCode, run: () => unknown): void {
  assert.throws(run, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    return true;
  });
}

const M1 = "207c9705bf640fdb960034595433ee1ff914f9154fbe4bc7fc8a97e912961e5c";
const S1 = "2c1a561c4ab64cbc04bfa445cdf7bed9b2ad6f6b04d38d3137f3622b29fdb30e";

// MobileCoin's attest/verifier/config test data (MRENCLAVE and MRSIGNER entries), plus `mode`.
const DOCUMENT = JSON.stringify({
  v3: {
    consensus: {
      mode: "SW",
      MRENCLAVE: M1,
      mitigated_config_advisories: ["FOO"],
      mitigated_hardening_advisories: ["INTEL-SA-00334", "INTEL-SA-00615"],
    },
    "fog-ingest": { mode: "SW", MRSIGNER: S1, product_id: 1, minimum_svn: 4 },
  },
  v4: {
    consensus: { mode: "DCAP", MRENCLAVE: M1 },
    "fog-view": { mode: "SW", MRSIGNER: S1, product_id: 3, minimum_svn: 4 },
  },
});

describe("trusted identities JSON", () => {
  it("parses MobileCoin's shape with a mode, across releases, and filters by mode", () => {
    const set = parseTrustedIdentitySet(DOCUMENT);
    const consensus = trustedIdentitiesFor(set, "consensus");
    assert.equal(consensus.length, 1);
    const [entry] = consensus;
    assert.ok(entry?.kind === "measurement");
    assert.equal(Buffer.from(entry.measurement).toString("hex"), M1);
    assert.deepEqual(entry.mitigatedHardeningAdvisories, ["INTEL-SA-00334", "INTEL-SA-00615"]);
    assert.deepEqual(entry.mitigatedConfigAdvisories, ["FOO"]);
    assert.equal(trustedIdentitiesFor(set, "consensus", "DCAP").length, 1);
    const [view] = trustedIdentitiesFor(set, "fog-view");
    assert.ok(view?.kind === "signer");
    assert.equal(view.productId, 3);
    assert.equal(view.minimumSvn, 4);
    refusedWith("NO_TRUSTED_IDENTITIES", () => trustedIdentitiesFor(set, "impostor"));
  });

  it("refuses what MobileCoin's schema refuses, and a missing or unknown mode", () => {
    const one = (identity: unknown) => JSON.stringify({ v0: { consensus: identity } });
    const cases: [string, unknown][] = [
      ["short hex", { mode: "SW", MRENCLAVE: "8c80a2b95a549fa8d928d" }],
      ["long hex", { mode: "SW", MRENCLAVE: `${M1}99` }],
      ["misspelled key", { mode: "SW", MRENCLAV: M1 }],
      ["misspelled advisories", { mode: "SW", MRENCLAVE: M1, mitigated_hardening_advisorees: [] }],
      ["MRSIGNER without product id", { mode: "SW", MRSIGNER: S1, minimum_svn: 3 }],
      ["MRSIGNER without minimum svn", { mode: "SW", MRSIGNER: S1, product_id: 1 }],
      ["both kinds", { mode: "SW", MRENCLAVE: M1, MRSIGNER: S1, product_id: 1, minimum_svn: 1 }],
      ["product id out of u16", { mode: "SW", MRSIGNER: S1, product_id: 65536, minimum_svn: 1 }],
      ["fractional svn", { mode: "SW", MRSIGNER: S1, product_id: 1, minimum_svn: 1.5 }],
      ["advisories not strings", { mode: "SW", MRENCLAVE: M1, mitigated_config_advisories: [1] }],
      ["missing mode", { MRENCLAVE: M1 }],
      ["unknown mode", { mode: "HW", MRENCLAVE: M1 }],
      ["not an object", [M1]],
    ];
    for (const [name, identity] of cases) {
      assert.throws(
        () => parseTrustedIdentitySet(one(identity)),
        (e: { code?: string }) => e.code === "TRUSTED_IDENTITIES_INVALID",
        name,
      );
    }
    assert.ok(
      parseTrustedIdentitySet(one({ mode: "SW", MRSIGNER: S1, product_id: 1, minimum_svn: 3 })),
    );
    refusedWith("TRUSTED_IDENTITIES_INVALID", () => parseTrustedIdentitySet("{"));
    refusedWith("TRUSTED_IDENTITIES_INVALID", () => parseTrustedIdentitySet("[]"));
    refusedWith("TRUSTED_IDENTITIES_INVALID", () =>
      parseTrustedIdentitySet(JSON.stringify({ v0: 1 })),
    );
  });
});

describe("attestation authorities", () => {
  const contents = { nonce: seed("n", 16), key: seed("k"), customIdentity: seed("c") };
  const reportFor = (measurement: Uint8Array) =>
    makeReport({ measurement, signer: SIGNER, productId: 1, svn: 10, debug: false }, contents);

  it("signs for an enrolled node and an allowed measurement, dated by the caller's clock", () => {
    const signed = prodAuthority().issue({ report: reportFor(MEASUREMENT_A), ...ENROLLED }, NOW);
    const statement = decodeStatement(signed.statement);
    assert.equal(statement.issuedAtMs, NOW);
    assert.equal(statement.notAfterMs, NOW + 48 * HOUR);
    assert.equal(statement.nodeEnrollmentId, ENROLLED.spid);
    assert.equal(statement.dev, false);
    assert.deepEqual(statement.reportBytes, reportFor(MEASUREMENT_A));
    assert.deepEqual(signed.chain, prodChain);
  });

  it("refuses an unknown SPID, a wrong API key and a measurement off the allow-list", () => {
    const report = reportFor(MEASUREMENT_A);
    refusedWith("NODE_NOT_ENROLLED", () =>
      prodAuthority().issue({ report, spid: "nobody", apiKey: ENROLLED.apiKey }, NOW),
    );
    refusedWith("NODE_NOT_ENROLLED", () =>
      prodAuthority().issue({ report, spid: ENROLLED.spid, apiKey: "other-key" }, NOW),
    );
    refusedWith("MEASUREMENT_NOT_ALLOWED", () =>
      prodAuthority().issue({ report: reportFor(MEASUREMENT_B), ...ENROLLED }, NOW),
    );
    refusedWith("EVIDENCE_MALFORMED", () =>
      prodAuthority().issue({ report: new Uint8Array([0xff]), ...ENROLLED }, NOW),
    );
  });

  it("never dates a statement past its own certificate", () => {
    const late = NOW + 365 * 24 * HOUR - HOUR; // the fixture certificate ends at NOW + 365 days
    const signed = prodAuthority().issue({ report: reportFor(MEASUREMENT_A), ...ENROLLED }, late);
    assert.equal(decodeStatement(signed.statement).notAfterMs, NOW + 365 * 24 * HOUR);
  });

  it("the development keys are the first 32 bytes of SHA-512 of the published labels", () => {
    const publicOf = (label: string) => {
      const seedBytes = createHash("sha512").update(label).digest().subarray(0, 32);
      const der = Buffer.concat([
        Buffer.from("302e020100300506032b657004220420", "hex"),
        seedBytes,
      ]);
      const spki = createPublicKey(
        createPrivateKey({ key: der, format: "der", type: "pkcs8" }),
      ).export({ format: "der", type: "spki" });
      return new Uint8Array(spki.subarray(spki.length - 32));
    };
    assert.deepEqual(devRootPublicKey(), publicOf(DEV_ROOT_SEED_LABEL));
    assert.deepEqual(devAuthoritySigner().publicKey, publicOf(DEV_AUTHORITY_SEED_LABEL));
  });

  it("the development authority follows the same enrolment and allow-list rules and always says dev", () => {
    const dev = createDevAuthority({
      enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey)],
      allowedMeasurements: [MEASUREMENT_A],
    });
    const enclave = makeEnclave("A", { authority: dev });
    const decoded = decodeEvidence(enclave.evidence);
    assert.equal(decoded.statementFields.dev, true);
    assert.ok(decoded.certificates.every((c) => c.dev));
    refusedWith("NODE_NOT_ENROLLED", () =>
      dev.issue({ report: enclave.report, spid: "x", apiKey: "y" }, NOW),
    );
    refusedWith("MEASUREMENT_NOT_ALLOWED", () =>
      dev.issue({ report: reportFor(MEASUREMENT_B), ...ENROLLED }, NOW),
    );
  });
});

describe("authority configuration files", () => {
  it("parses enrolment, allow-list, chain and key files, skipping comments and blank lines", () => {
    const hash = createHash("sha256").update(ENROLLED.apiKey).digest("hex");
    const enrolled = parseEnrolmentFile(
      `# nodes\n\n${ENROLLED.spid} ${hash}\nother ${"ab".repeat(32)}\n`,
    );
    assert.equal(enrolled.length, 2);
    assert.deepEqual(
      enrolled[0]?.apiKeySha256,
      enrolmentFor(ENROLLED.spid, ENROLLED.apiKey).apiKeySha256,
    );
    const allowed = parseAllowListFile(`${Buffer.from(MEASUREMENT_A).toString("hex")}\n# end\n`);
    assert.deepEqual(allowed, [MEASUREMENT_A]);
    const chainText = prodChain
      .map((c) => Buffer.from(encodeCertificate(c)).toString("base64"))
      .join("\n");
    assert.deepEqual(parseChainFile(chainText), prodChain);
    const key = devAuthoritySigner().pkcs8Base64();
    assert.deepEqual(
      parseKeyFile(`-----BEGIN PRIVATE KEY-----\n${key}\n-----END PRIVATE KEY-----\n`).publicKey,
      devAuthoritySigner().publicKey,
    );
  });

  it("refuses bad lines with the file and line number", () => {
    const refusedAt = (line: number, run: () => unknown) =>
      assert.throws(
        run,
        (e: { code?: string; payload?: { line?: number } }) =>
          e.code === "AUTHORITY_CONFIG_INVALID" && e.payload?.line === line,
      );
    refusedAt(2, () => parseEnrolmentFile(`a ${"00".repeat(32)}\nb nothex\n`));
    refusedAt(2, () => parseEnrolmentFile(`a ${"00".repeat(32)}\na ${"11".repeat(32)}\n`));
    refusedAt(1, () => parseEnrolmentFile("only-a-spid\n"));
    refusedAt(3, () => parseAllowListFile(`# x\n${"00".repeat(32)}\n${"00".repeat(31)}\n`));
    refusedAt(1, () => parseChainFile("!!!not base64!!!\n"));
    refusedAt(0, () => parseChainFile("# empty\n"));
    refusedWith("AUTHORITY_CONFIG_INVALID", () => parseKeyFile("bm90IGEga2V5"));
  });
});
