// Goal: service URIs turn into working gRPC TLS on both ends, and every unusable TLS parameter is
// one clear typed error. Method: openssl-made CA and leaf in a temp dir; a real server on loopback
// with the leaf, clients that trust the right CA, the wrong CA, or verify another SAN name.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { AttestedApi, AuthMessageSchema } from "../../src/proto/attest_pb.js";
import {
  channelSettingsFor,
  RpcCallError,
  RpcClient,
  RpcError,
  RpcServer,
  serverCredentialsFor,
} from "../../src/rpc/index.js";
import { nullLogger, parseServiceUri } from "../../src/util/index.js";
import { makeTestCerts, type TestCerts } from "../helpers/tls-certs.js";

const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

function tlsRefusal(f: () => unknown, pattern: RegExp): void {
  assert.throws(
    f,
    (e) => e instanceof RpcError && e.code === "RPC_TLS_CONFIG" && pattern.test(e.message),
  );
}

describe("TLS credentials from service URIs", () => {
  let certs: TestCerts;
  let server: RpcServer;
  let port: number;
  const clients: RpcClient[] = [];

  before(async () => {
    certs = makeTestCerts();
    server = new RpcServer({ logger: nullLogger });
    server.unary(AttestedApi.method.auth, (r) => create(AuthMessageSchema, { data: r.data }));
    const uri = parseServiceUri(
      `mcp://127.0.0.1:0/?${q({ "tls-chain": certs.leafChain, "tls-key": certs.leafKey })}`,
      "peer",
    );
    port = await server.listen("127.0.0.1:0", serverCredentialsFor(uri));
  });

  after(async () => {
    for (const c of clients) c.close();
    await server.close(100);
    certs.remove();
  });

  async function call(uriText: string): Promise<Uint8Array> {
    const settings = channelSettingsFor(parseServiceUri(uriText, "peer"));
    const client = new RpcClient(settings.address, settings.credentials, settings.options as never);
    clients.push(client);
    const request = create(AuthMessageSchema, { data: new Uint8Array([4, 2]) });
    const reply = await client.unary(AttestedApi.method.auth, request, { deadlineMs: 5000 });
    return reply.data;
  }

  it("connects to localhost when the client trusts the CA", async () => {
    assert.deepEqual(
      await call(`mcp://localhost:${port}/?${q({ "ca-bundle": certs.caCert })}`),
      new Uint8Array([4, 2]),
    );
  });

  it("verifies the tls-hostname name instead of the host", async () => {
    const ok = `mcp://127.0.0.1:${port}/?${q({ "ca-bundle": certs.caCert, "tls-hostname": certs.altName })}`;
    assert.deepEqual(await call(ok), new Uint8Array([4, 2]));
    const wrong = `mcp://127.0.0.1:${port}/?${q({ "ca-bundle": certs.caCert, "tls-hostname": "other.example.test" })}`;
    await assert.rejects(
      call(wrong),
      (e) => e instanceof RpcCallError && e.code === status.UNAVAILABLE,
    );
  });

  it("fails when the client trusts another CA, or speaks plaintext to a TLS port", async () => {
    await assert.rejects(
      call(`mcp://localhost:${port}/?${q({ "ca-bundle": certs.otherCaCert })}`),
      (e) => e instanceof RpcCallError && e.code === status.UNAVAILABLE,
    );
    await assert.rejects(
      call(`insecure-mcp://localhost:${port}/`),
      (e) => e instanceof RpcCallError && e.code === status.UNAVAILABLE,
    );
  });

  it("refuses missing or unusable files with one line naming the parameter", () => {
    const garbage = path.join(certs.dir, "garbage.pem");
    writeFileSync(garbage, "not a pem\n");
    const listen = (params: Record<string, string>) => () =>
      serverCredentialsFor(parseServiceUri(`mcp://127.0.0.1:0/?${q(params)}`, "peer"));
    tlsRefusal(listen({ "tls-key": certs.leafKey }), /needs the tls-chain parameter/);
    tlsRefusal(listen({ "tls-chain": certs.leafChain }), /needs the tls-key parameter/);
    tlsRefusal(
      listen({ "tls-chain": path.join(certs.dir, "absent.pem"), "tls-key": certs.leafKey }),
      /tls-chain file .*absent\.pem cannot be read/,
    );
    tlsRefusal(
      listen({ "tls-chain": garbage, "tls-key": certs.leafKey }),
      /tls-chain file .* no PEM certificate/,
    );
    tlsRefusal(
      listen({ "tls-chain": certs.leafChain, "tls-key": garbage }),
      /tls-key file .* no PEM private key/,
    );
    const caKey = path.join(certs.dir, "ca.key");
    tlsRefusal(
      listen({ "tls-chain": certs.leafChain, "tls-key": caKey }),
      /not the key of the tls-chain/,
    );
    const connect = (bundle: string) => () =>
      channelSettingsFor(
        parseServiceUri(`mcp://localhost:1/?${q({ "ca-bundle": bundle })}`, "peer"),
      );
    tlsRefusal(connect(garbage), /ca-bundle file .* no PEM certificate/);
    tlsRefusal(connect(path.join(certs.dir, "absent.pem")), /ca-bundle file .* cannot be read/);
  });

  it("uses insecure credentials for insecure-* URIs without reading any file", () => {
    const uri = parseServiceUri("insecure-mcp://127.0.0.1:0/?tls-chain=/nonexistent", "peer");
    assert.equal(serverCredentialsFor(uri)._isSecure(), false);
    assert.equal(channelSettingsFor(uri).credentials._isSecure(), false);
  });
});
