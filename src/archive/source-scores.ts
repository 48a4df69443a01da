import { ARCHIVE_LIMITS } from "./limits.js";

/** What a block fetcher knows about one source, for reports and tests. */
export interface SourceScore {
  readonly source: string;
  /** Blocks it served that passed every check. */
  readonly served: number;
  /** Times it served a corrupt or stale block. */
  readonly strikes: number;
  /** Calls that failed (unreachable, timed out): no strike, the next source is tried. */
  readonly failures: number;
  /** It is skipped until this time, ms (0: never skipped). */
  readonly skippedUntilMs: number;
  /** Why it was last struck. */
  readonly lastReason: string | undefined;
}

export interface BackoffLimits {
  readonly badSourceBackoffMs: number;
  readonly badSourceBackoffMaxMs: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Which block sources to ask, and in what order. A source that served a corrupt or stale block
 * is skipped for `badSourceBackoffMs`, doubling per repeat offence up to `badSourceBackoffMaxMs`
 * (a mirror that keeps lying costs us less and less). Sources still in play are asked starting
 * from a cursor that advances by one per call, so load spreads. Pure: time is an argument.
 */
export class SourceScores {
  private readonly scores = new Map<string, Mutable<SourceScore>>();
  private cursor = 0;

  constructor(private readonly limits: BackoffLimits = ARCHIVE_LIMITS) {}

  /** `sources` still in play at `nowMs`, rotated; every call advances the rotation by one. */
  order(sources: readonly string[], nowMs: number): string[] {
    const n = sources.length;
    if (n === 0) return [];
    const start = this.cursor % n;
    this.cursor = (this.cursor + 1) % n;
    const rotated = Array.from({ length: n }, (_, k) => sources[(start + k) % n] as string);
    return rotated.filter((s) => !this.isSkipped(s, nowMs));
  }

  isSkipped(source: string, nowMs: number): boolean {
    return nowMs < (this.scores.get(source)?.skippedUntilMs ?? 0);
  }

  /** `source` served a corrupt or stale block at `nowMs`: skip it for a while. */
  strike(source: string, nowMs: number, reason: string): void {
    const s = this.entry(source);
    s.strikes++;
    const doublings = Math.min(s.strikes - 1, 30);
    const backoff = Math.min(
      this.limits.badSourceBackoffMs * 2 ** doublings,
      this.limits.badSourceBackoffMaxMs,
    );
    s.skippedUntilMs = nowMs + backoff;
    s.lastReason = reason;
  }

  served(source: string, blocks: number): void {
    if (blocks > 0) this.entry(source).served += blocks;
  }

  failed(source: string): void {
    this.entry(source).failures++;
  }

  report(): SourceScore[] {
    return [...this.scores.values()].map((s) => ({ ...s }));
  }

  private entry(source: string): Mutable<SourceScore> {
    let s = this.scores.get(source);
    if (s === undefined) {
      // Bounded: the oldest entry makes room (sources are configured, so this is a safety net).
      if (this.scores.size >= ARCHIVE_LIMITS.scoredSourcesMax) {
        const oldest = this.scores.keys().next().value as string;
        this.scores.delete(oldest);
      }
      s = { source, served: 0, strikes: 0, failures: 0, skippedUntilMs: 0, lastReason: undefined };
      this.scores.set(source, s);
    }
    return s;
  }
}
