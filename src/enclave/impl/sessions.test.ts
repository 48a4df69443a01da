// Goal: the enclave's attested sessions and evidence: evidence is installed only when it is about
// a pending report of ours, signed under our root, for our measurement; no handshake before it;
// IX between two enclaves and NX with a client give one session id on both ends that carries
// transport messages both ways; a wrong responder id or config refuses; bookkeeping bounds
// (second peer_init replaces the first, LRU eviction → NOT_FOUND), every failure ends the session,
// and a replayed message 1 is refused.
// Method: SoftwareEnclave driven directly with seeded randomness and a virtual clock; evidence
// is issued by the development authority (and by a forged one) through attest's public API; the
// client side is attest's AkeInitiator with its own verifier.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SeededRandom, utf8 } from "../../util/index.js";
import type { EnclaveCall, EnclaveMessage, EnclaveOutcome, OkOf } from "../api.js";
import { AkeInitiator } from "../attest/ake.js";
import {
  type AttestationAuthority,
  createDevAuthority,
  devRootPublicKey,
  enrolmentFor,
} from "../attest/authority.js";
import { encodeEvidence } from "../attest/formats.js";
import { peerIdentity } from "../attest/identities.js";
import { DEVELOPMENT_POLICY, SwEvidenceVerifier } from "../attest/verifier.js";
import { SAMPLE_CONFIG, sampleInit } from "../codec/sample-calls.js";
import { SoftwareEnclave } from "./enclave.js";
import type { SessionLimits } from "./sessions.js";

const MEASUREMENT = new SeededRandom("measurement").bytes(32);
const NOW = 1_800_000_000_000;
const SPID = "00112233445566778899aabbccddeeff";
const API_KEY = "node api key";
const devAuthority = createDevAuthority({
  enrolled: [enrolmentFor(SPID, API_KEY)],
  allowedMeasurements: [MEASUREMENT],
});

function ok<K extends EnclaveCall["call"]>(outcome: EnclaveOutcome, call: K): OkOf<K> {
  if (!outcome.ok) assert.fail(`${call} refused: ${outcome.code}`);
  assert.equal(outcome.value.call, call);
  return outcome.value as OkOf<K>;
}

function code(outcome: EnclaveOutcome): string {
  return outcome.ok ? "ok" : outcome.code;
}

interface Node {
  enclave: SoftwareEnclave;
  call<K extends EnclaveCall["call"]>(
    call: Extract<EnclaveCall, { call: K }>,
    at?: number,
  ): OkOf<K>;
  try(call: EnclaveCall, at?: number): EnclaveOutcome;
}

function node(seed: string, peerId: string, limits?: SessionLimits): Node {
  const enclave = new SoftwareEnclave({
    random: new SeededRandom(seed),
    sealSecret: new SeededRandom(`${seed}/secret`).bytes(32),
    measurement: MEASUREMENT,
    ...(limits === undefined ? {} : { sessionLimits: limits }),
  });
  const n: Node = {
    enclave,
    call: (call, at = NOW) => ok(enclave.handle(call, at), call.call),
    try: (call, at = NOW) => enclave.handle(call, at),
  };
  n.call({ ...sampleInit(undefined), peerResponderId: peerId });
  return n;
}

function evidenceFor(n: Node, authority: AttestationAuthority = devAuthority): Uint8Array {
  const { contents, report } = n.call({ call: "new_report" });
  const signed = authority.issue({ report, spid: SPID, apiKey: API_KEY }, NOW - 1000);
  return encodeEvidence(signed, contents);
}

function attested(seed: string, peerId: string, limits?: SessionLimits): Node {
  const n = node(seed, peerId, limits);
  n.call({ call: "install_evidence", evidence: evidenceFor(n) });
  return n;
}

/** A peer handshake from `a` to `b`; returns both sides' session ids. */
function connect(a: Node, b: Node, bId: string): { a: Uint8Array; b: Uint8Array } {
  const { authRequest } = a.call({ call: "peer_init", peerResponderId: bId });
  const accepted = b.call({ call: "peer_accept", authRequest });
  const connected = a.call({
    call: "peer_connect",
    peerResponderId: bId,
    authResponse: accepted.authResponse,
  });
  return { a: connected.session, b: accepted.session };
}

const clientVerifier = new SwEvidenceVerifier({
  policy: DEVELOPMENT_POLICY,
  rootPublicKey: devRootPublicKey(),
  identities: [peerIdentity(MEASUREMENT)],
});

function client(n: Node, seed: string): { machine: AkeInitiator; session: Uint8Array } {
  const machine = new AkeInitiator();
  const authRequest = machine.initiateClient({
    responderId: sampleInit(undefined).clientResponderId,
    ephemeralSecret: new SeededRandom(seed).bytes(32),
  });
  const accepted = n.call({ call: "client_accept", authRequest });
  machine.readAuthResponse({
    message: accepted.authResponse,
    verifier: clientVerifier,
    nowMs: NOW,
  });
  return { machine, session: accepted.session };
}

function asEnclaveMessage(m: { aad: Uint8Array; channelId: Uint8Array; data: Uint8Array }) {
  return { aad: m.aad, channelId: m.channelId, data: m.data } satisfies EnclaveMessage;
}

describe("evidence in the enclave", () => {
  it("installs evidence about its own pending report and serves it", () => {
    const n = node("install", "a.test:8443");
    const evidence = evidenceFor(n);
    n.call({ call: "install_evidence", evidence });
    assert.deepEqual(n.call({ call: "get_evidence" }).evidence, evidence);
    // The nonce was consumed: the same evidence cannot be installed twice.
    assert.equal(code(n.try({ call: "install_evidence", evidence })), "NOT_FOUND");
  });

  it("refuses evidence about another enclave's report", () => {
    const n = node("refuse", "a.test:8443");
    const other = node("other", "b.test:8443");
    assert.equal(
      code(n.try({ call: "install_evidence", evidence: evidenceFor(other) })),
      "NOT_FOUND",
    );
  });

  it("refuses a statement signed by a key its chain does not certify", () => {
    const n = node("forged", "a.test:8443");
    const { contents, report } = n.call({ call: "new_report" });
    const signed = devAuthority.issue({ report, spid: SPID, apiKey: API_KEY }, NOW - 1000);
    const forged = { ...signed, signature: signed.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const outcome = n.try({ call: "install_evidence", evidence: encodeEvidence(forged, contents) });
    assert.equal(code(outcome), "ATTESTATION_FAILED");
    assert.equal(code(n.try({ call: "get_evidence" })), "EVIDENCE_NOT_INSTALLED");
  });

  it("stops serving handshakes when its evidence has expired", () => {
    const n = attested("expiry", "a.test:8443");
    const after = NOW + 10 * 24 * 3600 * 1000;
    const outcome = n.try({ call: "peer_init", peerResponderId: "b.test:8443" }, after);
    assert.equal(code(outcome), "EVIDENCE_NOT_INSTALLED");
  });
});

describe("peer sessions (IX)", () => {
  it("gives both ends one session id and carries messages both ways", () => {
    const a = attested("ix-a", "a.test:8443");
    const b = attested("ix-b", "b.test:8443");
    const ids = connect(a, b, "b.test:8443");
    assert.equal(ids.a.length, 64);
    assert.deepEqual(ids.a, ids.b);
    const channelsA = a.enclave.channels();
    const channelsB = b.enclave.channels();
    assert.ok(channelsA !== undefined && channelsB !== undefined);
    for (let i = 0; i < 3; i++) {
      const toB: EnclaveMessage = channelsA.sealForPeer(ids.a, utf8("aad"), utf8(`a→b ${i}`));
      assert.deepEqual(channelsB.openFromPeer(toB), utf8(`a→b ${i}`));
      const toA: EnclaveMessage = channelsB.sealForPeer(ids.b, new Uint8Array(0), utf8(`b→a ${i}`));
      assert.deepEqual(channelsA.openFromPeer(toA), utf8(`b→a ${i}`));
    }
  });

  it("refuses a handshake to the wrong responder id or under another config", () => {
    const a = attested("cfg-a", "a.test:8443");
    const b = attested("cfg-b", "b.test:8443");
    const { authRequest } = a.call({ call: "peer_init", peerResponderId: "wrong.test:8443" });
    const accepted = b.call({ call: "peer_accept", authRequest });
    const outcome = a.try({
      call: "peer_connect",
      peerResponderId: "wrong.test:8443",
      authResponse: accepted.authResponse,
    });
    assert.equal(code(outcome), "HANDSHAKE_FAILED");

    const c = new SoftwareEnclave({
      random: new SeededRandom("cfg-c"),
      sealSecret: new SeededRandom("cfg-c/secret").bytes(32),
      measurement: MEASUREMENT,
    });
    const other = { ...SAMPLE_CONFIG, blockVersion: SAMPLE_CONFIG.blockVersion === 0 ? 1 : 0 };
    ok(
      c.handle({ ...sampleInit(undefined), peerResponderId: "c.test:8443", config: other }, NOW),
      "enclave_init",
    );
    const cn: Node = {
      enclave: c,
      call: (call, at = NOW) => ok(c.handle(call, at), call.call),
      try: (call, at = NOW) => c.handle(call, at),
    };
    cn.call({ call: "install_evidence", evidence: evidenceFor(cn) });
    const init = a.call({ call: "peer_init", peerResponderId: "c.test:8443" });
    const answer = cn.call({ call: "peer_accept", authRequest: init.authRequest });
    const refused = a.try({
      call: "peer_connect",
      peerResponderId: "c.test:8443",
      authResponse: answer.authResponse,
    });
    assert.equal(code(refused), "HANDSHAKE_FAILED");
  });

  it("keeps one pending handshake per peer: a second peer_init replaces the first", () => {
    const a = attested("pend-a", "a.test:8443");
    const b = attested("pend-b", "b.test:8443");
    const first = a.call({ call: "peer_init", peerResponderId: "b.test:8443" });
    a.call({ call: "peer_init", peerResponderId: "b.test:8443" });
    const answer = b.call({ call: "peer_accept", authRequest: first.authRequest });
    const outcome = a.try({
      call: "peer_connect",
      peerResponderId: "b.test:8443",
      authResponse: answer.authResponse,
    });
    assert.equal(code(outcome), "HANDSHAKE_FAILED");
    // The pending state answered once; nothing is pending now.
    const again = a.try({
      call: "peer_connect",
      peerResponderId: "b.test:8443",
      authResponse: answer.authResponse,
    });
    assert.equal(code(again), "NOT_FOUND");
  });

  it("refuses a replayed message 1, and a failed transport message ends the session", () => {
    const a = attested("rep-a", "a.test:8443");
    const b = attested("rep-b", "b.test:8443");
    const { authRequest } = a.call({ call: "peer_init", peerResponderId: "b.test:8443" });
    const accepted = b.call({ call: "peer_accept", authRequest });
    assert.equal(code(b.try({ call: "peer_accept", authRequest })), "HANDSHAKE_FAILED");
    a.call({
      call: "peer_connect",
      peerResponderId: "b.test:8443",
      authResponse: accepted.authResponse,
    });
    const channelsA = a.enclave.channels();
    const channelsB = b.enclave.channels();
    assert.ok(channelsA !== undefined && channelsB !== undefined);
    const sealed = channelsA.sealForPeer(accepted.session, new Uint8Array(0), utf8("x"));
    const tampered = { ...sealed, data: sealed.data.map((v, i) => (i === 0 ? v ^ 1 : v)) };
    assert.throws(() => channelsB.openFromPeer(tampered), { code: "DECRYPT_FAILED" });
    assert.throws(() => channelsB.openFromPeer(sealed), { code: "NOT_FOUND" });
    assert.equal(code(b.try({ call: "peer_close", session: accepted.session })), "NOT_FOUND");
  });

  it("forgets the least recently used peer session beyond its bound", () => {
    const limits = {
      pendingPeerHandshakesMax: 2,
      peerSessionsMax: 2,
      clientSessionsMax: 2,
      answeredHandshakesMax: 8,
    };
    const b = attested("lru-b", "b.test:8443", limits);
    const sessions = ["x", "y", "z"].map((s) => {
      const a = attested(`lru-${s}`, `${s}.test:8443`);
      return connect(a, b, "b.test:8443").b;
    });
    assert.equal(
      code(b.try({ call: "peer_close", session: sessions[0] as Uint8Array })),
      "NOT_FOUND",
    );
    b.call({ call: "peer_close", session: sessions[2] as Uint8Array });
    b.call({ call: "peer_close", session: sessions[1] as Uint8Array });
  });
});

describe("client sessions (NX)", () => {
  it("gives client and node one session id; the client verifies the node's evidence", () => {
    const n = attested("nx", "n.test:8443");
    const { machine, session } = client(n, "client-1");
    assert.deepEqual(machine.sessionId, session);
    assert.deepEqual(machine.remoteEvidence?.report.measurement, MEASUREMENT);
    const channels = n.enclave.channels();
    assert.ok(channels !== undefined);
    for (let i = 0; i < 3; i++) {
      const m = machine.encrypt(new Uint8Array(0), utf8(`tx ${i}`));
      assert.deepEqual(channels.openFromClient(asEnclaveMessage(m)), utf8(`tx ${i}`));
    }
    // A refused request is still decrypted, to keep the nonce in step.
    n.call({
      call: "client_discard_message",
      message: asEnclaveMessage(machine.encrypt(new Uint8Array(0), utf8("refused"))),
    });
    const next = machine.encrypt(new Uint8Array(0), utf8("next"));
    assert.deepEqual(channels.openFromClient(asEnclaveMessage(next)), utf8("next"));
    n.call({ call: "client_close", session });
    const after = machine.encrypt(new Uint8Array(0), utf8("late"));
    assert.throws(() => channels.openFromClient(asEnclaveMessage(after)), { code: "NOT_FOUND" });
  });

  it("forgets the least recently used client beyond its bound", () => {
    const limits = {
      pendingPeerHandshakesMax: 2,
      peerSessionsMax: 2,
      clientSessionsMax: 2,
      answeredHandshakesMax: 8,
    };
    const n = attested("nx-lru", "n.test:8443", limits);
    const first = client(n, "c1");
    const second = client(n, "c2");
    // Using the first makes the second the least recently used.
    const channels = n.enclave.channels();
    assert.ok(channels !== undefined);
    channels.openFromClient(asEnclaveMessage(first.machine.encrypt(new Uint8Array(0), utf8("hi"))));
    client(n, "c3");
    assert.equal(code(n.try({ call: "client_close", session: second.session })), "NOT_FOUND");
    n.call({ call: "client_close", session: first.session });
  });

  it("refuses a replayed NX message 1", () => {
    const n = attested("nx-replay", "n.test:8443");
    const machine = new AkeInitiator();
    const authRequest = machine.initiateClient({
      responderId: sampleInit(undefined).clientResponderId,
      ephemeralSecret: new SeededRandom("replayed").bytes(32),
    });
    const first = n.call({ call: "client_accept", authRequest });
    assert.equal(code(n.try({ call: "client_accept", authRequest })), "HANDSHAKE_FAILED");
    assert.equal(first.session.length, 64);
  });
});
