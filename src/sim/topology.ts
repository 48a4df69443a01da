import { checkIntersection } from "../quorum/index.js";
import {
  flatQuorumSet,
  maximalQuorum,
  nestedQuorumSet,
  normalizeQuorumSet,
  type QuorumSet,
} from "../scp/index.js";
import type { SeededRandom } from "../util/index.js";
import { SimError } from "./errors.js";

/**
 * Network shapes for the simulator (SPEC §4.3). Nodes are `n1` … `nN`; every quorum set follows
 * MobileCoin's convention (the local node is implicit, never listed).
 */
export type TopologyKind = "mesh" | "cycle" | "metamesh" | "figure2" | "random";

export const TOPOLOGY_KINDS: readonly TopologyKind[] = [
  "mesh",
  "cycle",
  "metamesh",
  "figure2",
  "random",
];

export interface TopologySpec {
  kind: TopologyKind;
  nodes: number;
  threshold?: number;
  orgs?: number;
  perOrg?: number;
  /** Nodes that will be Byzantine (for `random`, which must stay safe and live despite them). */
  faulty?: readonly string[];
}

export interface Topology {
  kind: TopologyKind;
  ids: string[];
  qsets: Map<string, QuorumSet>;
  /** The mesh threshold actually used, if any. */
  threshold?: number;
}

/** Largest number of faulty nodes an N-node mesh is built to tolerate: ⌊(N−1)/3⌋. */
export function meshFaults(n: number): number {
  return Math.floor((n - 1) / 3);
}

/** Default mesh threshold: the largest T (of N−1 others) that stays live with ⌊(N−1)/3⌋ faulty nodes. */
export function defaultMeshThreshold(n: number): number {
  return n <= 1 ? 0 : n - 1 - meshFaults(n);
}

export function nodeIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

/** ⌈2k/3⌉: "2 of 3"-style threshold for k entries. */
function twoThirds(k: number): number {
  return Math.max(1, Math.ceil((2 * k) / 3));
}

export function buildTopology(spec: TopologySpec, rng: SeededRandom): Topology {
  const { kind } = spec;
  switch (kind) {
    case "mesh": {
      const n = spec.nodes;
      if (n < 1) throw new SimError("BAD_TOPOLOGY", "mesh needs at least one node");
      const t = spec.threshold ?? defaultMeshThreshold(n);
      if (n > 1 && (t < 1 || t > n - 1))
        throw new SimError("BAD_TOPOLOGY", `mesh threshold must be within 1..${n - 1}, got ${t}`);
      const ids = nodeIds(n);
      const qsets = new Map(
        ids.map((id) => [
          id,
          n === 1
            ? { threshold: 0, members: [] }
            : flatQuorumSet(
                t,
                ids.filter((o) => o !== id),
              ),
        ]),
      );
      return { kind, ids, qsets, threshold: t };
    }
    case "cycle": {
      const n = spec.nodes;
      if (n < 2) throw new SimError("BAD_TOPOLOGY", "cycle needs at least two nodes");
      const ids = nodeIds(n);
      const qsets = new Map(
        ids.map((id, i) => [id, flatQuorumSet(1, [ids[(i + 1) % n] as string])]),
      );
      return { kind, ids, qsets };
    }
    case "metamesh": {
      const k = spec.orgs ?? 3;
      const m = spec.perOrg ?? Math.floor(spec.nodes / k);
      if (k < 2 || m < 1 || k * m !== spec.nodes)
        throw new SimError(
          "BAD_TOPOLOGY",
          `metamesh needs --nodes = --orgs × --per-org (got ${spec.nodes}, ${k} × ${m})`,
        );
      const ids = nodeIds(k * m);
      const org = (o: number) => ids.slice(o * m, (o + 1) * m);
      const km = twoThirds(m);
      const qsets = new Map<string, QuorumSet>();
      for (let o = 0; o < k; o++) {
        for (const id of org(o)) {
          const inner: QuorumSet[] = [];
          for (let p = 0; p < k; p++) {
            if (p === o) {
              const others = org(o).filter((x) => x !== id);
              if (others.length === 0) continue;
              inner.push(flatQuorumSet(Math.max(1, Math.min(others.length, km - 1)), others));
            } else inner.push(flatQuorumSet(km, org(p)));
          }
          qsets.set(id, nestedQuorumSet(Math.min(inner.length, twoThirds(k)), inner));
        }
      }
      return { kind, ids, qsets };
    }
    case "figure2": {
      if (spec.nodes !== 4) throw new SimError("BAD_TOPOLOGY", "figure2 has exactly 4 nodes");
      const ids = nodeIds(4);
      const qsets = new Map<string, QuorumSet>([
        ["n1", flatQuorumSet(2, ["n2", "n3"])],
        ["n2", flatQuorumSet(2, ["n3", "n4"])],
        ["n3", flatQuorumSet(2, ["n2", "n4"])],
        ["n4", flatQuorumSet(2, ["n2", "n3"])],
      ]);
      return { kind, ids, qsets };
    }
    case "random":
      return randomTopology(spec, rng);
  }
}

/**
 * Random quorum sets, redrawn until the network (with the faulty nodes deleted) still enjoys
 * quorum intersection and the intact nodes form a quorum among themselves.
 */
function randomTopology(spec: TopologySpec, rng: SeededRandom): Topology {
  const n = spec.nodes;
  if (n < 2) throw new SimError("BAD_TOPOLOGY", "random needs at least two nodes");
  const ids = nodeIds(n);
  const faulty = new Set(spec.faulty ?? []);
  for (let attempt = 0; attempt < 200; attempt++) {
    const qsets = new Map<string, QuorumSet>();
    for (const id of ids) {
      const others = rng.shuffle(ids.filter((o) => o !== id));
      const size = Math.max(1, Math.min(others.length, 2 + rng.nextInt(others.length)));
      const members = others.slice(0, size);
      const lo = Math.ceil(size / 2);
      const t = lo + rng.nextInt(size - lo + 1);
      qsets.set(id, flatQuorumSet(Math.max(1, t), members));
    }
    if (safeDespite(ids, qsets, faulty)) return { kind: "random", ids, qsets };
  }
  // Fall back to the mesh, which is safe by construction.
  return { ...buildTopology({ kind: "mesh", nodes: n }, rng), kind: "random" };
}

/**
 * Safety and liveness conditions with `faulty` deleted: the intact nodes alone form a quorum
 * containing all of them, and every two quorums of the network with the faulty nodes deleted
 * (their slices reduced by dropping faulty members) intersect.
 */
export function safeDespite(
  ids: readonly string[],
  qsets: ReadonlyMap<string, QuorumSet>,
  faulty: ReadonlySet<string>,
): boolean {
  const intact = ids.filter((id) => !faulty.has(id));
  const live = maximalQuorum(intact, (id) => qsets.get(id));
  if (live.size !== intact.length) return false;
  const reduced = new Map<string, QuorumSet>();
  for (const id of intact) {
    let q = qsets.get(id) as QuorumSet;
    for (const f of faulty) q = normalizeQuorumSet(q, f);
    reduced.set(id, q);
  }
  return checkIntersection(reduced).intersects;
}
