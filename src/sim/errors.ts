import { CodedError } from "../util/index.js";

/**
 * Why a simulation could not be set up or a trace could not be replayed; `NODE_FATAL`: a
 * whole-node validator reported a condition MobileCoin panics on (a bug the run must surface).
 */
export const SIM_ERROR_CODES = ["BAD_OPTION", "BAD_TOPOLOGY", "BAD_TRACE", "NODE_FATAL"] as const;
export type SimErrorCode = (typeof SIM_ERROR_CODES)[number];

export class SimError extends CodedError<SimErrorCode> {
  constructor(
    code: SimErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "SimError";
  }
}
