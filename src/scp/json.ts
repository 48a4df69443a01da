import { fromHex, toHex } from "../util/index.js";
import { ScpError } from "./errors.js";
import type { PreparePayload, ScpMessage, Topic } from "./message.js";
import type { QuorumSet, QuorumSetMember } from "./quorum-set.js";
import type { Ballot, ValueList } from "./values.js";

/**
 * A JSON form of SCP messages for traces and debug dumps: values as hex strings, quorum sets in
 * the runbook's `{threshold, members: [{type, args}]}` shape with responder ids as node args.
 * Decoding checks every field's type and throws `ScpError("MSG_MALFORMED")`; semantic checks are
 * `validateMessage`'s job.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function quorumSetToJson(q: QuorumSet): Json {
  return {
    threshold: q.threshold,
    members: q.members.map((m) =>
      m.type === "Node"
        ? { type: "Node", args: m.args.id }
        : { type: "InnerSet", args: quorumSetToJson(m.args) },
    ),
  };
}

/** Parse the runbook's quorum-set JSON shape (structure only; validate with `validateQuorumSet`). */
export function quorumSetFromJson(j: unknown, depth = 0): QuorumSet {
  if (depth > 16) throw new ScpError("QSET_TOO_DEEP", "quorum set nested too deeply");
  const o = obj(j, "quorum set");
  const threshold = o.threshold;
  if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 0)
    throw new ScpError("QSET_MALFORMED", "quorum set threshold must be a non-negative integer");
  if (!Array.isArray(o.members))
    throw new ScpError("QSET_MALFORMED", "quorum set members must be a list");
  const members: QuorumSetMember[] = o.members.map((m: unknown) => {
    const mo = obj(m, "quorum set member");
    if (mo.type === "Node") {
      if (typeof mo.args !== "string" || mo.args.length === 0)
        throw new ScpError("QSET_MALFORMED", "a Node member's args must be a responder id string");
      return { type: "Node", args: { id: mo.args } };
    }
    if (mo.type === "InnerSet")
      return { type: "InnerSet", args: quorumSetFromJson(mo.args, depth + 1) };
    throw new ScpError(
      "QSET_MALFORMED",
      `member type must be "Node" or "InnerSet", got ${JSON.stringify(mo.type)}`,
    );
  });
  return { threshold, members };
}

function valuesToJson(x: ValueList): Json {
  return x.map(toHex);
}

function ballotToJson(b: Ballot): Json {
  return { n: b.n, x: valuesToJson(b.x) };
}

function prepareToJson(p: PreparePayload): { [key: string]: Json } {
  const o: { [key: string]: Json } = { b: ballotToJson(p.b), cn: p.cn, hn: p.hn };
  if (p.p) o.p = ballotToJson(p.p);
  if (p.pp) o.pp = ballotToJson(p.pp);
  return o;
}

export function topicToJson(t: Topic): Json {
  switch (t.type) {
    case "Nominate":
      return { type: t.type, x: valuesToJson(t.nominate.x), y: valuesToJson(t.nominate.y) };
    case "NominatePrepare":
      return {
        type: t.type,
        x: valuesToJson(t.nominate.x),
        y: valuesToJson(t.nominate.y),
        ...prepareToJson(t.prepare),
      };
    case "Prepare":
      return { type: t.type, ...prepareToJson(t.prepare) };
    case "Commit":
      return {
        type: t.type,
        b: ballotToJson(t.commit.b),
        pn: t.commit.pn,
        cn: t.commit.cn,
        hn: t.commit.hn,
      };
    case "Externalize":
      return { type: t.type, c: ballotToJson(t.externalize.c), hn: t.externalize.hn };
  }
}

export function messageToJson(m: ScpMessage): Json {
  return {
    sender: m.sender.id,
    slot: m.slot,
    qset: quorumSetToJson(m.quorumSet),
    topic: topicToJson(m.topic),
  };
}

export function messageFromJson(j: unknown): ScpMessage {
  const o = obj(j, "message");
  if (typeof o.sender !== "string") throw malformed("sender must be a string");
  if (typeof o.slot !== "number") throw malformed("slot must be a number");
  return {
    sender: { id: o.sender },
    slot: o.slot,
    quorumSet: quorumSetFromJson(o.qset),
    topic: topicFromJson(o.topic),
  };
}

function topicFromJson(j: unknown): Topic {
  const o = obj(j, "topic");
  switch (o.type) {
    case "Nominate":
      return { type: "Nominate", nominate: { x: values(o.x), y: values(o.y) } };
    case "NominatePrepare":
      return {
        type: "NominatePrepare",
        nominate: { x: values(o.x), y: values(o.y) },
        prepare: prepareFrom(o),
      };
    case "Prepare":
      return { type: "Prepare", prepare: prepareFrom(o) };
    case "Commit":
      return {
        type: "Commit",
        commit: { b: ballot(o.b), pn: num(o.pn), cn: num(o.cn), hn: num(o.hn) },
      };
    case "Externalize":
      return { type: "Externalize", externalize: { c: ballot(o.c), hn: num(o.hn) } };
    default:
      throw malformed(`unknown topic type ${JSON.stringify(o.type)}`);
  }
}

function prepareFrom(o: Record<string, unknown>): PreparePayload {
  const p: { b: Ballot; p?: Ballot; pp?: Ballot; cn: number; hn: number } = {
    b: ballot(o.b),
    cn: num(o.cn),
    hn: num(o.hn),
  };
  if (o.p !== undefined) p.p = ballot(o.p);
  if (o.pp !== undefined) p.pp = ballot(o.pp);
  return p;
}

function ballot(j: unknown): Ballot {
  const o = obj(j, "ballot");
  return { n: num(o.n), x: values(o.x) };
}

/** Decode a list of hex strings. */
export function values(j: unknown): ValueList {
  if (!Array.isArray(j)) throw malformed("values must be a list of hex strings");
  return j.map((v) => {
    if (typeof v !== "string" || !/^([0-9a-f]{2})*$/i.test(v))
      throw malformed("values must be hex strings");
    return fromHex(v);
  });
}

function num(j: unknown): number {
  if (typeof j !== "number" || !Number.isInteger(j)) throw malformed("counters must be integers");
  return j;
}

function obj(j: unknown, what: string): Record<string, unknown> {
  if (typeof j !== "object" || j === null || Array.isArray(j))
    throw malformed(`${what} must be an object`);
  return j as Record<string, unknown>;
}

function malformed(message: string): ScpError {
  return new ScpError("MSG_MALFORMED", message);
}
