import { ScpError } from "./errors.js";
import { SCP_LIMITS } from "./limits.js";
import type { NodeId } from "./values.js";

/**
 * Quorum sets in MobileCoin's shape (`{threshold, members: [Node | InnerSet]}`) and the
 * federated-voting predicates over them. Convention (MobileCoin's): a node's own quorum set does
 * not list the node; its slices implicitly contain it.
 */
export interface QuorumSet {
  readonly threshold: number;
  readonly members: readonly QuorumSetMember[];
}

export type QuorumSetMember =
  | { readonly type: "Node"; readonly args: NodeId }
  | { readonly type: "InnerSet"; readonly args: QuorumSet };

/** The empty set (threshold 0): a single-node network that externalizes alone. */
export const EMPTY_QUORUM_SET: QuorumSet = { threshold: 0, members: [] };

/** A flat quorum set over node ids. */
export function flatQuorumSet(threshold: number, ids: readonly string[]): QuorumSet {
  return { threshold, members: ids.map((id) => ({ type: "Node", args: { id } })) };
}

/** A quorum set with inner sets only. */
export function nestedQuorumSet(threshold: number, inner: readonly QuorumSet[]): QuorumSet {
  return { threshold, members: inner.map((args) => ({ type: "InnerSet", args })) };
}

/** A quorum set pre-digested for predicates: node ids and inner sets separated. */
export interface CompiledQuorumSet {
  readonly threshold: number;
  readonly nodes: readonly string[];
  readonly inner: readonly CompiledQuorumSet[];
  /** Every node id at any depth, de-duplicated. */
  readonly allNodes: readonly string[];
}

const compiled = new WeakMap<QuorumSet, CompiledQuorumSet>();

/** Compile (cached by object identity: quorum sets are treated as immutable). */
export function compileQuorumSet(q: QuorumSet): CompiledQuorumSet {
  let c = compiled.get(q);
  if (c !== undefined) return c;
  const nodes: string[] = [];
  const inner: CompiledQuorumSet[] = [];
  for (const m of q.members) {
    if (m.type === "Node") nodes.push(m.args.id);
    else inner.push(compileQuorumSet(m.args));
  }
  const all = new Set(nodes);
  for (const i of inner) for (const n of i.allNodes) all.add(n);
  c = { threshold: q.threshold, nodes, inner, allNodes: [...all] };
  compiled.set(q, c);
  return c;
}

export interface QuorumSetValidationOptions {
  /** Accept the empty set with threshold 0 (a local single-node configuration). */
  allowEmpty?: boolean;
}

const validated = new WeakSet<QuorumSet>();

/**
 * stellar-core's `isQuorumSetSane` rules: 1 ≤ threshold ≤ entries at every level, nesting depth
 * ≤ 4, 1..1000 listed nodes, no node listed twice anywhere. Throws a typed `ScpError`.
 */
export function validateQuorumSet(q: QuorumSet, options: QuorumSetValidationOptions = {}): void {
  if (validated.has(q)) return;
  if (options.allowEmpty && q.threshold === 0 && q.members.length === 0) return;
  const seen = new Set<string>();
  walkValidate(q, 0, seen);
  if (seen.size === 0) throw new ScpError("QSET_EMPTY", "quorum set lists no node");
  validated.add(q);
}

function walkValidate(q: QuorumSet, depth: number, seen: Set<string>): void {
  if (typeof q !== "object" || q === null || !Array.isArray(q.members))
    throw new ScpError("QSET_MALFORMED", "quorum set is not {threshold, members}");
  if (depth > SCP_LIMITS.maxQuorumSetDepth)
    throw new ScpError(
      "QSET_TOO_DEEP",
      `quorum set nested deeper than ${SCP_LIMITS.maxQuorumSetDepth}`,
      { depth },
    );
  const t = q.threshold;
  if (!Number.isInteger(t) || t < 1 || t > q.members.length)
    throw new ScpError(
      "QSET_THRESHOLD_OUT_OF_RANGE",
      `threshold ${String(t)} is not within 1..${q.members.length}`,
      { threshold: t, entries: q.members.length },
    );
  for (const m of q.members) {
    if (m?.type === "Node") {
      const id = m.args?.id;
      if (typeof id !== "string" || id.length === 0)
        throw new ScpError("QSET_MALFORMED", "quorum set node without an id");
      if (seen.has(id))
        throw new ScpError("QSET_DUPLICATE_NODE", `node ${id} listed twice`, { id });
      seen.add(id);
      if (seen.size > SCP_LIMITS.maxQuorumSetNodes)
        throw new ScpError(
          "QSET_TOO_LARGE",
          `quorum set lists more than ${SCP_LIMITS.maxQuorumSetNodes} nodes`,
        );
    } else if (m?.type === "InnerSet") {
      walkValidate(m.args, depth + 1, seen);
    } else {
      throw new ScpError("QSET_MALFORMED", "quorum set member is neither Node nor InnerSet");
    }
  }
}

/** Whether `q` is valid under `validateQuorumSet`. */
export function isQuorumSetSane(q: QuorumSet, options: QuorumSetValidationOptions = {}): boolean {
  try {
    validateQuorumSet(q, options);
    return true;
  } catch {
    return false;
  }
}

/** Membership test over a node set: a `Set` or a predicate. */
export type NodeSet = ReadonlySet<string> | ((id: string) => boolean);

/** Does `S` contain a slice of `q`? (The owner of `q` is implicitly in every slice.) */
export function isQuorumSlice(q: QuorumSet | CompiledQuorumSet, S: NodeSet): boolean {
  const c = asCompiled(q);
  // The set form avoids a closure per call: it runs inside every fixpoint iteration.
  return typeof S === "function" ? sliceIn(c, S) : sliceInSet(c, S);
}

function sliceInSet(q: CompiledQuorumSet, S: ReadonlySet<string>): boolean {
  let need = q.threshold;
  if (need <= 0) return true;
  const nodes = q.nodes;
  for (let i = 0; i < nodes.length; i++) if (S.has(nodes[i] as string) && --need === 0) return true;
  const inner = q.inner;
  for (let i = 0; i < inner.length; i++)
    if (sliceInSet(inner[i] as CompiledQuorumSet, S) && --need === 0) return true;
  return false;
}

function asCompiled(q: QuorumSet | CompiledQuorumSet): CompiledQuorumSet {
  return "nodes" in q ? q : compileQuorumSet(q);
}

function sliceIn(q: CompiledQuorumSet, has: (id: string) => boolean): boolean {
  let need = q.threshold;
  if (need <= 0) return true;
  for (const n of q.nodes) if (has(n) && --need === 0) return true;
  for (const i of q.inner) if (sliceIn(i, has) && --need === 0) return true;
  return false;
}

/** Does `S` intersect every slice of `q`'s owner? Never true for a threshold-0 set. */
export function isVBlocking(q: QuorumSet | CompiledQuorumSet, S: NodeSet): boolean {
  const c = asCompiled(q);
  return typeof S === "function" ? blockedBy(c, S) : blockedBySet(c, S);
}

function blockedBySet(q: CompiledQuorumSet, S: ReadonlySet<string>): boolean {
  if (q.threshold <= 0) return false;
  let need = q.nodes.length + q.inner.length - q.threshold + 1;
  const nodes = q.nodes;
  for (let i = 0; i < nodes.length; i++) if (S.has(nodes[i] as string) && --need === 0) return true;
  const inner = q.inner;
  for (let i = 0; i < inner.length; i++)
    if (blockedBySet(inner[i] as CompiledQuorumSet, S) && --need === 0) return true;
  return false;
}

function blockedBy(q: CompiledQuorumSet, has: (id: string) => boolean): boolean {
  if (q.threshold <= 0) return false;
  let need = q.nodes.length + q.inner.length - q.threshold + 1;
  for (const n of q.nodes) if (has(n) && --need === 0) return true;
  for (const i of q.inner) if (blockedBy(i, has) && --need === 0) return true;
  return false;
}

/**
 * The greatest quorum inside `candidates`: repeatedly drop every node whose own quorum set has no
 * slice among the remaining nodes (the exact fixpoint test, with backtracking implicit: nothing is
 * committed to greedily). Nodes without a known quorum set are dropped.
 */
export function maximalQuorum(
  candidates: Iterable<string>,
  qsetOf: (id: string) => QuorumSet | CompiledQuorumSet | undefined,
): Set<string> {
  const S = new Set(candidates);
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of S) {
      const q = qsetOf(n);
      if (q === undefined || !isQuorumSlice(q, S)) {
        S.delete(n);
        changed = true;
      }
    }
  }
  return S;
}

/** Is `S` (non-empty) itself a quorum: every member has a slice inside `S`? */
export function isQuorum(
  S: ReadonlySet<string>,
  qsetOf: (id: string) => QuorumSet | CompiledQuorumSet | undefined,
): boolean {
  if (S.size === 0) return false;
  for (const n of S) {
    const q = qsetOf(n);
    if (q === undefined || !isQuorumSlice(q, S)) return false;
  }
  return true;
}

/** An exact fraction. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * MobileCoin's nomination weight of `id` in the local set: at the first occurrence (members in
 * order), threshold/members multiplied through every enclosing set; 0/1 if absent. The local node
 * itself has weight 1/1 (handled by the caller).
 */
export function nodeWeight(q: QuorumSet, id: string): Fraction {
  for (const m of q.members) {
    if (m.type === "Node") {
      if (m.args.id === id) return { num: BigInt(q.threshold), den: BigInt(q.members.length) };
    } else {
      const w = nodeWeight(m.args, id);
      if (w.num !== 0n)
        return { num: w.num * BigInt(q.threshold), den: w.den * BigInt(q.members.length) };
    }
  }
  return { num: 0n, den: 1n };
}

/**
 * The fewest nodes that must be added to `failed` so that it becomes v-blocking for `q`
 * (stellar-core's `findClosestVBlocking`, as a count). Infinity for a threshold-0 set.
 */
export function vBlockingDistance(q: QuorumSet, failed: ReadonlySet<string>): number {
  const c = compileQuorumSet(q);
  return distance(c, failed);
}

function distance(q: CompiledQuorumSet, failed: ReadonlySet<string>): number {
  if (q.threshold <= 0) return Number.POSITIVE_INFINITY;
  const need = q.nodes.length + q.inner.length - q.threshold + 1;
  const costs = [
    ...q.nodes.map((n) => (failed.has(n) ? 0 : 1)),
    ...q.inner.map((i) => distance(i, failed)),
  ].sort((a, b) => a - b);
  let total = 0;
  for (let i = 0; i < need; i++) total += costs[i] ?? Number.POSITIVE_INFINITY;
  return total;
}

/** Every node id listed anywhere in `q`. */
export function quorumSetNodes(q: QuorumSet): readonly string[] {
  return compileQuorumSet(q).allNodes;
}

/**
 * stellar-core's `normalizeQSet`: optionally remove a node (lowering the threshold of its level by
 * one per removal), merge `{t:1, one node}` inner sets into the parent, replace `{t:1, one inner
 * set}` by that set, and sort (nodes by id first, then inner sets).
 */
export function normalizeQuorumSet(q: QuorumSet, removeId?: string): QuorumSet {
  let threshold = q.threshold;
  const nodes: NodeId[] = [];
  const inner: QuorumSet[] = [];
  for (const m of q.members) {
    if (m.type === "Node") {
      if (removeId !== undefined && m.args.id === removeId) threshold = Math.max(0, threshold - 1);
      else nodes.push(m.args);
    } else {
      const n = normalizeQuorumSet(m.args, removeId);
      if (n.threshold === 1 && n.members.length === 1 && n.members[0]?.type === "Node")
        nodes.push(n.members[0].args);
      else inner.push(n);
    }
  }
  if (threshold === 1 && nodes.length === 0 && inner.length === 1) return inner[0] as QuorumSet;
  nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  inner.sort(compareQuorumSets);
  return {
    threshold,
    members: [
      ...nodes.map((args) => ({ type: "Node" as const, args })),
      ...inner.map((args) => ({ type: "InnerSet" as const, args })),
    ],
  };
}

/** Order on (already sorted) quorum sets: node ids lexicographically, then inner sets, then threshold. */
export function compareQuorumSets(a: QuorumSet, b: QuorumSet): number {
  const an = a.members.filter((m) => m.type === "Node").map((m) => (m.args as NodeId).id);
  const bn = b.members.filter((m) => m.type === "Node").map((m) => (m.args as NodeId).id);
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    if (an[i] !== bn[i]) return (an[i] as string) < (bn[i] as string) ? -1 : 1;
  }
  if (an.length !== bn.length) return an.length - bn.length;
  const ai = a.members.filter((m) => m.type === "InnerSet").map((m) => m.args as QuorumSet);
  const bi = b.members.filter((m) => m.type === "InnerSet").map((m) => m.args as QuorumSet);
  for (let i = 0; i < Math.min(ai.length, bi.length); i++) {
    const c = compareQuorumSets(ai[i] as QuorumSet, bi[i] as QuorumSet);
    if (c !== 0) return c;
  }
  if (ai.length !== bi.length) return ai.length - bi.length;
  return a.threshold - b.threshold;
}

/** Recursively sort members (nodes by id, then inner sets) without merging: MobileCoin's canonical order. */
export function sortQuorumSet(q: QuorumSet): QuorumSet {
  const nodes = q.members.filter((m) => m.type === "Node").map((m) => m.args as NodeId);
  const inner = q.members
    .filter((m) => m.type === "InnerSet")
    .map((m) => sortQuorumSet(m.args as QuorumSet));
  nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  inner.sort(compareQuorumSets);
  return {
    threshold: q.threshold,
    members: [
      ...nodes.map((args) => ({ type: "Node" as const, args })),
      ...inner.map((args) => ({ type: "InnerSet" as const, args })),
    ],
  };
}

/** Equality independent of member order at every level (MobileCoin's). */
export function quorumSetsEqual(a: QuorumSet, b: QuorumSet): boolean {
  return compareQuorumSets(sortQuorumSet(a), sortQuorumSet(b)) === 0;
}
