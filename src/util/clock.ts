/**
 * Time is an input. Pure cores receive `nowMs` as an argument; services receive a `Clock`.
 * `node/` provides the wall clock; tests and the simulator use `VirtualClock`.
 */
export interface Clock {
  /** Milliseconds since an arbitrary, fixed origin; never decreases. */
  nowMs(): number;
}

/** A clock that moves only when told to. */
export class VirtualClock implements Clock {
  private currentMs: number;

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  advance(deltaMs: number): void {
    if (!(deltaMs >= 0)) throw new RangeError(`cannot move a clock backwards: ${deltaMs}`);
    this.currentMs += deltaMs;
  }

  setTo(ms: number): void {
    if (!(ms >= this.currentMs)) throw new RangeError(`cannot move a clock backwards to ${ms}`);
    this.currentMs = ms;
  }
}
