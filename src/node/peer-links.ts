import type { FetchOutcome, ValidatorAction, ValidatorInput } from "../consensus/index.js";
import { OBSERVABILITY_LIMITS } from "./observability-limits.js";

export type PeerConnectionState = "connecting" | "connected" | "failing" | "closed";
export const PEER_CONNECTION_STATES: readonly PeerConnectionState[] = [
  "connecting",
  "connected",
  "failing",
  "closed",
];

/** What the outcome of one outgoing call says about the link to a peer. */
export type PeerLinkEvent =
  | { readonly kind: "state"; readonly peer: string; readonly state: PeerConnectionState }
  | { readonly kind: "fetch-failed"; readonly peer: string };

/**
 * The state of our outgoing link to each peer, read off the results of the calls we make to it
 * (broadcasts, keepalive `GetLatestMsg`, `GetTxs`): a call that went through means `connected`, one
 * that failed means `failing`; a fetch that brought no transaction counts as a fetch failure. Fetch results carry only the request id, so the peer of each
 * `fetch-txs` action is remembered until its result arrives (bounded: an id whose result never
 * comes is forgotten oldest first).
 */
export class PeerLinks {
  private readonly fetchPeers = new Map<number, string>();

  /** Remember which peer each transaction fetch went to. */
  onActions(actions: readonly ValidatorAction[]): void {
    for (const a of actions) {
      if (a.kind !== "fetch-txs") continue;
      this.fetchPeers.set(a.id, a.peer);
      if (this.fetchPeers.size > OBSERVABILITY_LIMITS.maxTrackedFetches) {
        const oldest = this.fetchPeers.keys().next().value as number;
        this.fetchPeers.delete(oldest);
      }
    }
  }

  /** The link events an input implies (none for inputs that are not results of our calls). */
  onInput(input: ValidatorInput): PeerLinkEvent[] {
    switch (input.kind) {
      case "broadcast-result":
        return [linkState(input.peer, input.ok)];
      case "latest-msg-result":
        return [linkState(input.peer, input.outcome !== "failed")];
      case "fetch-result":
        return this.fetchResult(input.id, input.outcome.kind);
      default:
        return [];
    }
  }

  /** A call that failed leaves the link failing; `not-in-cache` is an answer, but no transaction. */
  private fetchResult(id: number, outcome: FetchOutcome["kind"]): PeerLinkEvent[] {
    const peer = this.fetchPeers.get(id);
    if (peer === undefined) return [];
    this.fetchPeers.delete(id);
    const state = linkState(peer, outcome !== "failed");
    return outcome === "delivered" ? [state] : [state, { kind: "fetch-failed", peer }];
  }
}

function linkState(peer: string, ok: boolean): PeerLinkEvent {
  return { kind: "state", peer, state: ok ? "connected" : "failing" };
}
