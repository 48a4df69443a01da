import { CodedError } from "../util/index.js";

/** Why an SCP input (a peer message, a quorum set, a proposed value) was rejected. */
export type ScpErrorCode =
  | "QSET_THRESHOLD_OUT_OF_RANGE"
  | "QSET_TOO_DEEP"
  | "QSET_TOO_LARGE"
  | "QSET_EMPTY"
  | "QSET_DUPLICATE_NODE"
  | "QSET_MALFORMED"
  | "MSG_FROM_SELF"
  | "MSG_MALFORMED"
  | "MSG_BAD_COUNTERS"
  | "MSG_UNSORTED_VALUES"
  | "MSG_TOO_MANY_VALUES"
  | "MSG_VALUE_TOO_LARGE"
  | "MSG_INVALID_VALUE"
  | "MSG_SLOT_OUT_OF_RANGE"
  | "PROPOSAL_REJECTED";

/** A rejected SCP input. Peer input is counted by code and dropped, never allowed to throw upward. */
export class ScpError extends CodedError<ScpErrorCode> {
  constructor(
    code: ScpErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "ScpError";
  }
}
