/**
 * How the service stops (MobileCoin panics instead; issue 11): SIGTERM or SIGINT, or a fatal
 * condition of the running node. The caller then closes the node (stop accepting, finish the
 * block being appended, close the enclave and LMDB) and exits 0 for a signal, 1 for a failure.
 */
export type StopReason =
  | { readonly kind: "signal"; readonly signal: NodeJS.Signals }
  | { readonly kind: "fatal"; readonly error: unknown };

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/** How long a close may take before the process gives up on it and exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopWaiter {
  /** The first reason to stop. */
  readonly reason: Promise<StopReason>;
  /** Report a fatal condition (the node's `onFatal`). */
  fatal(error: unknown): void;
  /**
   * Told when a second stop signal arrives while closing: the operator insists, the caller
   * exits at once.
   */
  onInsist(listener: (signal: NodeJS.Signals) => void): void;
  /** Remove the signal handlers (after the node is closed). */
  dispose(): void;
}

export function waitForStop(source: SignalSource = process): StopWaiter {
  let settle!: (reason: StopReason) => void;
  let stopping = false;
  let insist: ((signal: NodeJS.Signals) => void) | undefined;
  const reason = new Promise<StopReason>((resolve) => {
    settle = resolve;
  });
  const stop = (r: StopReason): void => {
    if (stopping) return;
    stopping = true;
    settle(r);
  };
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (stopping) insist?.(signal);
      else stop({ kind: "signal", signal });
    };
    source.on(signal, handler);
    return { signal, handler };
  });
  return {
    reason,
    fatal: (error) => stop({ kind: "fatal", error }),
    onInsist: (listener) => {
      insist = listener;
    },
    dispose: () => {
      for (const { signal, handler } of handlers) source.off(signal, handler);
    },
  };
}
