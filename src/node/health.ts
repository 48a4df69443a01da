import { ADMIN_LIMITS } from "./admin-limits.js";
import type { QuorumHealth } from "./quorum-health.js";

/**
 * Readiness and liveness with reasons, pure: every input is observable state read by the caller,
 * and time is an argument. `/readyz`, `/livez` and the gRPC health service all answer from here,
 * so they cannot disagree. Each reason is a stable code (docs/OPERATIONS.md, "Health reasons")
 * and a sentence for people.
 */
export const READINESS_CODES = [
  "NOT_IN_SYNC",
  "NO_BLOCK_WHILE_PENDING",
  "NO_QUORUM",
  "ATTESTATION_MISSING",
  "ATTESTATION_EXPIRING",
  "NODE_CLOSING",
] as const;
export const LIVENESS_CODES = ["ENCLAVE_NOT_ANSWERING", "NODE_STOPPED"] as const;
export type HealthCode = (typeof READINESS_CODES)[number] | (typeof LIVENESS_CODES)[number];

export interface HealthReason {
  readonly code: HealthCode;
  readonly text: string;
}

export interface HealthVerdict {
  readonly ok: boolean;
  readonly reasons: readonly HealthReason[];
}

export interface ReadinessInput {
  readonly nowMs: number;
  /** The ledger-sync state's kind (consensus/sync-state.ts). */
  readonly sync: "InSync" | "MaybeBehind" | "IsBehind";
  readonly blockHeight: number;
  /** The highest block index a blocking quorum of peers reached, if known. */
  readonly networkBlockIndex: number | undefined;
  readonly pendingValues: number;
  /** When values started to be pending without interruption; undefined when none are. */
  readonly pendingSinceMs: number | undefined;
  /** When the last block closed here, or when the node started. */
  readonly lastProgressMs: number;
  readonly quorum: Pick<QuorumHealth, "hasQuorum" | "members">;
  /** The attestation evidence's `notAfter` (ms), undefined when none is installed. */
  readonly evidenceNotAfterMs: number | undefined;
  readonly running: boolean;
  readonly noBlockWhilePendingMs?: number;
  readonly evidenceMarginMs?: number;
}

export function readiness(i: ReadinessInput): HealthVerdict {
  const reasons: HealthReason[] = [];
  const add = (code: HealthCode, text: string) => reasons.push({ code, text });
  if (!i.running) add("NODE_CLOSING", "the node is shutting down");
  if (i.sync === "IsBehind") {
    const target =
      i.networkBlockIndex === undefined
        ? ""
        : ` (network at block ${i.networkBlockIndex}, we have ${i.blockHeight} blocks)`;
    add("NOT_IN_SYNC", `behind the network and catching up${target}`);
  }
  const stall = i.noBlockWhilePendingMs ?? ADMIN_LIMITS.noBlockWhilePendingMs;
  if (i.pendingSinceMs !== undefined && i.pendingValues > 0) {
    const since = Math.max(i.pendingSinceMs, i.lastProgressMs);
    if (i.nowMs - since > stall)
      add(
        "NO_BLOCK_WHILE_PENDING",
        `${i.pendingValues} values pending and no block for ${Math.round((i.nowMs - since) / 1000)} s (limit ${stall / 1000} s)`,
      );
  }
  if (!i.quorum.hasQuorum) {
    const missing = i.quorum.members.filter((m) => m.state === "missing").map((m) => m.id);
    add(
      "NO_QUORUM",
      `no quorum of the local quorum set heard from recently${missing.length ? `; missing: ${missing.join(", ")}` : ""}`,
    );
  }
  const margin = i.evidenceMarginMs ?? ADMIN_LIMITS.evidenceMarginMs;
  if (i.evidenceNotAfterMs === undefined)
    add("ATTESTATION_MISSING", "no attestation evidence installed");
  else if (i.evidenceNotAfterMs - i.nowMs < margin)
    add(
      "ATTESTATION_EXPIRING",
      `attestation evidence expires in ${Math.max(0, Math.round((i.evidenceNotAfterMs - i.nowMs) / 60_000))} min (margin ${margin / 60_000} min)`,
    );
  return { ok: reasons.length === 0, reasons };
}

export interface LivenessInput {
  readonly running: boolean;
  /** The enclave answered a ping (within its timeout). */
  readonly enclaveAnswers: boolean;
}

export function liveness(i: LivenessInput): HealthVerdict {
  const reasons: HealthReason[] = [];
  if (!i.running) reasons.push({ code: "NODE_STOPPED", text: "the consensus driver has stopped" });
  if (!i.enclaveAnswers)
    reasons.push({ code: "ENCLAVE_NOT_ANSWERING", text: "the enclave did not answer in time" });
  return { ok: reasons.length === 0, reasons };
}
