// Goal: the attestation authority service signs over HTTP only for enrolled nodes and allowed
// measurements, and the node's client turns every failure (refusal, unreachable, slow, oversized or
// garbage answers) into a typed AttestError within its bounds.
// Method: real HTTP servers on 127.0.0.1 (ephemeral ports) started here and closed in `after`;
// misbehaving authorities are plain node:http servers. Time inside statements is a fixed number.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  encodeEvidence,
  makeReport,
  type RunningAuthorityServer,
  requestStatement,
  STATEMENT_PATH,
  startAuthorityServer,
} from "../../src/enclave/attest/index.js";
import {
  ENROLLED,
  MEASUREMENT_A,
  MEASUREMENT_B,
  makeEnclave,
  NOW,
  prodAuthority,
  SIGNER,
  verifier,
} from "./fixtures.js";

async function rejectsWith(
  code: string,
  promise: Promise<unknown>,
  payload: Record<string, unknown> = {},
): Promise<void> {
  await assert.rejects(promise, (error: { code?: string; payload?: Record<string, unknown> }) => {
    assert.equal(error.code, code, String(error));
    for (const [key, value] of Object.entries(payload)) assert.equal(error.payload?.[key], value);
    return true;
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function closeRaw(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe("attestation authority over HTTP", () => {
  let service: RunningAuthorityServer;
  const lines: string[] = [];
  const misbehaving: Server[] = [];

  before(async () => {
    service = await startAuthorityServer({
      authority: prodAuthority([MEASUREMENT_A]),
      host: "127.0.0.1",
      port: 0,
      nowMs: () => NOW,
      log: (line) => lines.push(line),
    });
  });
  after(async () => {
    await service.close();
    for (const server of misbehaving) await closeRaw(server);
  });

  it("signs for an enrolled node; the statement becomes evidence a peer accepts", async () => {
    const enclave = makeEnclave("A");
    const signed = await requestStatement(
      { url: service.url },
      { report: enclave.report, ...ENROLLED },
    );
    const evidence = encodeEvidence(signed, enclave.contents);
    const verified = verifier().verify(evidence, {
      remoteStaticKey: enclave.staticPublic,
      nowMs: NOW,
    });
    assert.equal(verified.statement.issuedAtMs, NOW);
    assert.equal(verified.statement.nodeEnrollmentId, ENROLLED.spid);
    assert.ok(lines.some((l) => l.includes(ENROLLED.spid) && !l.includes(ENROLLED.apiKey)));
  });

  it("refuses a node that is not enrolled, or with the wrong API key (403)", async () => {
    const { report } = makeEnclave("A");
    const refused = { status: 403, code: "NODE_NOT_ENROLLED" };
    await rejectsWith(
      "AUTHORITY_REFUSED",
      requestStatement({ url: service.url }, { report, spid: "stranger", apiKey: "k" }),
      refused,
    );
    await rejectsWith(
      "AUTHORITY_REFUSED",
      requestStatement({ url: service.url }, { report, spid: ENROLLED.spid, apiKey: "wrong" }),
      refused,
    );
  });

  it("refuses a measurement that is not on its allow-list (422)", async () => {
    const contents = makeEnclave("B").contents;
    const report = makeReport(
      { measurement: MEASUREMENT_B, signer: SIGNER, productId: 1, svn: 10, debug: false },
      contents,
    );
    await rejectsWith(
      "AUTHORITY_REFUSED",
      requestStatement({ url: service.url }, { report, ...ENROLLED }),
      {
        status: 422,
        code: "MEASUREMENT_NOT_ALLOWED",
      },
    );
  });

  it("answers malformed, oversized, misrouted and wrong-method requests with their status", async () => {
    const post = (body: Uint8Array, path = STATEMENT_PATH) =>
      fetch(new URL(path, service.url), { method: "POST", body });
    const garbage = await post(new Uint8Array([0xff, 0xff, 0xff]));
    assert.equal(garbage.status, 400);
    assert.deepEqual(await garbage.json(), { code: "EVIDENCE_MALFORMED" });
    const big = await post(new Uint8Array(8 * 1024 + 1));
    assert.equal(big.status, 413);
    await big.arrayBuffer();
    const elsewhere = await post(new Uint8Array(0), "/other");
    assert.equal(elsewhere.status, 404);
    await elsewhere.arrayBuffer();
    const get = await fetch(new URL(STATEMENT_PATH, service.url));
    assert.equal(get.status, 405);
    await get.arrayBuffer();
  });

  it("client: an unreachable authority is AUTHORITY_UNAVAILABLE", async () => {
    const server = createServer();
    const url = await listen(server);
    await closeRaw(server);
    const { report } = makeEnclave("A");
    await rejectsWith("AUTHORITY_UNAVAILABLE", requestStatement({ url }, { report, ...ENROLLED }));
  });

  it("client: an authority that never answers is AUTHORITY_UNAVAILABLE after the deadline", async () => {
    const silent = createServer(() => {
      // Never answer.
    });
    misbehaving.push(silent);
    const url = await listen(silent);
    const { report } = makeEnclave("A");
    await rejectsWith(
      "AUTHORITY_UNAVAILABLE",
      requestStatement({ url, timeoutMs: 100 }, { report, ...ENROLLED }),
    );
  });

  it("client: an oversized answer (declared or streamed) and a garbage answer are AUTHORITY_RESPONSE_INVALID", async () => {
    const declared = createServer((_req, res) => {
      res.writeHead(200, { "content-length": String(100_000) });
      res.end(Buffer.alloc(100_000));
    });
    const streamed = createServer((_req, res) => {
      res.writeHead(200); // chunked: no length to check up front
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(8192));
      res.end();
    });
    const garbage = createServer((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.from([0xff, 0xff, 0xff]));
    });
    misbehaving.push(declared, streamed, garbage);
    const { report } = makeEnclave("A");
    const cases: [Server, Record<string, unknown>][] = [
      [declared, { limit: 64 * 1024 }],
      [streamed, { limit: 64 * 1024 }],
      [garbage, {}],
    ];
    for (const [server, payload] of cases) {
      const url = await listen(server);
      await rejectsWith(
        "AUTHORITY_RESPONSE_INVALID",
        requestStatement({ url, maxResponseBytes: 64 * 1024 }, { report, ...ENROLLED }),
        payload,
      );
    }
  });
});
