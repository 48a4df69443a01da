// Goal: the software enclave's state machine: nothing before enclave_init, init exactly once,
// keys from injected randomness, the block key surviving a restart through its sealed blob (and
// refused with another secret or measurement), report data binding nonce and both keys, a bound
// of 64 pending reports, config checks, and an honest NOT_SUPPORTED_YET for unwired calls.
// Method: drive SoftwareEnclave directly with seeded randomness; expected report data is
// computed here with node:crypto, not by the code under test.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { SeededRandom } from "../../util/index.js";
import { CALL_NAMES, type EnclaveCall, type EnclaveOutcome } from "../api.js";
import { decodeReport } from "../attest/formats.js";
import { devEnclaveSigningKey } from "../bundle/dev-key.js";
import { NOT_YET_WIRED, SAMPLE_CONFIG, sampleCall, sampleInit } from "../codec/sample-calls.js";
import { BAKED_CONSTANTS } from "./constants.js";
import { SoftwareEnclave } from "./enclave.js";

const SECRET = new SeededRandom("secret").bytes(32);
const MEASUREMENT = new SeededRandom("measurement").bytes(32);
/** The virtual time every call is handled at (only evidence checks read it). */
const NOW = 1_800_000_000_000;

function enclave(seed: string, secret = SECRET, measurement = MEASUREMENT): SoftwareEnclave {
  return new SoftwareEnclave({ random: new SeededRandom(seed), sealSecret: secret, measurement });
}

function ok<T extends EnclaveOutcome>(outcome: T): Extract<T, { ok: true }>["value"] {
  if (!outcome.ok) assert.fail(`refused: ${outcome.code}`);
  return outcome.value as Extract<T, { ok: true }>["value"];
}

function code(outcome: EnclaveOutcome): string {
  return outcome.ok ? "ok" : outcome.code;
}

function initFresh(e: SoftwareEnclave): Uint8Array {
  const reply = ok(e.handle(sampleInit(undefined), NOW));
  assert.equal(reply.call, "enclave_init");
  return reply.call === "enclave_init" ? reply.sealedBlockSigningKey : new Uint8Array();
}

function signerOf(e: SoftwareEnclave): Uint8Array {
  const v = ok(e.handle({ call: "get_signer" }, NOW));
  return v.call === "get_signer" ? v.signerPublicKey : assert.fail("wrong reply");
}

describe("software enclave", () => {
  it("refuses every call before enclave_init", () => {
    const e = enclave("order");
    const r = new SeededRandom("calls");
    for (const name of CALL_NAMES) {
      if (name === "enclave_init") continue;
      assert.equal(code(e.handle(sampleCall(name, r), NOW)), "NOT_INITIALIZED", name);
    }
  });

  it("accepts enclave_init once and refuses the second", () => {
    const e = enclave("once");
    initFresh(e);
    assert.equal(code(e.handle(sampleInit(undefined), NOW)), "ALREADY_INITIALIZED");
  });

  it("draws its kex identity from the injected randomness: fresh per start", () => {
    const identity = (seed: string) => {
      const e = enclave(seed);
      initFresh(e);
      const v = ok(e.handle({ call: "get_identity" }, NOW));
      return v.call === "get_identity" ? v.kexPublicKey : assert.fail();
    };
    assert.deepEqual(identity("a"), identity("a"));
    assert.notDeepEqual(identity("a"), identity("b"));
  });

  it("keeps its block key across a restart through the sealed blob", () => {
    const first = enclave("start-1");
    const blob = initFresh(first);
    const second = enclave("start-2");
    const blob2 = ok(second.handle(sampleInit(blob), NOW));
    assert.deepEqual(signerOf(second), signerOf(first));
    // A fresh seal each time (new key id), of the same key.
    assert.equal(blob2.call, "enclave_init");
    if (blob2.call === "enclave_init") assert.notDeepEqual(blob2.sealedBlockSigningKey, blob);
    const third = enclave("start-3");
    assert.notDeepEqual(signerOf(initAndReturn(third)), signerOf(first));
  });

  it("refuses a sealed key under another seal secret or measurement, and stays uninitialized", () => {
    const blob = initFresh(enclave("seal"));
    const wrongSecret = enclave("w", new SeededRandom("other-secret").bytes(32));
    assert.equal(code(wrongSecret.handle(sampleInit(blob), NOW)), "UNSEAL_FAILED");
    assert.equal(code(wrongSecret.handle({ call: "get_signer" }, NOW)), "NOT_INITIALIZED");
    const upgraded = enclave("m", SECRET, new SeededRandom("other-measurement").bytes(32));
    assert.equal(code(upgraded.handle(sampleInit(blob), NOW)), "UNSEAL_FAILED");
    assert.equal(
      code(enclave("x").handle(sampleInit(blob.subarray(0, 50)), NOW)),
      "INVALID_SEALED_KEY",
    );
  });

  it("answers the getters from config and baked-in constants", () => {
    const e = enclave("getters");
    initFresh(e);
    assert.deepEqual(ok(e.handle({ call: "get_minimum_fee", tokenId: 1n }, NOW)), {
      call: "get_minimum_fee",
      minimumFee: 1024n,
    });
    assert.deepEqual(ok(e.handle({ call: "get_minimum_fee", tokenId: 2n }, NOW)), {
      call: "get_minimum_fee",
      minimumFee: undefined,
    });
    assert.deepEqual(ok(e.handle({ call: "get_fee_recipient" }, NOW)), {
      call: "get_fee_recipient",
      spendPublicKey: BAKED_CONSTANTS.feeSpendPublicKey,
      viewPublicKey: BAKED_CONSTANTS.feeViewPublicKey,
    });
    assert.deepEqual(ok(e.handle({ call: "get_minting_trust_root" }, NOW)), {
      call: "get_minting_trust_root",
      publicKey: BAKED_CONSTANTS.mintingTrustRoot,
    });
  });

  it("binds nonce, kex key and block signer in the report data", () => {
    const e = enclave("report");
    initFresh(e);
    const identity = ok(e.handle({ call: "get_identity" }, NOW));
    const report = ok(e.handle({ call: "new_report" }, NOW));
    assert.equal(report.call, "new_report");
    if (report.call !== "new_report" || identity.call !== "get_identity") return;
    assert.deepEqual(report.contents.key, identity.kexPublicKey);
    assert.deepEqual(report.contents.customIdentity, signerOf(e));
    assert.equal(report.contents.nonce.length, 16);
    const h = createHash("sha256")
      .update(report.contents.nonce)
      .update(report.contents.key)
      .update(report.contents.customIdentity)
      .digest();
    const decoded = decodeReport(report.report);
    assert.deepEqual(decoded.reportData, new Uint8Array([...h, ...new Uint8Array(32)]));
    assert.deepEqual(decoded.measurement, MEASUREMENT);
    // The default signature is the published development key's: a debug enclave.
    assert.equal(decoded.debug, true);
    assert.deepEqual(
      decoded.signer,
      new Uint8Array(createHash("sha256").update(devEnclaveSigningKey().publicKey).digest()),
    );
    assert.equal(decoded.productId, BAKED_CONSTANTS.productId);
    assert.equal(decoded.svn, BAKED_CONSTANTS.svn);
    const again = ok(e.handle({ call: "new_report" }, NOW));
    if (again.call === "new_report")
      assert.notDeepEqual(again.contents.nonce, report.contents.nonce);
  });

  it("keeps at most 64 pending reports", () => {
    const e = enclave("lru");
    initFresh(e);
    for (let i = 0; i < 100; i++) ok(e.handle({ call: "new_report" }, NOW));
    assert.equal(e.pendingReports(), 64);
  });

  it("refuses bad configs and responder ids", () => {
    const bad: [string, EnclaveCall][] = [
      [
        "no MOB",
        {
          ...sampleInit(undefined),
          config: { ...SAMPLE_CONFIG, feeMap: [{ tokenId: 1n, minimumFee: 1024n }] },
        },
      ],
      [
        "fee not a multiple of 128",
        {
          ...sampleInit(undefined),
          config: { ...SAMPLE_CONFIG, feeMap: [{ tokenId: 0n, minimumFee: 1000n }] },
        },
      ],
      [
        "duplicate token",
        {
          ...sampleInit(undefined),
          config: {
            ...SAMPLE_CONFIG,
            feeMap: [...SAMPLE_CONFIG.feeMap, { tokenId: 1n, minimumFee: 2048n }],
          },
        },
      ],
      [
        "unknown block version",
        { ...sampleInit(undefined), config: { ...SAMPLE_CONFIG, blockVersion: 99 } },
      ],
    ];
    for (const [what, call] of bad)
      assert.equal(code(enclave(what).handle(call, NOW)), "INVALID_CONFIG", what);
    const governors = {
      ...sampleInit(undefined),
      config: { ...SAMPLE_CONFIG, governors: new Uint8Array(3) },
    };
    assert.equal(code(enclave("g").handle(governors, NOW)), "NOT_SUPPORTED_YET");
    assert.equal(
      code(enclave("r").handle({ ...sampleInit(undefined), peerResponderId: "no-port" }, NOW)),
      "INVALID_ARGUMENT",
    );
  });

  it("answers NOT_SUPPORTED_YET for the calls still to be wired, and no evidence before install", () => {
    const e = enclave("later");
    initFresh(e);
    const r = new SeededRandom("later-calls");
    for (const name of NOT_YET_WIRED) {
      assert.equal(code(e.handle(sampleCall(name, r), NOW)), "NOT_SUPPORTED_YET", name);
    }
    assert.equal(code(e.handle({ call: "get_evidence" }, NOW)), "EVIDENCE_NOT_INSTALLED");
    // No handshake is served, and none is started, before evidence is installed.
    for (const name of ["client_accept", "peer_accept", "peer_init"] as const) {
      assert.equal(code(e.handle(sampleCall(name, r), NOW)), "EVIDENCE_NOT_INSTALLED", name);
    }
  });
});

function initAndReturn(e: SoftwareEnclave): SoftwareEnclave {
  initFresh(e);
  return e;
}
