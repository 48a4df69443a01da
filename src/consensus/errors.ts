import { CodedError } from "../util/index.js";

/** Why the consensus worker refused an input. Counted and dropped by callers; never a crash. */
export const CONSENSUS_ERROR_CODES = [
  /** `PENDING_LIMIT` pending values are waiting: the client is told to retry (MobileCoin `OverCapacity`). */
  "OVER_CAPACITY",
  /** The transaction cache holds `txCacheMax` entries. */
  "TX_CACHE_FULL",
  /** A transaction hash that is not in the cache (for validity, combine or form_block). */
  "TX_NOT_IN_CACHE",
  /** The transaction is not valid against the ledger (tombstone, spent key image, used output key). */
  "TX_INVALID",
  /** An input names a request id the worker does not know (late or forged report). */
  "UNKNOWN_REQUEST",
  /** A block from catch-up does not extend our ledger. */
  "BLOCK_DOES_NOT_EXTEND",
  /** The enclave refused form_block or its reply could not be read. */
  "FORM_BLOCK_FAILED",
] as const;
export type ConsensusErrorCode = (typeof CONSENSUS_ERROR_CODES)[number];

export class ConsensusError extends CodedError<ConsensusErrorCode> {
  constructor(
    code: ConsensusErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "ConsensusError";
  }
}
