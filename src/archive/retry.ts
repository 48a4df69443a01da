import { ArchiveError, isTransient } from "./errors.js";

/** How an operation is retried. `sleep` and `jitter` are injected so tests never wait. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): spreads retries of many clients apart. */
  jitter: () => number;
  /** Total time a read may spend failing before giving up, ms (readers of `SourceSet`). */
  budgetMs?: number;
  /** The clock the budget is measured on, ms; required with `budgetMs`. */
  now?: () => number;
}

/** A real sleep, for production policies. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The delay before retry number `retry` (1-based): exponential from `baseDelayMs`, capped at
 * `maxDelayMs`, then scaled into [½, 1] of that by the jitter so retries do not synchronise.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  const exponential = policy.baseDelayMs * 2 ** Math.min(retry - 1, 30);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (0.5 + policy.jitter() / 2));
}

/**
 * Run `op` until it succeeds, retrying only transient failures (`ArchiveError` "TRANSIENT") with
 * exponential backoff. After `maxAttempts` attempts the last failure becomes "UNAVAILABLE";
 * anything else is thrown at once.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  op: (attempt: number) => Promise<T>,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= policy.maxAttempts) {
        throw new ArchiveError(
          "UNAVAILABLE",
          `${what}: still failing after ${attempt} attempts: ${(error as Error).message}`,
          { attempts: attempt },
          { cause: error },
        );
      }
      const delay = backoffDelayMs(policy, attempt);
      onRetry?.(error, attempt, delay);
      await policy.sleep(delay);
    }
  }
}
