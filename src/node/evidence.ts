import {
  type AttestationAuthority,
  callOk,
  createDevAuthority,
  decodeStatement,
  type EnclaveHost,
  encodeEvidence,
  enrolmentFor,
  evidenceRefreshAtMs,
  requestStatement,
  type SignedStatement,
  type StatementClientOptions,
} from "../enclave/index.js";
import { describeError } from "../util/index.js";

/**
 * The host's side of the evidence lifecycle (reference enclave-attest.md §9.3, MobileCoin's
 * report cache): NewReport → an attestation authority → InstallEvidence, renewed at
 * `evidenceRefreshAtMs` of the installed statement. A state machine driven by time: `step(nowMs)`
 * does the work that is due and `nextDeadlineMs()` says when to call it again; it arms no timer
 * (the node's driver does). A failed round is retried with a bounded exponential delay while
 * the installed evidence, if any, stays in place.
 */
export const EVIDENCE_LIMITS = {
  /** First retry delay after a failed round, ms. */
  retryInitialMs: 1_000,
  /** Largest retry delay, ms. */
  retryMaxMs: 60_000,
} as const;

/** Who signs statements about our reports. */
export type StatementSource = (report: Uint8Array, nowMs: number) => Promise<SignedStatement>;

export interface StatementSourceOptions {
  readonly iasMode: "DEV" | "PROD";
  /** This node's enrolment credentials (`--ias-spid`, `--ias-api-key`). */
  readonly spid: string;
  readonly apiKey: string;
  /** IAS_MODE=DEV: our own measurement, the only one the built-in authority signs for. */
  readonly measurement: Uint8Array;
  /** IAS_MODE=PROD: the authority service (`--attestation-authority-url`). */
  readonly authority?: StatementClientOptions;
}

/**
 * IAS_MODE=DEV: the built-in development authority, enrolled for exactly this node's credentials
 * and measurement (its statements say dev, so only a development policy accepts them).
 * IAS_MODE=PROD: `requestStatement` to the authority service.
 */
export function statementSource(options: StatementSourceOptions): StatementSource {
  if (options.iasMode === "DEV") {
    const authority: AttestationAuthority = createDevAuthority({
      enrolled: [enrolmentFor(options.spid, options.apiKey)],
      allowedMeasurements: [options.measurement],
    });
    return async (report, nowMs) =>
      authority.issue({ report, spid: options.spid, apiKey: options.apiKey }, nowMs);
  }
  const client = options.authority;
  if (client === undefined) {
    throw new RangeError("IAS_MODE=PROD needs the attestation authority's URL");
  }
  return (report) =>
    requestStatement(client, { report, spid: options.spid, apiKey: options.apiKey });
}

export type EvidenceStepResult =
  | { kind: "idle" }
  | { kind: "installed"; refreshAtMs: number; notAfterMs: number }
  | { kind: "failed"; reason: string; retryAtMs: number };

export interface EvidenceRefresherOptions {
  readonly host: EnclaveHost;
  readonly source: StatementSource;
}

export class EvidenceRefresher {
  readonly #options: EvidenceRefresherOptions;
  #dueAtMs = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #notAfterMs: number | undefined;

  constructor(options: EvidenceRefresherOptions) {
    this.#options = options;
  }

  /** When `step` has work to do (−∞ before the first round: at once). */
  nextDeadlineMs(): number {
    return this.#dueAtMs;
  }

  /** The installed evidence's `notAfter` (ms), undefined before the first install. */
  get notAfterMs(): number | undefined {
    return this.#notAfterMs;
  }

  /** Whether evidence is installed and, by our clock, still valid. */
  hasValidEvidence(nowMs: number): boolean {
    return this.#notAfterMs !== undefined && nowMs <= this.#notAfterMs;
  }

  /** Run a round if one is due at `nowMs`. Never throws: a failure is a result with a retry time. */
  async step(nowMs: number): Promise<EvidenceStepResult> {
    if (nowMs < this.#dueAtMs) return { kind: "idle" };
    try {
      const { host, source } = this.#options;
      const { contents, report } = await callOk(host, { call: "new_report" });
      const signed = await source(report, nowMs);
      await callOk(host, { call: "install_evidence", evidence: encodeEvidence(signed, contents) });
      const statement = decodeStatement(signed.statement);
      this.#failures = 0;
      this.#notAfterMs = statement.notAfterMs;
      this.#dueAtMs = evidenceRefreshAtMs(statement);
      return { kind: "installed", refreshAtMs: this.#dueAtMs, notAfterMs: statement.notAfterMs };
    } catch (error) {
      const delay = Math.min(
        EVIDENCE_LIMITS.retryMaxMs,
        EVIDENCE_LIMITS.retryInitialMs * 2 ** Math.min(this.#failures, 16),
      );
      this.#failures += 1;
      this.#dueAtMs = nowMs + delay;
      return { kind: "failed", reason: describeError(error), retryAtMs: this.#dueAtMs };
    }
  }
}
