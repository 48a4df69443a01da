import { assert } from "../util/index.js";
import type { ScpConfig } from "./config.js";
import { ScpError } from "./errors.js";
import { MessageIntake, registerFrozenStatement } from "./intake.js";
import { INF, SCP_LIMITS } from "./limits.js";
import {
  acceptsCommit,
  acceptsPrepared,
  ballotCounter,
  commitBoundaries,
  commitValueOf,
  isNewer,
  nominationOf,
  ownStatementProblem,
  type PreparePayload,
  preparedBallotsOf,
  prepareOf,
  type ScpMessage,
  type Topic,
  validateMessage,
  valueListsOf,
  votesOrAcceptsCommit,
  votesOrAcceptsPrepared,
} from "./message.js";
import { nextLeader } from "./priority.js";
import { type CompiledQuorumSet, compileQuorumSet, type QuorumSet } from "./quorum-set.js";
import {
  ballotPartOf,
  blockedBy,
  findExtendedInterval,
  type IndexedQuorumSet,
  type Peer,
  rank,
  sliceIn,
  topicKey,
} from "./slot-support.js";
import {
  type Ballot,
  compareBallots,
  compareValueLists,
  compatible,
  lessAndCompatible,
  lessAndIncompatible,
  type NodeId,
  nextCounter,
  sortedUnique,
  type Value,
  type ValueList,
  valueKey,
  valueListKey,
} from "./values.js";

export { findExtendedInterval, topicKey } from "./slot-support.js";

/**
 * Freeze an outgoing statement (its objects and value lists are the slot's own state, shared with
 * the host, which must not be able to change them behind the slot's caches).
 */
function freezeTopic(t: Topic): void {
  const ballot = (b: Ballot | undefined) => {
    if (b !== undefined) Object.freeze(Object.freeze(b).x);
  };
  const n = nominationOf(t);
  if (n !== undefined) for (const l of [Object.freeze(n), n.x, n.y]) Object.freeze(l);
  const p = prepareOf(t);
  if (p !== undefined) for (const b of [Object.freeze(p).b, p.p, p.pp]) ballot(b);
  if (t.type === "Commit") ballot(Object.freeze(t.commit).b);
  if (t.type === "Externalize") ballot(Object.freeze(t.externalize).c);
  Object.freeze(t);
}

/** `base × factor`, capped at `SCP_LIMITS.maxTimeoutMs` (stellar-core caps at 30 minutes). */
function cappedTimeout(base: number, factor: number): number {
  return Math.min(base * factor, SCP_LIMITS.maxTimeoutMs);
}

/**
 * `ballot` lowered so that it does not exceed `top` (MobileCoin's out_msg): to `top`'s counter, or
 * one below it when its value orders above `top`'s. Undefined when that leaves counter 0.
 */
function clampBelow(ballot: Ballot, top: Ballot): Ballot | undefined {
  if (compareBallots(ballot, top) <= 0) return ballot;
  const n = compareValueLists(ballot.x, top.x) > 0 ? top.n - 1 : top.n;
  return n >= 1 ? { n, x: ballot.x } : undefined;
}

/** Per configuration, the frozen identity and quorum set every emitted statement carries. */
const frozenHeaders = new WeakMap<ScpConfig, { sender: NodeId; quorumSet: QuorumSet }>();

/** Thrown inside intake for a sender outside the transitive quorum set (retried, then counted). */
class ForeignSender extends Error {}

/** The ballot a statement says its sender is working on (Externalize: the committed one). */
function workingBallot(t: Topic): Ballot | undefined {
  const p = prepareOf(t);
  if (p) return p.b;
  if (t.type === "Commit") return t.commit.b;
  if (t.type === "Externalize") return t.externalize.c;
  return undefined;
}

/**
 * One SCP instance (one slot): nomination and the ballot protocol, sans I/O. Inputs are peer
 * messages, proposals and timer checks, each with the current time; the result of each input is
 * the message to broadcast (if it changed), whether the slot externalized, and rejections.
 *
 * Federated voting is exact: every statement (a value, a ballot, a commit range) is tested on its
 * own with the greatest-fixpoint quorum test and the recursive v-blocking test, so no quorum is
 * missed by a greedy search (reference F2) and a blocking set only justifies what each of its
 * members accepted (F3).
 */
export type Phase = "NominatePrepare" | "Prepare" | "Commit" | "Externalize";

/** What one input produced. */
export interface SlotOutput {
  message?: ScpMessage;
  externalized?: ValueList;
  rejected: ScpError[];
  /** Messages that were valid but not newer than what the sender already told us. */
  stale: number;
}

/** The most rounds of the advance loop one input may run (each round changes state monotonically). */
const MAX_ADVANCE_ROUNDS = 64;

export class Slot {
  readonly index: number;
  private readonly cfg: ScpConfig;
  private readonly localQ: CompiledQuorumSet;
  private readonly selfId: string;
  /** Frozen copies of the local identity and quorum set, as emitted statements carry them. */
  private readonly frozenLocal: NodeId;
  private readonly frozenQuorumSet: QuorumSet;

  /** Latest message per peer. */
  private readonly M = new Map<string, ScpMessage>();
  private readonly W = new Map<string, Value>();
  private readonly X = new Map<string, Value>();
  private readonly Y = new Map<string, Value>();
  private readonly Z = new Map<string, Value>();
  private combined: ValueList | undefined;

  phase: Phase = "NominatePrepare";
  b: Ballot | undefined;
  p: Ballot | undefined;
  pp: Ballot | undefined;
  h: Ballot | undefined;
  c: Ballot | undefined;
  private valueOverride: ValueList | undefined;

  round = 1;
  readonly leaders = new Set<string>();
  nominationTimerAt: number | null = null;
  ballotTimerAt: number | null = null;

  private lastSent: ScpMessage | undefined;
  private lastSentKey: string | undefined;
  private selfTopicCache: Topic | null | undefined;
  private readonly validCache = new Map<string, boolean>();
  private readonly validLists = new WeakSet<ValueList>();
  /** Dense node indices and per-peer indexed state, for allocation-free quorum and blocking tests. */
  private readonly indexOf = new Map<string, number>();
  private readonly indexed = new WeakMap<QuorumSet, IndexedQuorumSet>();
  private readonly localIdx: IndexedQuorumSet;
  private readonly peers = new Map<string, Peer>();
  private peerList: Peer[] | undefined;
  private members = new Uint8Array(32);
  private readonly active: Peer[] = [];
  private candidatesCache: Ballot[] | undefined;
  private candidatesVersion = -1;
  private topicsCache: Topic[] | undefined;
  private topicsVersion = -1;
  /** Bumped on every change of local state only; emission is skipped while it is unchanged. */
  private selfVersion = 0;
  private lastSentSelfVersion = -1;
  /** Set while processing the input that externalized the slot. */
  private decidedNow = false;
  /** Bumped when a nomination input changes; `nominationSeen` is its value at the last nomination step. */
  private nominationInputs = 0;
  private nominationSeen = -1;
  /** The sorted X/Y lists last sent, reused while unchanged so peers can skip re-reading them. */
  private nominatePayload: { x: ValueList; y: ValueList } | undefined;
  private nominatePayloadVersion = -1;
  /** Bumped when a ballot-protocol input changes (local ballot state, peers' ballot statements). */
  private ballotInputs = 0;
  private ballotSeen = -1;
  private timerSeen = -1;
  /** Bumped when the local ballot state changes. */
  private localBallotVersion = 0;
  private preparePayloadCache: PreparePayload | undefined;
  private preparePayloadVersion = -1;
  /** Bumped whenever X or Y changes. */
  private xyVersion = 0;
  /** The transitive quorum set (see `tracks`), rebuilt when a stored peer's quorum set changes. */
  private trackedSet: Set<string> | undefined;
  private readonly known: ReadonlyMap<string, QuorumSet> | undefined;
  /** The counter of B after the last step (B's counter never decreases). */
  private lowestCounter = 0;

  /**
   * @param known peers' quorum sets from the previous slot, so the transitive quorum set (see
   *   `tracks`) does not start empty-handed and drop nodes only a peer's quorum set names.
   */
  constructor(index: number, cfg: ScpConfig, known?: ReadonlyMap<string, QuorumSet>) {
    this.index = index;
    this.known = known;
    this.cfg = cfg;
    this.selfId = cfg.local.id;
    let header = frozenHeaders.get(cfg);
    if (header === undefined) {
      header = new MessageIntake().copyHeader(cfg.local, cfg.quorumSet);
      frozenHeaders.set(cfg, header);
    }
    this.frozenLocal = header.sender;
    this.frozenQuorumSet = header.quorumSet;
    this.localQ = compileQuorumSet(cfg.quorumSet);
    this.indexFor(this.selfId);
    this.localIdx = this.indexQuorumSet(cfg.quorumSet);
    this.addLeader();
  }

  // ---------------------------------------------------------------- inputs

  /** Hand locally proposed values to the slot (ignored once candidates exist or nomination ended). */
  propose(values: ValueList, now: number): SlotOutput {
    const out: SlotOutput = { rejected: [], stale: 0 };
    if (this.phase !== "NominatePrepare" || this.Z.size > 0) return this.finish(out);
    let added = false;
    for (const v of values) {
      if (this.W.size >= SCP_LIMITS.maxNominationValues) break;
      if (v.length > SCP_LIMITS.maxValueBytes || !this.isValid(v)) {
        out.rejected.push(new ScpError("PROPOSAL_REJECTED", "proposed value is invalid"));
        continue;
      }
      const k = valueKey(v);
      if (!this.W.has(k)) {
        this.W.set(k, v);
        this.nominationInputs += 1;
        added = true;
      }
    }
    if (added) this.advance(now);
    return this.finish(out);
  }

  /** Feed peer messages for this slot (any order; the newest per sender wins). */
  handleMessages(messages: readonly ScpMessage[], now: number): SlotOutput {
    const out: SlotOutput = { rejected: [], stale: 0 };
    if (this.acceptMessages(messages, out)) this.advance(now);
    return this.finish(out);
  }

  /** Fire expired timers. */
  processTimeouts(now: number): SlotOutput {
    const out: SlotOutput = { rejected: [], stale: 0 };
    let fired = false;
    if (this.nominationTimerAt !== null && now >= this.nominationTimerAt) {
      this.nominationTimerAt = null;
      if (this.phase === "NominatePrepare") {
        this.round += 1;
        this.addLeader();
        this.nominationInputs += 1;
        this.adoptPeerBallot();
        fired = true;
      }
    }
    if (this.ballotTimerAt !== null && now >= this.ballotTimerAt) {
      this.ballotTimerAt = null;
      this.ballotInputs += 1;
      fired = this.ballotTimeout() || fired;
    }
    if (fired) this.advance(now);
    return this.finish(out);
  }

  /**
   * Restore the local state from this node's own last statement for the slot, persisted before a
   * restart (stellar-core's `setStateFromEnvelope`), so the node goes on from what it already said
   * instead of contradicting it. Only a fresh slot can be restored; the statement must be sane.
   */
  restore(own: ScpMessage, now: number): SlotOutput {
    const out: SlotOutput = { rejected: [], stale: 0 };
    try {
      if (own.sender.id !== this.selfId || own.slot !== this.index)
        throw new ScpError("MSG_MALFORMED", "not this node's statement for this slot");
      if (this.lastSent !== undefined || this.b !== undefined || this.X.size + this.Y.size > 0)
        throw new ScpError("MSG_MALFORMED", "the slot already has state");
      validateMessage(own);
    } catch (error) {
      out.rejected.push(
        error instanceof ScpError ? error : new ScpError("MSG_MALFORMED", "unreadable statement"),
      );
      return out;
    }
    const t = own.topic;
    const n = nominationOf(t);
    if (n) {
      for (const v of n.x) this.X.set(valueKey(v), v);
      for (const v of n.y) this.Y.set(valueKey(v), v);
      this.xyVersion += 1;
      this.nominationInputs += 1;
    }
    const p = prepareOf(t);
    if (p) {
      this.b = p.b;
      if (p.p) this.p = p.p;
      if (p.pp) this.pp = p.pp;
      if (p.hn !== 0) {
        this.h = { n: p.hn, x: p.b.x };
        this.valueOverride = p.b.x;
        this.phase = "Prepare";
      }
      if (p.cn !== 0) this.c = { n: p.cn, x: p.b.x };
      if (t.type === "Prepare" && this.phase === "NominatePrepare") this.phase = "Prepare";
    } else if (t.type === "Commit") {
      const x = t.commit.b.x;
      this.phase = "Commit";
      this.b = t.commit.b;
      this.p = { n: t.commit.pn, x };
      this.c = { n: t.commit.cn, x };
      this.h = { n: t.commit.hn, x };
      this.valueOverride = x;
    } else if (t.type === "Externalize") {
      this.phase = "Externalize";
      this.b = t.externalize.c;
      this.c = t.externalize.c;
      this.h = { n: t.externalize.hn, x: t.externalize.c.x };
      this.p = this.h;
    }
    this.touch();
    this.lastSent = own;
    this.lastSentKey = topicKey(own.topic);
    this.lastSentSelfVersion = this.selfVersion;
    this.advance(now);
    return this.finish(out);
  }

  /**
   * Abandon the current ballot for `<counter, value>` (stellar-core's `bumpState`): hosts may force
   * progress with it, and tests use it to set up ballot states. Once something is confirmed
   * prepared the value is replaced by that one; a ballot not above the current one, or
   * incompatible with a commit vote, is refused (returns no message).
   */
  bumpBallot(value: ValueList, counter: number, now: number): SlotOutput {
    const out: SlotOutput = { rejected: [], stale: 0 };
    if (this.phase === "Externalize" || value.length === 0 || !(counter >= 1 && counter <= INF))
      return this.finish(out);
    const x = this.phase === "Commit" ? (this.b?.x ?? value) : (this.valueOverride ?? value);
    const next: Ballot = { n: counter, x };
    if (this.c && !compatible(this.c, next)) return this.finish(out);
    if (this.b && compareBallots(next, this.b) <= 0) return this.finish(out);
    this.bumpTo(next);
    this.advance(now);
    return this.finish(out);
  }

  /** Earliest armed timer, or null. */
  nextDeadline(): number | null {
    const a = this.nominationTimerAt;
    const b = this.ballotTimerAt;
    if (a === null) return b;
    if (b === null) return a;
    return Math.min(a, b);
  }

  /** The latest message this node emitted for the slot. */
  latestMessage(): ScpMessage | undefined {
    return this.lastSent;
  }

  /** Externalized value, if the slot is decided. */
  externalizedValue(): ValueList | undefined {
    return this.phase === "Externalize" ? this.c?.x : undefined;
  }

  /**
   * Validate and store peer messages; true if any was stored. Senders outside the local node's
   * transitive quorum set are dropped before any other work (stellar-core's herder does the same),
   * so strangers cost one set lookup; a batch is retried while it widens that set, because a
   * peer's statement can bring in the nodes its quorum set names.
   */
  acceptMessages(messages: readonly ScpMessage[], out: SlotOutput): boolean {
    // Highest topic first, so that within a batch the newest message per sender wins.
    let pending = messages.length < 2 ? messages : [...messages].sort((a, b) => rank(b) - rank(a));
    let changed = false;
    for (;;) {
      const foreign: ScpMessage[] = [];
      const trackedBefore = this.trackedSet;
      for (const msg of pending) {
        try {
          if (this.acceptOne(msg, out)) changed = true;
        } catch (error) {
          if (error instanceof ForeignSender) foreign.push(msg);
          else if (error instanceof ScpError) out.rejected.push(error);
          else out.rejected.push(new ScpError("MSG_MALFORMED", "message could not be read"));
        }
      }
      if (foreign.length === 0) return changed;
      if (this.trackedSet !== undefined && this.trackedSet === trackedBefore) {
        for (const _ of foreign)
          out.rejected.push(
            new ScpError("MSG_SENDER_NOT_IN_QUORUM", "sender is outside the transitive quorum set"),
          );
        return changed;
      }
      pending = foreign;
    }
  }

  /** Store one peer message if it is valid and newer; throws `ScpError` or `ForeignSender`. */
  private acceptOne(msg: ScpMessage, out: SlotOutput): boolean {
    const sender = msg?.sender?.id;
    if (sender === this.selfId)
      throw new ScpError("MSG_FROM_SELF", "message claims to come from the local node");
    if (typeof sender === "string" && !this.tracked().has(sender)) throw new ForeignSender();
    validateMessage(msg);
    if (msg.slot !== this.index)
      throw new ScpError(
        "MSG_SLOT_OUT_OF_RANGE",
        `message for slot ${msg.slot} given to slot ${this.index}`,
      );
    const stored = this.M.get(msg.sender.id);
    if (stored !== undefined && !isNewer(msg.topic, stored.topic)) {
      out.stale += 1;
      return false;
    }
    if (this.phase !== "Externalize" && !this.allValid(msg.topic))
      throw new ScpError("MSG_INVALID_VALUE", "message carries an invalid value");
    if (stored === undefined && this.M.size >= SCP_LIMITS.maxPeersPerSlot)
      throw new ScpError("MSG_TOO_MANY_PEERS", "too many peers in one slot");
    if (
      !this.indexed.has(msg.quorumSet) &&
      this.indexOf.size + compileQuorumSet(msg.quorumSet).allNodes.length >
        SCP_LIMITS.maxKnownNodesPerSlot
    )
      throw new ScpError("QSET_TOO_LARGE", "quorum sets name too many distinct nodes in this slot");
    const before = stored === undefined ? undefined : nominationOf(stored.topic);
    const after = nominationOf(msg.topic);
    const qsetChanged = stored?.quorumSet !== msg.quorumSet;
    if (qsetChanged || before?.x !== after?.x || before?.y !== after?.y) this.nominationInputs += 1;
    if (qsetChanged || ballotPartOf(stored?.topic) !== ballotPartOf(msg.topic))
      this.ballotInputs += 1;
    if (qsetChanged) this.trackedSet = undefined;
    this.M.set(msg.sender.id, msg);
    this.peers.set(msg.sender.id, {
      idx: this.indexFor(msg.sender.id),
      msg,
      q: this.indexQuorumSet(msg.quorumSet),
    });
    this.peerList = undefined;
    return true;
  }

  /** Each tracked peer's quorum set as last stated in this slot (or carried over from the last one). */
  peerQuorumSets(): ReadonlyMap<string, QuorumSet> {
    const out = new Map<string, QuorumSet>();
    for (const id of this.tracked()) {
      const q = this.M.get(id)?.quorumSet ?? this.known?.get(id);
      if (q !== undefined && id !== this.selfId) out.set(id, q);
    }
    return out;
  }

  /**
   * Is `id` in the local node's transitive quorum set: the local node, the nodes of its quorum set,
   * and (recursively) the nodes named by the quorum sets of those whose statements we hold?
   */
  tracks(id: string): boolean {
    return this.tracked().has(id);
  }

  private tracked(): ReadonlySet<string> {
    if (this.trackedSet === undefined) {
      const set = new Set<string>([this.selfId]);
      const todo = [...this.localQ.allNodes];
      for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
        if (set.has(id)) continue;
        set.add(id);
        const q = this.M.get(id)?.quorumSet ?? this.known?.get(id);
        if (q !== undefined) todo.push(...compileQuorumSet(q).allNodes);
      }
      this.trackedSet = set;
    }
    return this.trackedSet;
  }

  // ---------------------------------------------------------------- the step loop

  private advance(now: number): void {
    this.decidedNow = false;
    for (let i = 0; i < MAX_ADVANCE_ROUNDS; i++) {
      let changed = false;
      if (this.phase === "NominatePrepare") changed = this.nominationStep(now) || changed;
      changed = this.ballotStep() || changed;
      if (!changed) break;
    }
    this.updateBallotTimer(now);
    this.assertBallotInvariants();
  }

  /**
   * stellar-core's `checkInvariants`, on our own state after every step (peer input is validated
   * before it gets here, so a failure is a bug in this file).
   */
  private assertBallotInvariants(): void {
    const { b, p, pp, h, c } = this;
    const where = `slot ${this.index} (${this.phase})`;
    if (pp !== undefined)
      assert(
        p !== undefined && lessAndIncompatible(pp, p) && compareBallots(pp, p) < 0,
        `${where}: P' must be below P and incompatible`,
      );
    if (c !== undefined)
      assert(
        h !== undefined && lessAndCompatible(c, h),
        `${where}: C must be below H and compatible`,
      );
    if (this.phase === "Commit" || this.phase === "Externalize") {
      assert(
        b !== undefined && p !== undefined && h !== undefined && c !== undefined,
        `${where}: B, P, H and C are set`,
      );
      assert(
        compatible(b, h) && compatible(p, h) && compatible(c, h) && pp === undefined,
        `${where}: the value is frozen`,
      );
    }
    if (b !== undefined) {
      assert(b.n >= 1 && b.n <= INF && b.x.length > 0, `${where}: B is a real ballot`);
      assert(b.n >= this.lowestCounter, `${where}: the ballot counter never decreases`);
      this.lowestCounter = b.n;
    }
  }

  private finish(out: SlotOutput): SlotOutput {
    if (this.selfVersion !== this.lastSentSelfVersion) {
      this.lastSentSelfVersion = this.selfVersion;
      const msg = this.buildMessage();
      if (msg !== undefined) {
        const problem = ownStatementProblem(msg.topic);
        assert(problem === undefined, `slot ${this.index} would emit a bad statement: ${problem}`);
      }
      const key = msg === undefined ? undefined : topicKey(msg.topic);
      if (msg !== undefined && key !== this.lastSentKey) {
        this.lastSent = msg;
        this.lastSentKey = key;
        out.message = msg;
      }
    }
    if (this.phase === "Externalize" && this.c) out.externalized = this.c.x;
    return out;
  }

  /** The local ballot state changed. */
  private touch(): void {
    this.touchNomination();
    this.ballotInputs += 1;
    this.localBallotVersion += 1;
  }

  /** Only the local nomination state changed. */
  private touchNomination(): void {
    this.selfTopicCache = undefined;
    this.selfVersion += 1;
  }

  /** Every value a statement mentions is valid (checked once per value list object). */
  private allValid(t: Topic): boolean {
    for (const list of valueListsOf(t)) {
      if (this.validLists.has(list)) continue;
      for (const v of list) if (!this.isValid(v)) return false;
      this.validLists.add(list);
    }
    return true;
  }

  private isValid(v: Value): boolean {
    const k = valueKey(v);
    let ok = this.validCache.get(k);
    if (ok === undefined) {
      // An application check that throws rejects the value rather than the node.
      try {
        ok = this.cfg.validity(v) === true;
      } catch {
        ok = false;
      }
      if (this.validCache.size < SCP_LIMITS.maxValidityCacheEntries) this.validCache.set(k, ok);
    }
    return ok;
  }

  private addLeader(): void {
    const id = nextLeader(
      this.cfg.priorityHash,
      this.index,
      this.round,
      this.cfg.local,
      this.cfg.quorumSet,
      this.leaders,
      this.cfg.nodeById,
    );
    this.leaders.add(id);
  }

  // ---------------------------------------------------------------- federated voting

  /** The local statement as peers see it (cached until the state changes). */
  private selfTopic(): Topic | null {
    if (this.selfTopicCache === undefined) this.selfTopicCache = this.buildTopic() ?? null;
    return this.selfTopicCache;
  }

  /**
   * Is there a quorum containing the local node (which must satisfy the statement: `selfOk`) whose
   * members all satisfy `pred`? Exact greatest-fixpoint test.
   */
  private quorumHolds(selfOk: boolean, pred: (t: Topic) => boolean): boolean {
    if (!selfOk) return false;
    const mem = this.clearMembers();
    mem[0] = 1;
    const list = this.active;
    list.length = 0;
    for (const p of this.peerArray()) {
      if (pred(p.msg.topic)) {
        mem[p.idx] = 1;
        list.push(p);
      }
    }
    return this.fixpointHolds(list);
  }

  /**
   * Greatest fixpoint over the marked members (`members`, with the local node at index 0): drop
   * every peer without a slice among the remaining ones until stable; true if the local node's
   * slice survives.
   */
  private fixpointHolds(list: readonly Peer[]): boolean {
    const mem = this.members;
    for (;;) {
      if (!sliceIn(this.localIdx, mem)) return false;
      let removed = false;
      for (const p of list) {
        if (mem[p.idx] === 1 && !sliceIn(p.q, mem)) {
          mem[p.idx] = 0;
          removed = true;
        }
      }
      if (!removed) return true;
    }
  }

  /** Do the peers satisfying `pred` form a v-blocking set for the local node? */
  private vBlocking(pred: (t: Topic) => boolean): boolean {
    if (this.localQ.threshold === 0) return false;
    const mem = this.clearMembers();
    for (const p of this.peerArray()) if (pred(p.msg.topic)) mem[p.idx] = 1;
    return blockedBy(this.localIdx, mem);
  }

  /** The membership array, zeroed over every index in use. */
  private clearMembers(): Uint8Array {
    const n = this.indexOf.size;
    if (this.members.length < n)
      this.members = new Uint8Array(Math.max(n, this.members.length * 2));
    this.members.fill(0, 0, n);
    return this.members;
  }

  private peerArray(): readonly Peer[] {
    if (this.peerList === undefined) this.peerList = [...this.peers.values()];
    return this.peerList;
  }

  /** A dense index per node id (the local node is 0); bounded by the quorum-set and peer limits. */
  private indexFor(id: string): number {
    let i = this.indexOf.get(id);
    if (i === undefined) {
      i = this.indexOf.size;
      this.indexOf.set(id, i);
    }
    return i;
  }

  private indexQuorumSet(q: QuorumSet): IndexedQuorumSet {
    let r = this.indexed.get(q);
    if (r === undefined) {
      r = this.indexCompiled(compileQuorumSet(q));
      this.indexed.set(q, r);
    }
    return r;
  }

  private indexCompiled(c: CompiledQuorumSet): IndexedQuorumSet {
    return {
      threshold: c.threshold,
      nodes: c.nodes.map((id) => this.indexFor(id)),
      inner: c.inner.map((i) => this.indexCompiled(i)),
    };
  }

  // ---------------------------------------------------------------- nomination

  private nominationStep(now: number): boolean {
    let changed = false;
    if (this.nominationTimerAt === null)
      this.nominationTimerAt = now + cappedTimeout(this.cfg.baseRoundIntervalMs, this.round);
    // Nomination depends only on peers' messages, proposals, leaders and X/Y/Z: skip if none changed.
    if (this.nominationSeen === this.nominationInputs) return false;
    if (this.Z.size === 0) {
      if (this.leaders.has(this.selfId))
        for (const [k, v] of this.W) changed = this.vote(k, v) || changed;
      for (const id of [...this.M.keys()].sort()) {
        if (!this.leaders.has(id)) continue;
        const n = nominationOf((this.M.get(id) as ScpMessage).topic);
        if (n === undefined) continue;
        for (const v of n.x) changed = this.vote(valueKey(v), v) || changed;
        for (const v of n.y) changed = this.vote(valueKey(v), v) || changed;
      }
    }

    // Who votes-or-accepts / accepts each value, from peers' nomination statements, as sets of
    // peer indices (bit masks while there are at most 30 peers), so that the many values with the
    // same supporters share one quorum / blocking evaluation.
    const peers = [...this.M.keys()];
    const small = peers.length <= 30;
    const votes = new Map<string, number | string>();
    const accepts = new Map<string, number | string>();
    const acceptedByPeers = new Map<string, Value>();
    const add = (map: Map<string, number | string>, k: string, i: number): void => {
      const old = map.get(k);
      if (small) map.set(k, ((old as number | undefined) ?? 0) | (1 << i));
      else map.set(k, old === undefined ? `${i}` : `${old},${i}`);
    };
    peers.forEach((id, i) => {
      const n = nominationOf((this.M.get(id) as ScpMessage).topic);
      if (n === undefined) return;
      // Confirmed values are settled: only the others need supporters.
      for (const v of n.x) {
        const k = valueKey(v);
        if (!this.Z.has(k)) add(votes, k, i);
      }
      for (const v of n.y) {
        const k = valueKey(v);
        if (this.Z.has(k)) continue;
        add(votes, k, i);
        add(accepts, k, i);
        acceptedByPeers.set(k, v);
      }
    });
    const members = (set: number | string | undefined): string[] => {
      if (set === undefined) return [];
      if (typeof set === "number") return peers.filter((_, i) => set & (1 << i));
      return set.split(",").map((i) => peers[Number(i)] as string);
    };
    const memoQuorum = new Map<number | string, boolean>();
    const memoBlocking = new Map<number | string, boolean>();
    const quorumOf = (set: number | string | undefined): boolean => {
      const key = set ?? 0;
      let r = memoQuorum.get(key);
      if (r === undefined) {
        const mem = this.clearMembers();
        mem[0] = 1;
        const list = members(set).map((id) => this.peers.get(id) as Peer);
        for (const p of list) mem[p.idx] = 1;
        r = this.fixpointHolds(list);
        memoQuorum.set(key, r);
      }
      return r;
    };
    const blockingOf = (set: number | string | undefined): boolean => {
      const key = set ?? 0;
      let r = memoBlocking.get(key);
      if (r === undefined) {
        const mem = this.clearMembers();
        for (const id of members(set)) mem[(this.peers.get(id) as Peer).idx] = 1;
        r = this.localQ.threshold > 0 && blockedBy(this.localIdx, mem);
        memoBlocking.set(key, r);
      }
      return r;
    };

    // Accept: a v-blocking set accepted it, or a quorum (with us) voted or accepted it.
    const candidates = new Map<string, Value>(this.X);
    for (const [k, v] of acceptedByPeers) if (!this.Y.has(k)) candidates.set(k, v);
    for (const k of [...candidates.keys()].sort()) {
      if (this.Y.has(k)) continue;
      if (this.Y.size >= SCP_LIMITS.maxNominationValues) break;
      const ok = blockingOf(accepts.get(k)) || (this.X.has(k) && quorumOf(votes.get(k)));
      if (ok) {
        this.X.delete(k);
        this.Y.set(k, candidates.get(k) as Value);
        this.xyVersion += 1;
        changed = true;
      }
    }
    // Confirm: a quorum (with us) accepted it.
    for (const [k, v] of this.Y) {
      if (this.Z.has(k)) continue;
      if (quorumOf(accepts.get(k))) {
        this.Z.set(k, v);
        this.combined = undefined;
        changed = true;
      }
    }
    let ballotStarted = false;
    if (this.Z.size > 0 && this.b === undefined) {
      const value = this.combination();
      if (value !== undefined) {
        this.b = { n: 1, x: value };
        changed = true;
        ballotStarted = true;
      }
    }
    if (changed) {
      // Nomination-only changes leave the ballot protocol's inputs as they were.
      if (ballotStarted) this.touch();
      else this.touchNomination();
      this.nominationInputs += 1;
    }
    this.nominationSeen = this.nominationInputs;
    return changed;
  }

  /**
   * A node that still has no candidate and no ballot when a nomination round times out joins the
   * ballot protocol with a value its peers are working on. Without this, MobileCoin's one-message
   * model can stall: peers that moved on to Prepare or Commit no longer carry their nomination
   * state, so a node that missed it never confirms a candidate, and a quorum that needs its votes
   * never forms (found by the simulator's property test: a crash right after a healed partition).
   *
   * Voting to prepare is safe, but the value must not be one node's choice (neither stellar-core
   * nor MobileCoin starts a ballot without a candidate): a value is adopted only when the peers
   * working on it form a v-blocking set, or a quorum together with this node. In a network that
   * tolerates its faulty nodes, either set holds an honest node, whose ballot value came from
   * its own candidates (or, inductively, from such a set).
   */
  private adoptPeerBallot(): void {
    if (this.Z.size > 0 || this.b !== undefined) return;
    const byValue = new Map<string, Ballot>();
    for (const m of this.M.values()) {
      const ballot = workingBallot(m.topic);
      if (ballot === undefined) continue;
      const key = valueListKey(ballot.x);
      const best = byValue.get(key);
      if (best === undefined || ballot.n > best.n) byValue.set(key, ballot);
    }
    let chosen: Ballot | undefined;
    for (const [key, ballot] of byValue) {
      if (chosen !== undefined && compareBallots(ballot, chosen) <= 0) continue;
      const onIt = (t: Topic): boolean => {
        const w = workingBallot(t);
        return w !== undefined && valueListKey(w.x) === key;
      };
      if (this.vBlocking(onIt) || this.quorumHolds(true, onIt)) chosen = ballot;
    }
    if (chosen !== undefined) this.bumpTo({ n: 1, x: chosen.x });
  }

  private vote(k: string, v: Value): boolean {
    if (this.X.has(k) || this.Y.has(k)) return false;
    if (this.X.size + this.Y.size >= SCP_LIMITS.maxNominationValues) return false;
    this.X.set(k, v);
    this.xyVersion += 1;
    return true;
  }

  private combination(): ValueList | undefined {
    if (this.Z.size === 0) return undefined;
    if (this.combined === undefined) {
      let value: ValueList;
      try {
        value = this.cfg
          .combine(sortedUnique(this.Z.values()))
          .slice(0, SCP_LIMITS.maxBallotValues);
      } catch {
        value = [];
      }
      // Keep the combine order but drop repeats: peers reject a ballot listing a value twice.
      const seen = new Set<string>();
      this.combined = value.filter((v) => {
        const k = valueKey(v);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    return this.combined.length > 0 ? this.combined : undefined;
  }

  // ---------------------------------------------------------------- ballot protocol

  private ballotStep(): boolean {
    // The ballot protocol depends only on peers' ballot statements and the local ballot state.
    if (this.ballotSeen === this.ballotInputs) return false;
    const seen = this.ballotInputs;
    let changed = false;
    if (this.phase === "NominatePrepare" || this.phase === "Prepare") {
      changed = this.acceptPrepared() || changed;
      changed = this.confirmPrepared() || changed;
    }
    if (this.phase !== "Externalize") changed = this.acceptCommit() || changed;
    if (this.phase === "Commit") {
      changed = this.acceptPrepared() || changed;
      changed = this.confirmCommit() || changed;
    }
    // Later inputs may raise the externalized top (MobileCoin's HN growth), not the one that decided.
    if (this.phase === "Externalize" && !this.decidedNow)
      changed = this.raiseExternalizedH() || changed;
    else changed = this.bump() || changed;
    if (changed) this.touch();
    this.ballotSeen = seen;
    return changed;
  }

  /** Every ballot mentioned by any statement, highest first, de-duplicated. */
  private preparedCandidates(): Ballot[] {
    // Ballots only come from ballot statements: nomination news leaves the set unchanged.
    if (this.candidatesCache !== undefined && this.candidatesVersion === this.ballotInputs)
      return this.candidatesCache;
    const byValue = new Map<string, Map<number, Ballot>>();
    const add = (t: Topic | null | undefined): void => {
      if (!t) return;
      for (const bal of preparedBallotsOf(t)) {
        const key = valueListKey(bal.x);
        let counters = byValue.get(key);
        if (counters === undefined) {
          counters = new Map();
          byValue.set(key, counters);
        }
        if (!counters.has(bal.n)) counters.set(bal.n, bal);
      }
    };
    add(this.selfTopic());
    for (const m of this.M.values()) add(m.topic);
    const out: Ballot[] = [];
    for (const counters of byValue.values()) out.push(...counters.values());
    out.sort((a, b) => compareBallots(b, a));
    this.candidatesCache = out;
    this.candidatesVersion = this.ballotInputs;
    return out;
  }

  private acceptPrepared(): boolean {
    for (const cand of this.preparedCandidates()) {
      if (this.phase === "Commit") {
        if (!this.p || !compatible(this.p, cand) || cand.n <= this.p.n) continue;
      }
      if (this.pp && compareBallots(cand, this.pp) <= 0) continue;
      if (this.p && lessAndCompatible(cand, this.p)) continue;
      const self = this.selfTopic();
      const accepted =
        this.vBlocking((t) => acceptsPrepared(t, cand)) ||
        this.quorumHolds(self !== null && votesOrAcceptsPrepared(self, cand), (t) =>
          votesOrAcceptsPrepared(t, cand),
        );
      if (accepted) return this.setPrepared(cand);
    }
    return false;
  }

  private setPrepared(ballot: Ballot): boolean {
    let changed = false;
    if (this.p === undefined) {
      this.p = ballot;
      changed = true;
    } else {
      const cmp = compareBallots(this.p, ballot);
      if (cmp < 0) {
        if (!compatible(this.p, ballot)) this.pp = this.p;
        this.p = ballot;
        changed = true;
      } else if (cmp > 0 && !compatible(this.p, ballot)) {
        if (this.pp === undefined || compareBallots(this.pp, ballot) < 0) {
          this.pp = ballot;
          changed = true;
        }
      }
    }
    // A commit vote contradicted by a higher accepted-prepared incompatible ballot is withdrawn.
    if (this.c && this.phase !== "Commit") {
      if (
        (this.p && lessAndIncompatible(this.c, this.p)) ||
        (this.pp && lessAndIncompatible(this.c, this.pp))
      ) {
        this.c = undefined;
      }
    }
    this.touch();
    return changed;
  }

  private confirmPrepared(): boolean {
    if (this.p === undefined) return false;
    const candidates = this.preparedCandidates();
    const ratified = (cand: Ballot): boolean => {
      const self = this.selfTopic();
      return this.quorumHolds(self !== null && acceptsPrepared(self, cand), (t) =>
        acceptsPrepared(t, cand),
      );
    };
    let idx = -1;
    for (let i = 0; i < candidates.length; i++) {
      const cand = candidates[i] as Ballot;
      if (this.h && compareBallots(cand, this.h) <= 0) break;
      if (ratified(cand)) {
        idx = i;
        break;
      }
    }
    if (idx < 0) return false;
    const newH = candidates[idx] as Ballot;
    let newC: Ballot | undefined;
    if (
      this.c === undefined &&
      !(this.p && lessAndIncompatible(newH, this.p)) &&
      !(this.pp && lessAndIncompatible(newH, this.pp))
    ) {
      for (let i = idx; i < candidates.length; i++) {
        const cand = candidates[i] as Ballot;
        if (this.b && compareBallots(cand, this.b) < 0) break;
        if (!lessAndCompatible(cand, newH)) continue;
        if (ratified(cand)) newC = cand;
        else break;
      }
    }
    return this.setConfirmPrepared(newC, newH);
  }

  private setConfirmPrepared(newC: Ballot | undefined, newH: Ballot): boolean {
    let changed = false;
    this.valueOverride = newH.x;
    if (this.phase === "NominatePrepare") {
      this.phase = "Prepare";
      this.nominationTimerAt = null;
      changed = true;
    }
    if (this.b === undefined || compatible(this.b, newH)) {
      if (this.h === undefined || compareBallots(newH, this.h) > 0) {
        this.h = newH;
        changed = true;
      }
      if (newC !== undefined) {
        this.c = newC;
        changed = true;
      }
    }
    if (this.b === undefined || compareBallots(this.b, newH) < 0) {
      this.bumpTo({ n: Math.max(this.b?.n ?? 0, newH.n), x: newH.x });
      changed = true;
    }
    this.touch();
    return changed;
  }

  /** The local statement and every peer's, cached while no ballot input changes. */
  private allTopics(): Topic[] {
    if (this.topicsCache !== undefined && this.topicsVersion === this.ballotInputs)
      return this.topicsCache;
    const out: Topic[] = [];
    const self = this.selfTopic();
    if (self) out.push(self);
    for (const m of this.M.values()) out.push(m.topic);
    this.topicsCache = out;
    this.topicsVersion = this.ballotInputs;
    return out;
  }

  private acceptCommit(): boolean {
    const values = new Map<string, ValueList>();
    for (const t of this.allTopics()) {
      const x = commitValueOf(t);
      if (x) values.set(valueListKey(x), x);
    }
    for (const key of [...values.keys()].sort()) {
      const x = values.get(key) as ValueList;
      if (this.phase === "Commit" && this.h && valueListKey(this.h.x) !== key) continue;
      const boundaries = new Set<number>();
      for (const t of this.allTopics()) commitBoundaries(t, x, boundaries);
      const interval = findExtendedInterval(boundaries, (lo, hi) => {
        const self = this.selfTopic();
        return (
          this.vBlocking((t) => acceptsCommit(t, x, lo, hi)) ||
          this.quorumHolds(self !== null && votesOrAcceptsCommit(self, x, lo, hi), (t) =>
            votesOrAcceptsCommit(t, x, lo, hi),
          )
        );
      });
      if (interval === undefined) continue;
      if (this.phase === "Commit" && this.h && interval[1] <= this.h.n) continue;
      return this.setAcceptCommit({ n: interval[0], x }, { n: interval[1], x });
    }
    return false;
  }

  private setAcceptCommit(c: Ballot, h: Ballot): boolean {
    this.valueOverride = h.x;
    this.c = c;
    this.h = h;
    if (this.phase !== "Commit") {
      this.phase = "Commit";
      this.nominationTimerAt = null;
      this.pp = undefined;
      if (this.p === undefined || !compatible(this.p, h)) this.p = h;
    }
    if (this.b === undefined || !lessAndCompatible(h, this.b)) {
      const old = this.b;
      const n =
        old === undefined ? h.n : Math.max(compatible(old, h) ? old.n : nextCounter(old.n), h.n);
      this.bumpTo({ n, x: h.x });
    }
    this.touch();
    return true;
  }

  private confirmCommit(): boolean {
    if (this.h === undefined || this.c === undefined) return false;
    const x = this.h.x;
    const interval = this.ratifiedCommitInterval(x);
    if (interval === undefined) return false;
    this.c = { n: interval[0], x };
    this.h = { n: interval[1], x };
    this.phase = "Externalize";
    this.decidedNow = true;
    this.nominationTimerAt = null;
    this.ballotTimerAt = null;
    this.touch();
    return true;
  }

  /** After externalizing, later statements can raise the confirmed-committed top (MobileCoin's HN = INF). */
  private raiseExternalizedH(): boolean {
    const h = this.h;
    const c = this.c;
    if (h === undefined || c === undefined) return false;
    // Keep c and look for a higher top that a quorum accepts commit up to. Only peers' statements
    // propose tops: our own Externalize alone must not claim INF.
    const boundaries = new Set<number>();
    for (const m of this.M.values()) commitBoundaries(m.topic, h.x, boundaries);
    const tops = [...boundaries].filter((n) => n > h.n).sort((a, b) => b - a);
    for (const hi of tops) {
      const self = this.selfTopic();
      const ok = this.quorumHolds(self !== null && acceptsCommit(self, h.x, c.n, hi), (t) =>
        acceptsCommit(t, h.x, c.n, hi),
      );
      if (ok) {
        this.h = { n: hi, x: h.x };
        this.touch();
        return true;
      }
    }
    return false;
  }

  private ratifiedCommitInterval(x: ValueList): [number, number] | undefined {
    const boundaries = new Set<number>();
    for (const t of this.allTopics()) commitBoundaries(t, x, boundaries);
    return findExtendedInterval(boundaries, (lo, hi) => {
      const self = this.selfTopic();
      return this.quorumHolds(self !== null && acceptsCommit(self, x, lo, hi), (t) =>
        acceptsCommit(t, x, lo, hi),
      );
    });
  }

  /** Rule 9: if a v-blocking set is at higher counters, jump to the lowest counter that unblocks us. */
  private bump(): boolean {
    const local = this.b?.n ?? 0;
    if (!this.vBlocking((t) => ballotCounter(t) > local)) return false;
    const counters = new Set<number>();
    for (const m of this.M.values()) {
      const n = ballotCounter(m.topic);
      if (n > local) counters.add(n);
    }
    for (const n of [...counters].sort((a, b) => a - b)) {
      if (!this.vBlocking((t) => ballotCounter(t) > n)) return this.abandonBallot(n);
    }
    return false;
  }

  /** The value for the next ballot: confirmed-prepared value, else the candidates' combination, else P's, else B's. */
  private nextValue(): ValueList | undefined {
    if (this.phase === "Commit") return this.b?.x;
    return this.valueOverride ?? this.combination() ?? this.p?.x ?? this.b?.x;
  }

  private abandonBallot(n: number): boolean {
    const x = this.nextValue();
    if (x === undefined) return false;
    const next: Ballot = { n, x };
    if (this.c && !compatible(this.c, next)) return false;
    if (this.b && compareBallots(next, this.b) <= 0) return false;
    this.bumpTo(next);
    return true;
  }

  private ballotTimeout(): boolean {
    if (this.phase === "Externalize") return false;
    return this.abandonBallot(nextCounter(this.b?.n ?? 0));
  }

  private bumpTo(ballot: Ballot): void {
    const bumped = this.b === undefined || this.b.n !== ballot.n;
    this.b = ballot;
    if (this.h && !compatible(this.h, ballot)) {
      this.h = undefined;
      this.c = undefined;
    }
    if (this.c && !compatible(this.c, ballot)) this.c = undefined;
    if (bumped) this.ballotTimerAt = null;
    this.touch();
  }

  /** Arm the ballot timer once a quorum (with us) is at our counter or beyond; never in Externalize. */
  private updateBallotTimer(now: number): void {
    if (this.phase === "Externalize" || this.b === undefined) {
      this.ballotTimerAt = null;
      return;
    }
    if (this.timerSeen === this.ballotInputs) return;
    this.timerSeen = this.ballotInputs;
    const n = this.b.n;
    const heard = this.quorumHolds(true, (t) => ballotCounter(t) >= n);
    if (!heard) {
      this.ballotTimerAt = null;
      return;
    }
    if (this.ballotTimerAt === null)
      this.ballotTimerAt = now + cappedTimeout(this.cfg.baseBallotIntervalMs, nextCounter(n));
  }

  // ---------------------------------------------------------------- outgoing statement

  private buildTopic(): Topic | undefined {
    switch (this.phase) {
      case "Externalize":
        if (!this.c || !this.h) return undefined;
        return { type: "Externalize", externalize: { c: this.c, hn: this.h.n } };
      case "Commit":
        if (!this.b || !this.c || !this.h || !this.p) return undefined;
        return {
          type: "Commit",
          commit: { b: this.b, pn: Math.min(this.p.n, this.b.n), cn: this.c.n, hn: this.h.n },
        };
      case "Prepare":
        return this.b ? { type: "Prepare", prepare: this.preparePayload(this.b) } : undefined;
      case "NominatePrepare": {
        if (this.nominatePayloadVersion !== this.xyVersion || this.nominatePayload === undefined) {
          this.nominatePayload = {
            x: sortedUnique(this.X.values()),
            y: sortedUnique(this.Y.values()),
          };
          this.nominatePayloadVersion = this.xyVersion;
        }
        const nominate = this.nominatePayload;
        if (this.b)
          return { type: "NominatePrepare", nominate, prepare: this.preparePayload(this.b) };
        if (nominate.x.length + nominate.y.length === 0) return undefined;
        return { type: "Nominate", nominate };
      }
    }
  }

  private preparePayload(b: Ballot): PreparePayload {
    // Reused while the ballot state is unchanged, so peers can tell ballot news by identity.
    if (
      this.preparePayloadCache !== undefined &&
      this.preparePayloadVersion === this.localBallotVersion
    )
      return this.preparePayloadCache;
    this.preparePayloadCache = this.buildPreparePayload(b);
    this.preparePayloadVersion = this.localBallotVersion;
    return this.preparePayloadCache;
  }

  private buildPreparePayload(b: Ballot): PreparePayload {
    const hn = this.h && compatible(this.h, b) && this.h.n <= b.n ? this.h.n : 0;
    const cn = hn !== 0 && this.c && this.c.n <= hn ? this.c.n : 0;
    const payload: { b: Ballot; p?: Ballot; pp?: Ballot; cn: number; hn: number } = { b, cn, hn };
    // MobileCoin's out_msg: the P (and P') sent never exceed B, or peers reject the statement.
    const p = this.p && clampBelow(this.p, b);
    const pp = p && this.pp && clampBelow(this.pp, p);
    if (p) payload.p = p;
    if (p && pp) payload.pp = pp;
    if (hn !== 0 && (!p || p.n < hn)) payload.hn = 0;
    if (payload.hn === 0) payload.cn = 0;
    return payload;
  }

  private buildMessage(): ScpMessage | undefined {
    const topic = this.selfTopic();
    if (!topic) return undefined;
    freezeTopic(topic);
    const msg: ScpMessage = Object.freeze({
      sender: this.frozenLocal,
      slot: this.index,
      quorumSet: this.frozenQuorumSet,
      topic,
    });
    registerFrozenStatement(msg);
    return msg;
  }

  // ---------------------------------------------------------------- introspection (tests, debug)

  /** A snapshot for tests and debugging. */
  snapshot(): {
    phase: Phase;
    round: number;
    leaders: string[];
    x: number;
    y: number;
    z: number;
    b?: Ballot;
    p?: Ballot;
    pp?: Ballot;
    h?: Ballot;
    c?: Ballot;
  } {
    const s: ReturnType<Slot["snapshot"]> = {
      phase: this.phase,
      round: this.round,
      leaders: [...this.leaders],
      x: this.X.size,
      y: this.Y.size,
      z: this.Z.size,
    };
    if (this.b) s.b = this.b;
    if (this.p) s.p = this.p;
    if (this.pp) s.pp = this.pp;
    if (this.h) s.h = this.h;
    if (this.c) s.c = this.c;
    return s;
  }

  /** Candidate (confirmed-nominated) values, sorted. */
  candidates(): Value[] {
    return sortedUnique(this.Z.values());
  }
}
