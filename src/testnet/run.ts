import { NodeClient } from "../wallet/index.js";
import { type Agreement, compareLedgers } from "./agreement.js";
import { type Child, Children, logTail } from "./children.js";
import { TestnetError } from "./errors.js";
import { TestnetLayout } from "./layout.js";
import { TESTNET_LIMITS } from "./limits.js";
import { type LoadNode, WalletLoad } from "./load.js";
import { adminHttpUri, adminUri, clientUri, type Manifest } from "./manifest.js";
import { minBlockCount, NodeMonitor } from "./monitor.js";
import { distributionSpec, serviceHasAdminHttp, serviceSpec } from "./services.js";
import { prepareTestnet } from "./setup.js";
import { LoadStats } from "./stats.js";
import { summaryOf, type TestnetSummary } from "./summary.js";
import type { Snapshot } from "./view.js";

export interface TestnetOptions {
  readonly dir: string;
  /** Node count for a new testnet; an existing one keeps its own (undefined: either). */
  readonly nodes: number | undefined;
  /** Stop after this long; undefined runs until `stop` aborts. */
  readonly durationMs: number | undefined;
  readonly txRate: number;
  /** Payments proposed or accepted and not yet included, at most (closed loop); default unbounded. */
  readonly maxOutstanding?: number | undefined;
  /** How often nodes are polled and payments followed (default `TESTNET_LIMITS.pollIntervalMs`). */
  readonly pollIntervalMs?: number;
  /** Each node records its SCP traffic in `node-I/scp-debug-dump` (`--scp-debug-dump`). */
  readonly scpDebugDump?: boolean;
  /** Where the load counts (a benchmark passes its own, to see each latency as it comes). */
  readonly stats?: LoadStats;
}

/** How the run talks to its caller (the command prints; the run never touches the terminal). */
export interface TestnetIo {
  /** Aborted by the first Ctrl-C or SIGTERM; a second abort of `hurry` skips the wait for inclusion. */
  readonly stop: AbortSignal;
  readonly hurry: AbortSignal;
  /** A line of progress or news (set-up, addresses, a child that died). */
  readonly note: (line: string) => void;
  /** Called every poll with the current state; the caller decides when to draw. */
  readonly show: (snapshot: Snapshot) => void;
  /** The children's process ids, as soon as they are started (for supervisors and tests). */
  readonly started?: (pids: readonly number[]) => void;
  readonly nowMs: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface TestnetResult {
  readonly summary: TestnetSummary;
  readonly agreement: Agreement;
  /** Children that exited while the network was meant to run. */
  readonly failures: readonly string[];
}

/** Set up (or reopen) the testnet folder, run the network with its load, stop it and judge it. */
export async function runTestnet(o: TestnetOptions, io: TestnetIo): Promise<TestnetResult> {
  const layout = new TestnetLayout(o.dir);
  const { manifest, created } = await prepareTestnet(layout, o.nodes);
  io.note(
    `testnet: ${created ? "created" : "restarting"} ${manifest.nodes.length} nodes in ${o.dir}`,
  );
  const failures: string[] = [];
  const halt = new AbortController();
  const children = new Children((child) => {
    failures.push(childFailure(child));
    io.note(`testnet: ${failures[failures.length - 1]}`);
    halt.abort();
  });
  const monitors = manifest.nodes.map(
    (n) =>
      new NodeMonitor({
        index: n.index,
        clientUri: clientUri(n),
        adminUri: adminUri(n),
        dashboardUri: serviceHasAdminHttp() ? adminHttpUri(n) : undefined,
      }),
  );
  try {
    return await runNetwork({ o, io, layout, manifest, children, monitors, halt, failures });
  } finally {
    await children.stopAll();
    for (const m of monitors) m.close();
  }
}

interface Run {
  readonly o: TestnetOptions;
  readonly io: TestnetIo;
  readonly layout: TestnetLayout;
  readonly manifest: Manifest;
  readonly children: Children;
  readonly monitors: readonly NodeMonitor[];
  /** Aborted when a child dies. */
  readonly halt: AbortController;
  readonly failures: string[];
}

function childFailure(child: Child): string {
  const tail = logTail(child.spec.logFile).split("\n").pop() ?? "";
  return `${child.spec.name} (pid ${child.pid}) exited with ${child.exitStatus}; ${child.spec.logFile}${tail === "" ? "" : `: ${tail.slice(0, 300)}`}`;
}

async function runNetwork(r: Run): Promise<TestnetResult> {
  const { io, layout, manifest, children, monitors } = r;
  for (const node of manifest.nodes)
    children.start(serviceSpec(layout, manifest, node, r.o.scpDebugDump === true));
  io.started?.(children.all.map((c) => c.pid));
  await waitForNodes(r);
  for (const node of manifest.nodes) children.start(distributionSpec(layout, node));
  io.started?.(children.all.map((c) => c.pid));
  for (const m of monitors) {
    const v = m.view;
    io.note(
      `testnet: node ${v.index} client ${v.clientUri} admin ${v.adminUri}${v.dashboardUri === undefined ? "" : ` dashboard ${v.dashboardUri}`}`,
    );
  }
  const stats = r.o.stats ?? new LoadStats();
  const loadNodes = manifest.nodes.map(
    (n): LoadNode => ({
      index: n.index,
      client: new NodeClient(clientUri(n)),
      ledgerDir: layout.ledgerDir(n.index),
    }),
  );
  try {
    return await runLoad(r, stats, loadNodes);
  } finally {
    for (const n of loadNodes) n.client.close();
  }
}

async function runLoad(
  r: Run,
  stats: LoadStats,
  loadNodes: readonly LoadNode[],
): Promise<TestnetResult> {
  const { io, layout, manifest, children, monitors } = r;
  const load = new WalletLoad({
    keysDir: layout.keysDir,
    accounts: manifest.accounts,
    nodes: loadNodes,
    rate: r.o.txRate,
    maxOutstanding: r.o.maxOutstanding,
    stats,
    nowMs: io.nowMs,
  });
  const startBlocks = maxBlockCount(r);
  const t0 = io.nowMs();
  const frame = (state: string): Snapshot => snapshot(r, stats, state, startBlocks, t0);
  const until = any([io.stop, r.halt.signal]);
  const deadline = r.o.durationMs === undefined ? Number.POSITIVE_INFINITY : t0 + r.o.durationMs;
  while (!until.aborted && io.nowMs() < deadline) {
    await poll(r);
    load.tick();
    load.follow(minBlockCount(monitors.map((m) => m.view)));
    io.show(frame("running"));
    await io.sleep(pollMs(r), until);
  }
  const loadMs = io.nowMs() - t0;
  await load.stop();
  await drain(r, load, () => io.show(frame("waiting for inclusion")));
  io.show(frame("stopping"));
  await children.stopAll();
  const agreement = compareLedgers(
    manifest.nodes.map((n) => ({ node: n.index, dir: layout.ledgerDir(n.index) })),
  );
  const summary = summaryOf({
    dir: layout.dir,
    nodes: manifest.nodes.length,
    loadMs,
    startBlocks,
    agreement,
    stats,
    pids: children.all.map((c) => c.pid),
  });
  return { summary, agreement, failures: r.failures };
}

function pollMs(r: Run): number {
  return r.o.pollIntervalMs ?? TESTNET_LIMITS.pollIntervalMs;
}

/** Poll every node once, in parallel. */
async function poll(r: Run): Promise<void> {
  await Promise.all(r.monitors.map((m) => m.poll()));
}

function maxBlockCount(r: Run): bigint {
  return r.monitors.reduce(
    (max, m) =>
      m.view.blockCount !== undefined && m.view.blockCount > max ? m.view.blockCount : max,
    0n,
  );
}

/** Until every node answers its client API; a node that exits first ends the run. */
async function waitForNodes(r: Run): Promise<void> {
  const until = any([r.io.stop, r.halt.signal]);
  const deadline = r.io.nowMs() + TESTNET_LIMITS.startTimeoutMs;
  for (;;) {
    await poll(r);
    if (r.monitors.every((m) => m.view.blockCount !== undefined)) return;
    if (until.aborted) throw startFailure(r, "stopped before every node answered");
    if (r.io.nowMs() >= deadline)
      throw startFailure(r, `not every node answered within ${TESTNET_LIMITS.startTimeoutMs} ms`);
    await r.io.sleep(pollMs(r), until);
  }
}

function startFailure(r: Run, why: string): TestnetError {
  const detail = r.failures.length > 0 ? `: ${r.failures[0]}` : "";
  return new TestnetError("CHILD_FAILED", `${why}${detail}`, { failures: [...r.failures] });
}

/**
 * After the load: wait until every accepted payment is in a block on every node and all nodes
 * hold the same number of blocks (bounded; a second Ctrl-C or a dead child ends it at once).
 */
async function drain(r: Run, load: WalletLoad, show: () => void): Promise<void> {
  const until = any([r.io.hurry, r.halt.signal]);
  const deadline = r.io.nowMs() + TESTNET_LIMITS.drainTimeoutMs;
  while (!until.aborted && r.io.nowMs() < deadline) {
    await poll(r);
    const views = r.monitors.map((m) => m.view);
    load.follow(minBlockCount(views));
    show();
    const counts = new Set(views.map((v) => v.blockCount));
    if (load.outstanding === 0 && counts.size === 1 && !counts.has(undefined)) return;
    await r.io.sleep(pollMs(r), until);
  }
}

function snapshot(
  r: Run,
  stats: LoadStats,
  state: string,
  startBlocks: bigint,
  t0: number,
): Snapshot {
  return {
    dir: r.layout.dir,
    elapsedMs: r.io.nowMs() - t0,
    durationMs: r.o.durationMs,
    nodes: r.monitors.map((m) => m.view),
    blocks: Number(maxBlockCount(r) - startBlocks),
    submitted: stats.submitted,
    accepted: stats.accepted,
    included: stats.included,
    lost: stats.lost,
    refused: stats.refused,
    p50Ms: stats.percentile(50),
    p99Ms: stats.percentile(99),
    state,
  };
}

/** A signal aborted when any of `signals` is. */
function any(signals: readonly AbortSignal[]): AbortSignal {
  return AbortSignal.any([...signals]);
}
