import type { Value } from "../scp/index.js";
import type { SeededRandom } from "../util/index.js";
import type { SimOptions } from "./options.js";

/**
 * What the honest nodes are asked to agree on. Either per-slot batches (each node gets its own
 * random half of the slot's fresh values when it enters the slot), or MobileCoin's mock-network
 * workload: a fixed total submitted over time, to all nodes or to one and gossiped from there.
 */
export class SlotWorkload {
  private readonly batches = new Map<number, Map<string, Value[]>>();

  constructor(
    private readonly honest: readonly string[],
    private readonly valuesPerSlot: number,
    /** Each slot's batch is drawn from `rng.fork("batch-<slot>")`, whatever order slots come in. */
    private readonly rng: SeededRandom,
  ) {}

  /** The values `node` proposes when it enters `slot`. */
  valuesFor(slot: number, node: string): Value[] {
    return this.batchFor(slot).get(node) ?? [];
  }

  private batchFor(slot: number): Map<string, Value[]> {
    let b = this.batches.get(slot);
    if (b !== undefined) return b;
    const r = this.rng.fork(`batch-${slot}`);
    const honest = this.honest;
    b = new Map(honest.map((id) => [id, [] as Value[]]));
    const vals = Array.from({ length: this.valuesPerSlot }, () => r.bytes(16));
    for (const v of vals) for (const id of honest) if (r.chance(0.5)) b.get(id)?.push(v);
    for (const id of honest) {
      const mine = b.get(id) as Value[];
      if (mine.length === 0 && vals.length > 0) mine.push(r.pick(vals));
    }
    this.batches.set(slot, b);
    return b;
  }
}

/** One submission of client values to a node at a virtual time. */
export interface Submission {
  at: number;
  node: string;
  values: Value[];
}

/**
 * The total-values workload as a schedule, in the order the submissions are queued: `rate` values
 * per virtual ms, to every honest node or to a first one that gossips them to the others after a
 * network delay.
 */
export function submissionSchedule(
  options: SimOptions,
  total: number,
  honest: readonly string[],
  r: SeededRandom,
): Submission[] {
  const out: Submission[] = [];
  const rate = Math.max(1, options.submitRatePerMs ?? 20);
  const gossip = options.gossip ?? true;
  const to = options.submitTo ?? "all";
  for (let i = 0; i < total; i += rate) {
    const at = i / rate;
    const values = Array.from({ length: Math.min(rate, total - i) }, () => r.bytes(16));
    const first = to === "all" ? honest : [to === "random" ? r.pick(honest) : to];
    for (const id of first) out.push({ at, node: id, values });
    if (to === "all" || !gossip) continue;
    for (const id of honest) {
      if (first.includes(id)) continue;
      const delay = options.delayMinMs + r.nextInt(options.delayMaxMs - options.delayMinMs + 1);
      out.push({ at: at + delay, node: id, values });
    }
  }
  return out;
}
