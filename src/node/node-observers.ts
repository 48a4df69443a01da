import type { ValidatorAction } from "../consensus/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { describeError, type Logger } from "../util/index.js";
import type { StartedEnclave } from "./enclave-startup.js";
import { appendingBlock, appendingBlocks, isBehind, slotEnded } from "./log-lines.js";
import type { NodeMetrics } from "./metrics-prom.js";
import type { NodeRuntime } from "./runtime.js";
import type { ValidatorObserver } from "./validator-observer.js";

/** How often gauges are sampled and the evidence deadline looked at. */
export const HOUSEKEEPING_INTERVAL_MS = 1_000;

/**
 * MobileCoin's notable lines for what the validator does (reference mobilecoin-service.md §9.2):
 * each appended block, each slot's end, each catch-up attempt.
 */
export function logObserver(log: Logger, ledger: LedgerReader): ValidatorObserver {
  let wasBehindLogged = false;
  return {
    observeInput(input) {
      if (input.kind === "catch-up-blocks")
        appendingBlocks(log, input.blocks.length, ledger.numBlocks());
    },
    observeActions(actions: readonly ValidatorAction[]) {
      for (const a of actions) {
        if (a.kind === "append-block") {
          const sig = a.data.signature?.signature ?? new Uint8Array(0);
          appendingBlock(log, a.data.block.index, sig, a.values ?? []);
        } else if (a.kind === "externalized") {
          slotEnded(log, a.slot, a.txCount, a.pendingAfter);
          wasBehindLogged = false;
        } else if (a.kind === "sync-ledger") {
          if (!wasBehindLogged) isBehind(log);
          wasBehindLogged = true;
        }
      }
    },
  };
}

export interface HousekeepingPorts {
  readonly runtime: NodeRuntime;
  readonly ledger: LedgerReader & { diskBytes?(): number | undefined };
  readonly metrics: NodeMetrics;
  readonly enclave: StartedEnclave;
  readonly logger: Logger;
}

/**
 * Once a second: sample the gauges, and run an evidence round when the refresher says one is due
 * (MobileCoin's report-cache thread). One round at a time; a failed one keeps the installed
 * evidence and is retried on the refresher's schedule.
 */
export function startHousekeeping(p: HousekeepingPorts): { stop(): void } {
  let round: Promise<void> | undefined;
  const tick = (): void => {
    const validator = p.runtime.validator;
    p.metrics.sample(validator, p.ledger, validator.worker.slotSnapshot());
    const now = Date.now();
    if (round === undefined && now >= p.enclave.evidence.nextDeadlineMs()) {
      round = p.enclave.evidence
        .step(now)
        .then((result) => {
          if (result.kind === "installed") {
            p.metrics.attestationEvidence(Math.floor(now / 1000));
            p.logger.info({ event: "evidence_refreshed" }, "attestation evidence refreshed");
          } else if (result.kind === "failed") {
            p.logger.warn({ event: "evidence_failed", reason: result.reason }, result.reason);
          }
        })
        .catch((error) => p.logger.warn({ err: describeError(error) }, "evidence round failed"))
        .finally(() => {
          round = undefined;
        });
    }
  };
  const timer = setInterval(tick, HOUSEKEEPING_INTERVAL_MS);
  // Housekeeping alone does not keep the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
