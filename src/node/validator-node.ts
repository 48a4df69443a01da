import { randomBytes } from "node:crypto";
import path from "node:path";
import { type ArchiveSource, openArchiveSource } from "../archive/index.js";
import { callOk } from "../enclave/index.js";
import type { Ledger } from "../ledger/index.js";
import type { NetworkConfig } from "../quorum/index.js";
import {
  buildNodeConfig,
  GrpcPeerConnection,
  type LastBlockInfo,
  type RpcServer,
} from "../rpc/index.js";
import type { NodeId, QuorumSet } from "../scp/index.js";
import { describeError, type Logger, parseServiceUri, type RandomSource } from "../util/index.js";
import { type AdminHttpServer, startAdminHttp } from "./admin-http.js";
import { AdminStatus, registerAdminGauges } from "./admin-status.js";
import { rotatingBlockSource } from "./block-source.js";
import { blockchainConfigOf, type StartedEnclave, startEnclave } from "./enclave-startup.js";
import type { RuntimeLogFilter } from "./log-filter.js";
import { NodeMetrics } from "./metrics-prom.js";
import { loadNetworkFile } from "./network.js";
import { networkBlockSource } from "./network-block-source.js";
import { openNodeLedger } from "./node-ledger.js";
import { logObserver, startHousekeeping } from "./node-observers.js";
import {
  type BoundServer,
  type NodeServerPorts,
  nodeInfoJson,
  startNodeServers,
} from "./node-servers.js";
import { enclavePeerAttestor } from "./peer-attestor.js";
import { createNodeRuntime, type NodeRuntime } from "./runtime.js";
import { ScpDebugDump } from "./scp-debug-dump.js";
import type { ServiceConfig } from "./service-config.js";
import { fileStatementStore } from "./statement-store.js";
import { StatementTracker } from "./statement-tracker.js";
import { systemTimers } from "./timers.js";
import { fanOutObserver } from "./validator-observer.js";

/**
 * The composition root (reference mobilecoin-service.md §1.3, node-runtime.md §4): validated
 * config → metrics → LMDB ledger (origin copied in when empty) → enclave child process → the
 * validator runtime with real ports (gRPC peer connections, the peers' enclave sessions, the
 * statement file, catch-up from peers and archives) → servers (admin, peer, client) → the driver
 * starts. `close()` undoes it in reverse; a step that fails closes what was opened before it.
 */
export interface ValidatorNodeDeps {
  readonly logger: Logger;
  /** The filter admin `SetRustLog` changes (see `serviceLogging`). */
  readonly logFilter: RuntimeLogFilter;
  /**
   * Told once when the node cannot go on: the enclave process died, or the validator hit a
   * condition MobileCoin panics on. The caller closes the node and exits non-zero.
   */
  readonly onFatal: (error: unknown) => void;
  /** Our version, for GetInfo and build info. */
  readonly version?: string;
}

export interface ValidatorNode {
  readonly runtime: NodeRuntime;
  readonly metrics: NodeMetrics;
  readonly ledger: Ledger;
  readonly enclave: StartedEnclave;
  /** Bound ports by server (useful when a listen URI asked for port 0). */
  readonly addresses: {
    readonly peer: number;
    readonly client: number;
    readonly admin?: number;
    /** The admin HTTP server's `http://HOST:PORT/`, when `--admin-http-listen-uri` is set. */
    readonly adminHttp?: string;
  };
  /** Health, quorum health and the stuck-slot view (what the admin HTTP server serves). */
  readonly status: AdminStatus;
  /** Stop accepting, finish the block being appended, close peers, the enclave and LMDB. */
  close(): Promise<void>;
}

/** The operating system's randomness (broadcast retry jitter, nomination). */
const systemRandom: RandomSource = {
  fillBytes(out) {
    out.set(randomBytes(out.length));
    return out;
  },
};

/** Undo steps, run last-first; each runs once even if `close` is called again. */
class Closer {
  readonly #steps: { name: string; run: () => unknown }[] = [];
  #closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  add(name: string, run: () => unknown): void {
    this.#steps.push({ name, run });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          this.logger.warn({ step: step.name, err: describeError(error) }, "close step failed");
        }
      }
    })();
    return this.#closing;
  }
}

/** Quorum-set members with the keys their peer entries give (the worker verifies with them). */
export function resolveQuorumSet(network: NetworkConfig): QuorumSet {
  const keys = new Map(
    [...network.broadcastPeers, ...network.knownPeers].map((p) => [p.responderId, p.publicKey]),
  );
  const walk = (q: QuorumSet): QuorumSet => ({
    threshold: q.threshold,
    members: q.members.map((m) =>
      m.type === "InnerSet"
        ? { type: "InnerSet" as const, args: walk(m.args) }
        : { type: "Node" as const, args: nodeIdOf(m.args.id, keys) },
    ),
  });
  return walk(network.quorumSet);
}

function nodeIdOf(id: string, keys: ReadonlyMap<string, Uint8Array>): NodeId {
  const publicKey = keys.get(id);
  return publicKey === undefined ? { id } : { id, publicKey };
}

export async function startValidatorNode(
  config: ServiceConfig,
  deps: ValidatorNodeDeps,
): Promise<ValidatorNode> {
  const { logger } = deps;
  const closer = new Closer(logger);
  let fatal = false;
  const fail = (error: unknown): void => {
    if (fatal) return;
    fatal = true;
    deps.onFatal(error);
  };
  try {
    return await assemble(config, deps, closer, fail);
  } catch (error) {
    await closer.close();
    throw error;
  }
}

async function assemble(
  config: ServiceConfig,
  deps: ValidatorNodeDeps,
  closer: Closer,
  fail: (error: unknown) => void,
): Promise<ValidatorNode> {
  const { logger } = deps;
  const network = loadNetworkFile(config.networkPath, {
    selfResponderId: config.peerResponderId,
    requireResolvedMembers: true,
    label: `--network ${config.networkPath}`,
  });
  const metrics = new NodeMetrics({
    peers: network.broadcastPeers.map((p) => p.responderId),
    ledgerPath: config.ledgerPath,
    nowMs: () => Date.now(),
  });
  const ledger = openNodeLedger(config.ledgerPath, config.originBlockPath, logger);
  closer.add("ledger", () => ledger.close());
  const enclave = await startEnclave({
    config,
    logger,
    nowMs: () => Date.now(),
    onEnclaveExit: fail,
  });
  closer.add("enclave", () => enclave.host.close());
  const connections = peerConnections(network, config);
  closer.add("peer connections", () => {
    metrics.closePeers();
    for (const c of connections.values()) c.close();
  });
  const archives = network.txSourceUrls.map((url) => openArchiveSource(url));
  closer.add("archives", () => Promise.all(archives.map((a) => a.close())));
  const dump = debugDump(config, network, logger);
  if (dump !== undefined) closer.add("scp debug dump", () => dump.close());
  const pending = { of: (): number => 0 };
  const tracker = statementTracker(config, network, ledger, () => pending.of());
  const runtime = buildRuntime(config, network, {
    ledger,
    enclave,
    connections,
    archives,
    observer: fanOutObserver(metrics, dump, logObserver(logger, ledger), tracker),
    fail,
  });
  pending.of = () => runtime.validator.worker.pending.length;
  closer.add("runtime", () => runtime.close());
  const status = adminStatusOf(config, network, runtime, ledger, enclave, tracker);
  registerAdminGauges(metrics.registry, status);
  const serverPorts = {
    config,
    network,
    runtime,
    ledger,
    metrics,
    logger,
    logFilter: deps.logFilter,
    lastBlockInfo: lastBlockInfoSource(config, ledger),
    nodeConfig: nodeConfigSource(config, enclave),
    version: deps.version ?? "0.1.0",
    ready: status.ready,
  };
  const servers = await startNodeServers(serverPorts);
  closer.add("servers", () => closeServers(servers.map((s) => s.server)));
  const adminHttp = await startAdminHttpIf(config, status, serverPorts, metrics, deps.logFilter);
  if (adminHttp !== undefined) closer.add("admin http", () => adminHttp.close());
  runtime.start();
  const housekeeping = startHousekeeping({ runtime, ledger, metrics, enclave, logger });
  closer.add("housekeeping", () => housekeeping.stop());
  logger.info(
    {
      event: "started",
      peers: connections.size,
      numBlocks: ledger.numBlocks().toString(),
      ...(adminHttp === undefined ? {} : { adminHttp: adminHttp.url }),
    },
    "Listening...",
  );
  const port = (name: BoundServer["name"]) => servers.find((s) => s.name === name)?.port;
  const admin = port("admin");
  return {
    runtime,
    metrics,
    ledger,
    enclave,
    addresses: {
      peer: port("peer") as number,
      client: port("client") as number,
      ...(admin === undefined ? {} : { admin }),
      ...(adminHttp === undefined ? {} : { adminHttp: adminHttp.url }),
    },
    status,
    close: () => closer.close(),
  };
}

function statementTracker(
  config: ServiceConfig,
  network: NetworkConfig,
  ledger: Ledger,
  pendingValues: () => number,
): StatementTracker {
  return new StatementTracker({
    local: config.peerResponderId,
    peers: network.broadcastPeers.map((p) => p.responderId),
    nowMs: () => Date.now(),
    blockIdAt: (i) =>
      i >= 0 && BigInt(i) < ledger.numBlocks() ? ledger.getBlock(BigInt(i)).id : undefined,
    pendingValues,
  });
}

function adminStatusOf(
  config: ServiceConfig,
  network: NetworkConfig,
  runtime: NodeRuntime,
  ledger: Ledger,
  enclave: StartedEnclave,
  tracker: StatementTracker,
): AdminStatus {
  return new AdminStatus({
    local: config.peerResponderId,
    quorumSet: network.quorumSet,
    validator: runtime.validator,
    driver: runtime.driver,
    ledger,
    tracker,
    nowMs: () => Date.now(),
    evidenceNotAfterMs: () => enclave.evidence.notAfterMs,
    enclaveAnswers: async () => {
      await callOk(enclave.host, { call: "get_identity" });
      return true;
    },
  });
}

/** `--admin-http-listen-uri`: the operators' HTTP server (SPEC §4.2), when set. */
async function startAdminHttpIf(
  config: ServiceConfig,
  status: AdminStatus,
  ports: NodeServerPorts,
  metrics: NodeMetrics,
  logFilter: RuntimeLogFilter,
): Promise<AdminHttpServer | undefined> {
  if (config.adminHttpListenUri === null) return undefined;
  return startAdminHttp(config.adminHttpListenUri, {
    status,
    metricsText: () => metrics.text(),
    metricsContentType: metrics.contentType,
    info: () => nodeInfoJson(ports),
    logFilter: () => logFilter.text,
    setLogFilter: (text) => logFilter.set(text),
  });
}

/** Stop accepting on every port at once; calls in flight get the servers' grace period. */
async function closeServers(servers: readonly RpcServer[]): Promise<void> {
  await Promise.all(servers.map((s) => s.close()));
}

function peerConnections(
  network: NetworkConfig,
  config: ServiceConfig,
): Map<string, GrpcPeerConnection> {
  const out = new Map<string, GrpcPeerConnection>();
  for (const entry of [...network.broadcastPeers, ...network.knownPeers]) {
    out.set(
      entry.responderId,
      new GrpcPeerConnection({
        remoteResponderId: entry.responderId,
        uri: parseServiceUri(entry.uri, "peer"),
        chainId: config.chainId ?? "",
      }),
    );
  }
  return out;
}

function debugDump(
  config: ServiceConfig,
  network: NetworkConfig,
  logger: Logger,
): ScpDebugDump | undefined {
  if (config.scpDebugDumpPath === null) return undefined;
  return new ScpDebugDump({
    dir: config.scpDebugDumpPath,
    nowMs: () => Date.now(),
    node: config.peerResponderId,
    quorumSet: network.quorumSet,
    log: logger,
  });
}

interface RuntimeParts {
  readonly ledger: Ledger;
  readonly enclave: StartedEnclave;
  readonly connections: ReadonlyMap<string, GrpcPeerConnection>;
  readonly archives: readonly ArchiveSource[];
  readonly observer: ReturnType<typeof fanOutObserver>;
  readonly fail: (error: unknown) => void;
}

/** Broadcast peers (the ones consensus talks to), with their URI flags (reference §3.2). */
function broadcastPeersOf(network: NetworkConfig) {
  return network.broadcastPeers.map((p) => {
    const params = parseServiceUri(p.uri, "peer").params;
    const relay = params.get("consensus-relay-incoming-txs");
    return {
      responderId: p.responderId,
      broadcast: (params.get("broadcast-consensus-msgs") ?? "1") === "1",
      relayIncomingTxs: relay === "1" || relay === "true",
    };
  });
}

function buildRuntime(
  config: ServiceConfig,
  network: NetworkConfig,
  parts: RuntimeParts,
): NodeRuntime {
  const peers = broadcastPeersOf(network);
  const broadcastIds = new Set(peers.map((p) => p.responderId));
  const broadcastConnections = new Map(
    [...parts.connections].filter(([id]) => broadcastIds.has(id)),
  );
  return createNodeRuntime(
    {
      validator: {
        local: { id: config.peerResponderId, publicKey: config.msgSigner.publicKey },
        quorumSet: resolveQuorumSet(network),
        peers,
      },
      blockVersion: config.blockVersion,
    },
    {
      ledger: parts.ledger,
      enclave: parts.enclave.host,
      signer: config.msgSigner,
      random: systemRandom,
      timers: systemTimers,
      peers: broadcastConnections,
      attestor: enclavePeerAttestor(parts.enclave.host, (peer, request) => {
        const connection = parts.connections.get(peer);
        if (connection === undefined) throw new Error(`no connection to ${peer}`);
        return connection.auth(request);
      }),
      statements: fileStatementStore(statementPathOf(config.ledgerPath)),
      blocks: rotatingBlockSource(
        networkBlockSource([...parts.connections.values()], parts.archives),
      ),
      events: { observer: parts.observer, fatal: parts.fail },
    },
  );
}

/** Beside the ledger directory, never inside it (ledgers are copied around). */
export function statementPathOf(ledgerPath: string): string {
  const ledger = path.resolve(ledgerPath);
  return path.join(path.dirname(ledger), `${path.basename(ledger)}.scp-statement`);
}

function lastBlockInfoSource(config: ServiceConfig, ledger: Ledger): () => LastBlockInfo {
  const fees = blockchainConfigOf(config).feeMap;
  const minimumFees = new Map(fees.map((f) => [f.tokenId, f.minimumFee]));
  return () => ({
    index: ledger.numBlocks() - 1n,
    minimumFees,
    networkBlockVersion: config.blockVersion,
  });
}

function nodeConfigSource(config: ServiceConfig, enclave: StartedEnclave) {
  const fees = blockchainConfigOf(config).feeMap;
  return async () => {
    const root = await callOk(enclave.host, { call: "get_minting_trust_root" });
    return buildNodeConfig({
      peerResponderId: config.peerResponderId,
      clientResponderId: config.clientResponderId,
      blockVersion: config.blockVersion,
      feeMap: new Map(fees.map((f) => [f.tokenId, f.minimumFee])),
      scpMessageSigningKey: config.msgSigner.publicKey,
      blockSigningKey: enclave.signerPublicKey,
      mintingTrustRoot: root.publicKey,
      attestation: {
        mode: enclave.label.mode,
        measurement: enclave.label.measurement,
        signer: enclave.label.signer,
        authorityKeyId: enclave.label.authorityKeyId ?? new Uint8Array(32),
      },
    });
  };
}
