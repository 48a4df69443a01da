import { PEERS_LIMITS } from "./limits.js";

/**
 * Keepalive to silent peers (MobileCoin `PeerKeepalive`, consensus/service/src/peer_keepalive.rs;
 * reference §6.7), sans I/O. Every peer counts as heard at start. A peer not heard from for more
 * than `silenceMs` is asked for its latest message, at most once per `intervalMs`. An empty answer
 * counts as hearing from it; a message answer is verified and handed to the incoming path by the
 * caller, which reports `heard-from` when it is accepted (as MobileCoin's incoming queue does); a
 * failure changes nothing (the next probe comes after the interval).
 */
export interface KeepaliveOptions {
  readonly peers: readonly string[];
  readonly startMs: number;
  readonly silenceMs?: number;
  readonly intervalMs?: number;
}

export type KeepaliveInput =
  /** A verified consensus message arrived relayed by `peer`. */
  | { readonly kind: "heard-from"; readonly peer: string }
  /** The outcome of a `fetch-latest-msg` action. */
  | {
      readonly kind: "latest-msg-result";
      readonly peer: string;
      readonly outcome: "empty" | "message" | "failed";
    };

export interface KeepaliveAction {
  readonly kind: "fetch-latest-msg";
  readonly peer: string;
}

interface PeerClock {
  lastHeard: number;
  lastAttempt: number | undefined;
}

export class PeerKeepalive {
  private readonly peers = new Map<string, PeerClock>();
  private readonly silenceMs: number;
  private readonly intervalMs: number;

  constructor(o: KeepaliveOptions) {
    this.silenceMs = o.silenceMs ?? PEERS_LIMITS.keepaliveSilenceMs;
    this.intervalMs = o.intervalMs ?? PEERS_LIMITS.keepaliveIntervalMs;
    for (const p of o.peers) this.peers.set(p, { lastHeard: o.startMs, lastAttempt: undefined });
  }

  handle(input: KeepaliveInput, nowMs: number): KeepaliveAction[] {
    const clock = this.peers.get(input.peer);
    if (clock !== undefined) {
      if (input.kind === "heard-from" || input.outcome === "empty") clock.lastHeard = nowMs;
    }
    return this.tick(nowMs);
  }

  tick(nowMs: number): KeepaliveAction[] {
    const out: KeepaliveAction[] = [];
    for (const [peer, c] of this.peers) {
      if (nowMs < this.probeAt(c)) continue;
      c.lastAttempt = nowMs;
      out.push({ kind: "fetch-latest-msg", peer });
    }
    return out;
  }

  nextDeadlineMs(): number | null {
    let next: number | null = null;
    for (const c of this.peers.values()) {
      const at = this.probeAt(c);
      if (next === null || at < next) next = at;
    }
    return next;
  }

  /** Silent means strictly more than `silenceMs` since last heard (MobileCoin's `>`). */
  private probeAt(c: PeerClock): number {
    const silentAt = c.lastHeard + this.silenceMs + 1;
    return c.lastAttempt === undefined
      ? silentAt
      : Math.max(silentAt, c.lastAttempt + this.intervalMs);
  }
}
