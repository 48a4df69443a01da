import type { BlockData } from "../blockchain/index.js";
import type { ValidatorAction } from "../consensus/index.js";
import { sha256 } from "../crypto/index.js";
import { decodeConsensusMsgPayload } from "../peers/index.js";
import type { Json } from "../scp/index.js";
import { txKeyImages, txOutputPublicKeys } from "../transaction/index.js";
import { concatBytes, isCodedError, toHex } from "../util/index.js";
import {
  Cluster,
  type ClusterEvent,
  type ClusterNode,
  callKey,
  clusterSetup,
  type PeerPacket,
  type PreparedWallet,
} from "./cluster.js";
import { SimError } from "./errors.js";
import { type SimOptions, validateOptions } from "./options.js";
import type { Packet } from "./packet-network.js";
import { checkRestarts } from "./restart-check.js";
import type { SimResult } from "./summary.js";
import { WALLET_LIMITS, type WalletTx } from "./wallet.js";
import { type WholeNodeOptions, wholeNodeHeader } from "./whole-node-options.js";

/**
 * `sim --whole-node` (SPEC §4.3): the cluster of whole validators, a wallet submitting real
 * transactions at `txRate` per virtual second (`slots × valuesPerSlot` of them, a few of them
 * spent twice on different nodes), the faults of `sim`, and the summary with the five keys it adds.
 */

export interface WholeNodeResult extends SimResult {
  blocks_identical: boolean;
  txs_submitted: number;
  txs_included: number;
  txs_included_twice: number;
  double_spends: number;
}

/** Named limits of the workload. */
export const WHOLE_NODE_LIMITS = {
  /** Most transactions one run submits (each costs real proofs). */
  txsMax: 2_000,
  txRateMax: 1_000,
  /** Default double-spend attempts. */
  doubleSpendsDefault: 2,
  /**
   * A wallet resubmits a transaction not in a block after this long, to the next node (a node's
   * pending transactions die with it, as MobileCoin's do; clients retry).
   */
  resubmitAfterMs: 5_000,
  resubmitsMax: 5,
} as const;

export type { WholeNodeOptions } from "./whole-node-options.js";

export type WholeNodeTraceSink = (record: Record<string, Json>) => void;

interface Books {
  submitted: WalletTx[];
  /** Hashes of the ordinary transactions a node accepted (they must all land, once). */
  accepted: Set<string>;
  /** Which node accepted each of them. */
  acceptedBy: Map<string, string>;
  /** Pairs spending one output: exactly one of them may land. */
  conflicts: [WalletTx, WalletTx][];
  /** Submissions still scheduled. */
  due: number;
  withholders: ReadonlySet<string>;
}

export async function runWholeNode(
  options: WholeNodeOptions,
  trace?: WholeNodeTraceSink,
): Promise<WholeNodeResult> {
  return (await runWholeNodeCluster(options, trace)).result;
}

/** What a run leaves for inspection: the summary, the cluster, the wallet's books. */
export interface WholeNodeRun {
  readonly result: WholeNodeResult;
  readonly cluster: Cluster;
  /** Every transaction the wallet submitted, and the pairs spending one output. */
  readonly submitted: readonly WalletTx[];
  readonly accepted: ReadonlySet<string>;
  /** Which node accepted each accepted transaction. */
  readonly acceptedBy: ReadonlyMap<string, string>;
  readonly conflicts: readonly (readonly [WalletTx, WalletTx])[];
}

export async function runWholeNodeCluster(
  options: WholeNodeOptions,
  trace?: WholeNodeTraceSink,
  prepared?: PreparedWallet,
): Promise<WholeNodeRun> {
  validateOptions(options);
  const total = options.slots * options.valuesPerSlot;
  if (!(total >= 1 && total <= WHOLE_NODE_LIMITS.txsMax))
    throw new SimError(
      "BAD_OPTION",
      `--slots × --values-per-slot must be within 1..${WHOLE_NODE_LIMITS.txsMax}`,
    );
  if (!(options.txRate > 0 && options.txRate <= WHOLE_NODE_LIMITS.txRateMax))
    throw new SimError(
      "BAD_OPTION",
      `--tx-rate must be within (0, ${WHOLE_NODE_LIMITS.txRateMax}]`,
    );
  const perAccount = Math.max(
    WALLET_LIMITS.outputsPerAccount,
    Math.ceil((total + 11) / WALLET_LIMITS.accounts),
  );
  if (prepared !== undefined && prepared.wallet.size < total)
    throw new SimError("BAD_OPTION", "the prepared wallet has too few outputs for this run");
  const cluster = new Cluster(clusterSetup(options, perAccount, prepared));
  await cluster.start();
  const books = schedule(cluster, options, total);
  trace?.(wholeNodeHeader(options));
  const lastFault = lastFaultMs(options);
  let decidedAt: number | undefined;
  for (;;) {
    const at = cluster.queue.peekTime();
    if (at === undefined || at > options.timeLimitMs) break;
    const e = cluster.queue.pop() as { at: number; item: ClusterEvent };
    cluster.now = Math.max(cluster.now, e.at);
    await step(cluster, e.item, books, trace);
    if (cluster.now >= lastFault && allIncluded(cluster, books)) {
      decidedAt = cluster.now;
      break;
    }
  }
  const result = summarize(
    cluster,
    options,
    books,
    decidedAt ?? Math.min(cluster.now, options.timeLimitMs),
  );
  return { result, cluster, ...books };
}

/** Crashes, restarts and the wallet's submissions, in virtual time. */
function schedule(c: Cluster, o: WholeNodeOptions, total: number): Books {
  for (const x of o.crashes) c.queue.push(x.atMs, { kind: "crash", node: x.node });
  for (const r of o.restarts ?? []) c.queue.push(r.atMs, { kind: "restart", node: r.node });
  const books: Books = {
    submitted: [],
    accepted: new Set(),
    acceptedBy: new Map(),
    conflicts: [],
    due: 0,
    withholders: new Set(o.withholdTxs ?? []),
  };
  const honest = c.setup.cast.honest;
  const pick = c.setup.random.fork("submit-to");
  const doubles = Math.min(o.doubleSpends ?? WHOLE_NODE_LIMITS.doubleSpendsDefault, total);
  const every = Math.max(1, Math.floor(total / Math.max(1, doubles)));
  for (let i = 0; i < total; i++) {
    const tx = c.setup.wallet.next();
    if (tx === undefined) break;
    const at = Math.round((i * 1000) / o.txRate);
    const to = pick.pick(honest);
    c.queue.push(at, { kind: "submit", tx, to });
    books.submitted.push(tx);
    books.due++;
    if (books.conflicts.length < doubles && i % every === 0 && honest.length > 1) {
      const twin = c.setup.wallet.conflicting(tx.spends);
      const other = honest[(honest.indexOf(to) + 1) % honest.length] as string;
      c.queue.push(at, { kind: "submit", tx: twin, to: other });
      books.submitted.push(twin);
      books.due++;
      books.conflicts.push([tx, twin]);
    }
  }
  return books;
}

function lastFaultMs(o: SimOptions): number {
  const times = [
    ...o.crashes.map((c) => c.atMs),
    ...(o.restarts ?? []).map((r) => r.atMs),
    ...o.partitions.map((p) => p.endMs),
  ];
  if (o.faultsEndMs !== undefined && Number.isFinite(o.faultsEndMs)) times.push(o.faultsEndMs);
  return times.length === 0 ? 0 : Math.max(...times);
}

// --- events -------------------------------------------------------------------------------

async function step(
  c: Cluster,
  e: ClusterEvent,
  books: Books,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  switch (e.kind) {
    case "deliver": {
      const n = c.instance(e.to);
      const packets = c.net.take(e.to, c.now);
      if (n === undefined) return;
      c.net.count(packets.length, 0);
      for (const p of packets) await onPacket(c, n, p, trace);
      return;
    }
    case "wake": {
      const n = c.instance(e.node);
      if (n === undefined || n.down || n.incarnation !== e.incarnation) return;
      if (n.wakeAt !== c.now) return;
      n.wakeAt = undefined;
      await execute(c, n, n.validator.tick(c.now), trace);
      return;
    }
    case "submit":
      books.due--;
      await submit(c, e.tx, e.to, books, trace);
      scheduleResubmit(c, e.tx, e.to, 1);
      return;
    case "resubmit":
      if (landed(c, e.tx)) return;
      await submit(c, e.tx, nextHonest(c, e.after), books, trace);
      if (e.attempt < WHOLE_NODE_LIMITS.resubmitsMax)
        scheduleResubmit(c, e.tx, nextHonest(c, e.after), e.attempt + 1);
      return;
    case "timeout": {
      const n = c.instance(e.node);
      if (n === undefined || n.down || n.incarnation !== e.incarnation) return;
      if (!n.calls.delete(callKey(e.call, e.id))) return;
      if (e.call === "blocks") {
        await caughtUp(c, n, await c.catchUp.timedOut(c, n, e.id), trace);
        return;
      }
      const failed = { kind: "failed", retryable: true } as const;
      const input = { kind: "fetch-result", id: e.id, outcome: failed } as const;
      await execute(c, n, n.validator.handle(input, c.now), trace);
      return;
    }
    case "crash":
      for (const n of c.nodes.filter((x) => x.id === e.node)) {
        n.down = true;
        n.calls.clear();
        c.net.crash(n.netId);
      }
      trace?.({ event: "crash", node: e.node, virtual_ms: c.now });
      return;
    case "restart":
      for (const n of c.nodes.filter((x) => x.id === e.node && x.down)) await restart(c, n);
      trace?.({ event: "restart", node: e.node, virtual_ms: c.now });
      return;
  }
}

/**
 * A restart: the ledger and the last persisted statement survive (the disk); the enclave, the
 * worker and every session are new. The node restores its statement for the current slot only
 * (scenario 27) and catches up from its peers over the network.
 */
async function restart(c: Cluster, n: ClusterNode): Promise<void> {
  n.down = false;
  n.incarnation++;
  n.wakeAt = undefined;
  c.net.restart(n.netId);
  await c.boot(n);
  await c.connectAll(n);
  for (const peer of c.nodes)
    if (peer !== n && !peer.down && peer.peers.includes(n.id) && n.peers.includes(peer.id))
      await peer.enclave.connect(n.enclave);
  if (n.honest) await c.openSession(n);
  const last = n.persisted;
  if (last !== undefined && last.slot === Number(n.ledger.numBlocks()))
    await execute(c, n, n.validator.handle({ kind: "restore", payload: last.payload }, c.now));
  c.scheduleWake(n);
}

function scheduleResubmit(c: Cluster, tx: WalletTx, after: string, attempt: number): void {
  c.queue.push(c.now + WHOLE_NODE_LIMITS.resubmitAfterMs, { kind: "resubmit", tx, after, attempt });
}

function nextHonest(c: Cluster, id: string): string {
  const honest = c.setup.cast.honest;
  return honest[(honest.indexOf(id) + 1) % honest.length] as string;
}

/** The wallet's view: the transaction's key image is spent in some live honest node's ledger. */
function landed(c: Cluster, tx: WalletTx): boolean {
  const keyImage = txKeyImages(tx.tx)[0] as Uint8Array;
  return c.nodes.some((n) => n.honest && !n.down && n.ledger.containsKeyImage(keyImage));
}

async function submit(
  c: Cluster,
  tx: WalletTx,
  to: string,
  books: Books,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  // The wallet moves on to the next honest node that is up (a real wallet would retry elsewhere).
  const honest = c.setup.cast.honest;
  const start = honest.indexOf(to);
  let n: ClusterNode | undefined;
  for (let k = 0; k < honest.length && n === undefined; k++) {
    const id = honest[(start + k) % honest.length];
    n = c.nodes.find((x) => x.id === id && !x.down && x.session !== undefined);
  }
  if (n === undefined) return;
  trace?.({ event: "submit", node: n.id, tx: tx.hash, virtual_ms: c.now });
  try {
    const wf = await n.enclave.clientPropose(n.session as NonNullable<typeof n.session>, tx.tx);
    const actions = n.validator.handle({ kind: "tx", ...wf }, c.now);
    books.accepted.add(tx.hash);
    books.acceptedBy.set(tx.hash, n.id);
    await execute(c, n, actions, trace);
  } catch (error) {
    c.refuse(n, error);
  }
}

async function onPacket(
  c: Cluster,
  n: ClusterNode,
  p: Packet<PeerPacket>,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  const from = c.instance(p.from);
  if (from === undefined) return;
  const m = p.payload;
  switch (m.kind) {
    case "msg":
      return onMsg(c, n, from, m.payload, trace);
    case "tx":
      return onTx(c, n, from, m, trace);
    case "get-txs":
      return onGetTxs(c, n, from, m);
    case "txs":
      return onTxs(c, n, from, m, trace);
    case "get-blocks":
      return onGetBlocks(c, n, from, m);
    case "blocks": {
      if (!n.calls.delete(callKey("blocks", m.id))) return;
      const blocks = m.blocks.map((b) => ({ ...b, signature: undefined, metadata: undefined }));
      await caughtUp(c, n, await c.catchUp.answered(c, n, m.id, blocks), trace);
      return;
    }
  }
}

type PacketOf<K extends PeerPacket["kind"]> = Extract<PeerPacket, { kind: K }>;

async function onMsg(
  c: Cluster,
  n: ClusterNode,
  from: ClusterNode,
  payload: Uint8Array,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  let verified: ReturnType<Cluster["verify"]>;
  try {
    verified = c.verify(n, from.id, payload);
  } catch {
    c.messagesRejected++;
    return;
  }
  const input = { kind: "consensus-msg", verified, payload } as const;
  await execute(c, n, n.validator.handle(input, c.now), trace);
}

/** PeerTxPropose: the sender's enclave encrypts for us on its session, ours checks it. */
async function onTx(
  c: Cluster,
  n: ClusterNode,
  from: ClusterNode,
  m: PacketOf<"tx">,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  if (from.down) return;
  try {
    const txs = await from.enclave.sendTo(n.enclave, [m.encrypted], m.aad);
    for (const t of txs)
      await execute(c, n, n.validator.handle({ kind: "tx", ...t, aad: m.aad }, c.now), trace);
  } catch (error) {
    c.refuse(n, error);
  }
}

function onGetTxs(c: Cluster, n: ClusterNode, from: ClusterNode, m: PacketOf<"get-txs">): void {
  n.fetchesServed++;
  const withholds = (c.setup.options as WholeNodeOptions).withholdTxs?.includes(n.id) === true;
  const have = m.hashes.map((h) => (withholds ? undefined : n.validator.worker.txs.get(h)));
  const notInCache = m.hashes.filter((_, i) => have[i] === undefined);
  const encrypted = notInCache.length > 0 ? [] : have.flatMap((e) => (e ? [e.encrypted] : []));
  c.send(n, from.id, { kind: "txs", id: m.id, encrypted, notInCache });
}

function onGetBlocks(
  c: Cluster,
  n: ClusterNode,
  from: ClusterNode,
  m: PacketOf<"get-blocks">,
): void {
  const blocks = [];
  for (let i = m.from; i < n.ledger.numBlocks() && blocks.length < m.max; i++)
    blocks.push({ block: n.ledger.getBlock(i), contents: n.ledger.getBlockContents(i) });
  c.send(n, from.id, { kind: "blocks", id: m.id, blocks });
}

/** A catch-up attempt ended (or still waits on a peer): hand its blocks to the worker. */
async function caughtUp(
  c: Cluster,
  n: ClusterNode,
  outcome: readonly BlockData[] | undefined | "pending",
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  if (outcome === "pending") return;
  const input =
    outcome === undefined || outcome.length === 0
      ? ({ kind: "catch-up-failed" } as const)
      : ({
          kind: "catch-up-blocks",
          blocks: outcome.map(({ block, contents }) => ({ block, contents })),
        } as const);
  const before = n.ledger.numBlocks();
  await execute(c, n, n.validator.handle(input, c.now), trace);
  n.syncedBlocks += Number(n.ledger.numBlocks() - before);
}

async function onTxs(
  c: Cluster,
  n: ClusterNode,
  from: ClusterNode,
  m: Extract<PeerPacket, { kind: "txs" }>,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  if (!n.calls.delete(callKey("fetch", m.id))) return;
  let outcome: Parameters<ClusterNode["validator"]["handle"]>[0];
  if (m.notInCache.length > 0) {
    outcome = {
      kind: "fetch-result",
      id: m.id,
      outcome: { kind: "not-in-cache", txHashes: m.notInCache },
    };
  } else {
    const failed = { kind: "failed", retryable: true } as const;
    outcome = { kind: "fetch-result", id: m.id, outcome: failed };
    // A peer that went down, or restarted with a new enclave (its old cache key is gone), fails the call.
    if (!from.down) {
      try {
        const txs = await from.enclave.sendTo(n.enclave, m.encrypted, new Uint8Array(0));
        outcome = { kind: "fetch-result", id: m.id, outcome: { kind: "delivered", txs } };
        if (txs.length > 0) n.fetchesDelivered++;
      } catch (error) {
        if (!isCodedError(error)) throw error;
      }
    }
  }
  await execute(c, n, n.validator.handle(outcome, c.now), trace);
}

// --- actions ------------------------------------------------------------------------------

async function execute(
  c: Cluster,
  n: ClusterNode,
  actions: ValidatorAction[],
  trace?: WholeNodeTraceSink,
): Promise<void> {
  for (const a of actions) {
    if (n.down) return;
    await act(c, n, a, trace);
  }
  c.scheduleWake(n);
}

async function act(
  c: Cluster,
  n: ClusterNode,
  a: ValidatorAction,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  switch (a.kind) {
    case "persist-statement":
      n.persisted = { slot: a.slot, payload: a.payload };
      return;
    case "send-consensus-msg":
      return sendMsg(c, n, a);
    case "propose-tx":
      return proposeTx(c, n, a);
    case "fetch-txs":
      return fetchTxs(c, n, a);
    case "fetch-latest-msg":
      return fetchLatestMsg(c, n, a.peer, trace);
    case "sync-ledger":
      await caughtUp(c, n, await c.catchUp.start(c, n, a.maxBlocks), trace);
      return;
    case "enclave-call": {
      const outcome = await n.enclave.host.call(a.call);
      const input = { kind: "enclave-result", id: a.id, outcome } as const;
      await execute(c, n, n.validator.handle(input, c.now), trace);
      return;
    }
    case "append-block":
      return appendBlock(c, n, a, trace);
    case "externalized":
      return;
    case "fatal":
      throw new SimError("NODE_FATAL", `${n.netId}: ${a.error.code}: ${a.error.message}`);
  }
}

type ActionOf<K extends ValidatorAction["kind"]> = Extract<ValidatorAction, { kind: K }>;

async function sendMsg(
  c: Cluster,
  n: ClusterNode,
  a: ActionOf<"send-consensus-msg">,
): Promise<void> {
  if (decodeConsensusMsgPayload(a.payload).scpMsg.sender.id === n.id)
    n.issued.push({ payload: a.payload, incarnation: n.incarnation });
  const ok = c.send(n, a.peer, { kind: "msg", payload: a.payload });
  const result = { kind: "broadcast-result", peer: a.peer, id: a.id, ok, retryable: true } as const;
  await execute(c, n, n.validator.handle(result, c.now));
}

async function proposeTx(c: Cluster, n: ClusterNode, a: ActionOf<"propose-tx">): Promise<void> {
  const o = c.setup.options as WholeNodeOptions;
  const silent = [...(o.noTxRelay ?? []), ...(o.withholdTxs ?? [])].includes(n.id);
  const entry = silent ? undefined : n.validator.worker.txs.get(a.txHash);
  const ok =
    entry !== undefined &&
    c.send(n, a.peer, { kind: "tx", encrypted: entry.encrypted, aad: a.aad });
  const result = {
    kind: "broadcast-result",
    peer: a.peer,
    id: a.id,
    ok,
    retryable: entry !== undefined,
  } as const;
  await execute(c, n, n.validator.handle(result, c.now));
}

/**
 * Keepalive's GetLatestMsg, answered at once by the peer's worker (as the node's PeerService does):
 * a message answer is verified and handled as if the peer had sent it. A node cut off while its
 * peers externalized learns the slot's outcome this way once the cut heals and nobody is sending.
 */
async function fetchLatestMsg(
  c: Cluster,
  n: ClusterNode,
  peer: string,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  const from = c.nodes.find((x) => x.id === peer && !x.down);
  const payload = from?.validator.worker.latestIssued.payload();
  let outcome: "empty" | "message" | "failed" = from === undefined ? "failed" : "empty";
  if (from !== undefined && payload !== undefined) {
    try {
      const verified = c.verify(n, from.id, payload);
      const input = { kind: "consensus-msg", verified, payload } as const;
      await execute(c, n, n.validator.handle(input, c.now), trace);
      outcome = "message";
    } catch (error) {
      if (!isCodedError(error)) throw error;
      c.messagesRejected++;
      outcome = "failed";
    }
  }
  const result = { kind: "latest-msg-result", peer, outcome } as const;
  await execute(c, n, n.validator.handle(result, c.now), trace);
}

function fetchTxs(c: Cluster, n: ClusterNode, a: ActionOf<"fetch-txs">): void {
  n.calls.add(callKey("fetch", a.id));
  c.send(n, a.peer, { kind: "get-txs", id: a.id, hashes: a.txHashes });
  c.armCallTimeout(n, "fetch", a.id);
}

async function appendBlock(
  c: Cluster,
  n: ClusterNode,
  a: ActionOf<"append-block">,
  trace: WholeNodeTraceSink | undefined,
): Promise<void> {
  n.ledger.appendBlock(a.data);
  c.catchUp.published(n, a.data);
  trace?.({
    event: "externalize",
    node: n.id,
    slot: Number(a.data.block.index),
    value: [toHex(a.data.block.id)],
    virtual_ms: c.now,
  });
  const input = { kind: "appended", index: a.data.block.index } as const;
  await execute(c, n, n.validator.handle(input, c.now), trace);
}

// --- checks and summary -------------------------------------------------------------------

function honestNodes(c: Cluster): ClusterNode[] {
  return c.nodes.filter((n) => n.honest);
}

function keyImagesOf(n: ClusterNode): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 1n; i < n.ledger.numBlocks(); i++)
    for (const k of n.ledger.getBlockContents(i).keyImages)
      seen.set(toHex(k), (seen.get(toHex(k)) ?? 0) + 1);
  return seen;
}

function outputsOf(n: ClusterNode): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 1n; i < n.ledger.numBlocks(); i++)
    for (const o of n.ledger.getBlockContents(i).outputs)
      seen.set(toHex(o.publicKey), (seen.get(toHex(o.publicKey)) ?? 0) + 1);
  return seen;
}

/** Every accepted transaction (and one of each conflicting pair) is in every live honest ledger. */
function allIncluded(c: Cluster, books: Books): boolean {
  if (books.due > 0) return false;
  const live = honestNodes(c).filter((n) => !n.down);
  if (live.length === 0) return false;
  const heights = new Set(live.map((n) => n.ledger.numBlocks()));
  if (heights.size !== 1) return false;
  for (const n of live) {
    const kis = keyImagesOf(n);
    for (const tx of books.submitted) {
      if (!books.accepted.has(tx.hash)) continue;
      if (books.withholders.has(books.acceptedBy.get(tx.hash) ?? "")) continue;
      if (!kis.has(toHex(txKeyImages(tx.tx)[0] as Uint8Array))) return false;
    }
  }
  return true;
}

function blockIds(n: ClusterNode): string[] {
  const out: string[] = [];
  for (let i = 0n; i < n.ledger.numBlocks(); i++) out.push(toHex(n.ledger.getBlock(i).id));
  return out;
}

/** Slots where honest ledgers hold different blocks, with the nodes that hold one. */
function disagreementsOf(
  honest: readonly ClusterNode[],
  ids: readonly string[][],
  slots: number,
): { slot: number; nodes: string[] }[] {
  const out: { slot: number; nodes: string[] }[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const values = new Set(ids.flatMap((l) => (l[slot] === undefined ? [] : [l[slot]])));
    if (values.size > 1)
      out.push({
        slot,
        nodes: honest.filter((_, i) => ids[i]?.[slot] !== undefined).map((n) => n.id),
      });
  }
  return out;
}

function summarize(
  c: Cluster,
  o: WholeNodeOptions,
  books: Books,
  virtualMs: number,
): WholeNodeResult {
  const honest = honestNodes(c);
  const live = honest.filter((n) => !n.down);
  const ids = honest.map(blockIds);
  const longest = ids.reduce((a, b) => (b.length > a.length ? b : a), [] as string[]);
  const disagreements = disagreementsOf(honest, ids, longest.length);
  const liveIds = live.map(blockIds);
  const blocksIdentical =
    liveIds.length > 0 && liveIds.every((l) => l.join() === (liveIds[0] as string[]).join());
  const reference = live[0] ?? honest[0];
  const outputs = reference ? outputsOf(reference) : new Map<string, number>();
  let included = 0;
  let twice = 0;
  for (const tx of books.submitted) {
    const counts = txOutputPublicKeys(tx.tx).map((k) => outputs.get(toHex(k)) ?? 0);
    const times = Math.max(0, ...counts);
    if (times >= 1) included++;
    if (times >= 2) twice++;
  }
  let doubleSpends = 0;
  for (const n of honest)
    for (const count of keyImagesOf(n).values()) if (count > 1) doubleSpends++;
  const slotsMin =
    live.length === 0 ? 0 : Math.min(...live.map((n) => Number(n.ledger.numBlocks()) - 1));
  const slotsMax =
    honest.length === 0 ? 0 : Math.max(...honest.map((n) => Number(n.ledger.numBlocks()) - 1));
  const digest = toHex(sha256(concatBytes(...longest.map((h) => new TextEncoder().encode(h)))));
  const stats = c.net.stats;
  // Scenario 27: no node contradicts, after a restart, what it said before the crash.
  const restarts = honest.map((n) => checkRestarts(n.id, n.issued));
  return {
    seed: o.seed,
    topology: o.topology,
    nodes: o.nodes,
    slots: o.slots,
    agreement: disagreements.length === 0,
    live: allIncluded(c, books) && virtualMs <= o.timeLimitMs,
    slots_decided_min: slotsMin,
    virtual_ms: virtualMs,
    messages_sent: stats.sent,
    digest,
    messages_delivered: stats.delivered,
    messages_dropped: stats.dropped,
    messages_rejected: c.messagesRejected,
    byzantine: c.setup.cast.byzantine,
    crashed: [...new Set(honest.filter((n) => n.down).map((n) => n.id))],
    syncs: honest.reduce((s, n) => s + n.syncedBlocks, 0),
    disagreements,
    values_decided_min: live.length === 0 ? 0 : Math.min(...live.map((n) => keyImagesOf(n).size)),
    slots_decided_max: slotsMax,
    invariant_violations: restarts.flatMap((r) => r.violations).slice(0, 20),
    statements_checked: restarts.reduce((t, r) => t + r.checked, 0),
    blocks_identical: blocksIdentical,
    txs_submitted: books.submitted.length,
    txs_included: included,
    txs_included_twice: twice,
    double_spends: doubleSpends,
  };
}
