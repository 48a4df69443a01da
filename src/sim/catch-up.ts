import {
  ArchiveBlockFetcher,
  CorruptBlockError,
  FetchAttempt,
  type FetchRequest,
  MemoryArchive,
  type SourceScore,
  SourceScores,
  SourceSet,
} from "../archive/index.js";
import { archiveBlockPath, type BlockData, encodeArchiveBlock } from "../blockchain/index.js";
import type { LedgerReader } from "../ledger/index.js";

/**
 * Catch-up in the whole-node simulator, through the block-fetcher seam: each attempt is a
 * `FetchAttempt` over the node's peers (GetBlocks packets on the simulated network, answered
 * with headers and contents) and, with `archive`, a simulated archive (a `MemoryArchive` fed with
 * the blocks one honest node appends, read by the real `ArchiveBlockFetcher`). Every block is
 * checked against the node's chain; a source that serves a corrupt or stale block is struck and
 * skipped for the archive layer's back-off. Scores live in memory and die with the node.
 *
 * The driver stays sequential: an archive read resolves on microtasks and is awaited in place; a
 * peer request is a packet whose answer (or timeout) is a later event.
 */

/** Named limits of the simulated archive. */
export const SIM_ARCHIVE_LIMITS = {
  /** Catch-up requests remembered for reports (the oldest are dropped). */
  requestLogMax: 10_000,
  /** With `corruptArchive`, the archive serves a tampered block at every index ≡ this mod 3. */
  corruptIndexMod3: 0n,
} as const;

export interface SimArchiveOptions {
  /** A simulated archive is one of every node's catch-up sources. */
  readonly archive?: boolean;
  /** The archive (implies `archive`) serves tampered contents for every third block. */
  readonly corruptArchive?: boolean;
}

/** What catch-up needs of a simulated node (a `ClusterNode`). */
export interface CatchUpNode {
  readonly id: string;
  readonly netId: string;
  readonly honest: boolean;
  readonly peers: readonly string[];
  readonly incarnation: number;
  readonly ledger: LedgerReader;
}

/** What catch-up needs of the cluster: its clock, and GetBlocks over the simulated network. */
export interface CatchUpHost {
  readonly now: number;
  /** Send GetBlocks to `peer` and arm its timeout; the call's id. */
  requestBlocks(n: CatchUpNode, peer: string, fromIndex: bigint, max: number): number;
}

interface NodeCatchUp {
  readonly incarnation: number;
  readonly scores: SourceScores;
  attempt: FetchAttempt | undefined;
  /** The packet call of the peer request in flight. */
  callId: number | undefined;
}

export class SimCatchUp {
  /** The simulated archive, when the run has one. */
  readonly archive: MemoryArchive | undefined;
  /** The node whose appended blocks feed the archive. */
  readonly publisher: string | undefined;
  private readonly reader: ArchiveBlockFetcher | undefined;
  private readonly corrupt: boolean;
  private readonly states = new Map<string, NodeCatchUp>();
  /** Every request a catch-up made, in order: which node asked which source from where, when. */
  readonly requests: { netId: string; source: string; fromIndex: bigint; atMs: number }[] = [];
  /** Scores of every incarnation that ended (crashes), for reports. */
  private readonly retired: { netId: string; scores: SourceScore[] }[] = [];

  /** `honest` and `crashing` node ids pick the publisher: the first honest node never crashed. */
  constructor(options: SimArchiveOptions, honest: readonly string[], crashing: readonly string[]) {
    this.corrupt = options.corruptArchive === true;
    if (options.archive !== true && !this.corrupt) return;
    this.archive = new MemoryArchive("sim-archive");
    this.publisher = honest.find((id) => !crashing.includes(id)) ?? honest[0];
    // The archive never fails transiently, so the retry policy's sleep is never called.
    this.reader = new ArchiveBlockFetcher(
      new SourceSet([this.archive], {
        maxAttempts: 1,
        baseDelayMs: 0,
        maxDelayMs: 0,
        jitter: () => 0,
        sleep: async () => undefined,
      }),
      { buckets: [] },
    );
  }

  /** The publisher appended `data`: it goes to the archive (tampered, with `corruptArchive`). */
  published(n: CatchUpNode, data: BlockData): void {
    if (this.archive === undefined || n.id !== this.publisher || !n.honest) return;
    const index = data.block.index;
    const tamper = this.corrupt && index % 3n === SIM_ARCHIVE_LIMITS.corruptIndexMod3;
    const served = tamper
      ? { ...data, contents: { ...data.contents, outputs: [...data.contents.outputs].reverse() } }
      : data;
    this.archive.putNow(archiveBlockPath(index), encodeArchiveBlock(served));
  }

  /** Start a catch-up attempt for up to `max` blocks after the node's last one. */
  async start(
    c: CatchUpHost,
    n: CatchUpNode,
    max: number,
  ): Promise<readonly BlockData[] | undefined | "pending"> {
    const s = this.stateOf(n);
    // The archive first (MobileCoin takes block contents from archives), then the peers in
    // rotation; struck sources are left out until their back-off ends.
    const url = this.archive?.url;
    const archive = url !== undefined && !s.scores.isSkipped(url, c.now) ? [url] : [];
    const order = [...archive, ...s.scores.order(n.peers, c.now)];
    const from = n.ledger.numBlocks();
    const parent = n.ledger.getBlock(from - 1n).id;
    s.attempt = new FetchAttempt(order, from, max, parent, s.scores);
    return this.advance(c, n, s);
  }

  /** A GetBlocks answer for call `id`; the attempt's result when it is over. */
  async answered(
    c: CatchUpHost,
    n: CatchUpNode,
    id: number,
    blocks: readonly BlockData[],
  ): Promise<readonly BlockData[] | undefined | "pending"> {
    const s = this.states.get(n.netId);
    if (s?.attempt === undefined || s.callId !== id) return "pending";
    s.callId = undefined;
    s.attempt.replied(blocks, undefined, c.now);
    return this.advance(c, n, s);
  }

  /** The GetBlocks call `id` timed out; the attempt's result when it is over. */
  async timedOut(
    c: CatchUpHost,
    n: CatchUpNode,
    id: number,
  ): Promise<readonly BlockData[] | undefined | "pending"> {
    const s = this.states.get(n.netId);
    if (s?.attempt === undefined || s.callId !== id) return "pending";
    s.callId = undefined;
    s.attempt.failed();
    return this.advance(c, n, s);
  }

  /** Per node instance: each source's served blocks, strikes and back-off (all incarnations). */
  report(netId: string): SourceScore[][] {
    const live = this.states.get(netId);
    return [
      ...this.retired.filter((r) => r.netId === netId).map((r) => r.scores),
      ...(live === undefined ? [] : [live.scores.report()]),
    ];
  }

  /**
   * Ask sources until one waits on the network ("pending") or the attempt is over: then its
   * blocks, or `undefined` when no source answered.
   */
  private async advance(
    c: CatchUpHost,
    n: CatchUpNode,
    s: NodeCatchUp,
  ): Promise<readonly BlockData[] | undefined | "pending"> {
    const attempt = s.attempt as FetchAttempt;
    for (let r = attempt.next(); r !== undefined; r = attempt.next()) {
      if (this.requests.length >= SIM_ARCHIVE_LIMITS.requestLogMax) this.requests.shift();
      this.requests.push({ netId: n.netId, source: r.source, fromIndex: r.fromIndex, atMs: c.now });
      if (r.source !== this.archive?.url) {
        s.callId = c.requestBlocks(n, r.source, r.fromIndex, r.max);
        return "pending";
      }
      await this.readArchive(attempt, r, c.now);
    }
    s.attempt = undefined;
    try {
      return attempt.result();
    } catch {
      return undefined;
    }
  }

  private async readArchive(attempt: FetchAttempt, r: FetchRequest, now: number): Promise<void> {
    try {
      attempt.replied(
        await (this.reader as ArchiveBlockFetcher).fetch(r.fromIndex, r.max),
        undefined,
        now,
      );
    } catch (error) {
      if (error instanceof CorruptBlockError) attempt.replied(error.good, error.message, now);
      else attempt.failed();
    }
  }

  private stateOf(n: CatchUpNode): NodeCatchUp {
    const had = this.states.get(n.netId);
    if (had !== undefined && had.incarnation === n.incarnation) return had;
    if (had !== undefined) this.retired.push({ netId: n.netId, scores: had.scores.report() });
    const s: NodeCatchUp = {
      incarnation: n.incarnation,
      scores: new SourceScores(),
      attempt: undefined,
      callId: undefined,
    };
    this.states.set(n.netId, s);
    return s;
  }
}
