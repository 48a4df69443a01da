import { isQuorumSlice, maximalQuorum, type QuorumSet, quorumSetNodes } from "../scp/index.js";
import { QuorumError } from "./errors.js";

/**
 * Quorum intersection checking (after stellar-core's `QuorumIntersectionChecker`): do all quorums
 * of a network share a node? The search enumerates candidate quorums by branch-and-bound with
 * backtracking — each node is tried both in and out of the committed set — so no quorum is missed
 * (reference F2 is a greedy search that does miss some). Pruning: only nodes inside the network's
 * maximal quorum matter; the smaller of two disjoint quorums has at most half of those nodes; a
 * committed set must lie inside the maximal quorum of itself plus the remaining nodes; and only
 * minimal committed quorums need their complement checked.
 */
export interface IntersectionResult {
  /** Every two quorums intersect (false when there is no quorum at all). */
  intersects: boolean;
  /** Two disjoint quorums, if found. */
  split: [string[], string[]] | null;
  /** Nodes that belong to no quorum. */
  nodesWithoutQuorum: string[];
  /** Nodes named in quorum sets whose own quorum set is unknown. */
  unknownNodes: string[];
  /** Whether any quorum exists. */
  hasQuorum: boolean;
}

/** Bound on search steps; the problem is exponential and tens of nodes is what it is for. */
export const MAX_INTERSECTION_SEARCH_STEPS = 2_000_000;

export function checkIntersection(
  qsets: ReadonlyMap<string, QuorumSet>,
  maxSteps = MAX_INTERSECTION_SEARCH_STEPS,
): IntersectionResult {
  const known = [...qsets.keys()].sort();
  const unknown = new Set<string>();
  for (const q of qsets.values())
    for (const id of quorumSetNodes(q)) if (!qsets.has(id)) unknown.add(id);
  const qsetOf = (id: string) => qsets.get(id);
  const maxQ = maximalQuorum(known, qsetOf);
  const base = {
    nodesWithoutQuorum: known.filter((id) => !maxQ.has(id)),
    unknownNodes: [...unknown].sort(),
  };
  if (maxQ.size === 0) return { intersects: false, split: null, hasQuorum: false, ...base };

  // Branch on high in-degree nodes first: they settle quorum membership soonest.
  const indegree = new Map<string, number>([...maxQ].map((id) => [id, 0]));
  for (const id of maxQ)
    for (const m of quorumSetNodes(qsets.get(id) as QuorumSet))
      if (indegree.has(m)) indegree.set(m, (indegree.get(m) as number) + 1);
  const order = [...maxQ].sort(
    (a, b) => (indegree.get(b) as number) - (indegree.get(a) as number) || (a < b ? -1 : 1),
  );
  const half = Math.floor(maxQ.size / 2);
  let steps = 0;
  let split: [string[], string[]] | null = null;

  const isQuorumSet = (S: Set<string>): boolean => {
    if (S.size === 0) return false;
    for (const id of S) if (!isQuorumSlice(qsets.get(id) as QuorumSet, S)) return false;
    return true;
  };

  const search = (committed: Set<string>, next: number): void => {
    if (split !== null) return;
    if (++steps > maxSteps)
      throw new QuorumError("SEARCH_TOO_LARGE", `intersection search exceeded ${maxSteps} steps`);
    if (committed.size > half) return;
    const pool = new Set(committed);
    for (let i = next; i < order.length; i++) pool.add(order[i] as string);
    const reachable = maximalQuorum(pool, qsetOf);
    for (const id of committed) if (!reachable.has(id)) return;
    if (isQuorumSet(committed)) {
      const rest = known.filter((id) => !committed.has(id));
      const other = maximalQuorum(rest, qsetOf);
      if (other.size > 0) split = [[...committed].sort(), [...other].sort()];
      return;
    }
    for (let i = next; i < order.length; i++) {
      const id = order[i] as string;
      if (!reachable.has(id)) continue;
      committed.add(id);
      search(committed, i + 1);
      committed.delete(id);
      if (split !== null) return;
    }
  };
  search(new Set(), 0);
  return { intersects: split === null, split, hasQuorum: true, ...base };
}
