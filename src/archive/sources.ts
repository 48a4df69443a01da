import { describeError, type Logger, nullLogger } from "../util/index.js";
import { ArchiveError } from "./errors.js";
import { backoffDelayMs, type RetryPolicy } from "./retry.js";
import type { ArchiveSource } from "./store.js";

/**
 * Several mirrors of one archive read as one. Requests start at the next source in rotation
 * (round robin, so load spreads); a transient failure moves straight on to the next source, and
 * only when every source still in play has failed in a round does the reader back off
 * (exponentially, `retry.maxAttempts` rounds at most).
 *
 * A file is absent when every source answered "not found" — one lagging mirror does not end a
 * sync early — or when some did and the rest stayed unreachable through every round (a dead mirror
 * must not make the end of the archive unreachable). A permanent failure (403, too large) is
 * thrown when no source has the file.
 */
export class SourceSet {
  private readonly sources: readonly ArchiveSource[];
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private cursor = 0;
  /** Requests sent, and transient failures retried, for summaries and tests. */
  requests = 0;
  retries = 0;

  constructor(sources: readonly ArchiveSource[], retry: RetryPolicy, logger: Logger = nullLogger) {
    if (sources.length === 0) throw new RangeError("at least one archive source is needed");
    this.sources = sources;
    this.retry = retry;
    this.logger = logger;
  }

  get urls(): string[] {
    return this.sources.map((s) => s.url);
  }

  /** The file from the first source that has it; `signal` abandons the read (prefetches). */
  async get(path: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const absent = new Set<number>();
    const failed = new Map<number, unknown>();
    let lastTransient: unknown;
    for (let round = 1; round <= this.retry.maxAttempts; round++) {
      const order = this.rotation().filter((i) => !absent.has(i) && !failed.has(i));
      let transientThisRound = 0;
      for (const which of order) {
        if (signal?.aborted === true) throw abandoned(path);
        const source = this.sources[which] as ArchiveSource;
        this.requests++;
        try {
          const bytes = await source.get(path, maxBytes, signal);
          if (bytes !== undefined) return bytes;
          absent.add(which);
        } catch (error) {
          if (isAborted(signal)) throw abandoned(path);
          if (error instanceof ArchiveError && error.code === "TRANSIENT") {
            transientThisRound++;
            lastTransient = error;
            this.logger.warn(
              { source: source.url, path, round, error: describeError(error) },
              "archive fetch failed",
            );
          } else {
            failed.set(which, error);
            this.logger.warn(
              { source: source.url, path, error: describeError(error) },
              "archive source failed",
            );
          }
        }
      }
      if (transientThisRound === 0) break;
      if (round === this.retry.maxAttempts) break;
      this.retries += transientThisRound;
      await this.retry.sleep(backoffDelayMs(this.retry, round));
    }
    if (failed.size > 0) throw failed.values().next().value;
    if (absent.size === this.sources.length) return undefined;
    if (absent.size > 0) {
      this.logger.warn(
        { path, error: describeError(lastTransient) },
        "absent from the sources that answered; the others stayed unreachable",
      );
      return undefined;
    }
    throw new ArchiveError(
      "UNAVAILABLE",
      `${path}: no source answered in ${this.retry.maxAttempts} rounds (last: ${describeError(lastTransient)})`,
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

/** A function, so the compiler does not narrow `aborted` across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function abandoned(path: string): ArchiveError {
  return new ArchiveError("UNAVAILABLE", `${path}: read abandoned`, { path });
}
