// Goal: readiness and liveness give each reason exactly when its condition holds, with time as an
// argument (the stall and evidence limits are boundaries: at the limit still ready, past it not).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ADMIN_LIMITS } from "./admin-limits.js";
import { liveness, type ReadinessInput, readiness } from "./health.js";

const NOW = 1_000_000_000;
const base: ReadinessInput = {
  nowMs: NOW,
  sync: "InSync",
  blockHeight: 10,
  networkBlockIndex: 9,
  pendingValues: 0,
  pendingSinceMs: undefined,
  lastProgressMs: NOW,
  quorum: { hasQuorum: true, members: [] },
  evidenceNotAfterMs: NOW + 24 * 3600_000,
  running: true,
};
const codes = (i: Partial<ReadinessInput>) =>
  readiness({ ...base, ...i }).reasons.map((r) => r.code);

describe("readiness reasons", () => {
  it("ready with nothing wrong", () => {
    assert.deepEqual(readiness(base), { ok: true, reasons: [] });
  });
  it("behind only when IsBehind (MaybeBehind is within the grace period)", () => {
    assert.deepEqual(codes({ sync: "IsBehind" }), ["NOT_IN_SYNC"]);
    assert.deepEqual(codes({ sync: "MaybeBehind" }), []);
  });
  it("no block while pending: past the limit since the later of pending-since and the last block", () => {
    const limit = ADMIN_LIMITS.noBlockWhilePendingMs;
    const stalled = {
      pendingValues: 3,
      pendingSinceMs: NOW - limit - 1,
      lastProgressMs: NOW - 10 * limit,
    };
    assert.deepEqual(codes(stalled), ["NO_BLOCK_WHILE_PENDING"]);
    assert.deepEqual(codes({ ...stalled, pendingSinceMs: NOW - limit }), []);
    assert.deepEqual(codes({ ...stalled, lastProgressMs: NOW - 1 }), [], "a block closed just now");
    assert.deepEqual(codes({ ...stalled, pendingValues: 0 }), []);
  });
  it("no quorum names the missing members", () => {
    const r = readiness({
      ...base,
      quorum: {
        hasQuorum: false,
        members: [
          { id: "a", state: "missing" },
          { id: "b", state: "agreeing" },
        ] as never,
      },
    });
    assert.deepEqual(
      r.reasons.map((x) => x.code),
      ["NO_QUORUM"],
    );
    assert.match(r.reasons[0]!.text, /missing: a$/);
  });
  it("attestation evidence: missing, or expiring within the margin", () => {
    const margin = ADMIN_LIMITS.evidenceMarginMs;
    assert.deepEqual(codes({ evidenceNotAfterMs: undefined }), ["ATTESTATION_MISSING"]);
    assert.deepEqual(codes({ evidenceNotAfterMs: NOW + margin - 1 }), ["ATTESTATION_EXPIRING"]);
    assert.deepEqual(codes({ evidenceNotAfterMs: NOW + margin }), []);
  });
  it("closing, and several reasons at once in a fixed order", () => {
    assert.deepEqual(codes({ running: false, sync: "IsBehind", evidenceNotAfterMs: undefined }), [
      "NODE_CLOSING",
      "NOT_IN_SYNC",
      "ATTESTATION_MISSING",
    ]);
  });
});

describe("liveness reasons", () => {
  it("the process and its enclave answer", () => {
    assert.deepEqual(liveness({ running: true, enclaveAnswers: true }), { ok: true, reasons: [] });
    assert.deepEqual(
      liveness({ running: false, enclaveAnswers: false }).reasons.map((r) => r.code),
      ["NODE_STOPPED", "ENCLAVE_NOT_ANSWERING"],
    );
  });
});
