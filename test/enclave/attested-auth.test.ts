// Goal: attest.AttestedApi.Auth over real gRPC on 127.0.0.1 refuses, with PERMISSION_DENIED
// "Permission denied" and nothing more, every initiator whose evidence should not be trusted:
// wrong measurement, expired statement, forged authority signature, static key not bound to the
// evidence, development evidence under a production policy, and a replayed message 1; it is
// UNAVAILABLE before evidence is installed; a client completes NX and holds the node's session id.
// Method: nodes are in-process enclave hosts (virtual clock) with evidence installed by the
// node's EvidenceRefresher (IAS_MODE=DEV built-in authority; IAS_MODE=PROD through the HTTP
// authority service). Hostile initiators are built with attest's AkeInitiator and the attest
// test fixtures; each refusal has a control that differs only in the one property under test
// and is accepted, so the refusal is due to that property. The reason shows up in the log only.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { credentials, ServerCredentials, status } from "@grpc/grpc-js";
import { sha256, X25519KeyPair } from "../../src/crypto/index.js";
import { SAMPLE_CONFIG } from "../../src/enclave/codec/sample-calls.js";
import { blockchainConfigDigest } from "../../src/enclave/impl/config-digest.js";
import {
  AkeInitiator,
  AttestationAuthority,
  callOk,
  createDevAuthority,
  DEVELOPMENT_POLICY,
  devRootPublicKey,
  type EnclaveHost,
  enrolmentFor,
  InProcessEnclaveHost,
  peerIdentity,
  type RunningAuthorityServer,
  SwEvidenceVerifier,
  signCertificate,
  startAuthorityServer,
} from "../../src/enclave/index.js";
import { EvidenceRefresher, statementSource } from "../../src/node/index.js";
import { AttestedApi, AuthMessageSchema } from "../../src/proto/attest_pb.js";
import {
  AttestedClient,
  PeerConnector,
  RpcCallError,
  RpcClient,
  RpcServer,
  serveClientAuth,
  servePeerAuth,
} from "../../src/rpc/index.js";
import { encodeTx, MOB_MINIMUM_FEE, makeSampleSpend, txHash } from "../../src/transaction/index.js";
import { type Logger, nullLogger, SeededRandom } from "../../src/util/index.js";
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
  prodRoot,
  seed,
} from "../attest/fixtures.js";

const PEER_ID = "node-b.test:8443";
const CLIENT_ID = "node-b.test:3223";
const CONFIG_DIGEST = blockchainConfigDigest(
  new Map(SAMPLE_CONFIG.feeMap.map((e) => [e.tokenId, e.minimumFee])),
  SAMPLE_CONFIG.blockVersion,
);
const devAuthority = (measurement = MEASUREMENT_A) =>
  createDevAuthority({
    enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey)],
    allowedMeasurements: [measurement],
  });

const logged: unknown[] = [];
const recordingLogger: Logger = {
  ...nullLogger,
  debug: (fields: unknown) => void logged.push(fields),
  child: () => recordingLogger,
};

interface Served {
  host: EnclaveHost;
  peer: RpcClient;
  client: RpcClient;
  close(): Promise<void>;
}

const running: Served[] = [];
after(async () => {
  for (const s of running) await s.close();
});

/** A node: in-process enclave at NOW, initialised, Auth on a peer port and a client port. */
async function serve(
  label: string,
  options: {
    release?: boolean;
    evidence?: "dev" | { url: string } | "none";
    peerResponderId?: string;
    config?: typeof SAMPLE_CONFIG;
  } = {},
): Promise<Served> {
  const release = options.release ?? false;
  const host = new InProcessEnclaveHost({
    random: new SeededRandom(label),
    sealSecret: seed(`${label} seal`),
    measurement: MEASUREMENT_A,
    nowMs: () => NOW,
    ...(release
      ? {
          signature: { signer: seed("release signer"), productId: 1, svn: 10, development: false },
          attestationRoot: prodRoot.publicKey,
        }
      : {}),
  });
  await callOk(host, {
    call: "enclave_init",
    peerResponderId: options.peerResponderId ?? PEER_ID,
    clientResponderId: CLIENT_ID,
    sealedBlockSigningKey: undefined,
    config: options.config ?? SAMPLE_CONFIG,
  });
  const evidence = options.evidence ?? "dev";
  if (evidence !== "none") {
    const source = statementSource({
      iasMode: evidence === "dev" ? "DEV" : "PROD",
      spid: ENROLLED.spid,
      apiKey: ENROLLED.apiKey,
      measurement: host.measurement,
      ...(evidence === "dev" ? {} : { authority: { url: evidence.url } }),
    });
    const step = await new EvidenceRefresher({ host, source }).step(NOW);
    assert.equal(step.kind, "installed", JSON.stringify(step));
  }
  const peerServer = servePeerAuth(new RpcServer({ logger: recordingLogger }), host);
  const clientServer = serveClientAuth(new RpcServer({ logger: recordingLogger }), host);
  const insecure = ServerCredentials.createInsecure();
  const peerPort = await peerServer.listen("127.0.0.1:0", insecure);
  const clientPort = await clientServer.listen("127.0.0.1:0", insecure);
  const served: Served = {
    host,
    peer: new RpcClient(`127.0.0.1:${peerPort}`, credentials.createInsecure()),
    client: new RpcClient(`127.0.0.1:${clientPort}`, credentials.createInsecure()),
    close: async () => {
      served.peer.close();
      served.client.close();
      await Promise.all([peerServer.close(100), clientServer.close(100), host.close()]);
    },
  };
  running.push(served);
  return served;
}

/** IX message 1 from an initiator we control, with evidence built by the attest fixtures. */
function initiation(
  label: string,
  options: Parameters<typeof makeEnclave>[1] = {},
  noiseStatic?: Uint8Array,
): Uint8Array {
  const enclave = makeEnclave(label, { authority: devAuthority(), debug: true, ...options });
  return new AkeInitiator().initiatePeer({
    responderId: PEER_ID,
    configDigest: CONFIG_DIGEST,
    staticSecret: noiseStatic ?? enclave.staticSecret,
    ephemeralSecret: seed(`${label} ephemeral`),
    ownEvidence: enclave.evidence,
  });
}

function auth(client: RpcClient, data: Uint8Array) {
  return client.unary(AttestedApi.method.auth, create(AuthMessageSchema, { data }));
}

async function refusedWith(promise: Promise<unknown>, code: status): Promise<RpcCallError> {
  const error = await promise.then(
    () => assert.fail("the call succeeded"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

async function denied(client: RpcClient, data: Uint8Array, reason: string): Promise<void> {
  logged.length = 0;
  const error = await refusedWith(auth(client, data), status.PERMISSION_DENIED);
  assert.equal(error.details, "Permission denied");
  // The log has the enclave's reason; the caller has nothing but the status.
  assert.match(
    JSON.stringify(logged, (_, v) => (v instanceof Error ? String(v) : v)),
    new RegExp(reason),
  );
}

describe("attested Auth over gRPC: the peer port refuses untrusted initiators", () => {
  let node: Served;
  before(async () => {
    node = await serve("node-b");
  });

  it("accepts the control initiator (valid development evidence, key bound)", async () => {
    const reply = await auth(node.peer, initiation("control"));
    assert.ok(reply.data.length > 64);
  });

  it("refuses a wrong measurement", async () => {
    const message = initiation("wrong-measurement", {
      measurement: MEASUREMENT_B,
      authority: devAuthority(MEASUREMENT_B),
    });
    await denied(node.peer, message, "ATTESTATION_FAILED");
  });

  it("refuses an expired statement", async () => {
    await denied(
      node.peer,
      initiation("expired", { issuedAtMs: NOW - 3 * DAY }),
      "ATTESTATION_FAILED",
    );
    // Control: the same evidence issued an hour ago is accepted.
    await auth(node.peer, initiation("fresh", { issuedAtMs: NOW - HOUR }));
  });

  it("refuses a forged authority signature", async () => {
    const message = initiation("forged", {
      tamper: (s) => ({ ...s, signature: s.signature.map((b, i) => (i === 5 ? b ^ 0x20 : b)) }),
    });
    await denied(node.peer, message, "ATTESTATION_FAILED");
  });

  it("refuses a Noise static key that is not the key in the evidence", async () => {
    const other = seed("someone else's static key");
    await denied(node.peer, initiation("unbound", {}, other), "ATTESTATION_FAILED");
    // Control: evidence that binds that key is accepted with it.
    const bound = new X25519KeyPair(other).publicKey;
    await auth(node.peer, initiation("bound", { boundKey: bound }, other));
  });

  it("refuses a replayed message 1 and the replay creates no session", async () => {
    const initiator = await serve("node-a", { peerResponderId: "node-a.test:8443" });
    const connector = new PeerConnector(initiator.host, node.peer, PEER_ID);
    const { session } = await connector.attest();
    assert.equal(session.length, 64);
    const first = initiation("replayed");
    await auth(node.peer, first);
    await denied(node.peer, first, "HANDSHAKE_FAILED");
    // A second, fresh attempt still works: the replay did not poison the port.
    assert.notDeepEqual((await connector.attest()).session, session);
  });

  it("refuses garbage, an empty message and a client's NX message on the peer port", async () => {
    await denied(node.peer, new SeededRandom("garbage").bytes(300), "ATTESTATION_FAILED");
    await denied(node.peer, new Uint8Array(0), "HANDSHAKE_FAILED");
    const nx = new AkeInitiator().initiateClient({
      responderId: CLIENT_ID,
      ephemeralSecret: seed("nx on the peer port"),
    });
    await denied(node.peer, nx, "FAILED");
  });

  it("is UNAVAILABLE before evidence is installed", async () => {
    const fresh = await serve("no-evidence", { evidence: "none" });
    const error = await refusedWith(auth(fresh.peer, initiation("early")), status.UNAVAILABLE);
    assert.equal(error.details, "Service unavailable");
    await refusedWith(auth(fresh.client, new Uint8Array(32)), status.UNAVAILABLE);
  });
});

describe("attested Auth over gRPC: production policy", () => {
  let authority: RunningAuthorityServer;
  before(async () => {
    authority = await startAuthorityServer({
      authority: prodAuthority([MEASUREMENT_A]),
      host: "127.0.0.1",
      port: 0,
      nowMs: () => NOW,
    });
  });
  after(() => authority.close());

  it("installs production evidence from the authority service and refuses development evidence", async () => {
    const node = await serve("prod-node", { release: true, evidence: { url: authority.url } });
    await denied(node.peer, initiation("dev-under-prod"), "ATTESTATION_FAILED");
    // Development evidence chained to the production root (an authority certified as dev): the
    // chain and signature are good, only the production policy refuses it.
    const devUnderProdRoot = new AttestationAuthority({
      signer: prodAuthoritySigner,
      chain: [
        signCertificate(prodRoot, {
          publicKey: prodAuthoritySigner.publicKey,
          subject: "development authority under the production root",
          notBeforeMs: NOW - DAY,
          notAfterMs: NOW + DAY,
          dev: true,
        }),
      ],
      enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey)],
      allowedMeasurements: [MEASUREMENT_A],
    });
    const devMarked = initiation("dev-marked", { authority: devUnderProdRoot, debug: false });
    await denied(node.peer, devMarked, "ATTESTATION_FAILED");
    // Control: the same initiator with production evidence (release build) is accepted.
    await auth(
      node.peer,
      initiation("prod-initiator", { authority: prodAuthority(), debug: false }),
    );
  });

  it("a release enclave refuses development evidence for itself", async () => {
    const host = new InProcessEnclaveHost({
      random: new SeededRandom("prod-self"),
      sealSecret: seed("prod-self seal"),
      measurement: MEASUREMENT_A,
      nowMs: () => NOW,
      signature: { signer: seed("release signer"), productId: 1, svn: 10, development: false },
      attestationRoot: prodRoot.publicKey,
    });
    await callOk(host, {
      call: "enclave_init",
      peerResponderId: PEER_ID,
      clientResponderId: CLIENT_ID,
      sealedBlockSigningKey: undefined,
      config: SAMPLE_CONFIG,
    });
    const source = statementSource({
      iasMode: "DEV",
      spid: ENROLLED.spid,
      apiKey: ENROLLED.apiKey,
      measurement: MEASUREMENT_A,
    });
    const step = await new EvidenceRefresher({ host, source }).step(NOW);
    assert.equal(step.kind, "failed");
    assert.match(step.kind === "failed" ? step.reason : "", /ATTESTATION_FAILED/);
    await host.close();
  });
});

describe("attested Auth over gRPC: a client completes NX", () => {
  const trusting = (measurement: Uint8Array) =>
    new SwEvidenceVerifier({
      policy: DEVELOPMENT_POLICY,
      rootPublicKey: devRootPublicKey(),
      identities: [peerIdentity(measurement)],
    });

  it("holds the node's session id and its messages open on the node", async () => {
    const node = await serve("nx-node");
    const wallet = new AttestedClient({
      client: node.client,
      responderId: CLIENT_ID,
      verifier: trusting(MEASUREMENT_A),
      random: new SeededRandom("wallet"),
    });
    const session = await wallet.attest(NOW);
    assert.equal(session.length, 64);
    assert.deepEqual(wallet.nodeEvidence?.report.measurement, MEASUREMENT_A);
    // The node decrypts on the session the wallet names (discard keeps the nonce in step)…
    for (let i = 0; i < 2; i++) {
      const m = wallet.encrypt(new TextEncoder().encode(`tx ${i}`));
      assert.deepEqual(m.channelId, session);
      await callOk(node.host, {
        call: "client_discard_message",
        message: { aad: m.aad, channelId: m.channelId, data: m.data },
      });
    }
    // …and holds exactly that session id: closing it succeeds once, then it is gone.
    await callOk(node.host, { call: "client_close", session });
    assert.deepEqual(await node.host.call({ call: "client_close", session }), {
      ok: false,
      code: "NOT_FOUND",
    });
  });

  it("carries a transaction to client_tx_propose on the node's session; a tampered one ends it", async () => {
    // The sample spend pins the digest of a MOB-only fee map.
    const mobOnly = { ...SAMPLE_CONFIG, feeMap: [{ tokenId: 0n, minimumFee: MOB_MINIMUM_FEE }] };
    const node = await serve("nx-propose", { config: mobOnly });
    const wallet = new AttestedClient({
      client: node.client,
      responderId: CLIENT_ID,
      verifier: trusting(MEASUREMENT_A),
      random: new SeededRandom("wallet-propose"),
    });
    await wallet.attest(NOW);
    const spend = makeSampleSpend({
      blockVersion: SAMPLE_CONFIG.blockVersion,
      inputs: 1,
      outputs: 1,
      rng: new SeededRandom("nx-propose spend"),
    });
    const m = wallet.encrypt(encodeTx(spend.tx));
    const message = { aad: m.aad, channelId: m.channelId, data: m.data };
    const proposed = await callOk(node.host, { call: "client_tx_propose", message });
    assert.deepEqual(proposed.context.txHash, txHash(spend.tx));
    const next = wallet.encrypt(encodeTx(spend.tx));
    const tampered = {
      aad: next.aad,
      channelId: next.channelId,
      data: next.data.map((b, i) => (i === 0 ? b ^ 1 : b)),
    };
    const refused = await node.host.call({ call: "client_tx_propose", message: tampered });
    assert.equal(refused.ok, false);
    // The session is gone: even the untampered record is now refused.
    const again = await node.host.call({
      call: "client_tx_propose",
      message: { aad: next.aad, channelId: next.channelId, data: next.data },
    });
    assert.deepEqual(again, { ok: false, code: "NOT_FOUND" });
  });

  it("refuses a node whose measurement the wallet does not trust, and one bound to another id", async () => {
    const node = await serve("nx-untrusted");
    const untrusting = new AttestedClient({
      client: node.client,
      responderId: CLIENT_ID,
      verifier: trusting(sha256(new Uint8Array([1]))),
      random: new SeededRandom("wallet-2"),
    });
    await assert.rejects(untrusting.attest(NOW), { code: "ATTEST_AUTH_FAILED" });
    assert.equal(untrusting.sessionId, undefined);
    const wrongId = new AttestedClient({
      client: node.client,
      responderId: "elsewhere.test:3223",
      verifier: trusting(MEASUREMENT_A),
      random: new SeededRandom("wallet-3"),
    });
    await assert.rejects(wrongId.attest(NOW), { code: "ATTEST_AUTH_FAILED" });
  });
});
