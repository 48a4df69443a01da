import { CONSENSUS_LIMITS } from "./limits.js";

/**
 * The ledger-sync state machine (MobileCoin `LedgerSyncState`, consensus/service/src/
 * byzantine_ledger/{ledger_sync_state,worker}.rs; reference §6.6). `InSync` becomes `MaybeBehind`
 * when the network is ahead; after `IS_BEHIND_GRACE_PERIOD` of continuous behind-ness it is
 * `IsBehind` and catch-up is attempted; a failed attempt waits `min(attempts + 1, 60)` seconds, a
 * successful one retries at once. Not being behind, or externalizing a slot, returns to `InSync`.
 */
export type SyncState =
  | { readonly kind: "InSync" }
  | { readonly kind: "MaybeBehind"; readonly sinceMs: number }
  | { readonly kind: "IsBehind"; readonly attemptAtMs: number; readonly attempts: number };

export type SyncAction = "none" | "became-behind" | "attempt-sync" | "back-in-sync";

export class LedgerSyncState {
  private s: SyncState = { kind: "InSync" };
  private attemptInFlight = false;

  constructor(private readonly graceMs: number = CONSENSUS_LIMITS.isBehindGraceMs) {}

  get state(): SyncState {
    return this.s;
  }

  get isBehind(): boolean {
    return this.s.kind === "IsBehind";
  }

  /** Advance with the network's verdict; answers what the worker must do now. */
  step(behind: boolean, nowMs: number): SyncAction {
    const s = this.s;
    if (!behind) {
      if (this.attemptInFlight) return "none";
      this.s = { kind: "InSync" };
      return s.kind === "IsBehind" ? "back-in-sync" : "none";
    }
    if (s.kind === "InSync") {
      this.s = { kind: "MaybeBehind", sinceMs: nowMs };
      return "none";
    }
    if (s.kind === "MaybeBehind") {
      if (nowMs - s.sinceMs < this.graceMs) return "none";
      this.s = { kind: "IsBehind", attemptAtMs: nowMs, attempts: 0 };
      return this.attemptIfDue(nowMs) === "attempt-sync" ? "attempt-sync" : "became-behind";
    }
    return this.attemptIfDue(nowMs);
  }

  /** The result of an attempt: success tries again at once, failure backs off. */
  attemptDone(ok: boolean, nowMs: number): void {
    this.attemptInFlight = false;
    if (this.s.kind !== "IsBehind") return;
    const attempts = ok ? 0 : this.s.attempts + 1;
    const waitMs = ok ? 0 : Math.min(attempts * 1000, CONSENSUS_LIMITS.syncRetryMaxMs);
    this.s = { kind: "IsBehind", attemptAtMs: nowMs + waitMs, attempts };
  }

  /** A slot externalized locally: the node has caught up enough (MobileCoin forces `InSync`). */
  externalized(): void {
    if (!this.attemptInFlight) this.s = { kind: "InSync" };
  }

  /** When `step` has something time-driven to do, or null. */
  nextDeadlineMs(): number | null {
    const s = this.s;
    if (s.kind === "MaybeBehind") return s.sinceMs + this.graceMs;
    if (s.kind === "IsBehind" && !this.attemptInFlight) return s.attemptAtMs;
    return null;
  }

  private attemptIfDue(nowMs: number): SyncAction {
    const s = this.s;
    if (s.kind !== "IsBehind" || this.attemptInFlight || nowMs < s.attemptAtMs) return "none";
    this.attemptInFlight = true;
    return "attempt-sync";
  }
}
