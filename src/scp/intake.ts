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
export class MessageIntake {
  private readonly previous = new Map<string, ScpMessage>();

  /**
   * A frozen private copy of `raw`; throws `ScpError` if it cannot be read as a message.
   * `remember` says whether the sender's copy is kept for reuse (not for strangers).
   */
  copy(raw: unknown, remember: (sender: string) => boolean = () => true): ScpMessage {
    let msg: ScpMessage;
    try {
      msg = this.read(raw);
    } catch (error) {
      if (error instanceof ScpError) throw error;
      throw new ScpError("MSG_MALFORMED", "message could not be read");
    }
    if (!remember(msg.sender.id)) return msg;
    if (this.previous.size >= SCP_LIMITS.maxPeersPerSlot) this.previous.clear();
    this.previous.set(msg.sender.id, msg);
    return msg;
  }

  private read(raw: unknown): ScpMessage {
    const m = record(raw, "message");
    const sender = nodeId(m.sender);
    const prev = this.previous.get(sender.id);
    const slot = m.slot;
    if (typeof slot !== "number") throw new ScpError("MSG_MALFORMED", "slot is not a number");
    const reuse = new Reuse(prev);
    const quorumSet = reuse.qset(quorumSet_(m.quorumSet, 0, { nodes: 0 }));
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
  private readonly q: QuorumSet | undefined;

  constructor(prev: ScpMessage | undefined) {
    if (prev === undefined) return;
    this.q = prev.quorumSet;
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

  ballot(b: Ballot): Ballot {
    const x = this.list(b.x);
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

  qset(q: QuorumSet): QuorumSet {
    return this.q !== undefined && sameQuorumSet(this.q, q) ? this.q : q;
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
  const x = reuse.list(values(n.x, SCP_LIMITS.maxNominationValues));
  const y = reuse.list(values(n.y, SCP_LIMITS.maxNominationValues));
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
  return reuse.ballot({ n: b.n as number, x: values(b.x, SCP_LIMITS.maxBallotValues) });
}

/** A fresh frozen list of fresh byte arrays; lists over `max` are refused before any is read. */
function values(raw: unknown, max: number): ValueList {
  if (!Array.isArray(raw)) throw new ScpError("MSG_MALFORMED", "a value list is not a list");
  const n = raw.length;
  if (n > max) throw new ScpError("MSG_TOO_MANY_VALUES", `a value list holds ${n} values`);
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes(raw[i]);
  return Object.freeze(out);
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

/** The own enumerable data of an object, read once (accessors run here, inside the guard). */
function record(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ScpError("MSG_MALFORMED", `${what} is not an object`);
  return { ...(raw as Record<string, unknown>) };
}

function sameValues(a: ValueList, b: ValueList): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Value;
    const y = b[i] as Value;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

function sameQuorumSet(a: QuorumSet, b: QuorumSet): boolean {
  if (a.threshold !== b.threshold || a.members.length !== b.members.length) return false;
  for (let i = 0; i < a.members.length; i++) {
    const x = a.members[i] as QuorumSetMember;
    const y = b.members[i] as QuorumSetMember;
    if (x.type !== y.type) return false;
    if (x.type === "Node" && y.type === "Node") {
      if (x.args.id !== y.args.id || !sameKey(x.args.publicKey, y.args.publicKey)) return false;
    } else if (x.type === "InnerSet" && y.type === "InnerSet") {
      if (!sameQuorumSet(x.args, y.args)) return false;
    }
  }
  return true;
}

function sameKey(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameValues([a], [b]);
}
