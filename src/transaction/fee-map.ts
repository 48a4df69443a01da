import { D, type DigestNode, digest32 } from "../crypto/index.js";
import { TransactionError } from "./errors.js";

/**
 * Minimum fees per token (MobileCoin `FeeMap`). The enclave's canonical fee map is hashed with
 * Digestible (context `mc-fee-map`) and a client may pin that digest in `Tx.fee_map_digest`.
 */

/** MOB's token id. */
export const MOB_TOKEN_ID = 0n;
/** `Mob::MINIMUM_FEE`: 400 µMOB in picoMOB. */
export const MOB_MINIMUM_FEE = 400_000_000n;
/** `SMALLEST_MINIMUM_FEE_LOG2`: every minimum fee is a nonzero multiple of 2^7. */
export const SMALLEST_MINIMUM_FEE_LOG2 = 7n;
/** Most tokens a fee map may name (a network configures a handful). */
export const MAX_FEE_MAP_TOKENS = 1024;

/** token id → minimum fee, both u64. */
export type FeeMap = ReadonlyMap<bigint, bigint>;

/** The default map: MOB only, at its minimum fee. */
export function defaultFeeMap(): FeeMap {
  return new Map([[MOB_TOKEN_ID, MOB_MINIMUM_FEE]]);
}

/** `FeeMap::is_valid_map`: MOB present, every fee a nonzero multiple of 128. Throws if not. */
export function checkFeeMap(map: FeeMap): void {
  if (map.size > MAX_FEE_MAP_TOKENS) {
    throw new TransactionError("INVALID_FEE_MAP", "too many tokens in the fee map", {
      size: map.size,
    });
  }
  if (!map.has(MOB_TOKEN_ID)) {
    throw new TransactionError("INVALID_FEE_MAP", "the fee map must include MOB (token 0)");
  }
  for (const [token, fee] of map) {
    if (fee >> SMALLEST_MINIMUM_FEE_LOG2 === 0n) {
      throw new TransactionError("INVALID_FEE_MAP", "a minimum fee is below 128", { token, fee });
    }
    if (fee & ((1n << SMALLEST_MINIMUM_FEE_LOG2) - 1n)) {
      throw new TransactionError("INVALID_FEE_MAP", "a minimum fee is not a multiple of 128", {
        token,
        fee,
      });
    }
  }
}

/** The Digestible shape: aggregate `FeeMap { map: seq of Tuple(TokenId{0: uint}, uint) }`. */
export function feeMapDigestNode(map: FeeMap): DigestNode {
  const entries = [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return D.agg("FeeMap", [
    D.field(
      "map",
      D.seq(
        entries.map(([token, fee]) =>
          D.tuple(D.agg("TokenId", [D.field("0", D.u64(token))]), D.u64(fee)),
        ),
      ),
    ),
  ]);
}

/** The fee-map digest a client may pin in `Tx.fee_map_digest`. */
export function feeMapDigest(map: FeeMap): Uint8Array {
  return digest32("mc-fee-map", feeMapDigestNode(map));
}

/** The minimum fee for `tokenId`, or undefined when the token is not configured. */
export function minimumFee(map: FeeMap, tokenId: bigint): bigint | undefined {
  return map.get(tokenId);
}
