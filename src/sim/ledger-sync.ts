import { maximalQuorum, type QuorumSet, type ValueList } from "../scp/index.js";
import { toHex } from "../util/index.js";
import type { SimNode } from "./node-harness.js";

/**
 * The simulated ledger sync: a node stuck in a slot adopts the value its reachable honest peers
 * decided there, once those peers (with it) form a quorum. It reads the other simulated nodes'
 * ledgers directly; a whole-node simulation fetches blocks over the simulated transport instead.
 */
export interface SyncView {
  honest: readonly string[];
  nodes: ReadonlyMap<string, SimNode>;
  qsetOf: (id: string) => QuorumSet | undefined;
  /** True when `a` cannot reach `b` now (a partition). */
  separated: (a: string, b: string) => boolean;
}

/** The value `node` may adopt for `slot`, or undefined while it is not provably behind. */
export function syncValue(view: SyncView, node: SimNode, slot: number): ValueList | undefined {
  const support = deciders(view, node, slot);
  // Behind means the peers that decided the slot, with this node, form a quorum: its trusted
  // slices have moved on and will not come back to the slot. (MobileCoin also asks them to be
  // v-blocking; that misses nodes whose every slice has moved on, and a v-blocking set alone
  // pulls a node out of a slot others still need it in — both found by the property test.)
  // Only honest ledgers are read, so the value is never a forgery.
  // Peers still in the slot that have accepted commit for the same value count with the
  // deciders: they are stuck the same way (each needing the other), not holding the slot back.
  return [...support.entries()].find(([key, e]) =>
    maximalQuorum([node.id, ...e.ids, ...committed(view, node, slot, key)], view.qsetOf).has(
      node.id,
    ),
  )?.[1].value;
}

/** Reachable live honest peers that decided `slot`, grouped by the value they decided. */
function deciders(
  view: SyncView,
  node: SimNode,
  slot: number,
): Map<string, { value: ValueList; ids: Set<string> }> {
  const support = new Map<string, { value: ValueList; ids: Set<string> }>();
  for (const id of view.honest) {
    const other = view.nodes.get(id) as SimNode;
    if (id === node.id || other.crashed || view.separated(node.id, id)) continue;
    const v = other.ledger[slot];
    if (v === undefined) continue;
    const key = v.map(toHex).join(",");
    const entry = support.get(key) ?? { value: v, ids: new Set<string>() };
    entry.ids.add(id);
    support.set(key, entry);
  }
  return support;
}

/** Live honest peers still in `slot` with commit accepted for the value keyed `key`. */
function committed(view: SyncView, node: SimNode, slot: number, key: string): string[] {
  return view.honest.filter((id) => {
    const other = view.nodes.get(id) as SimNode;
    const cur = other.host?.node.currentSlot;
    if (id === node.id || other.crashed || cur === undefined || cur.index !== slot) return false;
    const c = cur.snapshot().c;
    return (
      (cur.phase === "Commit" || cur.phase === "Externalize") &&
      c !== undefined &&
      c.x.map(toHex).join(",") === key
    );
  });
}
