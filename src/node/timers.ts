/**
 * The clock and timers of the one driver (reference node-runtime.md §1): the process passes the
 * system's, tests a virtual clock that only moves when the test says so.
 */
export interface Timers {
  /** Milliseconds since the Unix epoch (or a virtual origin). */
  nowMs(): number;
  setTimeout(fire: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  nowMs: () => Date.now(),
  setTimeout: (fire, delayMs) => setTimeout(fire, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
