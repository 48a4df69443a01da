import { CodedError } from "../util/index.js";

/**
 * Why the ledger refused a block or a query. Append codes follow MobileCoin's `validate_append_block`
 * (reference mobilecoin-service.md §10.1) so operators see the same causes.
 */
export const LEDGER_ERROR_CODES = [
  "INVALID_BLOCK_INDEX",
  "INVALID_PARENT_BLOCK_ID",
  "INVALID_BLOCK_VERSION",
  "INVALID_ORIGIN_BLOCK",
  "NO_OUTPUTS",
  "TOO_FEW_OUTPUTS",
  "NO_KEY_IMAGES",
  "INVALID_BLOCK_CONTENTS",
  "UNKNOWN_MASKED_AMOUNT_VERSION",
  "KEY_IMAGE_ALREADY_SPENT",
  "DUPLICATE_OUTPUT_PUBLIC_KEY",
  "INVALID_BLOCK_ID",
  "INVALID_CUMULATIVE_TXO_COUNT",
  "BLOCK_METADATA_REQUIRED",
  "MINTING_NOT_SUPPORTED",
  "NOT_FOUND",
  "NO_OUTPUTS_IN_LEDGER",
  "INCOMPATIBLE_VERSION",
  "CORRUPT",
  "CLOSED",
] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export class LedgerError extends CodedError<LedgerErrorCode> {
  constructor(
    code: LedgerErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "LedgerError";
  }
}
