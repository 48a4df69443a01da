import { sha256 } from "../crypto/index.js";
import { toHex, utf8 } from "../util/index.js";

/**
 * Checkers fed by what the simulation observes, shared by live runs and by replay, and generic
 * over what a node decides per slot (an SCP value list here; a block in a whole-node run). Each
 * is told `decided(node, slot, decision)` as it happens and answers over the nodes it is asked
 * about, so the caller chooses which ones count (honest, not crashed).
 */
export interface DecisionObserver<D> {
  decided(node: string, slot: number, decision: D): void;
}

/** A decision's identity: two nodes agree on a slot when their keys are equal. */
export type DecisionKey<D> = (decision: D) => string;

/**
 * Agreement: no two nodes decided different things for a slot. It keeps each node's key per slot,
 * which also gives the run's digest (identical runs decide identical ledgers).
 */
export class AgreementChecker<D> implements DecisionObserver<D> {
  private readonly keys = new Map<string, string[]>();

  constructor(private readonly keyOf: DecisionKey<D>) {}

  decided(node: string, slot: number, decision: D): void {
    let list = this.keys.get(node);
    if (list === undefined) {
      list = [];
      this.keys.set(node, list);
    }
    list[slot] = this.keyOf(decision);
  }

  /** The key `node` decided for `slot`, if any. */
  keyAt(node: string, slot: number): string | undefined {
    return this.keys.get(node)?.[slot];
  }

  /** The highest slot any of `nodes` decided (0 if none). */
  highestSlot(nodes: readonly string[]): number {
    return Math.max(0, ...nodes.map((id) => (this.keys.get(id)?.length ?? 0) - 1));
  }

  /** Slots 1..lastSlot where `nodes` decided differently, with the groups that agree. */
  disagreements(nodes: readonly string[], lastSlot: number): { slot: number; nodes: string[] }[] {
    const out: { slot: number; nodes: string[] }[] = [];
    for (let s = 1; s <= lastSlot; s++) {
      const seen = new Map<string, string[]>();
      for (const id of nodes) {
        const key = this.keyAt(id, s);
        if (key === undefined) continue;
        seen.set(key, [...(seen.get(key) ?? []), id]);
      }
      if (seen.size > 1) out.push({ slot: s, nodes: [...seen.values()].map((g) => g.join(",")) });
    }
    return out;
  }

  /** SHA-256 over every node's decisions for slots 1..lastSlot (undecided slots as empty). */
  digest(nodes: readonly string[], lastSlot: number): string {
    const text = nodes
      .map((id) => {
        const parts: string[] = [id];
        for (let s = 1; s <= lastSlot; s++) parts.push(`${s}:${this.keyAt(id, s) ?? ""}`);
        return parts.join(";");
      })
      .join("\n");
    return toHex(sha256(utf8(text)));
  }
}

/**
 * Liveness: how far every node got — consecutive slots decided from slot 1, and distinct items
 * (values, transactions) among its decisions.
 */
export class LivenessChecker<D> implements DecisionObserver<D> {
  private readonly slots = new Map<string, boolean[]>();
  private readonly items = new Map<string, Set<string>>();

  constructor(private readonly itemsOf: (decision: D) => Iterable<string>) {}

  decided(node: string, slot: number, decision: D): void {
    let slots = this.slots.get(node);
    let items = this.items.get(node);
    if (slots === undefined || items === undefined) {
      slots = [];
      items = new Set();
      this.slots.set(node, slots);
      this.items.set(node, items);
    }
    slots[slot] = true;
    for (const item of this.itemsOf(decision)) items.add(item);
  }

  /** Consecutive slots `node` decided, starting at slot 1. */
  decidedPrefix(node: string): number {
    const slots = this.slots.get(node) ?? [];
    let s = 1;
    while (slots[s] === true) s++;
    return s - 1;
  }

  /** The fewest consecutive slots (capped at `lastSlot`) any of `nodes` decided; 0 for none. */
  slotsDecidedMin(nodes: readonly string[], lastSlot: number): number {
    const decided = nodes.map((id) => Math.min(lastSlot, this.decidedPrefix(id)));
    return decided.length > 0 ? Math.min(...decided) : 0;
  }

  /** The fewest distinct items any of `nodes` decided; 0 for none. */
  itemsDecidedMin(nodes: readonly string[]): number {
    const counts = nodes.map((id) => this.items.get(id)?.size ?? 0);
    return counts.length > 0 ? Math.min(...counts) : 0;
  }
}

/** Fan one observation out to several checkers. */
export function observers<D>(...list: DecisionObserver<D>[]): DecisionObserver<D> {
  return {
    decided(node, slot, decision) {
      for (const o of list) o.decided(node, slot, decision);
    },
  };
}
