// Goal: the attested key exchange machines of reference enclave-attest.md §5.4 complete IX
// (node ↔ node) and NX (client → node) with equal 64-byte session ids and working transport, and
// refuse, each with its own code, every acceptance case: wrong measurement, expired statement,
// forged authority signature, static key not bound to the evidence, development evidence under a
// production policy, and a replayed handshake message. Any failure terminates the machine.
// Method: two machines talk through byte arrays; keys come from labelled seeds, time is a number.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  AkeInitiator,
  AkeResponder,
  type AttestErrorCode,
  clientPrologue,
  createDevAuthority,
  DEVELOPMENT_POLICY,
  decodeStatement,
  devRootPublicKey,
  enrolmentFor,
  peerPrologue,
  type SignedStatement,
  signStatement,
} from "../../src/enclave/attest/index.js";
import {
  CONFIG_DIGEST,
  DAY,
  ENROLLED,
  MEASUREMENT_A,
  MEASUREMENT_B,
  makeEnclave,
  NOW,
  seed,
  type TestEnclave,
  verifier,
} from "./fixtures.js";

const NODE_B = "node-b.test:8443";
const CLIENT_ID = "node-b.test:3223";

function refusedWith(code: AttestErrorCode, run: () => unknown): void {
  assert.throws(run, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    return true;
  });
}

interface IxOptions {
  initiator?: TestEnclave;
  responder?: TestEnclave;
  initiatorVerifier?: ReturnType<typeof verifier>;
  responderVerifier?: ReturnType<typeof verifier>;
  /** The static key the initiator actually uses in Noise (default: its own). */
  initiatorStatic?: Uint8Array;
  responderStatic?: Uint8Array;
  responderDigest?: Uint8Array;
  nowMs?: number;
}

/** A → B over IX; returns both machines and the messages, stopping at the first refusal. */
function ix(options: IxOptions = {}) {
  const a = options.initiator ?? makeEnclave("A");
  const b = options.responder ?? makeEnclave("B");
  const nowMs = options.nowMs ?? NOW;
  const initiator = new AkeInitiator();
  const responder = new AkeResponder();
  const message1 = initiator.initiatePeer({
    responderId: NODE_B,
    configDigest: CONFIG_DIGEST,
    staticSecret: options.initiatorStatic ?? a.staticSecret,
    ephemeralSecret: seed("A ephemeral"),
    ownEvidence: a.evidence,
  });
  const accept = () =>
    responder.acceptPeer({
      message: message1,
      responderId: NODE_B,
      configDigest: options.responderDigest ?? CONFIG_DIGEST,
      staticSecret: options.responderStatic ?? b.staticSecret,
      ephemeralSecret: seed("B ephemeral"),
      ownEvidence: b.evidence,
      verifier: options.responderVerifier ?? verifier(),
      nowMs,
    });
  const finish = (message2: Uint8Array) =>
    initiator.readAuthResponse({
      message: message2,
      verifier: options.initiatorVerifier ?? verifier(),
      nowMs,
    });
  return { a, b, initiator, responder, message1, accept, finish };
}

function nx(node: TestEnclave, nowMs = NOW, clientVerifier = verifier()) {
  const client = new AkeInitiator();
  const responder = new AkeResponder();
  const message1 = client.initiateClient({
    responderId: CLIENT_ID,
    ephemeralSecret: seed("client e"),
  });
  const message2 = responder.acceptClient({
    message: message1,
    responderId: CLIENT_ID,
    staticSecret: node.staticSecret,
    ephemeralSecret: seed("node e"),
    ownEvidence: node.evidence,
  });
  const finish = () =>
    client.readAuthResponse({ message: message2, verifier: clientVerifier, nowMs });
  return { client, responder, message1, message2, finish };
}

describe("AKE: happy paths", () => {
  it("IX between two nodes: both Ready, equal 64-byte session ids, each side verified the other", () => {
    const run = ix();
    const { message, evidence } = run.accept();
    assert.equal(run.responder.phase, "ready");
    assert.equal(run.initiator.phase, "auth-pending");
    const seen = run.finish(message);
    assert.equal(run.initiator.phase, "ready");
    assert.equal(run.initiator.sessionId.length, 64);
    assert.deepEqual(run.initiator.sessionId, run.responder.sessionId);
    assert.deepEqual(evidence.contents.key, run.a.staticPublic);
    assert.deepEqual(seen.contents.key, run.b.staticPublic);
    assert.deepEqual(run.initiator.remoteEvidence?.report.measurement, MEASUREMENT_A);
  });

  it("IX transport: attest.Message records both ways, with authenticated aad and implicit nonces", () => {
    const run = ix();
    run.finish(run.accept().message);
    const aad = new TextEncoder().encode("TxProposeAAD");
    for (let i = 0; i < 3; i++) {
      const sent = run.initiator.encrypt(aad, new Uint8Array([i, 1, 2]));
      assert.deepEqual(sent.channelId, run.initiator.sessionId);
      assert.deepEqual(run.responder.decrypt(sent), new Uint8Array([i, 1, 2]));
      const back = run.responder.encrypt(new Uint8Array(0), new Uint8Array([9, i]));
      assert.deepEqual(run.initiator.decrypt(back), new Uint8Array([9, i]));
    }
  });

  it("NX from a client: equal session ids, the client verified the node, the node has no client evidence", () => {
    const node = makeEnclave("B");
    const run = nx(node);
    const seen = run.finish();
    assert.equal(run.client.phase, "ready");
    assert.equal(run.responder.phase, "ready");
    assert.deepEqual(run.client.sessionId, run.responder.sessionId);
    assert.deepEqual(seen.contents.key, node.staticPublic);
    assert.equal(run.responder.remoteEvidence, undefined);
    const request = run.client.encrypt(new Uint8Array(0), new Uint8Array([7]));
    assert.deepEqual(run.responder.decrypt(request), new Uint8Array([7]));
  });

  it("prologues: peers use '<responder id>-<64 hex of the config digest>', clients the id verbatim", () => {
    const hex = Buffer.from(CONFIG_DIGEST).toString("hex");
    assert.equal(
      Buffer.from(peerPrologue(NODE_B, CONFIG_DIGEST)).toString("utf8"),
      `${NODE_B}-${hex}`,
    );
    assert.match(hex, /^[0-9a-f]{64}$/);
    assert.equal(Buffer.from(clientPrologue(CLIENT_ID)).toString("utf8"), CLIENT_ID);
    refusedWith("HANDSHAKE_FAILED", () => peerPrologue(NODE_B, CONFIG_DIGEST.subarray(1)));
    refusedWith("HANDSHAKE_FAILED", () => clientPrologue(""));
  });
});

describe("AKE: acceptance refusals", () => {
  it("wrong measurement: the responder refuses the initiator, the initiator refuses the responder", () => {
    const wrongA = makeEnclave("A", { measurement: MEASUREMENT_B });
    const run = ix({ initiator: wrongA });
    refusedWith("UNTRUSTED_MEASUREMENT", run.accept);
    assert.equal(run.responder.phase, "terminated");
    const wrongB = makeEnclave("B", { measurement: MEASUREMENT_B });
    const back = ix({ responder: wrongB });
    const { message } = back.accept();
    refusedWith("UNTRUSTED_MEASUREMENT", () => back.finish(message));
    assert.equal(back.initiator.phase, "terminated");
    refusedWith("UNTRUSTED_MEASUREMENT", () => nx(wrongB).finish());
  });

  it("expired statement: refused by peers and by clients", () => {
    const late = NOW + 3 * DAY;
    refusedWith("STATEMENT_EXPIRED", ix({ nowMs: late }).accept);
    refusedWith("STATEMENT_EXPIRED", () => nx(makeEnclave("B"), late).finish());
  });

  it("forged authority signature: refused on both sides", () => {
    const forger = Ed25519Signer.fromSeed(seed("forger"));
    const tamper = (s: SignedStatement): SignedStatement => ({
      ...signStatement(forger, decodeStatement(s.statement)),
      chain: s.chain,
    });
    const forgedA = makeEnclave("A", { tamper });
    refusedWith("AUTHORITY_SIGNATURE_INVALID", ix({ initiator: forgedA }).accept);
    const forgedB = makeEnclave("B", { tamper });
    const run = ix({ responder: forgedB });
    const { message } = run.accept();
    refusedWith("AUTHORITY_SIGNATURE_INVALID", () => run.finish(message));
  });

  it("static key not bound: an initiator replaying another node's evidence with its own key is refused (responder side)", () => {
    const victim = makeEnclave("A");
    const attacker = makeEnclave("attacker");
    const run = ix({ initiator: victim, initiatorStatic: attacker.staticSecret });
    refusedWith("STATIC_KEY_NOT_BOUND", run.accept);
    assert.equal(run.responder.phase, "terminated");
  });

  it("static key not bound: a responder presenting another node's evidence is refused (initiator side, IX and NX)", () => {
    const victim = makeEnclave("B");
    const attacker = makeEnclave("attacker");
    const run = ix({ responder: victim, responderStatic: attacker.staticSecret });
    const { message } = run.accept();
    refusedWith("STATIC_KEY_NOT_BOUND", () => run.finish(message));
    const impostorNode = { ...victim, staticSecret: attacker.staticSecret };
    refusedWith("STATIC_KEY_NOT_BOUND", () => nx(impostorNode).finish());
  });

  it("development evidence under a production policy: refused by peers and clients", () => {
    const dev = createDevAuthority({
      enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey)],
      allowedMeasurements: [MEASUREMENT_A],
    });
    const devA = makeEnclave("A", { authority: dev });
    refusedWith("DEV_EVIDENCE_REFUSED", ix({ initiator: devA }).accept);
    const devB = makeEnclave("B", { authority: dev });
    refusedWith("DEV_EVIDENCE_REFUSED", () => nx(devB).finish());
    // The same evidence completes under the development policy and root.
    const devVerifier = verifier({ policy: DEVELOPMENT_POLICY, root: devRootPublicKey() });
    const ok = ix({
      initiator: devA,
      responder: devB,
      initiatorVerifier: devVerifier,
      responderVerifier: devVerifier,
    });
    ok.finish(ok.accept().message);
    assert.equal(ok.initiator.remoteEvidence?.dev, true);
  });

  it("replayed message 1: a responder that already answered (or failed) refuses it", () => {
    const run = ix();
    run.accept();
    refusedWith("HANDSHAKE_REPLAYED", run.accept);
    assert.equal(run.responder.phase, "terminated");
    const failed = ix({ initiator: makeEnclave("A", { measurement: MEASUREMENT_B }) });
    refusedWith("UNTRUSTED_MEASUREMENT", failed.accept);
    refusedWith("HANDSHAKE_REPLAYED", failed.accept);
    const client = nx(makeEnclave("B"));
    refusedWith("HANDSHAKE_REPLAYED", () =>
      client.responder.acceptClient({
        message: client.message1,
        responderId: CLIENT_ID,
        staticSecret: seed("x"),
        ephemeralSecret: seed("y"),
        ownEvidence: new Uint8Array(0),
      }),
    );
  });

  it("replayed message 2: an initiator that is Ready, or Terminated, refuses it", () => {
    const run = ix();
    const { message } = run.accept();
    run.finish(message);
    refusedWith("HANDSHAKE_REPLAYED", () => run.finish(message));
    assert.equal(run.initiator.phase, "terminated");
    refusedWith("HANDSHAKE_REPLAYED", () => run.finish(message));
    const client = nx(makeEnclave("B"));
    client.finish();
    refusedWith("HANDSHAKE_REPLAYED", client.finish);
  });
});

describe("AKE: other failures terminate the machine", () => {
  it("a different config digest fails the handshake at the initiator", () => {
    const run = ix({ responderDigest: seed("another config") });
    const { message } = run.accept(); // the responder cannot tell (reference §5.1)
    refusedWith("HANDSHAKE_FAILED", () => run.finish(message));
    assert.equal(run.initiator.phase, "terminated");
  });

  it("a response before initiating is out of order; initiating twice is out of order", () => {
    const initiator = new AkeInitiator();
    refusedWith("HANDSHAKE_OUT_OF_ORDER", () =>
      initiator.readAuthResponse({ message: new Uint8Array(96), verifier: verifier(), nowMs: NOW }),
    );
    const second = new AkeInitiator();
    second.initiateClient({ responderId: CLIENT_ID, ephemeralSecret: seed("e") });
    refusedWith("HANDSHAKE_OUT_OF_ORDER", () =>
      second.initiateClient({ responderId: CLIENT_ID, ephemeralSecret: seed("e") }),
    );
  });

  it("a truncated message 1 and a non-empty NX payload are refused", () => {
    const run = ix();
    const responder = new AkeResponder();
    const b = makeEnclave("B");
    const input = {
      message: run.message1.subarray(0, 40),
      responderId: NODE_B,
      configDigest: CONFIG_DIGEST,
      staticSecret: b.staticSecret,
      ephemeralSecret: seed("B ephemeral"),
      ownEvidence: b.evidence,
      verifier: verifier(),
      nowMs: NOW,
    };
    refusedWith("HANDSHAKE_FAILED", () => responder.acceptPeer(input));
    const withPayload = new Uint8Array([...nx(b).message1, 1, 2, 3]);
    refusedWith("HANDSHAKE_FAILED", () =>
      new AkeResponder().acceptClient({ ...input, message: withPayload, responderId: CLIENT_ID }),
    );
  });

  it("a tampered record or another channel's id ends the session; later use says terminated", () => {
    const run = ix();
    run.finish(run.accept().message);
    const sent = run.initiator.encrypt(new Uint8Array(0), new Uint8Array([1, 2, 3]));
    const tampered = { ...sent, data: sent.data.map((v, i) => (i === 0 ? v ^ 1 : v)) };
    refusedWith("DECRYPT_FAILED", () => run.responder.decrypt(tampered));
    assert.equal(run.responder.phase, "terminated");
    refusedWith("SESSION_TERMINATED", () => run.responder.decrypt(sent));
    refusedWith("SESSION_TERMINATED", () =>
      run.responder.encrypt(new Uint8Array(0), new Uint8Array(1)),
    );

    const other = ix();
    other.finish(other.accept().message);
    const record = other.initiator.encrypt(new Uint8Array(0), new Uint8Array([4]));
    refusedWith("CHANNEL_MISMATCH", () =>
      other.responder.decrypt({ ...record, channelId: new Uint8Array(64) }),
    );
    assert.equal(other.responder.phase, "terminated");
  });

  it("no session before Ready", () => {
    const initiator = new AkeInitiator();
    refusedWith("HANDSHAKE_OUT_OF_ORDER", () => initiator.sessionId);
    refusedWith("HANDSHAKE_OUT_OF_ORDER", () =>
      initiator.encrypt(new Uint8Array(0), new Uint8Array(0)),
    );
  });
});
