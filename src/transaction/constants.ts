/** Transaction limits, equal to MobileCoin's (`mc_transaction_core::constants`). */

/** `RING_SIZE`: every ring has exactly this many members. */
export const RING_SIZE = 11;
/** `MAX_INPUTS`. */
export const MAX_INPUTS = 16;
/** `MAX_OUTPUTS`. */
export const MAX_OUTPUTS = 16;
/** `MAX_TOMBSTONE_BLOCKS`: how far past the current block a tombstone may be (≈ 7 days). */
export const MAX_TOMBSTONE_BLOCKS = 20160n;
