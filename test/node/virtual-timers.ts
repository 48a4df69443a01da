// A virtual clock for the node's driver: it moves only when a test fires the earliest timer.
import type { Timers } from "../../src/node/index.js";

/** Unix time of virtual 0 (enclave evidence is issued and checked on this clock). */
export const EPOCH_MS = 1_800_000_000_000;

export class VirtualTimers implements Timers {
  private now = EPOCH_MS;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fire: () => void }>();

  nowMs(): number {
    return this.now;
  }
  setTimeout(fire: () => void, delayMs: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + Math.max(0, delayMs), fire });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Times of the armed timers, earliest first. */
  armed(): number[] {
    return [...this.pending.values()].map((t) => t.at).sort((a, b) => a - b);
  }
  /** Fire the earliest timer (ties in arming order); false when none is armed. */
  fireNext(): boolean {
    let best: [number, { at: number; fire: () => void }] | undefined;
    for (const e of this.pending) if (best === undefined || e[1].at < best[1].at) best = e;
    if (best === undefined) return false;
    this.pending.delete(best[0]);
    this.now = Math.max(this.now, best[1].at);
    best[1].fire();
    return true;
  }
}
