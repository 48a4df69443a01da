import { sha256 } from "../crypto/index.js";
import {
  type Ballot,
  INF,
  type QuorumSet,
  SCP_LIMITS,
  type ScpMessage,
  type Topic,
  type ValueList,
} from "../scp/index.js";
import { type SeededRandom, utf8 } from "../util/index.js";

/**
 * The `equivocate` and `spam` Byzantine behaviours (the `split` node is in split.ts): forged
 * statements per receiver and a stream of malformed, oversized and hostile statements.
 */

/** How often a `spam` node sends its junk, virtual ms. */
export const SPAM_INTERVAL_MS = 250;

function fakeValue(tag: string): ValueList {
  return [sha256(utf8(`fake:${tag}`)).slice(0, 16)];
}

/**
 * An equivocating node tells half of its peers the truth and the other half a forged statement.
 * `targetIndex` is the receiver's position in the topology.
 */
export function forge(msg: ScpMessage, targetIndex: number, rng: SeededRandom): ScpMessage {
  if ((targetIndex + msg.slot) % 2 === 0) return msg;
  const fake = fakeValue(`${msg.sender.id}/${msg.slot}/${targetIndex % 3}`);
  const roll = rng.nextInt(4);
  if (roll === 0)
    return {
      ...msg,
      topic: { type: "Externalize", externalize: { c: { n: 1, x: fake }, hn: INF } },
    };
  if (roll === 1)
    return {
      ...msg,
      topic: { type: "Commit", commit: { b: { n: INF, x: fake }, pn: INF, cn: 1, hn: INF } },
    };
  return { ...msg, topic: forgedTopic(msg.topic, fake) };
}

/** The statement's own kind, with every ballot's value replaced by `fake`. */
function forgedTopic(t: Topic, fake: ValueList): Topic {
  const ballot = (b: Ballot): Ballot => ({ n: b.n, x: fake });
  switch (t.type) {
    case "Nominate":
      return { type: "Nominate", nominate: { x: fake, y: [] } };
    case "NominatePrepare":
      return {
        type: "NominatePrepare",
        nominate: { x: [], y: fake },
        prepare: { b: ballot(t.prepare.b), p: ballot(t.prepare.b), cn: 0, hn: 0 },
      };
    case "Prepare":
      return {
        type: "Prepare",
        prepare: {
          b: ballot(t.prepare.b),
          p: ballot(t.prepare.b),
          cn: t.prepare.b.n,
          hn: t.prepare.b.n,
        },
      };
    case "Commit":
      return { type: "Commit", commit: { ...t.commit, b: ballot(t.commit.b) } };
    case "Externalize":
      return { type: "Externalize", externalize: { c: ballot(t.externalize.c), hn: INF } };
  }
}

let hugeNominate: ValueList | undefined;

/** Junk a spamming node sends: malformed, oversized, forged-sender, far-future and hostile statements. */
export function spamMessages(
  node: { id: string; qset: QuorumSet },
  slot: number,
  ids: readonly string[],
  rng: SeededRandom,
): ScpMessage[] {
  const base = { sender: { id: node.id }, slot, quorumSet: node.qset };
  const v = [rng.bytes(16)];
  hugeNominate ??= Array.from(
    { length: SCP_LIMITS.maxNominationValues + 1 },
    (_, i) => new Uint8Array([i >> 8, i & 255, 1]),
  );
  const all: ScpMessage[] = [
    { ...base, topic: { type: "Prepare", prepare: { b: { n: 0, x: v }, cn: 0, hn: 0 } } },
    {
      ...base,
      topic: {
        type: "Nominate",
        nominate: { x: [new Uint8Array([2]), new Uint8Array([1])], y: [] },
      },
    },
    { ...base, topic: { type: "Nominate", nominate: { x: hugeNominate, y: [] } } },
    {
      ...base,
      slot: slot + 2 + rng.nextInt(10),
      topic: { type: "Prepare", prepare: { b: { n: 5, x: v }, cn: 0, hn: 0 } },
    },
    {
      ...base,
      quorumSet: {
        threshold: 2,
        members: [
          { type: "Node", args: { id: "dup" } },
          { type: "Node", args: { id: "dup" } },
        ],
      },
      topic: { type: "Nominate", nominate: { x: v, y: [] } },
    },
    {
      ...base,
      sender: { id: rng.pick(ids) },
      topic: { type: "Externalize", externalize: { c: { n: 1, x: v }, hn: INF } },
    },
    {
      ...base,
      topic: {
        type: "Prepare",
        prepare: { b: { n: INF, x: v }, p: { n: INF, x: v }, cn: 1, hn: INF },
      },
    },
    { ...base, topic: { type: "Externalize", externalize: { c: { n: 5, x: v }, hn: 2 } } },
  ];
  return [rng.pick(all), rng.pick(all)];
}
