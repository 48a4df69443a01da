import { checkIntersection, type IntersectionResult, QuorumError } from "../quorum/index.js";
import {
  EMPTY_QUORUM_SET,
  isQuorumSlice,
  maximalQuorum,
  normalizeQuorumSet,
  type QuorumSet,
  quorumSetNodes,
  type ScpMessage,
} from "../scp/index.js";
import { ADMIN_LIMITS } from "./admin-limits.js";

/**
 * Quorum health, pure (time is an argument): every node of the transitive quorum set (ours, then
 * what members declare in their latest statements) with its state; whether the declared quorum
 * sets intersect (the `check-quorum` checker, cached by the sets); how many more failures
 * liveness and safety tolerate; and the same for a "what if these nodes fail" query.
 *
 * - liveness: crashed nodes; the count is the largest k such that any k more members going
 *   silent still leaves a quorum containing us among the rest.
 * - safety: ill-behaved nodes, deleted from every quorum set as in the SCP paper (each removal
 *   lowers its level's threshold); the count is the largest k such that for every k such nodes
 *   the rest's quorums still intersect ("intersection despite B").
 * - `fail=`: the named nodes are gone, as if their network files were left out of check-quorum.
 */
export type MemberState = "self" | "agreeing" | "delayed" | "missing" | "disagreeing";

export interface MemberInput {
  readonly lastHeardMs: number | undefined;
  readonly latest: ScpMessage | undefined;
  readonly wrongChain: boolean;
}

export interface QuorumHealthInput {
  readonly local: string;
  readonly quorumSet: QuorumSet;
  /** The slot we are deciding (our block count). */
  readonly currentSlot: number;
  readonly nodes: ReadonlyMap<string, MemberInput>;
  readonly nowMs: number;
  readonly missingAfterMs?: number;
  readonly delayedAfterSlots?: number;
  /** Nodes assumed failed (`/quorum?fail=`). */
  readonly fail?: readonly string[];
}

export interface MemberHealth {
  readonly id: string;
  readonly state: MemberState;
  /** Slots behind our last externalized one (negative: ahead); null when nothing was heard. */
  readonly behindSlots: number | null;
  readonly lastHeardAgoMs: number | null;
  readonly latestSlot: number | null;
  readonly latestTopic: string | null;
  /** Its declared quorum set's members (the quorum graph's edges); null when unknown. */
  readonly trusts: readonly string[] | null;
  readonly inLocalQuorumSet: boolean;
}

export interface Tolerance {
  /** More failures always survived; `exact` false when the search budget ran out first (a lower bound). */
  readonly tolerates: number;
  readonly exact: boolean;
}

export interface QuorumHealth {
  readonly local: string;
  readonly members: readonly MemberHealth[];
  /** A quorum containing us among the nodes that are not missing (and not in `fail`). */
  readonly hasQuorum: boolean;
  readonly intersection: {
    readonly intersects: boolean | null;
    readonly split: [string[], string[]] | null;
    readonly nodesWithoutQuorum: readonly string[];
    readonly unknownNodes: readonly string[];
    readonly error: string | null;
  };
  readonly liveness: Tolerance;
  readonly safety: Tolerance;
  readonly failed: readonly string[];
}

export function quorumHealth(i: QuorumHealthInput, cache?: IntersectionCache): QuorumHealth {
  const failed = [...new Set(i.fail ?? [])].sort();
  const declared = declaredSets(i);
  const members = [...transitiveMembers(i.quorumSet, declared)]
    .filter((id) => id !== i.local)
    .sort();
  const local = new Set(quorumSetNodes(i.quorumSet));
  const states = members.map((id) => memberHealth(i, id, declared, local));
  const up = new Set([i.local]);
  for (const m of states) if (m.state !== "missing" && !failed.includes(m.id)) up.add(m.id);
  const qsetOf = (id: string) => declared.get(id) ?? EMPTY_QUORUM_SET;
  const remaining = new Map([...declared].filter(([id]) => !failed.includes(id)));
  return {
    local: i.local,
    members: [selfHealth(i), ...states],
    hasQuorum: hasQuorumWith(i.local, up, qsetOf),
    intersection: intersectionOf(remaining, cache),
    liveness: livenessTolerance(i.local, up, qsetOf),
    safety: safetyTolerance(i.local, remaining, cache),
    failed,
  };
}

/**
 * Why a `fail=` query cannot be answered, or undefined. Ours is refused because the what-if keeps
 * us among the live nodes by definition; an id outside the transitive quorum set (a typo, most
 * often) would change nothing and so answer "ok" for a question nobody asked.
 */
export function failQueryProblem(health: QuorumHealth, ids: readonly string[]): string | undefined {
  const known = new Set(health.members.map((m) => m.id));
  for (const id of ids) {
    if (id === health.local)
      return `fail= names this node (${id}); ask another node about losing it`;
    if (!known.has(id))
      return `fail= names ${id}, which is in no quorum set this node knows (see /quorum)`;
  }
  return undefined;
}

/** Our quorum set and each member's latest declared one. */
function declaredSets(i: QuorumHealthInput): Map<string, QuorumSet> {
  const out = new Map<string, QuorumSet>([[i.local, i.quorumSet]]);
  for (const [id, n] of i.nodes) if (id !== i.local && n.latest) out.set(id, n.latest.quorumSet);
  return out;
}

/** Nodes reachable from our quorum set through declared sets (us excluded). */
function transitiveMembers(q: QuorumSet, declared: ReadonlyMap<string, QuorumSet>): Set<string> {
  const seen = new Set<string>();
  const todo = [...quorumSetNodes(q)];
  while (todo.length > 0 && seen.size < ADMIN_LIMITS.trackedNodesMax) {
    const id = todo.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const d = declared.get(id);
    if (d !== undefined) todo.push(...quorumSetNodes(d));
  }
  return seen;
}

function memberHealth(
  i: QuorumHealthInput,
  id: string,
  declared: ReadonlyMap<string, QuorumSet>,
  local: ReadonlySet<string>,
): MemberHealth {
  const n = id === i.local ? undefined : i.nodes.get(id);
  const latest = n?.latest;
  const implied = latest === undefined ? null : impliedSlot(latest);
  const behind = implied === null ? null : i.currentSlot - 1 - implied;
  const ago = n?.lastHeardMs === undefined ? null : i.nowMs - n.lastHeardMs;
  const missingAfter = i.missingAfterMs ?? ADMIN_LIMITS.missingAfterMs;
  let state: MemberState = "agreeing";
  if (ago === null || ago > missingAfter) state = "missing";
  else if (n?.wrongChain) state = "disagreeing";
  else if (behind !== null && behind >= (i.delayedAfterSlots ?? ADMIN_LIMITS.delayedAfterSlots))
    state = "delayed";
  const d = declared.get(id);
  return {
    id,
    state,
    behindSlots: behind,
    lastHeardAgoMs: ago,
    latestSlot: latest?.slot ?? null,
    latestTopic: latest?.topic.type ?? null,
    trusts: d === undefined ? null : [...quorumSetNodes(d)],
    inLocalQuorumSet: local.has(id),
  };
}

function selfHealth(i: QuorumHealthInput): MemberHealth {
  return {
    id: i.local,
    state: "self",
    behindSlots: 0,
    lastHeardAgoMs: 0,
    latestSlot: i.currentSlot,
    latestTopic: null,
    trusts: [...quorumSetNodes(i.quorumSet)],
    inLocalQuorumSet: false,
  };
}

/** The highest slot a statement implies its sender externalized (as NetworkState counts). */
function impliedSlot(m: ScpMessage): number {
  return m.topic.type === "Externalize" ? m.slot : m.slot - 1;
}

function hasQuorumWith(
  local: string,
  up: ReadonlySet<string>,
  qsetOf: (id: string) => QuorumSet,
): boolean {
  if (!isQuorumSlice(qsetOf(local), up)) return false;
  return maximalQuorum(up, qsetOf).has(local);
}

/** Every `k`-subset of `items` in turn, until `visit` says stop or `budget` subsets were tried. */
function forSubsets(
  items: readonly string[],
  k: number,
  budget: { left: number },
  visit: (s: readonly string[]) => boolean,
): "done" | "stopped" | "budget" {
  const pick: string[] = [];
  const go = (from: number): "done" | "stopped" | "budget" => {
    if (pick.length === k) {
      if (budget.left-- <= 0) return "budget";
      return visit(pick) ? "done" : "stopped";
    }
    for (let j = from; j <= items.length - (k - pick.length); j++) {
      pick.push(items[j] as string);
      const r = go(j + 1);
      pick.pop();
      if (r !== "done") return r;
    }
    return "done";
  };
  return go(0);
}

/** Largest k with `survives(F)` for every k-subset F of `candidates`. */
function largestSurvived(
  candidates: readonly string[],
  survives: (failed: readonly string[]) => boolean,
  maxK = candidates.length,
): Tolerance {
  if (!survives([])) return { tolerates: 0, exact: true };
  const budget = { left: ADMIN_LIMITS.toleranceSubsetsMax };
  for (let k = 1; k <= maxK; k++) {
    const r = forSubsets(candidates, k, budget, survives);
    if (r === "stopped") return { tolerates: k - 1, exact: true };
    if (r === "budget") return { tolerates: k - 1, exact: false };
  }
  return { tolerates: Math.max(0, maxK), exact: true };
}

function livenessTolerance(
  local: string,
  up: ReadonlySet<string>,
  qsetOf: (id: string) => QuorumSet,
): Tolerance {
  const others = [...up].filter((id) => id !== local).sort();
  return largestSurvived(others, (f) =>
    hasQuorumWith(local, new Set([...up].filter((id) => !f.includes(id))), qsetOf),
  );
}

function safetyTolerance(
  local: string,
  sets: ReadonlyMap<string, QuorumSet>,
  cache?: IntersectionCache,
): Tolerance {
  const others = [...sets.keys()].filter((id) => id !== local).sort();
  return largestSurvived(
    others,
    (bad) => {
      const rest = new Map<string, QuorumSet>();
      for (const [id, q] of sets)
        if (!bad.includes(id))
          rest.set(
            id,
            bad.reduce((acc, b) => normalizeQuorumSet(acc, b), q),
          );
      return intersectionOf(rest, cache).intersects === true;
      // With fewer than two well-behaved nodes left, "intersects" holds vacuously: not counted.
    },
    others.length - 1,
  );
}

function intersectionOf(
  sets: ReadonlyMap<string, QuorumSet>,
  cache?: IntersectionCache,
): QuorumHealth["intersection"] {
  const run = () => checkIntersection(sets, ADMIN_LIMITS.intersectionStepsMax);
  try {
    const r = cache ? cache.get(sets, run) : run();
    return {
      intersects: r.intersects,
      split: r.split,
      nodesWithoutQuorum: r.nodesWithoutQuorum,
      unknownNodes: r.unknownNodes,
      error: null,
    };
  } catch (error) {
    if (!(error instanceof QuorumError)) throw error;
    return {
      intersects: null,
      split: null,
      nodesWithoutQuorum: [],
      unknownNodes: [],
      error: error.code,
    };
  }
}

/** Intersection results by the declared sets they were computed on (peers rarely change theirs). */
export class IntersectionCache {
  private readonly results = new Map<string, IntersectionResult>();

  get(sets: ReadonlyMap<string, QuorumSet>, compute: () => IntersectionResult): IntersectionResult {
    const key = JSON.stringify(
      [...sets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, q]) => [id, qsetKey(q)]),
    );
    const hit = this.results.get(key);
    if (hit !== undefined) return hit;
    const r = compute();
    if (this.results.size >= ADMIN_LIMITS.intersectionCacheMax)
      this.results.delete(this.results.keys().next().value as string);
    this.results.set(key, r);
    return r;
  }
}

function qsetKey(q: QuorumSet): unknown {
  return [q.threshold, q.members.map((m) => (m.type === "Node" ? m.args.id : qsetKey(m.args)))];
}
