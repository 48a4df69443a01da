import type { PreparePayload, ScpMessage, Topic } from "./message.js";
import { type Ballot, valueListKey } from "./values.js";

/**
 * Helpers of the slot state machine that need none of its state: statement keys and order,
 * quorum tests over dense node indices, and the commit-interval search.
 */

/** The ballot part of a statement (object identity tells whether a peer's ballot news changed). */
export function ballotPartOf(t: Topic | undefined): object | undefined {
  if (t === undefined) return undefined;
  switch (t.type) {
    case "Nominate":
      return undefined;
    case "NominatePrepare":
    case "Prepare":
      return t.prepare;
    case "Commit":
      return t.commit;
    case "Externalize":
      return t.externalize;
  }
}

/** A quorum set over dense node indices. */
export interface IndexedQuorumSet {
  readonly threshold: number;
  readonly nodes: readonly number[];
  readonly inner: readonly IndexedQuorumSet[];
}

/** A peer's latest message with its index and indexed quorum set. */
export interface Peer {
  readonly idx: number;
  readonly msg: ScpMessage;
  readonly q: IndexedQuorumSet;
}

export function sliceIn(q: IndexedQuorumSet, mem: Uint8Array): boolean {
  let need = q.threshold;
  if (need <= 0) return true;
  const nodes = q.nodes;
  for (let i = 0; i < nodes.length; i++)
    if (mem[nodes[i] as number] === 1 && --need === 0) return true;
  const inner = q.inner;
  for (let i = 0; i < inner.length; i++)
    if (sliceIn(inner[i] as IndexedQuorumSet, mem) && --need === 0) return true;
  return false;
}

export function blockedBy(q: IndexedQuorumSet, mem: Uint8Array): boolean {
  if (q.threshold <= 0) return false;
  let need = q.nodes.length + q.inner.length - q.threshold + 1;
  const nodes = q.nodes;
  for (let i = 0; i < nodes.length; i++)
    if (mem[nodes[i] as number] === 1 && --need === 0) return true;
  const inner = q.inner;
  for (let i = 0; i < inner.length; i++)
    if (blockedBy(inner[i] as IndexedQuorumSet, mem) && --need === 0) return true;
  return false;
}

/** Topic order for sorting a batch; -1 for anything unreadable (hostile getters included). */
export function rank(m: ScpMessage): number {
  let type: unknown;
  try {
    type = m?.topic?.type;
  } catch {
    return -1;
  }
  switch (type) {
    case "Nominate":
      return 0;
    case "NominatePrepare":
      return 1;
    case "Prepare":
      return 2;
    case "Commit":
      return 3;
    case "Externalize":
      return 4;
    default:
      return -1;
  }
}

/**
 * stellar-core's `findExtendedInterval`: from the highest boundary down, find the highest `hi`
 * for which `[hi, hi]` holds, then extend `lo` downwards while the predicate keeps holding.
 */
export function findExtendedInterval(
  boundaries: ReadonlySet<number>,
  pred: (lo: number, hi: number) => boolean,
): [number, number] | undefined {
  const sorted = [...boundaries].filter((n) => n > 0).sort((a, b) => b - a);
  let found: [number, number] | undefined;
  for (const n of sorted) {
    if (found === undefined) {
      if (pred(n, n)) found = [n, n];
    } else {
      if (n > found[1]) continue;
      if (pred(n, found[1])) found = [n, found[1]];
      else break;
    }
  }
  return found;
}

/** A canonical string for a topic (for duplicate suppression and tests). */
export function topicKey(t: Topic): string {
  const bal = (x: Ballot | undefined): string => (x ? `<${x.n},${valueListKey(x.x)}>` : "-");
  switch (t.type) {
    case "Nominate":
      return `N(${valueListKey(t.nominate.x)}|${valueListKey(t.nominate.y)})`;
    case "NominatePrepare":
      return `NP(${valueListKey(t.nominate.x)}|${valueListKey(t.nominate.y)};${prepKey(t.prepare, bal)})`;
    case "Prepare":
      return `P(${prepKey(t.prepare, bal)})`;
    case "Commit":
      return `C(${bal(t.commit.b)},${t.commit.pn},${t.commit.cn},${t.commit.hn})`;
    case "Externalize":
      return `E(${bal(t.externalize.c)},${t.externalize.hn})`;
  }
}

function prepKey(p: PreparePayload, bal: (x: Ballot | undefined) => string): string {
  return `${bal(p.b)},${bal(p.p)},${bal(p.pp)},${p.cn},${p.hn}`;
}
