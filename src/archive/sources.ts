import { describeError, type Logger, nullLogger } from "../util/index.js";
import { ArchiveError } from "./errors.js";
import { backoffDelayMs, type RetryPolicy } from "./retry.js";
import type { ArchiveSource } from "./store.js";

/** What one source did during a sync: one line of the command's report. */
export interface SourceOutcome {
  readonly url: string;
  /** Files it served. */
  served: number;
  /** Files it did not have (404, or missing for file://). */
  absent: number;
  /** Failed requests (transient and permanent). */
  failures: number;
  /** The last failure, if any. */
  lastError: string | undefined;
  /** It failed through a whole read's retries and was not asked again. */
  unavailable: boolean;
}

/**
 * Several mirrors of one archive read as one. Requests start at the next source in rotation
 * (round robin, so load spreads); a transient failure moves straight on to the next source, and
 * only when every source still in play has failed in a round does the reader back off
 * (exponentially, `retry.maxAttempts` rounds at most, and within `retry.budgetMs` when set).
 *
 * A source that keeps failing transiently through a whole read's rounds or budget is marked
 * unavailable and not asked again by this set: one dead mirror costs one budget, not one
 * per file. Failures are not logged one by one; `outcomes()` tells per source what happened.
 *
 * A file is absent when every source answered "not found" — one lagging mirror does not end a
 * sync early — or when some did and the rest stayed unreachable (a dead mirror must not make the
 * end of the archive unreachable). A permanent failure (403, too large) is thrown.
 */
export class SourceSet {
  private readonly sources: readonly ArchiveSource[];
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private readonly stats: SourceOutcome[];
  private cursor = 0;
  /** Requests sent, and transient failures retried, for summaries and tests. */
  requests = 0;
  retries = 0;

  constructor(sources: readonly ArchiveSource[], retry: RetryPolicy, logger: Logger = nullLogger) {
    if (sources.length === 0) throw new RangeError("at least one archive source is needed");
    if (retry.budgetMs !== undefined && retry.now === undefined)
      throw new RangeError("a retry budget needs a clock (RetryPolicy.now)");
    this.sources = sources;
    this.retry = retry;
    this.logger = logger;
    this.stats = sources.map((s) => ({
      url: s.url,
      served: 0,
      absent: 0,
      failures: 0,
      lastError: undefined,
      unavailable: false,
    }));
  }

  get urls(): string[] {
    return this.sources.map((s) => s.url);
  }

  /** Per source: files served, files absent, failures, and whether it was given up on. */
  outcomes(): readonly SourceOutcome[] {
    return this.stats.map((s) => ({ ...s }));
  }

  /** The file from the first source that has it; `signal` abandons the read (prefetches). */
  async get(path: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const absent = new Set<number>();
    const failed = new Map<number, unknown>();
    const transient = new Set<number>();
    let lastTransient: unknown;
    const started = this.retry.now?.() ?? 0;
    const remaining = () =>
      this.retry.budgetMs === undefined
        ? Number.POSITIVE_INFINITY
        : this.retry.budgetMs - ((this.retry.now?.() ?? 0) - started);
    if (this.stats.every((s) => s.unavailable))
      throw new ArchiveError("UNAVAILABLE", `${path}: every archive source is unavailable`, {
        path,
      });
    for (let round = 1; round <= this.retry.maxAttempts; round++) {
      const order = this.rotation().filter(
        (i) => !absent.has(i) && !failed.has(i) && !(this.stats[i] as SourceOutcome).unavailable,
      );
      let transientThisRound = 0;
      for (const which of order) {
        if (signal?.aborted === true) throw abandoned(path);
        const source = this.sources[which] as ArchiveSource;
        const stats = this.stats[which] as SourceOutcome;
        this.requests++;
        try {
          const bytes = await source.get(path, maxBytes, budgetSignal(signal, remaining()));
          if (bytes !== undefined) {
            stats.served++;
            return bytes;
          }
          stats.absent++;
          absent.add(which);
        } catch (error) {
          if (isAborted(signal)) throw abandoned(path);
          stats.failures++;
          stats.lastError = describeError(error);
          if (error instanceof ArchiveError && error.code === "TRANSIENT") {
            transientThisRound++;
            transient.add(which);
            lastTransient = error;
            this.logger.debug({ source: source.url, path, round }, "archive fetch failed");
          } else {
            failed.set(which, error);
          }
        }
      }
      if (transientThisRound === 0) break;
      if (round === this.retry.maxAttempts) break;
      const delay = backoffDelayMs(this.retry, round);
      if (delay >= remaining()) break;
      this.retries += transientThisRound;
      await this.retry.sleep(delay);
    }
    return this.conclude(path, absent, failed, transient, lastTransient);
  }

  private conclude(
    path: string,
    absent: ReadonlySet<number>,
    failed: ReadonlyMap<number, unknown>,
    transient: ReadonlySet<number>,
    lastTransient: unknown,
  ): undefined {
    // Sources that failed through the whole read, without ever answering, are given up on.
    for (const i of transient)
      if (!absent.has(i)) (this.stats[i] as SourceOutcome).unavailable = true;
    if (failed.size > 0) throw failed.values().next().value;
    if (absent.size > 0) return undefined;
    const budget = this.retry.budgetMs === undefined ? "" : ` or ${this.retry.budgetMs} ms`;
    throw new ArchiveError(
      "UNAVAILABLE",
      `${path}: no source answered in ${this.retry.maxAttempts} rounds${budget} (last: ${describeError(lastTransient)})`,
      { path },
      { cause: lastTransient },
    );
  }

  /** Source indexes starting at the cursor, which then advances by one. */
  private rotation(): number[] {
    const n = this.sources.length;
    const start = this.cursor;
    this.cursor = (this.cursor + 1) % n;
    return Array.from({ length: n }, (_, k) => (start + k) % n);
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
  }
}

/** The caller's signal, cut short when the read's budget runs out. */
function budgetSignal(
  signal: AbortSignal | undefined,
  remainingMs: number,
): AbortSignal | undefined {
  if (!Number.isFinite(remainingMs)) return signal;
  const timeout = AbortSignal.timeout(Math.max(1, Math.floor(remainingMs)));
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** A function, so the compiler does not narrow `aborted` across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function abandoned(path: string): ArchiveError {
  return new ArchiveError("UNAVAILABLE", `${path}: read abandoned`, { path });
}
