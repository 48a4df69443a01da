import { OBSERVABILITY_LIMITS } from "./observability-limits.js";

/**
 * A label whose values are bounded: the first `max` distinct values are kept, later ones are
 * reported as `overflow`. Keeps a hostile peer or client from growing the metrics registry.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number = OBSERVABILITY_LIMITS.maxLabelValues,
    private readonly overflow: string = OBSERVABILITY_LIMITS.overflowLabel,
  ) {}

  of(value: string): string {
    const v = value.slice(0, OBSERVABILITY_LIMITS.maxLabelLength);
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(v);
    return v;
  }
}

/** Configured peers keep their responder id as label; anyone else is one `stranger`. */
export class PeerLabel {
  private readonly known: ReadonlySet<string>;

  constructor(peers: readonly string[]) {
    this.known = new Set(peers);
  }

  of(responderId: string): string {
    return this.known.has(responderId) ? responderId : OBSERVABILITY_LIMITS.strangerLabel;
  }

  get configured(): readonly string[] {
    return [...this.known];
  }
}

const GRPC_CODE_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

/** grpcio's `RpcStatusCode` display, which MobileCoin uses as the `status_code` label: `3-INVALID_ARGUMENT`. */
export function grpcStatusCodeLabel(code: number): string {
  return `${code}-${GRPC_CODE_NAMES[code] ?? "INVALID_STATUS_CODE"}`;
}

/** MobileCoin's method label: the request path without its leading `/`, with `/` as `.`. */
export function grpcMethodLabel(path: string): string {
  const p = path.startsWith("/") ? path.slice(1) : path;
  return p.length === 0 ? "unknown_method" : p.replaceAll("/", ".");
}
