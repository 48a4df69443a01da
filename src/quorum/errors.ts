import { CodedError } from "../util/index.js";

/** Why a network file or quorum configuration was rejected. */
export const QUORUM_ERROR_CODES = [
  "FILE_EXTENSION",
  "FILE_SYNTAX",
  "FILE_EMPTY",
  "UNKNOWN_KEY",
  "PEER_KEY",
  "SELF_LISTED",
  "FILE_FIELD",
  "DUPLICATE_PEER",
  "MISSING_TX_SOURCE",
  "INVALID_QUORUM_SET",
  "SEARCH_TOO_LARGE",
] as const;
export type QuorumErrorCode = (typeof QUORUM_ERROR_CODES)[number];

export class QuorumError extends CodedError<QuorumErrorCode> {
  constructor(
    code: QuorumErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "QuorumError";
  }
}
