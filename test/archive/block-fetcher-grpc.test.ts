// Goal: the block fetcher over the real transport (peer headers by gRPC GetBlocks, contents from an
// archive) passes the block-fetcher seam's compliance suite, like the in-memory peer network does.
// Method: each fetcher gets a real RpcServer on loopback serving the peer API for a scripted peer
// whose headers the test sets, and a GrpcPeerConnection to it; `unreachable` dials a closed port.
import { ServerCredentials } from "@grpc/grpc-js";
import { LedgerBlockFetcher, PeerBlockFetcher } from "../../src/archive/index.js";
import type { Block, BlockData } from "../../src/blockchain/index.js";
import { GrpcPeerConnection, RpcServer, servePeerApi } from "../../src/rpc/index.js";
import { nullLogger, parseServiceUri } from "../../src/util/index.js";
import { ScriptedService } from "../peers/connection-compliance.js";
import {
  blockFetcherCompliance,
  type FetcherHarness,
  fetcherChain,
} from "./block-fetcher-compliance.js";

function contents(blocks: readonly BlockData[]) {
  return new LedgerBlockFetcher("contents", {
    numBlocks: () => BigInt(blocks.length),
    getBlockData: (i: bigint) => blocks[Number(i)] as BlockData,
  });
}

function grpcPeerHarness(): FetcherHarness {
  const servers: RpcServer[] = [];
  const connections: GrpcPeerConnection[] = [];
  const dial = (port: number) => {
    const uri = parseServiceUri(`insecure-mcp://127.0.0.1:${port}/`, "peer");
    const c = new GrpcPeerConnection({
      remoteResponderId: `peer${port}.test:8443`,
      uri,
      chainId: "",
    });
    connections.push(c);
    return c;
  };
  const serve = async (headers: readonly Block[]) => {
    const service = new ScriptedService();
    service.chain = headers;
    const server = new RpcServer({ logger: nullLogger });
    servePeerApi(server, service, {
      lastBlockInfo: () => ({ index: 0n, minimumFees: new Map(), networkBlockVersion: 3 }),
    });
    servers.push(server);
    return dial(await server.listen("127.0.0.1:0", ServerCredentials.createInsecure()));
  };
  return {
    async serving(chain) {
      return new PeerBlockFetcher(await serve(chain.map((d) => d.block)), contents(chain));
    },
    async corrupt(chain, index) {
      // The peer's header for `index` belongs to another chain than the archived block.
      const other = fetcherChain("grpc-harness/other", chain.length);
      const headers = chain.map((d, i) => (i === index ? (other[i] as BlockData) : d).block);
      return new PeerBlockFetcher(await serve(headers), contents(chain));
    },
    async unreachable() {
      const server = new RpcServer({ logger: nullLogger });
      const port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
      await server.close(0);
      return new PeerBlockFetcher(dial(port), contents([]));
    },
    async close() {
      for (const c of connections) c.close();
      await Promise.all(servers.map((s) => s.close(100)));
    },
  };
}

blockFetcherCompliance("peer headers over gRPC + archive contents", grpcPeerHarness);
