// Goal: the gRPC PeerConnection and the peer API server pass the seam's one compliance suite over
// real gRPC on loopback, once in plaintext and once over TLS with openssl-made certificates.
// Method: each `connect` starts a real RpcServer serving ConsensusPeerAPI and BlockchainAPI for the
// scripted service and a GrpcPeerConnection to it; `unreachable` points at a port nobody serves.
import { after } from "node:test";
import { ServerCredentials } from "@grpc/grpc-js";
import {
  chainIdRequestCheck,
  GrpcPeerConnection,
  RpcServer,
  servePeerApi,
  serverCredentialsFor,
} from "../../src/rpc/index.js";
import { nullLogger, parseServiceUri, type ServiceUri } from "../../src/util/index.js";
import { makeTestCerts, type TestCerts } from "../helpers/tls-certs.js";
import { type ConnectionHarness, peerConnectionCompliance } from "./connection-compliance.js";

const CHAIN_ID = "local";
const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

interface Transport {
  listenCredentials(): ServerCredentials;
  /** The URI a client dials for a server on `port`. */
  peerUri(port: number): ServiceUri;
}

const insecure: Transport = {
  listenCredentials: () => ServerCredentials.createInsecure(),
  peerUri: (port) => parseServiceUri(`insecure-mcp://127.0.0.1:${port}/`, "peer"),
};

function tls(certs: () => TestCerts): Transport {
  return {
    listenCredentials: () => {
      const c = certs();
      const params = q({ "tls-chain": c.leafChain, "tls-key": c.leafKey });
      return serverCredentialsFor(parseServiceUri(`mcp://127.0.0.1:0/?${params}`, "peer"));
    },
    peerUri: (port) =>
      parseServiceUri(`mcp://localhost:${port}/?${q({ "ca-bundle": certs().caCert })}`, "peer"),
  };
}

/** A port that was just bound and released: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = new RpcServer({ logger: nullLogger });
  const port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
  await server.close(0);
  return port;
}

export function grpcHarness(transport: Transport): ConnectionHarness {
  const servers: RpcServer[] = [];
  const connections: GrpcPeerConnection[] = [];
  let n = 0;
  const dial = (port: number) => {
    const connection = new GrpcPeerConnection({
      remoteResponderId: `peer${n++}.test:8443`,
      uri: transport.peerUri(port),
      chainId: CHAIN_ID,
    });
    connections.push(connection);
    return connection;
  };
  return {
    async connect(_local, service) {
      const server = new RpcServer({ logger: nullLogger });
      server.requestCheck(chainIdRequestCheck(CHAIN_ID));
      servePeerApi(server, service, {
        lastBlockInfo: () => ({ index: 0n, minimumFees: new Map(), networkBlockVersion: 3 }),
      });
      servers.push(server);
      return dial(await server.listen("127.0.0.1:0", transport.listenCredentials()));
    },
    async unreachable() {
      return dial(await closedPort());
    },
    async close() {
      for (const c of connections) c.close();
      await Promise.all(servers.map((s) => s.close(100)));
    },
  };
}

peerConnectionCompliance("gRPC, insecure loopback", () => grpcHarness(insecure));

let certs: TestCerts | undefined;
const lazyCerts = () => {
  certs ??= makeTestCerts();
  return certs;
};
peerConnectionCompliance("gRPC, TLS loopback", () => grpcHarness(tls(lazyCerts)));
after(() => certs?.remove());
