import { InputError } from "./errors.js";

/**
 * Limits shared by several areas. Each names a bound on something an outsider can grow; an area's
 * own limits live next to its code with the same naming (`MAX_…`, units last). Values marked
 * "MobileCoin" are MobileCoin's constants, kept equal for compatibility.
 */
export const LIMITS = {
  /** Largest gRPC message we accept from a peer or client, bytes. */
  maxGrpcMessageBytes: 16 * 1024 * 1024,
  /** MobileCoin `PENDING_LIMIT`: pending values beyond which client proposals get UNAVAILABLE. */
  pendingValuesMax: 500,
  /** MobileCoin `max_page_size` for `GetBlocks`. */
  getBlocksPageSizeMax: 2000,
  /** MobileCoin `MAX_TRANSACTIONS_PER_BLOCK`. */
  transactionsPerBlockMax: 5000,
  /** MobileCoin `MAX_PENDING_VALUES_TO_NOMINATE`. */
  pendingValuesToNominateMax: 100,
  /** Largest config, network or key file we read, bytes. */
  configFileBytesMax: 1024 * 1024,
} as const;

/** Throw `LIMIT_EXCEEDED` when `actual` exceeds the named limit. */
export function checkLimit(name: string, actual: number, max: number): void {
  if (actual > max) {
    throw new InputError("LIMIT_EXCEEDED", `${name}: ${actual} exceeds the limit of ${max}`, {
      limit: name,
      actual,
      max,
    });
  }
}
