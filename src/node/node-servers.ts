import { create } from "@bufbuild/protobuf";
import { ConsensusError } from "../consensus/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { AttestedApi, AuthMessageSchema } from "../proto/attest_pb.js";
import type { ConsensusNodeConfig } from "../proto/consensus_config_pb.js";
import type { NetworkConfig } from "../quorum/index.js";
import {
  type BuildFacts,
  buildInfoJson,
  chainIdRequestCheck,
  clientAuthCheck,
  consensusConfigJson,
  type LastBlockInfo,
  type RefusalObserver,
  RpcServer,
  serveAdminApi,
  serveBlockchainApi,
  serveBuildInfoApi,
  serveClientApi,
  serveHealthApi,
  servePeerApi,
  serverCredentialsFor,
  TokenAuthenticator,
} from "../rpc/index.js";
import { isCodedError, type Logger, type ServiceUri } from "../util/index.js";
import { adminInfoJson } from "./admin-http.js";
import { RuntimeError } from "./errors.js";
import type { RuntimeLogFilter } from "./log-filter.js";
import { insecureBind, listening } from "./log-lines.js";
import type { NodeMetrics } from "./metrics-prom.js";
import type { NodeRuntime } from "./runtime.js";
import type { ServiceConfig } from "./service-config.js";

/** What the three servers serve from (reference mobilecoin-service.md §5.1). */
export interface NodeServerPorts {
  readonly config: ServiceConfig;
  readonly network: NetworkConfig;
  readonly runtime: NodeRuntime;
  readonly ledger: LedgerReader;
  readonly metrics: NodeMetrics;
  readonly logger: Logger;
  readonly logFilter: RuntimeLogFilter;
  readonly lastBlockInfo: () => LastBlockInfo;
  readonly nodeConfig: () => Promise<ConsensusNodeConfig>;
  readonly version: string;
  /** Readiness for the client port's gRPC health service (admin-status.ts); default: not behind. */
  readonly ready?: (service: string) => boolean;
}

export interface BoundServer {
  readonly name: "peer" | "client" | "admin";
  readonly server: RpcServer;
  /** The port bound (the URI's, or the one the system chose for port 0). */
  readonly port: number;
}

/** Our build, in MobileCoin's `BuildInfo` fields (we have no cargo profile; they stay empty). */
export function buildFacts(version: string): BuildFacts {
  return {
    gitCommit: version,
    profile: "release",
    debug: "false",
    optLevel: "",
    debugAssertions: "false",
    targetArch: process.arch,
    targetFeature: "",
    rustflags: "",
    sgxMode: "SW",
  };
}

/** Refuse new client work while closing, behind or full (MobileCoin asks before the mint RPCs). */
export function clientAdmission(runtime: NodeRuntime): void {
  if (!runtime.driver.running) throw new RuntimeError("RPC_NOT_SERVING", "the node is closing");
  const worker = runtime.validator.worker;
  if (worker.sync.isBehind) throw new RuntimeError("RPC_BEHIND", "catching up with the network");
  if (worker.pending.length >= worker.pending.capacity)
    throw new ConsensusError("OVER_CAPACITY", "too many pending values");
}

/** The reason label of a refusal: its typed code (an untyped throw is our fault, not theirs). */
export function refusalReason(error: unknown): string {
  return isCodedError(error) ? error.code : "UNEXPECTED";
}

/** The relaying peer a refused request names (SendConsensusMsg), for the per-peer rejects. */
function namedPeer(request: unknown): string | undefined {
  const from = (request as { fromResponderId?: unknown } | undefined)?.fromResponderId;
  return typeof from === "string" ? from : undefined;
}

/** Counts every refused call of the peer port, by method and reason (and by peer when named). */
const peerRefusals =
  (metrics: NodeMetrics): RefusalObserver =>
  (path, error, request) =>
    metrics.rejected("peer", path, refusalReason(error), namedPeer(request));

function peerServer(p: NodeServerPorts): RpcServer {
  const server = new RpcServer({
    logger: p.logger.child({ server: "peer" }),
    onCall: (path, code, seconds) => p.metrics.grpcCall(path, code, seconds),
    onRefused: peerRefusals(p.metrics),
  });
  if (p.config.chainId !== null) server.requestCheck(chainIdRequestCheck(p.config.chainId));
  const ingress = p.runtime.ingress;
  servePeerApi(
    server,
    { ...ingress.peerService, auth: (request) => ingress.peerAuth(request) },
    { lastBlockInfo: p.lastBlockInfo },
  );
  serveHealthApi(server);
  serveBuildInfoApi(server, buildFacts(p.version));
  return server;
}

function clientServer(p: NodeServerPorts): RpcServer {
  const server = new RpcServer({
    logger: p.logger.child({ server: "client" }),
    onCall: (path, code, seconds) => p.metrics.grpcCall(path, code, seconds),
    // Validation refusals are answers (gRPC OK with a ProposeTxResult); these are the calls refused.
    onRefused: (path, error) => p.metrics.rejected("client", path, refusalReason(error)),
  });
  const { config, runtime, metrics } = p;
  if (config.chainId !== null) server.requestCheck(chainIdRequestCheck(config.chainId));
  if (config.clientAuthTokenSecret !== null) {
    const authenticator = new TokenAuthenticator({
      secret: config.clientAuthTokenSecret,
      maxLifetimeSeconds: config.clientAuthTokenMaxLifetimeSec,
      nowSeconds: () => Math.floor(Date.now() / 1000),
    });
    server.requestCheck(clientAuthCheck(authenticator));
  }
  serveClientApi(server, {
    proposeTx: async (message) => {
      metrics.proposeCall("add_tx", "initiated");
      const { channelId, aad, data } = message;
      await runtime.ingress.submitClientTx({ channelId, aad, data });
      metrics.proposeCall("add_tx", "done");
    },
    numBlocks: () => p.ledger.numBlocks(),
    blockVersion: config.blockVersion,
    nodeConfig: p.nodeConfig,
    admission: () => clientAdmission(runtime),
    onValidationRefused: (result) => metrics.txRejected(result),
  });
  server.unary(AttestedApi.method.auth, async (request) =>
    create(AuthMessageSchema, { data: await runtime.ingress.clientAuth(request.data) }),
  );
  serveBlockchainApi(server, {
    lastBlockInfo: p.lastBlockInfo,
    getBlocks: (offset, limit) => runtime.ingress.peerService.getBlocks(offset, limit),
  });
  // NOT_SERVING while behind: load balancers send clients elsewhere (MobileCoin's readiness).
  serveHealthApi(server, { ready: p.ready ?? (() => !runtime.validator.worker.sync.isBehind) });
  serveBuildInfoApi(server, buildFacts(p.version));
  return server;
}

function adminServer(p: NodeServerPorts): RpcServer {
  const server = new RpcServer({
    logger: p.logger.child({ server: "admin" }),
    onCall: (path, code, seconds) => p.metrics.grpcCall(path, code, seconds),
  });
  const facts = buildFacts(p.version);
  serveAdminApi(server, {
    name: "Consensus Service",
    id: p.config.peerResponderId,
    buildInfo: facts,
    buildInfoJson: buildInfoJson(facts, process.platform),
    metricsText: () => p.metrics.text(),
    configJson: () => configJsonOf(p),
    logFilter: () => p.logFilter.text,
    setLogFilter: (text) => p.logFilter.set(text),
    logger: p.logger,
  });
  serveHealthApi(server);
  serveBuildInfoApi(server, facts);
  return server;
}

/** The admin `GetInfo` answer as JSON, for the admin HTTP server's `/info`. */
export function nodeInfoJson(p: NodeServerPorts): Promise<object> {
  const facts = buildFacts(p.version);
  return adminInfoJson({
    name: "Consensus Service",
    id: p.config.peerResponderId,
    buildInfoJson: buildInfoJson(facts, process.platform),
    configJson: () => configJsonOf(p),
    logFilter: () => p.logFilter.text,
  });
}

function configJsonOf(p: NodeServerPorts): string {
  const { config: c, network: n, ledger, runtime } = p;
  const numBlocks = ledger.numBlocks();
  const last = ledger.getBlock(numBlocks - 1n);
  const signature = ledger.getBlockSignature(numBlocks - 1n);
  const worker = runtime.validator.worker;
  return consensusConfigJson({
    config: {
      publicKey: c.msgSigner.publicKey,
      peerResponderId: c.peerResponderId,
      clientResponderId: c.clientResponderId,
      networkPath: c.networkPath,
      peerListenUri: c.peerListenUri.original,
      clientListenUri: c.clientListenUri.original,
      adminListenUri: c.adminListenUri?.original ?? null,
      ledgerPath: c.ledgerPath,
      scpDebugDump: c.scpDebugDumpPath,
      clientAuthTokenEnabled: c.clientAuthTokenSecret !== null,
      clientAuthTokenMaxLifetimeSeconds: c.clientAuthTokenMaxLifetimeSec,
    },
    network: {
      broadcast_peers: n.broadcastPeers.map((x) => x.uri),
      known_peers: n.knownPeers.map((x) => x.uri),
      tx_source_urls: n.txSourceUrls,
    },
    status: {
      blockHeight: numBlocks,
      version: p.version,
      broadcastPeerCount: n.broadcastPeers.length,
      knownPeerCount: n.knownPeers.length,
      behind: worker.sync.isBehind,
      // Blocks the network agreed on: one past the highest index a passing set has reached.
      peerBlockHeight: BigInt(
        Math.max(Number(numBlocks), (worker.network.highestBlockIndexOnNetwork() ?? -1) + 1),
      ),
      latestBlockId: last.id,
      latestBlockSignedAt: signature?.signedAt ?? null,
    },
  });
}

/**
 * Bind the servers in MobileCoin's order (admin, peer, client), logging its lines. A bind that
 * fails closes those already bound and throws.
 */
export async function startNodeServers(p: NodeServerPorts): Promise<BoundServer[]> {
  const plan: { name: BoundServer["name"]; uri: ServiceUri; make: () => RpcServer }[] = [];
  if (p.config.adminListenUri !== null)
    plan.push({ name: "admin", uri: p.config.adminListenUri, make: () => adminServer(p) });
  plan.push({ name: "peer", uri: p.config.peerListenUri, make: () => peerServer(p) });
  plan.push({ name: "client", uri: p.config.clientListenUri, make: () => clientServer(p) });
  const bound: BoundServer[] = [];
  try {
    for (const { name, uri, make } of plan) {
      const server = make();
      const host = uri.host.includes(":") ? `[${uri.host}]` : uri.host;
      if (!uri.useTls) insecureBind(p.logger, uri.host, uri.port);
      const port = await server.listen(`${host}:${uri.port}`, serverCredentialsFor(uri));
      bound.push({ name, server, port });
      listening(p.logger, name, `${uri.scheme}://${host}:${port}/`);
    }
    return bound;
  } catch (error) {
    await Promise.all(bound.map((b) => b.server.close(0)));
    throw error;
  }
}
