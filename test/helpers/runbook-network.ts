/**
 * A local network of real `consensus-service` processes set up the way the operator runbook does
 * it (shared/seeds/003): Ed25519 keys made with openssl, a `network.toml` per node in which each
 * node trusts the others, an origin ledger from `consensus-tool sample-keys` +
 * `generate-sample-ledger`, `tx_source_urls` naming the other nodes' `file://` archives (kept
 * current by one `consensus-tool ledger-distribution` process per node), insecure loopback URIs
 * on free ports, `SGX_MODE=SW IAS_MODE=DEV` with `--ias-spid`/`--ias-api-key`.
 *
 * For e2e tests, fuzzers and benchmarks that need running nodes:
 *
 *   const net = await RunbookNetwork.create({ nodes: 4 });
 *   after(() => net.destroy());           // kills every process (services, enclaves, tools)
 *   await net.startAll();                 // resolves once every node logged "Listening..."
 *   await net.send(0, { from: 0, to: 1, picoMob: 10n ** 12n });
 *   await net.waitFor(async () => (await net.blockCount(3)) >= 2n, "block 1 on node 3");
 *
 * Waits poll observable state (log lines, GetLastBlockInfo, /proc) with a short interval under an
 * overall deadline; nothing sleeps for a fixed time. Every child is started by this class and
 * `destroy()` kills what is left, so a failing test leaves no process behind.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { credentials } from "@grpc/grpc-js";
import { archiveBlockPath } from "../../src/blockchain/index.js";
import { AdminAPI } from "../../src/proto/admin_pb.js";
import { BlockchainAPI, BlocksRequestSchema } from "../../src/proto/consensus_common_pb.js";
import { RpcClient } from "../../src/rpc/index.js";
import { freePorts } from "./ports.js";
import { processesMentioning } from "./processes.js";

export { freePorts, processesMentioning };

import { toHex } from "../../src/util/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SERVICE = path.join(ROOT, "bin", "consensus-service.mjs");
const TOOL = path.join(ROOT, "bin", "consensus-tool.mjs");

/** How often waits look at the state they wait on. */
export const POLL_INTERVAL_MS = 200;
/** Default overall deadline of a wait (a slow, shared 2-core machine starts four nodes slowly). */
export const DEFAULT_DEADLINE_MS = 300_000;
/** Bytes of a node's stdout kept in memory (its JSON log; the tail is shown on failure). */
const LOG_TAIL_BYTES = 64 * 1024;
/** When set, every node's whole log (and each ledger-distribution's output) is appended to files here. */
const LOG_DIR = process.env.MCTS_RUNBOOK_LOG_DIR;

export interface RunbookNetworkOptions {
  /** Nodes (default 4). Each node's quorum set: the others, `threshold` of them (default n − 2). */
  readonly nodes?: number;
  readonly threshold?: number;
  /** Sample accounts in the origin ledger (default 4). */
  readonly accounts?: number;
  /** Outputs per account in the origin (generate-sample-ledger --txs; default 4). */
  readonly txsPerAccount?: number;
  /** Extra flags for every node (e.g. `--chain-id=local`). */
  readonly extraFlags?: readonly string[];
}

export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One node's configuration; `process` while it runs. */
export interface RunbookNode {
  readonly index: number;
  readonly peerResponderId: string;
  readonly clientUri: string;
  readonly peerUri: string;
  readonly adminUri: string;
  readonly ledgerPath: string;
  readonly archiveDir: string;
  readonly networkPath: string;
  readonly msgSignerKey: string;
  readonly consensusMsgKey: string;
  process: ChildProcess | undefined;
  /** stdout (JSON log lines), bounded to the last `LOG_TAIL_BYTES`. */
  log: string;
  stderr: string;
  exited: Promise<NodeExit> | undefined;
}

function run(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** The runbook's commands, through a shell as an operator types them. */
function sh(script: string, cwd: string): string {
  return run("sh", ["-c", script], cwd).trim();
}

export class RunbookNetwork {
  readonly nodes: RunbookNode[] = [];
  readonly #tools: { name: string; child: ChildProcess; output: string }[] = [];
  readonly #clients = new Map<number, RpcClient>();
  #extraFlags: readonly string[] = [];

  private constructor(
    readonly dir: string,
    readonly keysDir: string,
    readonly originDir: string,
  ) {}

  /** Keys, origin ledger, network files and archive directories; starts nothing. */
  static async create(options: RunbookNetworkOptions = {}): Promise<RunbookNetwork> {
    const n = options.nodes ?? 4;
    const dir = mkdtempSync(path.join(tmpdir(), "runbook-net-"));
    const net = new RunbookNetwork(dir, path.join(dir, "keys"), path.join(dir, "origin"));
    net.#extraFlags = options.extraFlags ?? [];
    try {
      net.#makeOrigin(options.accounts ?? 4, options.txsPerAccount ?? 4);
      const ports = await freePorts(3 * n);
      for (let i = 0; i < n; i++) net.nodes.push(net.#makeNode(i, ports, n));
      for (const node of net.nodes) net.#writeNetworkFile(node, options.threshold ?? n - 2);
      return net;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  #makeOrigin(accounts: number, txs: number): void {
    run(
      process.execPath,
      [TOOL, "sample-keys", "--num", String(accounts), "--dir", this.keysDir],
      this.dir,
    );
    run(
      process.execPath,
      [
        TOOL,
        "generate-sample-ledger",
        "--keys-dir",
        this.keysDir,
        "--output-dir",
        this.originDir,
      ].concat(["--txs", String(txs), "--blocks", "1"]),
      this.dir,
    );
  }

  #makeNode(i: number, ports: readonly number[], n: number): RunbookNode {
    const [peer, client, admin] = [ports[i], ports[n + i], ports[2 * n + i]];
    const key = path.join(this.dir, `node${i}.key`);
    // The runbook: openssl genpkey, the DER private key in base64 for --msg-signer-key, and the
    // public key's DER base64 made URL-safe for consensus-msg-key.
    sh(`openssl genpkey -algorithm ed25519 -out ${key}`, this.dir);
    const msgSignerKey = sh(`openssl pkey -in ${key} -outform DER | openssl base64 -A`, this.dir);
    const consensusMsgKey = sh(
      `openssl pkey -in ${key} -pubout -outform DER | openssl base64 -A | sed 's/+/-/g; s/\\//_/g'`,
      this.dir,
    );
    const archiveDir = path.join(this.dir, `archive${i}`);
    mkdirSync(archiveDir);
    return {
      index: i,
      peerResponderId: `127.0.0.1:${peer}`,
      peerUri: `insecure-mcp://127.0.0.1:${peer}/`,
      clientUri: `insecure-mc://127.0.0.1:${client}/`,
      adminUri: `insecure-mca://127.0.0.1:${admin}/`,
      ledgerPath: path.join(this.dir, `ledger-db-${i}`),
      archiveDir,
      networkPath: path.join(this.dir, `network${i}.toml`),
      msgSignerKey,
      consensusMsgKey,
      process: undefined,
      log: "",
      stderr: "",
      exited: undefined,
    };
  }

  /** The runbook's network.toml shape: broadcast_peers, quorum_set, tx_source_urls. */
  #writeNetworkFile(node: RunbookNode, threshold: number): void {
    const others = this.nodes.filter((x) => x !== node);
    const lines = [
      "broadcast_peers = [",
      ...others.map((x) => `  "${x.peerUri}?consensus-msg-key=${x.consensusMsgKey}",`),
      "]",
      `quorum_set = { threshold = ${threshold}, members = [`,
      ...others.map((x) => `  { type = "Node", args = "${x.peerResponderId}" },`),
      "] }",
      "tx_source_urls = [",
      ...others.map((x) => `  "${pathToFileURL(x.archiveDir).href}/",`),
      "]",
      "",
    ];
    writeFileSync(node.networkPath, lines.join("\n"));
  }

  /**
   * In node `from`'s network file, name node `to` by `uri` (e.g. its address behind a TLS proxy)
   * instead of its own peer URI; the consensus-msg-key stays. Before node `from` starts.
   */
  routePeer(from: number, to: number, uri: string): void {
    const file = (this.nodes[from] as RunbookNode).networkPath;
    const target = this.nodes[to] as RunbookNode;
    const text = readFileSync(file, "utf8");
    const old = `"${target.peerUri}?consensus-msg-key=`;
    if (!text.includes(old))
      throw new Error(`node ${from}'s network file does not name node ${to}`);
    const joiner = uri.includes("?") ? "&" : "?";
    writeFileSync(file, text.replace(old, `"${uri}${joiner}consensus-msg-key=`));
  }

  /** The runbook's run command for node `i`. */
  serviceArgs(i: number, extra: readonly string[] = []): string[] {
    const x = this.nodes[i] as RunbookNode;
    return [
      SERVICE,
      `--client-responder-id=${x.clientUri.replace(/^insecure-mc:\/\/|\/$/g, "")}`,
      `--peer-responder-id=${x.peerResponderId}`,
      `--network=${x.networkPath}`,
      "--ias-api-key=runbook-test-key",
      `--ias-spid=${"0f".repeat(16)}`,
      `--ledger-path=${x.ledgerPath}`,
      `--origin-block-path=${this.originDir}`,
      `--peer-listen-uri=${x.peerUri}`,
      `--client-listen-uri=${x.clientUri}`,
      `--admin-listen-uri=${x.adminUri}`,
      `--msg-signer-key=${x.msgSignerKey}`,
      `--sealed-block-signing-key=${path.join(this.dir, `sealed-${i}`)}`,
      ...this.#extraFlags,
      ...extra,
    ];
  }

  /** Start node `i`; resolves once it logged "Listening...", rejects if it exits first. */
  async start(i: number, extra: readonly string[] = []): Promise<void> {
    const x = this.nodes[i] as RunbookNode;
    if (x.process !== undefined && x.process.exitCode === null && x.process.signalCode === null)
      throw new Error(`node ${i} is running`);
    const child = spawn(process.execPath, this.serviceArgs(i, extra), {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? "", SGX_MODE: "SW", IAS_MODE: "DEV" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    x.process = child;
    x.log = "";
    x.stderr = "";
    x.exited = once(child, "exit").then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      x.log = (x.log + chunk).slice(-LOG_TAIL_BYTES);
      if (LOG_DIR !== undefined) appendFileSync(path.join(LOG_DIR, `node${i}.log`), chunk);
    });
    child.stderr?.on("data", (chunk: string) => {
      x.stderr += chunk;
    });
    let exited = false;
    void x.exited.then(() => {
      exited = true;
    });
    await this.waitFor(() => {
      if (exited) throw new Error(`node ${i} exited while starting: ${x.stderr}${this.tail(i)}`);
      return x.log.includes('"msg":"Listening..."');
    }, `node ${i} listening`);
  }

  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((_, i) => this.start(i)));
  }

  /**
   * `ledger-distribution` for node `i`'s ledger into its archive, until `destroy`. The ledger must
   * exist (start the node first): the tool refuses a missing ledger and exits, and every later
   * `waitFor` fails with its message rather than leaving the archive silently empty.
   */
  startDistribution(i: number): ChildProcess {
    const x = this.nodes[i] as RunbookNode;
    const child = spawn(
      process.execPath,
      [
        TOOL,
        "ledger-distribution",
        "--ledger-path",
        x.ledgerPath,
        "--dest",
        pathToFileURL(x.archiveDir).href,
      ],
      { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    const tool = { name: `ledger-distribution ${i}`, child, output: "" };
    const keep = (chunk: Buffer) => {
      tool.output = (tool.output + chunk.toString("utf8")).slice(-LOG_TAIL_BYTES);
      if (LOG_DIR !== undefined) appendFileSync(path.join(LOG_DIR, `distribution${i}.log`), chunk);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.#tools.push(tool);
    return child;
  }

  /** A tool that exited while the network runs is a broken test set-up: say so at once. */
  #checkTools(): void {
    for (const t of this.#tools) {
      const { exitCode, signalCode } = t.child;
      if (exitCode !== null || signalCode !== null)
        throw new Error(`${t.name} exited (${exitCode ?? signalCode}): ${t.output}`);
    }
  }

  /** Whether node `i`'s archive holds block `index` (ledger-distribution has published it). */
  archiveHolds(i: number, index: bigint): boolean {
    const x = this.nodes[i] as RunbookNode;
    return existsSync(path.join(x.archiveDir, archiveBlockPath(index)));
  }

  /** Send `signal` to node `i` and wait for it to exit (bounded by `deadlineMs`). */
  async stop(i: number, signal: NodeJS.Signals, deadlineMs = 60_000): Promise<NodeExit> {
    const x = this.nodes[i] as RunbookNode;
    if (x.process === undefined || x.exited === undefined)
      throw new Error(`node ${i} never started`);
    x.process.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`node ${i} still running ${deadlineMs} ms after ${signal}`)),
        deadlineMs,
      );
    });
    try {
      return await Promise.race([x.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Node `i`'s admin HTTP address (`http://HOST:PORT/`) as its "Listening..." log line reports it,
   * for a network made with `--admin-http-listen-uri` among its flags (port 0: the kernel picks a
   * free port when the node binds, so no port can be taken in between).
   */
  adminHttpUrl(i: number): string {
    for (const line of (this.nodes[i] as RunbookNode).log.split("\n").reverse()) {
      if (!line.includes('"msg":"Listening..."')) continue;
      const url = (JSON.parse(line) as { adminHttp?: unknown }).adminHttp;
      if (typeof url === "string") return url;
    }
    throw new Error(`node ${i} logged no admin HTTP address (is --admin-http-listen-uri given?)`);
  }

  /** The pid of node `i`'s enclave child, from its "enclave process started" log line. */
  enclavePid(i: number): number {
    const lines = (this.nodes[i] as RunbookNode).log.split("\n");
    for (const line of lines.reverse()) {
      if (!line.includes("enclave process started")) continue;
      return (JSON.parse(line) as { pid: number }).pid;
    }
    throw new Error(`node ${i} logged no enclave pid`);
  }

  /** `consensus-tool wallet send` from sample account `from` to `to`, through node `i`. */
  send(i: number, p: { from: number; to: number; picoMob: bigint }): Record<string, unknown> {
    const x = this.nodes[i] as RunbookNode;
    const out = run(
      process.execPath,
      [TOOL, "wallet", "send", "--keys-dir", this.keysDir, "--account", String(p.from)]
        .concat(["--to-account", String(p.to), "--amount", p.picoMob.toString()])
        .concat(["--ledger-db", x.ledgerPath, "--node", x.clientUri])
        .concat(["--insecure-sw-attestation", "--json"]),
      this.dir,
    );
    return JSON.parse(out) as Record<string, unknown>;
  }

  /** `send` without blocking this process's event loop (for tests that keep calling meanwhile). */
  sendAsync(i: number, p: { from: number; to: number; picoMob: bigint }): Promise<unknown> {
    const x = this.nodes[i] as RunbookNode;
    const args = [TOOL, "wallet", "send", "--keys-dir", this.keysDir, "--account", String(p.from)]
      .concat(["--to-account", String(p.to), "--amount", p.picoMob.toString()])
      .concat(["--ledger-db", x.ledgerPath, "--node", x.clientUri])
      .concat(["--insecure-sw-attestation", "--json"]);
    return new Promise((resolve, reject) => {
      execFile(process.execPath, args, { cwd: this.dir, timeout: 120_000 }, (error, out, err) => {
        if (error) reject(new Error(`wallet send failed: ${String(error)} ${err}${out}`));
        else resolve(JSON.parse(out));
      });
    });
  }

  #client(i: number): RpcClient {
    let client = this.#clients.get(i);
    if (client === undefined) {
      const address = (this.nodes[i] as RunbookNode).clientUri.replace(
        /^insecure-mc:\/\/|\/$/g,
        "",
      );
      client = new RpcClient(address, credentials.createInsecure());
      this.#clients.set(i, client);
    }
    return client;
  }

  /** Node `i`'s block count (GetLastBlockInfo on its client port). */
  async blockCount(i: number): Promise<bigint> {
    const info = await this.#client(i).unary(
      BlockchainAPI.method.getLastBlockInfo,
      create(EmptySchema),
      { deadlineMs: 5_000 },
    );
    return info.index + 1n;
  }

  /**
   * One sample of node `i`'s Prometheus metrics (admin GetPrometheusMetrics), the series `name`
   * whose labels include `labels`; undefined when the node has no such series.
   */
  async metric(
    i: number,
    name: string,
    labels: Record<string, string>,
  ): Promise<number | undefined> {
    const address = (this.nodes[i] as RunbookNode).adminUri.replace(/^insecure-mca:\/\/|\/$/g, "");
    const admin = new RpcClient(address, credentials.createInsecure());
    try {
      const reply = await admin.unary(AdminAPI.method.getPrometheusMetrics, create(EmptySchema), {
        deadlineMs: 5_000,
      });
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      for (const line of reply.metrics.split("\n")) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
        if (m?.[1] === name && wanted.every((w) => (m[2] ?? "").includes(w))) return Number(m[3]);
      }
      return undefined;
    } finally {
      admin.close();
    }
  }

  /** Node `i`'s block ids, in order (GetBlocks on its client port; up to 2000). */
  async blockIds(i: number): Promise<string[]> {
    const reply = await this.#client(i).unary(
      BlockchainAPI.method.getBlocks,
      create(BlocksRequestSchema, { offset: 0n, limit: 2000 }),
      { deadlineMs: 5_000 },
    );
    return reply.blocks.map((b) => toHex(b.id?.data ?? new Uint8Array(0)));
  }

  /**
   * Poll `done` every `POLL_INTERVAL_MS` until it is true; a call that throws a transport error
   * counts as "not yet" (a node still starting), any other throw ends the wait.
   */
  async waitFor(
    done: () => boolean | Promise<boolean>,
    what: string,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<void> {
    const end = Date.now() + deadlineMs;
    let last: unknown;
    while (Date.now() < end) {
      this.#checkTools();
      try {
        if (await done()) return;
      } catch (error) {
        if (!(error instanceof Error) || error.name !== "RpcCallError") throw error;
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    throw new Error(
      `${what}: not within ${deadlineMs} ms${last ? ` (last: ${String(last)})` : ""}`,
    );
  }

  /** The last lines of node `i`'s log, for failure messages. */
  tail(i: number, lines = 15): string {
    return (this.nodes[i] as RunbookNode).log.split("\n").slice(-lines).join("\n");
  }

  /** Processes (services, enclaves, tools) still running for this network. */
  leftovers(): { pid: number; cmdline: string }[] {
    return processesMentioning(this.dir);
  }

  /** Kill every process of this network (SIGKILL), close clients, remove the directory. */
  async destroy(): Promise<void> {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
    for (const { child } of this.#tools)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const x of this.nodes)
      if (x.process !== undefined && x.process.exitCode === null && x.process.signalCode === null)
        x.process.kill("SIGKILL");
    await Promise.all(this.nodes.map((x) => x.exited));
    // Enclave children exit when their stdin closes; anything left is killed outright.
    const end = Date.now() + 10_000;
    while (this.leftovers().length > 0 && Date.now() < end)
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    for (const p of this.leftovers()) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
