import { ScpError } from "./errors.js";
import { SCP_LIMITS } from "./limits.js";
import type { NominatePayload, PreparePayload, ScpMessage, Topic } from "./message.js";
import type { QuorumSet, QuorumSetMember } from "./quorum-set.js";
import type { Ballot, NodeId, Value, ValueList } from "./values.js";

/**
 * The node's copy of a message handed in by its host. The engine caches validation results and
 * derived keys per object, which is sound only if nobody can change an object after it was
 * checked; so every message is read exactly once, field by field, into fresh frozen objects and
 * fresh byte arrays that only the node holds. Getters that throw, proxies and objects mutated
 * after the call therefore reach the engine as a typed rejection or not at all.
 *
 * To keep the per-object caches useful, parts equal to those of the same sender's previous copy
 * (unchanged vote lists, an unchanged ballot, the same quorum set) reuse that copy's objects.
 */
/**
 * Statements an SCP slot of this process emitted, deep-frozen (`Slot` registers them). They are
 * taken as they are: nothing in them can change, and copying them again is what the simulator
 * would spend most of its time on. (Their values are byte arrays, which JavaScript cannot freeze;
 * they are the emitting node's own copies, which hosts must treat as read-only.)
 */
const frozenStatements = new WeakSet<object>();

/** Register a deep-frozen statement emitted by this process's SCP engine. */
export function registerFrozenStatement(msg: ScpMessage): void {
  frozenStatements.add(msg);
}

export class MessageIntake {
  private readonly previous = new Map<string, ScpMessage>();
  private readonly values = new ValueInterner();

  /**
   * A frozen private copy of `raw`; throws `ScpError` if it cannot be read as a message.
   * `remember` says whether the sender's copy is kept for reuse (not for strangers).
   */
  copy(raw: unknown, remember: (sender: string) => boolean = () => true): ScpMessage {
    let msg: ScpMessage;
    try {
      msg = frozenStatements.has(raw as object) ? (raw as ScpMessage) : this.read(raw);
    } catch (error) {
      if (error instanceof ScpError) throw error;
      throw new ScpError("MSG_MALFORMED", "message could not be read");
    }
    if (!remember(msg.sender.id)) return msg;
    if (this.previous.size >= SCP_LIMITS.maxPeersPerSlot) this.previous.clear();
    this.previous.set(msg.sender.id, msg);
    return msg;
  }

  /** Frozen copies of a node identity and quorum set (the local ones, for emitted statements). */
  copyHeader(sender: NodeId, quorumSet: QuorumSet): { sender: NodeId; quorumSet: QuorumSet } {
    return { sender: nodeId(sender), quorumSet: quorumSet_(quorumSet, 0, { nodes: 0 }) };
  }

  private read(raw: unknown): ScpMessage {
    const m = record(raw, "message");
    const sender = nodeId(m.sender);
    const prev = this.previous.get(sender.id);
    const slot = m.slot;
    if (typeof slot !== "number") throw new ScpError("MSG_MALFORMED", "slot is not a number");
    const reuse = new Reuse(prev, this.values);
    const rawQ = m.quorumSet;
    const quorumSet =
      prev !== undefined && sameRawQuorumSet(prev.quorumSet, rawQ, 0)
        ? prev.quorumSet
        : quorumSet_(rawQ, 0, { nodes: 0 });
    const topic = readTopic(m.topic, reuse);
    return Object.freeze({ sender, slot, quorumSet, topic });
  }
}

/** Parts of the sender's previous copy that an equal new part is replaced by. */
class Reuse {
  private readonly lists: ValueList[] = [];
  private readonly ballots: Ballot[] = [];
  private readonly prepare: PreparePayload | undefined;
  private readonly nominate: NominatePayload | undefined;

  constructor(
    prev: ScpMessage | undefined,
    readonly values: ValueInterner,
  ) {
    if (prev === undefined) return;
    const t = prev.topic;
    if (t.type === "Nominate" || t.type === "NominatePrepare") {
      this.nominate = t.nominate;
      this.lists.push(t.nominate.x, t.nominate.y);
    }
    if (t.type === "Prepare" || t.type === "NominatePrepare") {
      this.prepare = t.prepare;
      for (const b of [t.prepare.b, t.prepare.p, t.prepare.pp]) if (b) this.ballots.push(b);
    }
    if (t.type === "Commit") this.ballots.push(t.commit.b);
    if (t.type === "Externalize") this.ballots.push(t.externalize.c);
    for (const b of this.ballots) this.lists.push(b.x);
  }

  list(x: ValueList): ValueList {
    return this.lists.find((l) => sameValues(l, x)) ?? x;
  }

  /** The previous copy's list with the same bytes as the (unchecked) raw array, if any. */
  rawList(raw: unknown[]): ValueList | undefined {
    for (const l of this.lists) {
      if (l.length !== raw.length) continue;
      let same = true;
      for (let i = 0; same && i < l.length; i++) {
        const v = raw[i];
        same = isBytes(v) && sameBytes(l[i] as Value, v);
      }
      if (same) return l;
    }
    return undefined;
  }

  ballot(b: Ballot): Ballot {
    const x = b.x;
    return this.ballots.find((o) => o.n === b.n && o.x === x) ?? Object.freeze({ n: b.n, x });
  }

  nominatePayload(n: NominatePayload): NominatePayload {
    const p = this.nominate;
    return p !== undefined && p.x === n.x && p.y === n.y ? p : n;
  }

  preparePayload(n: PreparePayload): PreparePayload {
    const p = this.prepare;
    const same =
      p !== undefined &&
      p.b === n.b &&
      p.p === n.p &&
      p.pp === n.pp &&
      p.cn === n.cn &&
      p.hn === n.hn;
    return same ? p : n;
  }
}

function readTopic(raw: unknown, reuse: Reuse): Topic {
  const t = record(raw, "topic");
  switch (t.type) {
    case "Nominate":
      return Object.freeze({ type: "Nominate", nominate: readNominate(t.nominate, reuse) });
    case "NominatePrepare":
      return Object.freeze({
        type: "NominatePrepare",
        nominate: readNominate(t.nominate, reuse),
        prepare: readPrepare(t.prepare, reuse),
      });
    case "Prepare":
      return Object.freeze({ type: "Prepare", prepare: readPrepare(t.prepare, reuse) });
    case "Commit": {
      const c = record(t.commit, "commit payload");
      const commit = Object.freeze({
        b: readBallot(c.b, reuse),
        pn: c.pn as number,
        cn: c.cn as number,
        hn: c.hn as number,
      });
      return Object.freeze({ type: "Commit", commit });
    }
    case "Externalize": {
      const e = record(t.externalize, "externalize payload");
      const externalize = Object.freeze({ c: readBallot(e.c, reuse), hn: e.hn as number });
      return Object.freeze({ type: "Externalize", externalize });
    }
    default:
      throw new ScpError("MSG_MALFORMED", "unknown topic");
  }
}

function readNominate(raw: unknown, reuse: Reuse): NominatePayload {
  const n = record(raw, "nominate payload");
  const x = values(n.x, SCP_LIMITS.maxNominationValues, reuse);
  const y = values(n.y, SCP_LIMITS.maxNominationValues, reuse);
  return reuse.nominatePayload(Object.freeze({ x, y }));
}

function readPrepare(raw: unknown, reuse: Reuse): PreparePayload {
  const p = record(raw, "prepare payload");
  const out: { b: Ballot; p?: Ballot; pp?: Ballot; cn: number; hn: number } = {
    b: readBallot(p.b, reuse),
    cn: p.cn as number,
    hn: p.hn as number,
  };
  const pb = p.p;
  const ppb = p.pp;
  if (pb !== undefined) out.p = readBallot(pb, reuse);
  if (ppb !== undefined) out.pp = readBallot(ppb, reuse);
  return reuse.preparePayload(Object.freeze(out));
}

function readBallot(raw: unknown, reuse: Reuse): Ballot {
  const b = record(raw, "ballot");
  return reuse.ballot({
    n: b.n as number,
    x: values(b.x, SCP_LIMITS.maxBallotValues, reuse),
  });
}

/** A fresh frozen list of the node's own byte arrays; lists over `max` are refused unread. */
function values(raw: unknown, max: number, reuse: Reuse): ValueList {
  if (!Array.isArray(raw)) throw new ScpError("MSG_MALFORMED", "a value list is not a list");
  const n = raw.length;
  if (n > max) throw new ScpError("MSG_TOO_MANY_VALUES", `a value list holds ${n} values`);
  const known = reuse.rawList(raw);
  if (known !== undefined) return known;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = reuse.values.intern(raw[i]);
  return reuse.list(reuse.values.internList(out));
}

/**
 * The node's copy of each distinct value, found by content (a 32-bit FNV-1a hash, then the
 * bytes), so that every sender's copy of a value is one object and per-value caches (hex keys,
 * validity) are computed once per node, as they were before messages were copied.
 */
class ValueInterner {
  private readonly byHash = new Map<number, Value[]>();
  private size = 0;
  /** A small number per interned value, and each distinct list of interned values, by those numbers. */
  private readonly ids = new WeakMap<Value, number>();
  private nextId = 0;
  private readonly lists = new Map<string, ValueList>();

  /** The one frozen list object for this sequence of interned values (every sender shares it). */
  internList(values: Value[]): ValueList {
    let key = "";
    for (const v of values) key += `${this.ids.get(v)},`;
    let list = this.lists.get(key);
    if (list === undefined) {
      if (this.lists.size >= SCP_LIMITS.maxInternedValues) this.lists.clear();
      list = Object.freeze(values);
      this.lists.set(key, list);
    }
    return list;
  }

  intern(raw: unknown): Value {
    if (!ArrayBuffer.isView(raw) || !(raw instanceof Uint8Array))
      throw new ScpError("MSG_MALFORMED", "a value is not a byte array");
    if (raw.byteLength > SCP_LIMITS.maxValueBytes)
      throw new ScpError("MSG_VALUE_TOO_LARGE", `a value of ${raw.byteLength} bytes`);
    // Read the bytes once, into our own array, before looking at them.
    const copy = new Uint8Array(raw);
    const h = fnv1a(copy);
    const bucket = this.byHash.get(h);
    if (bucket !== undefined) for (const v of bucket) if (sameBytes(v, copy)) return v;
    if (this.size >= SCP_LIMITS.maxInternedValues) {
      // Starting over also forgets the lists, whose keys name values by number.
      this.byHash.clear();
      this.lists.clear();
      this.size = 0;
    }
    this.ids.set(copy, this.nextId++);
    if (bucket !== undefined && this.byHash.has(h)) bucket.push(copy);
    else this.byHash.set(h, [copy]);
    this.size += 1;
    return copy;
  }
}

function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h >>> 0;
}

function sameBytes(x: Uint8Array, y: Uint8Array | undefined): boolean {
  if (x === y) return true;
  if (y === undefined) return false;
  if (x.length !== y.length) return false;
  for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  return true;
}

/** A private copy of one value handed in by the host (a proposal). Throws `ScpError`. */
export function copyValue(raw: unknown): Value {
  try {
    return bytes(raw);
  } catch (error) {
    if (error instanceof ScpError) throw error;
    throw new ScpError("MSG_MALFORMED", "value could not be read");
  }
}

function bytes(raw: unknown): Value {
  // ArrayBuffer.isView is false for a proxy; the constructor copies through internal slots.
  if (!ArrayBuffer.isView(raw) || !(raw instanceof Uint8Array))
    throw new ScpError("MSG_MALFORMED", "a value is not a byte array");
  if (raw.byteLength > SCP_LIMITS.maxValueBytes)
    throw new ScpError("MSG_VALUE_TOO_LARGE", `a value of ${raw.byteLength} bytes`);
  return new Uint8Array(raw);
}

function nodeId(raw: unknown): NodeId {
  const n = record(raw, "sender");
  const id = n.id;
  if (typeof id !== "string") throw new ScpError("MSG_MALFORMED", "node id is not a string");
  const key = n.publicKey;
  if (key === undefined) return Object.freeze({ id });
  return Object.freeze({ id, publicKey: bytes(key) });
}

function quorumSet_(raw: unknown, depth: number, count: { nodes: number }): QuorumSet {
  if (depth > SCP_LIMITS.maxQuorumSetDepth)
    throw new ScpError("QSET_TOO_DEEP", "quorum set nested too deeply");
  const q = record(raw, "quorum set");
  const members = q.members;
  if (!Array.isArray(members)) throw new ScpError("QSET_MALFORMED", "members is not a list");
  if (members.length > SCP_LIMITS.maxQuorumSetNodes)
    throw new ScpError("QSET_TOO_LARGE", "quorum set lists too many members");
  const out: QuorumSetMember[] = [];
  for (const raw of members) {
    const m = record(raw, "quorum set member");
    if (m.type === "Node") {
      if (++count.nodes > SCP_LIMITS.maxQuorumSetNodes)
        throw new ScpError("QSET_TOO_LARGE", "quorum set lists too many nodes");
      out.push(Object.freeze({ type: "Node", args: nodeId(m.args) }));
    } else if (m.type === "InnerSet") {
      out.push(Object.freeze({ type: "InnerSet", args: quorumSet_(m.args, depth + 1, count) }));
    } else throw new ScpError("QSET_MALFORMED", "unknown quorum set member");
  }
  return Object.freeze({ threshold: q.threshold as number, members: Object.freeze(out) });
}

/** An object whose fields the caller reads once each (accessors run inside the caller's guard). */
function record(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ScpError("MSG_MALFORMED", `${what} is not an object`);
  return raw as Record<string, unknown>;
}

/** Same values in the same order (interned values compare by identity first). */
function sameValues(a: ValueList, b: ValueList): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameBytes(a[i] as Value, b[i] as Value)) return false;
  return true;
}

/**
 * Does the peer's (unchecked) quorum set equal our copy `a`? Reads each raw field once; anything
 * unexpected is "no", and the raw set is then copied (and read) in full.
 */
function sameRawQuorumSet(a: QuorumSet, raw: unknown, depth: number): boolean {
  if (depth > SCP_LIMITS.maxQuorumSetDepth || typeof raw !== "object" || raw === null) return false;
  const r = raw as Record<string, unknown>;
  const members = r.members;
  if (r.threshold !== a.threshold || !Array.isArray(members)) return false;
  const n = members.length;
  if (n !== a.members.length) return false;
  for (let i = 0; i < n; i++) {
    const x = a.members[i] as QuorumSetMember;
    const y = members[i] as Record<string, unknown> | null;
    if (typeof y !== "object" || y === null || y.type !== x.type) return false;
    const args = y.args as Record<string, unknown> | null;
    if (x.type === "InnerSet") {
      if (!sameRawQuorumSet(x.args, args, depth + 1)) return false;
    } else {
      if (typeof args !== "object" || args === null || args.id !== x.args.id) return false;
      const key = args.publicKey;
      const mine = x.args.publicKey;
      if (key === undefined ? mine !== undefined : !isBytes(key) || !sameBytes(key, mine))
        return false;
    }
  }
  return true;
}

function isBytes(raw: unknown): raw is Uint8Array {
  return ArrayBuffer.isView(raw) && raw instanceof Uint8Array;
}
