/**
 * Helpers for the SCP scenario suites: short value and ballot constructors, message builders in
 * MobileCoin's shapes, and a node factory with a forced leader order and a virtual clock.
 */
import {
  type Ballot,
  fixedPriority,
  flatQuorumSet,
  type NodeOutput,
  type QuorumSet,
  type ScpMessage,
  ScpNode,
  type ScpNodeOptions,
  sortedCombine,
  type Topic,
  type Value,
  type ValueList,
} from "../../src/scp/index.js";

/** A 2-byte big-endian value, so that numeric order is byte order (as the reference's 1000, 2000, …). */
export function v(n: number): Value {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n);
  return b;
}

/** A sorted value list. */
export function vals(...ns: number[]): ValueList {
  return [...ns].sort((a, b) => a - b).map(v);
}

export function bal(n: number, x: ValueList): Ballot {
  return { n, x };
}

export function node(
  id: string,
  quorumSet: QuorumSet,
  extra: Partial<ScpNodeOptions> = {},
): ScpNode {
  return new ScpNode({
    local: { id },
    quorumSet,
    combine: sortedCombine(),
    priorityHash: fixedPriority(["nobody"]),
    ...extra,
  });
}

export function msg(sender: string, quorumSet: QuorumSet, topic: Topic, slot = 1): ScpMessage {
  return { sender: { id: sender }, slot, quorumSet, topic };
}

export function prepare(
  b: Ballot,
  opts: { p?: Ballot; pp?: Ballot; cn?: number; hn?: number } = {},
): Topic {
  const payload: { b: Ballot; p?: Ballot; pp?: Ballot; cn: number; hn: number } = {
    b,
    cn: opts.cn ?? 0,
    hn: opts.hn ?? 0,
  };
  if (opts.p) payload.p = opts.p;
  if (opts.pp) payload.pp = opts.pp;
  return { type: "Prepare", prepare: payload };
}

export function commit(b: Ballot, pn: number, cn: number, hn: number): Topic {
  return { type: "Commit", commit: { b, pn, cn, hn } };
}

export function externalize(c: Ballot, hn: number): Topic {
  return { type: "Externalize", externalize: { c, hn } };
}

export function nominate(x: ValueList, y: ValueList = []): Topic {
  return { type: "Nominate", nominate: { x, y } };
}

/** The single message of an output (fails the test if there is not exactly one). */
export function only(out: NodeOutput): ScpMessage {
  if (out.messages.length !== 1)
    throw new Error(`expected one message, got ${out.messages.length}`);
  return out.messages[0] as ScpMessage;
}

/** The prepare payload of a Prepare or NominatePrepare message. */
export function preparePart(m: ScpMessage) {
  const t = m.topic;
  if (t.type !== "Prepare" && t.type !== "NominatePrepare")
    throw new Error(`not a prepare: ${t.type}`);
  return t.prepare;
}

/** Flat "k of the listed others". */
export const kOf = flatQuorumSet;

/** A ballot as a short string for assertions: `<n,[1,2]>`. */
export function show(b: Ballot | undefined): string {
  if (b === undefined) return "-";
  return `<${b.n},[${b.x.map((x) => new DataView(x.buffer, x.byteOffset).getUint16(0)).join(",")}]>`;
}
