import { toHex } from "../util/index.js";
import { ConsensusError } from "./errors.js";
import { CONSENSUS_LIMITS } from "./limits.js";

/**
 * The values this node wants in a block, in arrival order (MobileCoin `PendingValues`,
 * consensus/service/src/byzantine_ledger/pending_values.rs). Each keeps the time it entered the
 * network here: set for values from local clients, absent for relayed ones, so that latency
 * metrics measure from first entry into the network. Bounded: past `capacity` a push is refused
 * with `OVER_CAPACITY` (MobileCoin's client API refuses at `PENDING_LIMIT`).
 */
export interface PendingEntry {
  readonly value: Uint8Array;
  readonly firstSeenMs: number | undefined;
}

export class PendingValues {
  private readonly entries = new Map<string, PendingEntry>();

  constructor(readonly capacity: number = CONSENSUS_LIMITS.pendingValuesMax) {}

  get length(): number {
    return this.entries.size;
  }

  has(value: Uint8Array): boolean {
    return this.entries.has(toHex(value));
  }

  /**
   * Add a value at the end; false when it is already pending (its first-seen time is kept).
   * Throws `OVER_CAPACITY` when full.
   */
  push(value: Uint8Array, firstSeenMs: number | undefined): boolean {
    const key = toHex(value);
    if (this.entries.has(key)) return false;
    if (this.entries.size >= this.capacity)
      throw new ConsensusError("OVER_CAPACITY", `${this.entries.size} values are pending`, {
        capacity: this.capacity,
      });
    this.entries.set(key, { value: value.slice(), firstSeenMs });
    return true;
  }

  /** The first `n` values in arrival order (what is nominated). */
  first(n: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const e of this.entries.values()) {
      if (out.length >= n) break;
      out.push(e.value);
    }
    return out;
  }

  /** Remove these values (externalized); answers the removed entries, in arrival order. */
  remove(values: readonly Uint8Array[]): PendingEntry[] {
    const keys = new Set(values.map(toHex));
    const out: PendingEntry[] = [];
    for (const [k, e] of this.entries)
      if (keys.has(k)) {
        out.push(e);
        this.entries.delete(k);
      }
    return out;
  }

  /** Keep only the values `keep` accepts (after a block: expired or now-invalid values go). */
  retain(keep: (value: Uint8Array) => boolean): number {
    let dropped = 0;
    for (const [k, e] of this.entries)
      if (!keep(e.value)) {
        this.entries.delete(k);
        dropped++;
      }
    return dropped;
  }

  values(): Uint8Array[] {
    return [...this.entries.values()].map((e) => e.value);
  }
}
