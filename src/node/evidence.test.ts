// Goal: the host's evidence lifecycle: the first step installs evidence at once, nothing happens
// before the refresh time, a step at the refresh time installs new evidence (before the old one
// expires), and failures are retried after 1 s, 2 s, 4 s… (capped) without dropping evidence
// that is installed. IAS_MODE=DEV signs only for this node's credentials and measurement;
// IAS_MODE=PROD needs an authority URL.
// Method: an in-process enclave host on a virtual clock; the refresh time expected is computed
// here from the reference rule (18 h, or half the validity if shorter), not by the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SAMPLE_CONFIG } from "../enclave/codec/sample-calls.js";
import {
  callOk,
  decodeEvidence,
  InProcessEnclaveHost,
  type SignedStatement,
} from "../enclave/index.js";
import { SeededRandom, toHex } from "../util/index.js";
import { EvidenceRefresher, type StatementSource, statementSource } from "./evidence.js";

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const SPID = "00112233445566778899aabbccddeeff";
const API_KEY = "evidence test key";

async function initialisedHost(
  clock: { now: number },
  label: string,
): Promise<InProcessEnclaveHost> {
  const random = new SeededRandom(label);
  const host = new InProcessEnclaveHost({
    random,
    sealSecret: random.bytes(32),
    measurement: new SeededRandom(`${label}/m`).bytes(32),
    nowMs: () => clock.now,
  });
  await callOk(host, {
    call: "enclave_init",
    peerResponderId: "n.test:8443",
    clientResponderId: "n.test:3223",
    sealedBlockSigningKey: undefined,
    config: SAMPLE_CONFIG,
  });
  return host;
}

async function installedNonce(host: InProcessEnclaveHost): Promise<string> {
  const { evidence } = await callOk(host, { call: "get_evidence" });
  return toHex(decodeEvidence(evidence).contents.nonce);
}

describe("evidence refresher", () => {
  it("installs at once, refreshes at 18 h (default 48 h validity), not before", async () => {
    const clock = { now: T0 };
    const host = await initialisedHost(clock, "refresh");
    const source = statementSource({
      iasMode: "DEV",
      spid: SPID,
      apiKey: API_KEY,
      measurement: host.measurement,
    });
    const refresher = new EvidenceRefresher({ host, source });
    assert.equal(refresher.nextDeadlineMs(), Number.NEGATIVE_INFINITY);
    const first = await refresher.step(clock.now);
    assert.deepEqual(first, {
      kind: "installed",
      refreshAtMs: T0 + 18 * HOUR,
      notAfterMs: T0 + 48 * HOUR,
    });
    const firstNonce = await installedNonce(host);
    clock.now = T0 + 18 * HOUR - 1;
    assert.deepEqual(await refresher.step(clock.now), { kind: "idle" });
    clock.now = T0 + 18 * HOUR;
    const second = await refresher.step(clock.now);
    assert.equal(second.kind, "installed");
    assert.notEqual(await installedNonce(host), firstNonce);
    assert.equal(refresher.hasValidEvidence(clock.now), true);
    assert.equal(refresher.hasValidEvidence(clock.now + 49 * HOUR), false);
  });

  it("retries failures after 1 s, 2 s, 4 s… and keeps installed evidence meanwhile", async () => {
    const clock = { now: T0 };
    const host = await initialisedHost(clock, "retry");
    const good = statementSource({
      iasMode: "DEV",
      spid: SPID,
      apiKey: API_KEY,
      measurement: host.measurement,
    });
    let failing = false;
    const source: StatementSource = (report, nowMs): Promise<SignedStatement> =>
      failing ? Promise.reject(new Error("authority down")) : good(report, nowMs);
    const refresher = new EvidenceRefresher({ host, source });
    await refresher.step(clock.now);
    const installed = await installedNonce(host);
    failing = true;
    clock.now = refresher.nextDeadlineMs();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const result = await refresher.step(clock.now);
      assert.equal(result.kind, "failed");
      delays.push(refresher.nextDeadlineMs() - clock.now);
      clock.now = refresher.nextDeadlineMs();
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    assert.equal(await installedNonce(host), installed);
    failing = false;
    assert.equal((await refresher.step(clock.now)).kind, "installed");
  });

  it("signs only for this node's own measurement (IAS_MODE=DEV); PROD needs a URL", async () => {
    const clock = { now: T0 };
    const host = await initialisedHost(clock, "dev-enrolment");
    const elsewhere = statementSource({
      iasMode: "DEV",
      spid: SPID,
      apiKey: API_KEY,
      measurement: new Uint8Array(32),
    });
    const result = await new EvidenceRefresher({ host, source: elsewhere }).step(clock.now);
    assert.equal(result.kind, "failed");
    assert.match(result.kind === "failed" ? result.reason : "", /MEASUREMENT_NOT_ALLOWED/);
    assert.equal((await host.call({ call: "get_evidence" })).ok, false);
    assert.throws(
      () =>
        statementSource({
          iasMode: "PROD",
          spid: SPID,
          apiKey: API_KEY,
          measurement: host.measurement,
        }),
      RangeError,
    );
  });
});
