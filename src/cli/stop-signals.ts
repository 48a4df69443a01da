/**
 * Ctrl-C, SIGTERM and SIGHUP for long-running tool commands (testnet, bench e2e): the first
 * aborts `stop` (end the run), a second aborts `hurry` (skip the wait for inclusion).
 */
export function stopSignals() {
  const stop = new AbortController();
  const hurry = new AbortController();
  const onSignal = () => (stop.signal.aborted ? hurry.abort() : stop.abort());
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, onSignal);
  return {
    stop: stop.signal,
    hurry: hurry.signal,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}

/** Wait `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
