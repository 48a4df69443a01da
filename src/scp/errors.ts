import { CodedError } from "../util/index.js";

/** Why an SCP input (a peer message, a quorum set, a proposed value) was rejected. */
export const SCP_ERROR_CODES = [
  "QSET_THRESHOLD_OUT_OF_RANGE",
  "QSET_TOO_DEEP",
  "QSET_TOO_LARGE",
  "QSET_EMPTY",
  "QSET_DUPLICATE_NODE",
  "QSET_MALFORMED",
  "MSG_FROM_SELF",
  "MSG_MALFORMED",
  "MSG_BAD_COUNTERS",
  "MSG_UNSORTED_VALUES",
  "MSG_TOO_MANY_VALUES",
  "MSG_VALUE_TOO_LARGE",
  "MSG_INVALID_VALUE",
  "MSG_SLOT_OUT_OF_RANGE",
  /** The sender is outside the local node's transitive quorum set (stellar-core's herder drops these). */
  "MSG_SENDER_NOT_IN_QUORUM",
  /** A slot already holds statements from `SCP_LIMITS.maxPeersPerSlot` senders. */
  "MSG_TOO_MANY_PEERS",
  /** The buffer for near-future slots is full (`SCP_LIMITS.maxBufferedMessages`). */
  "MSG_BUFFER_FULL",
  "PROPOSAL_REJECTED",
] as const;
export type ScpErrorCode = (typeof SCP_ERROR_CODES)[number];

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
