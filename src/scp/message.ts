import { compareBytes } from "../util/index.js";
import { ScpError } from "./errors.js";
import { INF, SCP_LIMITS } from "./limits.js";
import { type QuorumSet, validateQuorumSet } from "./quorum-set.js";
import {
  type Ballot,
  compareBallots,
  compareValueLists,
  isStrictlyAscending,
  lessAndIncompatible,
  type NodeId,
  type Value,
  type ValueList,
  valueKey,
  valueListKey,
} from "./values.js";

/**
 * MobileCoin's SCP message model: one latest message per node per slot, whose topic is one of
 * Nominate, NominatePrepare, Prepare, Commit, Externalize, carrying the sender's full quorum set.
 */
export interface NominatePayload {
  /** Voted-nominated values not yet accepted, strictly ascending. */
  readonly x: ValueList;
  /** Accepted-nominated values, strictly ascending, disjoint from `x`. */
  readonly y: ValueList;
}

export interface PreparePayload {
  readonly b: Ballot;
  readonly p?: Ballot;
  readonly pp?: Ballot;
  readonly cn: number;
  readonly hn: number;
}

export interface CommitPayload {
  readonly b: Ballot;
  readonly pn: number;
  readonly cn: number;
  readonly hn: number;
}

export interface ExternalizePayload {
  readonly c: Ballot;
  readonly hn: number;
}

export type Topic =
  | { readonly type: "Nominate"; readonly nominate: NominatePayload }
  | {
      readonly type: "NominatePrepare";
      readonly nominate: NominatePayload;
      readonly prepare: PreparePayload;
    }
  | { readonly type: "Prepare"; readonly prepare: PreparePayload }
  | { readonly type: "Commit"; readonly commit: CommitPayload }
  | { readonly type: "Externalize"; readonly externalize: ExternalizePayload };

export type TopicType = Topic["type"];

export interface ScpMessage {
  readonly sender: NodeId;
  readonly slot: number;
  readonly quorumSet: QuorumSet;
  readonly topic: Topic;
}

const TOPIC_RANK: Record<TopicType, number> = {
  Nominate: 0,
  NominatePrepare: 1,
  Prepare: 2,
  Commit: 3,
  Externalize: 4,
};

/** The nomination part of a message, if any. */
export function nominationOf(t: Topic): NominatePayload | undefined {
  return t.type === "Nominate" || t.type === "NominatePrepare" ? t.nominate : undefined;
}

/** The prepare part of a message, if any. */
export function prepareOf(t: Topic): PreparePayload | undefined {
  return t.type === "Prepare" || t.type === "NominatePrepare" ? t.prepare : undefined;
}

/** The ballot counter used by timers and rule 9: 0 for Nominate, B.N, INF for Externalize. */
export function ballotCounter(t: Topic): number {
  switch (t.type) {
    case "Nominate":
      return 0;
    case "NominatePrepare":
    case "Prepare":
      return t.prepare.b.n;
    case "Commit":
      return t.commit.b.n;
    case "Externalize":
      return INF;
  }
}

function isCounter(n: unknown, allowZero: boolean): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= (allowZero ? 0 : 1) && n <= INF;
}

function checkValues(values: unknown, what: string, max: number): asserts values is ValueList {
  if (!Array.isArray(values)) throw new ScpError("MSG_MALFORMED", `${what} is not a list`);
  if (values.length > max)
    throw new ScpError("MSG_TOO_MANY_VALUES", `${what} has ${values.length} values (limit ${max})`);
  for (const v of values) {
    if (!(v instanceof Uint8Array))
      throw new ScpError("MSG_MALFORMED", `${what} holds a non-byte value`);
    if (v.length > SCP_LIMITS.maxValueBytes)
      throw new ScpError("MSG_VALUE_TOO_LARGE", `${what} holds a value of ${v.length} bytes`);
  }
}

/**
 * Value lists already checked (size, element types, duplicates; for nomination lists also order).
 * Messages are immutable once built, and the same list objects recur in every later message of a
 * slot, so each list is checked once.
 */
const checkedBallotValues = new WeakSet<object>();
const checkedNominationLists = new WeakSet<object>();

function checkBallot(b: unknown, what: string): asserts b is Ballot {
  if (typeof b !== "object" || b === null) throw new ScpError("MSG_MALFORMED", `${what} missing`);
  const ballot = b as { n: unknown; x: unknown };
  if (!isCounter(ballot.n, false))
    throw new ScpError("MSG_BAD_COUNTERS", `${what} counter must be in 1..INF`);
  if (typeof ballot.x === "object" && ballot.x !== null && checkedBallotValues.has(ballot.x))
    return;
  checkValues(ballot.x, `${what} value`, SCP_LIMITS.maxBallotValues);
  if ((ballot.x as ValueList).length === 0)
    throw new ScpError("MSG_MALFORMED", `${what} has an empty value`);
  if (
    new Set((ballot.x as ValueList).map((v) => valueKey(v))).size !== (ballot.x as ValueList).length
  )
    throw new ScpError("MSG_UNSORTED_VALUES", `${what} lists a value twice`);
  checkedBallotValues.add(ballot.x as ValueList);
}

function checkNominationList(values: unknown, what: string): asserts values is ValueList {
  if (typeof values === "object" && values !== null && checkedNominationLists.has(values)) return;
  checkValues(values, what, SCP_LIMITS.maxNominationValues);
  if (!isStrictlyAscending(values))
    throw new ScpError("MSG_UNSORTED_VALUES", "nomination values must be strictly ascending");
  checkedNominationLists.add(values);
}

function checkNominate(n: NominatePayload, requireNonEmpty: boolean): void {
  if (typeof n !== "object" || n === null)
    throw new ScpError("MSG_MALFORMED", "nominate payload missing");
  checkNominationList(n.x, "X");
  checkNominationList(n.y, "Y");
  if (n.x.length + n.y.length > SCP_LIMITS.maxNominationValues)
    throw new ScpError("MSG_TOO_MANY_VALUES", "X and Y together exceed the nomination limit");
  if (requireNonEmpty && n.x.length + n.y.length === 0)
    throw new ScpError("MSG_MALFORMED", "nomination with no value");
  if (disjointPayloads.has(n)) return;
  const ys = new Set(n.y.map((v) => valueKey(v)));
  for (const v of n.x)
    if (ys.has(valueKey(v)))
      throw new ScpError("MSG_MALFORMED", "a value is both voted and accepted");
  disjointPayloads.add(n);
}

/** Nomination payloads already found to have disjoint X and Y (senders reuse unchanged payloads). */
const disjointPayloads = new WeakSet<NominatePayload>();

function checkPrepare(p: PreparePayload): void {
  if (typeof p !== "object" || p === null)
    throw new ScpError("MSG_MALFORMED", "prepare payload missing");
  checkBallot(p.b, "B");
  if (p.p !== undefined) checkBallot(p.p, "P");
  if (p.pp !== undefined) {
    checkBallot(p.pp, "PP");
    if (p.p === undefined) throw new ScpError("MSG_MALFORMED", "PP without P");
    if (!lessAndIncompatible(p.pp, p.p) || compareBallots(p.pp, p.p) === 0)
      throw new ScpError("MSG_BAD_COUNTERS", "PP must be below P and incompatible with it");
  }
  if (!isCounter(p.cn, true) || !isCounter(p.hn, true))
    throw new ScpError("MSG_BAD_COUNTERS", "CN and HN must be counters");
  if (p.hn !== 0 && (p.p === undefined || p.hn > p.p.n))
    throw new ScpError("MSG_BAD_COUNTERS", "HN must not exceed P.N");
  if (p.cn !== 0 && !(p.hn !== 0 && p.cn <= p.hn && p.hn <= p.b.n))
    throw new ScpError("MSG_BAD_COUNTERS", "need CN ≤ HN ≤ B.N when CN is set");
}

/**
 * stellar-core's statement sanity rules on MobileCoin's message shapes, plus size limits and a sane
 * quorum set. Throws `ScpError`; callers at the peer boundary count and drop.
 */
export function validateMessage(msg: ScpMessage): void {
  if (typeof msg !== "object" || msg === null) throw new ScpError("MSG_MALFORMED", "not a message");
  if (typeof msg.sender?.id !== "string" || msg.sender.id.length === 0)
    throw new ScpError("MSG_MALFORMED", "message without a sender");
  if (!Number.isSafeInteger(msg.slot) || msg.slot < 0)
    throw new ScpError("MSG_MALFORMED", "slot index must be a non-negative integer");
  validateQuorumSet(msg.quorumSet);
  validateTopic(msg.topic);
}

/** The statement rules of `validateMessage` for a topic alone. Throws `ScpError`. */
export function validateTopic(t: Topic): void {
  switch (t?.type) {
    case "Nominate":
      checkNominate(t.nominate, true);
      return;
    case "NominatePrepare":
      checkNominate(t.nominate, false);
      checkPrepare(t.prepare);
      return;
    case "Prepare":
      checkPrepare(t.prepare);
      return;
    case "Commit": {
      const c = t.commit;
      if (typeof c !== "object" || c === null)
        throw new ScpError("MSG_MALFORMED", "commit payload missing");
      checkBallot(c.b, "B");
      if (!isCounter(c.pn, false) || !isCounter(c.cn, false) || !isCounter(c.hn, false))
        throw new ScpError("MSG_BAD_COUNTERS", "PN, CN and HN must be counters in 1..INF");
      if (!(c.cn <= c.hn && c.hn <= c.b.n))
        throw new ScpError("MSG_BAD_COUNTERS", "need CN ≤ HN ≤ B.N");
      return;
    }
    case "Externalize": {
      const e = t.externalize;
      if (typeof e !== "object" || e === null)
        throw new ScpError("MSG_MALFORMED", "externalize payload missing");
      checkBallot(e.c, "C");
      if (!isCounter(e.hn, false) || e.hn < e.c.n)
        throw new ScpError("MSG_BAD_COUNTERS", "need HN ≥ C.N");
      return;
    }
    default:
      throw new ScpError("MSG_MALFORMED", "unknown topic");
  }
}

function compareOptBallot(a: Ballot | undefined, b: Ballot | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return compareBallots(a, b);
}

function comparePrepare(a: PreparePayload, b: PreparePayload): number {
  return (
    compareBallots(a.b, b.b) ||
    compareOptBallot(a.p, b.p) ||
    compareOptBallot(a.pp, b.pp) ||
    a.hn - b.hn
  );
}

/** Is every value of `sub` in `a` or `b`? All three strictly ascending (validated): one merge pass. */
function coveredBy(sub: ValueList, a: ValueList, b: ValueList = []): boolean {
  let i = 0;
  let j = 0;
  for (const v of sub) {
    while (i < a.length && compareBytes(a[i] as Value, v) < 0) i++;
    while (j < b.length && compareBytes(b[j] as Value, v) < 0) j++;
    const inA = i < a.length && compareBytes(a[i] as Value, v) === 0;
    const inB = j < b.length && compareBytes(b[j] as Value, v) === 0;
    if (!inA && !inB) return false;
  }
  return true;
}

/** +1 if `a` strictly grows `b` (every old vote and acceptance kept, something added), else 0 or -1. */
function compareNominate(a: NominatePayload, b: NominatePayload): number {
  if (a === b) return 0;
  if (a.x.length + a.y.length === b.x.length + b.y.length && a.y.length === b.y.length) {
    if (compareValueLists(a.y, b.y) === 0 && compareValueLists(a.x, b.x) === 0) return 0;
  }
  if (!coveredBy(b.y, a.y) || !coveredBy(b.x, a.x, a.y)) return -1;
  return a.x.length + a.y.length > b.x.length + b.y.length || a.y.length > b.y.length ? 1 : -1;
}

/**
 * Is `a` newer than `b` from the same sender? Topic order first; within a topic the ballot fields
 * (as both codebases; CN is ignored), and for nomination stellar-core's growth rule (old votes and
 * acceptances kept) rather than MobileCoin's size order, so a peer cannot swap its votes.
 */
export function isNewer(a: Topic, b: Topic): boolean {
  const r = TOPIC_RANK[a.type] - TOPIC_RANK[b.type];
  if (r !== 0) return r > 0;
  switch (a.type) {
    case "Nominate":
      return compareNominate(a.nominate, (b as typeof a).nominate) > 0;
    case "NominatePrepare": {
      const bb = b as typeof a;
      const c = comparePrepare(a.prepare, bb.prepare);
      if (c !== 0) return c > 0;
      return compareNominate(a.nominate, bb.nominate) > 0;
    }
    case "Prepare":
      return comparePrepare(a.prepare, (b as typeof a).prepare) > 0;
    case "Commit": {
      const x = a.commit;
      const y = (b as typeof a).commit;
      return (compareBallots(x.b, y.b) || x.pn - y.pn || x.hn - y.hn) > 0;
    }
    case "Externalize":
      return a.externalize.hn > (b as typeof a).externalize.hn;
  }
}

/** Every value list a message carries (for validity checks). */
export function valueListsOf(t: Topic): ValueList[] {
  const out: ValueList[] = [];
  const n = nominationOf(t);
  if (n) out.push(n.x, n.y);
  const p = prepareOf(t);
  if (p) {
    out.push(p.b.x);
    if (p.p) out.push(p.p.x);
    if (p.pp) out.push(p.pp.x);
  }
  if (t.type === "Commit") out.push(t.commit.b.x);
  if (t.type === "Externalize") out.push(t.externalize.c.x);
  return out;
}

/** Every value a message mentions (for validity checks). */
export function valuesOf(t: Topic): Value[] {
  const out: Value[] = [];
  const n = nominationOf(t);
  if (n) out.push(...n.x, ...n.y);
  const p = prepareOf(t);
  if (p) {
    out.push(...p.b.x);
    if (p.p) out.push(...p.p.x);
    if (p.pp) out.push(...p.pp.x);
  }
  if (t.type === "Commit") out.push(...t.commit.b.x);
  if (t.type === "Externalize") out.push(...t.externalize.c.x);
  return out;
}

/**
 * What is wrong with a statement this node is about to emit, if anything: the sanity rules of
 * `validateMessage`, plus MobileCoin's `Msg::validate` rule that P (and so P') does not exceed B.
 * Peers' statements are held to the rules only (stellar-core accepts P above B from peers).
 */
export function ownStatementProblem(t: Topic): string | undefined {
  try {
    validateTopic(t);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const p = prepareOf(t);
  if (p?.p !== undefined && compareBallots(p.p, p.b) > 0) return "P exceeds B";
  if (t.type === "Commit" && t.commit.pn > t.commit.b.n) return "PN exceeds B.N";
  return undefined;
}

// ---- What a statement implies (the implication table of MobileCoin's msg.rs) ----

/** Does the statement vote for, or accept, `prepare(ballot)`? */
export function votesOrAcceptsPrepared(t: Topic, ballot: Ballot): boolean {
  const p = prepareOf(t);
  if (p) {
    return (
      covers(p.b, ballot) ||
      (p.p !== undefined && covers(p.p, ballot)) ||
      (p.pp !== undefined && covers(p.pp, ballot))
    );
  }
  if (t.type === "Commit") return sameValue(t.commit.b.x, ballot.x);
  if (t.type === "Externalize") return sameValue(t.externalize.c.x, ballot.x);
  return false;
}

/** Does the statement accept `prepare(ballot)` (some accepted ballot with the same value and counter ≥)? */
export function acceptsPrepared(t: Topic, ballot: Ballot): boolean {
  const p = prepareOf(t);
  if (p)
    return (
      (p.p !== undefined && covers(p.p, ballot)) || (p.pp !== undefined && covers(p.pp, ballot))
    );
  if (t.type === "Commit") return ballot.n <= t.commit.pn && sameValue(t.commit.b.x, ballot.x);
  if (t.type === "Externalize") return sameValue(t.externalize.c.x, ballot.x);
  return false;
}

/** Does the statement vote for or accept `commit(<n, x>)` for every n in [lo, hi]? */
export function votesOrAcceptsCommit(t: Topic, x: ValueList, lo: number, hi: number): boolean {
  const p = prepareOf(t);
  if (p) return p.cn !== 0 && sameValue(p.b.x, x) && p.cn <= lo && hi <= p.hn;
  if (t.type === "Commit") return sameValue(t.commit.b.x, x) && t.commit.cn <= lo;
  if (t.type === "Externalize") return sameValue(t.externalize.c.x, x) && t.externalize.c.n <= lo;
  return false;
}

/** Does the statement accept `commit(<n, x>)` for every n in [lo, hi]? */
export function acceptsCommit(t: Topic, x: ValueList, lo: number, hi: number): boolean {
  if (t.type === "Commit")
    return sameValue(t.commit.b.x, x) && t.commit.cn <= lo && hi <= t.commit.hn;
  if (t.type === "Externalize") return sameValue(t.externalize.c.x, x) && t.externalize.c.n <= lo;
  return false;
}

/** Ballots a statement says it votes or accepts as prepared (candidates for the prepare searches). */
export function preparedBallotsOf(t: Topic): Ballot[] {
  const p = prepareOf(t);
  if (p) {
    const out = [p.b];
    if (p.p) out.push(p.p);
    if (p.pp) out.push(p.pp);
    return out;
  }
  if (t.type === "Commit")
    return [
      { n: t.commit.pn, x: t.commit.b.x },
      { n: INF, x: t.commit.b.x },
    ];
  if (t.type === "Externalize") return [{ n: INF, x: t.externalize.c.x }];
  return [];
}

/** Counter boundaries a statement contributes for commit ranges on value `x`. */
export function commitBoundaries(t: Topic, x: ValueList, out: Set<number>): void {
  const p = prepareOf(t);
  if (p) {
    if (p.cn !== 0 && sameValue(p.b.x, x)) {
      out.add(p.cn);
      out.add(p.hn);
    }
  } else if (t.type === "Commit") {
    if (sameValue(t.commit.b.x, x)) {
      out.add(t.commit.cn);
      out.add(t.commit.hn);
    }
  } else if (t.type === "Externalize") {
    if (sameValue(t.externalize.c.x, x)) {
      out.add(t.externalize.c.n);
      out.add(t.externalize.hn);
      out.add(INF);
    }
  }
}

/** The value of a commit-related statement, if any (Prepare with CN ≠ 0, Commit, Externalize). */
export function commitValueOf(t: Topic): ValueList | undefined {
  const p = prepareOf(t);
  if (p) return p.cn !== 0 ? p.b.x : undefined;
  if (t.type === "Commit") return t.commit.b.x;
  if (t.type === "Externalize") return t.externalize.c.x;
  return undefined;
}

function covers(have: Ballot, want: Ballot): boolean {
  return want.n <= have.n && sameValue(have.x, want.x);
}

function sameValue(a: ValueList, b: ValueList): boolean {
  return a === b || valueListKey(a) === valueListKey(b);
}
